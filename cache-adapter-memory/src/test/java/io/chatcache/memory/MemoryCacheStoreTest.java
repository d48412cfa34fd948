package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

class MemoryCacheStoreTest {

    private final ManualTicker ticker = new ManualTicker();
    private final List<String> removals = new CopyOnWriteArrayList<>();
    private final List<MemoryCacheStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(MemoryCacheStore::close);
    }

    private MemoryCacheStore store(long maximumSize) {
        MemoryCacheStore store = MemoryCacheStore.builder()
                .maximumSize(maximumSize)
                .defaultTtl(Duration.ofMinutes(10))
                .cleanupInterval(Duration.ZERO)
                .ticker(ticker)
                .build();
        store.addRemovalListener((key, cause) -> removals.add(key + ":" + cause));
        opened.add(store);
        return store;
    }

    @Nested
    class Eviction {
        @Test
        void putBeyondTheBoundEvictsTheLeastRecentlyUsedEntry() {
            MemoryCacheStore store = store(3);
            store.put("a", 1);
            store.put("b", 2);
            store.put("c", 3);
            store.get("a", Integer.class);

            store.put("d", 4);

            assertThat(store.get("b", Integer.class)).isEmpty();
            assertThat(store.get("a", Integer.class)).contains(1);
            assertThat(removals).containsExactly("b:EVICTED");
            assertThat(store.stats().evictions()).isEqualTo(1);
            assertThat(store.stats().entryCount()).isEqualTo(3);
        }

        @Test
        void putOfAnExistingKeyMakesItTheMostRecentlyUsed() {
            MemoryCacheStore store = store(3);
            store.put("a", 1);
            store.put("b", 2);
            store.put("c", 3);
            store.put("a", 10);

            store.put("d", 4);

            assertThat(removals).containsExactly("a:REPLACED", "b:EVICTED");
            assertThat(store.get("a", Integer.class)).contains(10);
        }

        @Test
        void missesDoNotRefreshAnEntry() {
            MemoryCacheStore store = store(2);
            store.put("a", "text");
            store.put("b", "other");
            store.get("a", Integer.class);
            store.get("zzz", String.class);

            store.put("c", "new");

            assertThat(removals).containsExactly("a:EVICTED");
        }

        @Test
        void manyReadsBetweenWritesAreAllReplayedInOrder() {
            // More reads than one read buffer stripe holds, so the reader drains it itself.
            MemoryCacheStore store = store(100);
            for (int i = 0; i < 100; i++) {
                store.put("k" + i, i);
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 99; i >= 1; i--) {
                    store.get("k" + i, Integer.class);
                }
            }

            store.put("new", -1);

            assertThat(removals).containsExactly("k0:EVICTED");
            store.put("new2", -2);
            assertThat(removals).containsExactly("k0:EVICTED", "k99:EVICTED");
        }

        @Test
        void orderIsExactForTheOneThreadThatUsesTheStoreEvenIfAnotherBuiltIt() throws Exception {
            MemoryCacheStore store = store(4);
            CompletableFuture.runAsync(() -> readOfAWhileHalfFullThenFill(store)).get(10, TimeUnit.SECONDS);

            assertThat(removals).containsExactly("b:EVICTED");
        }

        @Test
        void onceSeveralThreadsUseTheStoreReadsWhileAtMostHalfFullAreNotRecorded() throws Exception {
            MemoryCacheStore store = store(4);
            store.put("warm-up", 0);
            store.get("warm-up", Integer.class);
            store.delete("warm-up");
            CompletableFuture.runAsync(() -> readOfAWhileHalfFullThenFill(store)).get(10, TimeUnit.SECONDS);

            assertThat(removals).containsExactly("warm-up:EXPLICIT", "a:EVICTED");
        }

        private void readOfAWhileHalfFullThenFill(MemoryCacheStore store) {
            store.put("a", 1);
            store.put("b", 2);
            store.get("a", Integer.class);
            store.put("c", 3);
            store.put("d", 4);
            store.put("e", 5);
        }

        @Test
        void aPutOverALiveKeyKeepsOneEntryAndItsWeight() {
            MemoryCacheStore store = store(3);
            store.put("a", "x");
            long weight = store.stats().totalSizeBytes();

            store.put("a", "y");
            store.put("a", "zz");

            assertThat(store.stats().entryCount()).isEqualTo(1);
            assertThat(store.stats().totalSizeBytes()).isEqualTo(weight + 2);
            assertThat(store.get("a", String.class)).contains("zz");
            assertThat(removals).containsExactly("a:REPLACED", "a:REPLACED");
        }

        @Test
        void aKeyMayMoveBetweenExpiringAndNeverExpiring() {
            MemoryCacheStore store = store(3);
            store.put("a", "1", CacheStore.NO_EXPIRY);
            store.put("a", "2", Duration.ofSeconds(5));
            ticker.advance(Duration.ofSeconds(4));
            store.put("a", "3", CacheStore.NO_EXPIRY);
            ticker.advance(Duration.ofDays(1));

            assertThat(store.get("a", String.class)).contains("3");
            store.put("a", "4", Duration.ofSeconds(1));
            ticker.advance(Duration.ofSeconds(1));
            assertThat(store.get("a", String.class)).isEmpty();
            assertThat(removals).containsExactly("a:REPLACED", "a:REPLACED", "a:REPLACED", "a:EXPIRED");
        }

        @Test
        void byteBoundEvictsUntilTheTotalFits() {
            MemoryCacheStore store = MemoryCacheStore.builder()
                    .maximumWeightBytes(100)
                    .weigher((key, value) -> ((String) value).length())
                    .cleanupInterval(Duration.ZERO)
                    .build();
            opened.add(store);
            store.addRemovalListener((key, cause) -> removals.add(key + ":" + cause));
            store.put("a", "x".repeat(40));
            store.put("b", "x".repeat(40));
            store.put("c", "x".repeat(20));

            store.put("d", "x".repeat(70));

            assertThat(removals).containsExactly("a:EVICTED", "b:EVICTED");
            assertThat(store.stats().totalSizeBytes()).isEqualTo(90);
        }

        @Test
        void aValueHeavierThanTheByteBoundIsRefusedAndNothingChanges() {
            MemoryCacheStore store = MemoryCacheStore.builder()
                    .maximumWeightBytes(100)
                    .weigher((key, value) -> ((String) value).length())
                    .cleanupInterval(Duration.ZERO)
                    .build();
            opened.add(store);
            store.put("a", "small");

            assertThatThrownBy(() -> store.put("a", "x".repeat(101)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("maximumWeightBytes");

            assertThat(store.get("a", String.class)).contains("small");
            assertThat(store.stats().totalSizeBytes()).isEqualTo(5);
        }
    }

    @Nested
    class Expiry {
        @Test
        void getReturnsEmptyAfterTtlElapses() {
            MemoryCacheStore store = store(10);
            store.put("k", "v", Duration.ofSeconds(30));

            ticker.advance(Duration.ofSeconds(29));
            assertThat(store.get("k", String.class)).contains("v");
            ticker.advance(Duration.ofSeconds(1));

            assertThat(store.get("k", String.class)).isEmpty();
            assertThat(removals).containsExactly("k:EXPIRED");
            CacheStats stats = store.stats();
            assertThat(stats.expirations()).isEqualTo(1);
            assertThat(stats.entryCount()).isZero();
            assertThat(stats.misses()).isEqualTo(1);
        }

        @Test
        void aDeadlineOfExactlyLongMaxValueExpiresThereAndNotANanosecondEarly() {
            ManualTicker nearTheEnd = new ManualTicker(Long.MAX_VALUE - 10);
            MemoryCacheStore store = MemoryCacheStore.builder().ticker(nearTheEnd).cleanupInterval(Duration.ZERO).build();
            opened.add(store);
            store.put("k", "v", Duration.ofNanos(10));
            // Written again in place, and as a new node after a key without expiry: the same deadline.
            store.put("in-place", "v", Duration.ofSeconds(1));
            store.put("in-place", "v", Duration.ofNanos(10));
            store.put("was-never", "v", CacheStore.NO_EXPIRY);
            store.put("was-never", "v", Duration.ofNanos(10));

            nearTheEnd.advance(9);
            assertThat(store.getEntry("k", ValueType.of(String.class))).contains(new CacheEntry<>("v", Duration.ofNanos(1)));
            assertThat(store.get("in-place", String.class)).contains("v");
            assertThat(store.get("was-never", String.class)).contains("v");
            assertThat(store.cleanupExpired()).isZero();
            nearTheEnd.advance(1);
            assertThat(nearTheEnd.read()).isEqualTo(Long.MAX_VALUE);
            assertThat(store.get("k", String.class)).isEmpty();
            assertThat(store.get("in-place", String.class)).isEmpty();
            assertThat(store.get("was-never", String.class)).isEmpty();
        }

        @Test
        void aDeadlinePastLongMaxValueWrapsAndStillExpiresOnTime() {
            ManualTicker nearTheEnd = new ManualTicker(Long.MAX_VALUE - 10);
            MemoryCacheStore store = MemoryCacheStore.builder().ticker(nearTheEnd).cleanupInterval(Duration.ZERO).build();
            opened.add(store);
            store.put("k", "v", Duration.ofNanos(30));

            nearTheEnd.advance(29);
            assertThat(store.get("k", String.class)).contains("v");
            nearTheEnd.advance(1);
            assertThat(store.get("k", String.class)).isEmpty();
        }

        @Test
        void defaultTtlAppliesToPutWithoutTtl() {
            MemoryCacheStore store = store(10);
            store.put("k", "v");

            ticker.advance(Duration.ofMinutes(10).minusNanos(1));
            assertThat(store.get("k", String.class)).isPresent();
            ticker.advance(Duration.ofNanos(1));
            assertThat(store.get("k", String.class)).isEmpty();
        }

        @Test
        void defaultStoreKeepsEntriesForOneHour() {
            MemoryCacheStore store = MemoryCacheStore.builder().ticker(ticker).cleanupInterval(Duration.ZERO).build();
            opened.add(store);
            store.put("k", "v");

            ticker.advance(Duration.ofMinutes(59));
            assertThat(store.get("k", String.class)).isPresent();
            ticker.advance(Duration.ofMinutes(1));
            assertThat(store.get("k", String.class)).isEmpty();
        }

        @Test
        void noExpiryEntriesOutliveAnyTime() {
            MemoryCacheStore store = store(10);
            store.put("k", "v", CacheStore.NO_EXPIRY);

            ticker.advance(Duration.ofDays(365 * 100));

            assertThat(store.getEntry("k", ValueType.of(String.class)))
                    .contains(new CacheEntry<>("v", CacheStore.NO_EXPIRY));
        }

        @Test
        void getEntryReportsTheRemainingTtl() {
            MemoryCacheStore store = store(10);
            store.put("k", "v", Duration.ofSeconds(30));
            ticker.advance(Duration.ofSeconds(12));

            assertThat(store.getEntry("k", ValueType.of(String.class)))
                    .contains(new CacheEntry<>("v", Duration.ofSeconds(18)));
        }

        @Test
        void cleanupExpiredRemovesOnlyExpiredEntriesAndCountsThem() {
            MemoryCacheStore store = store(10);
            store.put("short1", "v", Duration.ofSeconds(1));
            store.put("short2", "v", Duration.ofSeconds(1));
            store.put("long", "v", Duration.ofSeconds(100));
            ticker.advance(Duration.ofSeconds(2));

            assertThat(store.cleanupExpired()).isEqualTo(2);

            assertThat(removals).containsExactlyInAnyOrder("short1:EXPIRED", "short2:EXPIRED");
            assertThat(store.stats().entryCount()).isEqualTo(1);
            assertThat(store.stats().expirations()).isEqualTo(2);
            assertThat(store.cleanupExpired()).isZero();
        }

        @Test
        void replacingOrDeletingAnExpiredEntryReportsItAsExpired() {
            MemoryCacheStore store = store(10);
            store.put("a", "v", Duration.ofSeconds(1));
            store.put("b", "v", Duration.ofSeconds(1));
            ticker.advance(Duration.ofSeconds(1));

            store.put("a", "new");
            assertThat(store.delete("b")).isFalse();

            assertThat(removals).containsExactly("a:EXPIRED", "b:EXPIRED");
        }

        @Test
        void anExpiredEldestEntryIsReportedAsExpiredWhenEvicted() {
            MemoryCacheStore store = store(1);
            store.put("a", "v", Duration.ofSeconds(1));
            ticker.advance(Duration.ofSeconds(5));

            store.put("b", "v");

            assertThat(removals).containsExactly("a:EXPIRED");
            assertThat(store.stats().evictions()).isZero();
            assertThat(store.stats().expirations()).isEqualTo(1);
        }

        @Test
        void periodicCleanupRunsOnTheSharedDaemonThreadUntilClose() {
            MemoryCacheStore store = MemoryCacheStore.builder()
                    .ticker(ticker)
                    .cleanupInterval(Duration.ofMillis(10))
                    .build();
            opened.add(store);
            List<String> threads = new CopyOnWriteArrayList<>();
            store.addRemovalListener((key, cause) -> threads.add(Thread.currentThread().getName() + "/"
                    + Thread.currentThread().isDaemon() + "/" + key + ":" + cause));
            store.put("k", "v", Duration.ofSeconds(1));
            ticker.advance(Duration.ofSeconds(1));

            await().atMost(Duration.ofSeconds(10)).until(() -> store.stats().expirations() == 1);
            assertThat(threads).containsExactly("chat-cache-memory-cleanup/true/k:EXPIRED");

            assertThat(store.isCleanupScheduled()).isTrue();
            store.close();
            assertThat(store.isCleanupScheduled()).isFalse();
            store.close();
        }

        @Test
        void zeroCleanupIntervalSchedulesNothing() {
            MemoryCacheStore store = store(10);
            assertThat(store.isCleanupScheduled()).isFalse();
        }
    }

    @Nested
    class Listeners {
        @Test
        void eachRemovalIsReportedWithItsCause() {
            MemoryCacheStore store = store(2);
            store.put("a", 1);
            store.put("a", 2);
            store.put("b", 3);
            store.put("c", 4);
            store.delete("b");
            store.put("d", 5);
            store.deleteMatching(KeyPattern.glob("d"));
            store.clear();

            assertThat(removals).containsExactly("a:REPLACED", "a:EVICTED", "b:EXPLICIT", "d:EXPLICIT", "c:CLEARED");
        }

        @Test
        void nothingIsReportedForAbsentKeys() {
            MemoryCacheStore store = store(2);

            assertThat(store.delete("absent")).isFalse();
            assertThat(store.deleteMatching(KeyPattern.glob("*"))).isZero();
            store.clear();

            assertThat(removals).isEmpty();
        }

        @Test
        void aFailingListenerDoesNotStopTheOperationOrTheOtherListeners() {
            MemoryCacheStore store = store(2);
            store.addRemovalListener((key, cause) -> {
                throw new IllegalStateException("listener failure on purpose");
            });
            List<String> after = new ArrayList<>();
            store.addRemovalListener((key, cause) -> after.add(key));
            store.put("a", 1);

            store.put("a", 2);
            assertThat(store.delete("a")).isTrue();

            assertThat(after).containsExactly("a", "a");
            assertThat(store.get("a", Integer.class)).isEmpty();
        }

        @Test
        void listenersRunOutsideTheLockSoOtherThreadsMayWriteMeanwhile() {
            MemoryCacheStore store = store(2);
            List<Optional<Integer>> seen = new CopyOnWriteArrayList<>();
            store.addRemovalListener((key, cause) -> {
                if (cause == RemovalCause.EVICTED) {
                    // Another thread: a lock still held by this one would make it wait, and the join time out.
                    CompletableFuture.runAsync(() -> store.put("after-" + key, 0))
                            .orTimeout(10, TimeUnit.SECONDS).join();
                    seen.add(store.get("after-" + key, Integer.class));
                }
            });
            store.put("a", 1);
            store.put("b", 2);

            store.put("c", 3);

            assertThat(seen).first().isEqualTo(Optional.of(0));
        }

        @Test
        void closedSubscriptionHearsNothingMore() {
            MemoryCacheStore store = store(2);
            List<String> heard = new ArrayList<>();
            Subscription subscription = store.addRemovalListener((key, cause) -> heard.add(key));
            store.put("a", 1);
            store.delete("a");

            subscription.close();
            subscription.close();
            store.put("b", 1);
            store.delete("b");

            assertThat(heard).containsExactly("a");
        }
    }

    @Nested
    class Patterns {
        @Test
        void deleteMatchingTreatsSpecialCharactersInKeysLiterally() {
            MemoryCacheStore store = store(100);
            List<String> keys = List.of("user:*:profile", "user:?:x", "user:[1]", "user:\\back", "user:naïve:日本",
                    "user:plain", "other:*");
            keys.forEach(key -> store.put(key, key));

            assertThat(store.deleteMatching(KeyPattern.literal("user:*:profile"))).isEqualTo(1);
            assertThat(store.deleteMatching(KeyPattern.prefix("user:["))).isEqualTo(1);
            assertThat(store.deleteMatching(KeyPattern.literal("user:\\back"))).isEqualTo(1);
            assertThat(store.deleteMatching(KeyPattern.glob("user:na?ve:*"))).isEqualTo(1);

            assertThat(store.get("user:?:x", String.class)).isPresent();
            assertThat(store.get("user:plain", String.class)).isPresent();
            assertThat(store.get("other:*", String.class)).isPresent();
            assertThat(removals).containsExactlyInAnyOrder("user:*:profile:EXPLICIT", "user:[1]:EXPLICIT",
                    "user:\\back:EXPLICIT", "user:naïve:日本:EXPLICIT");

            assertThat(store.deleteMatching(KeyPattern.glob("user:*"))).isEqualTo(2);
            assertThat(store.stats().entryCount()).isEqualTo(1);
        }

        @Test
        void deleteMatchingCountsOnlyUnexpiredEntries() {
            MemoryCacheStore store = store(100);
            store.put("s:1", "v", Duration.ofSeconds(1));
            store.put("s:2", "v", Duration.ofSeconds(100));
            ticker.advance(Duration.ofSeconds(2));

            assertThat(store.deleteMatching(KeyPattern.glob("s:*"))).isEqualTo(1);
            assertThat(removals).containsExactlyInAnyOrder("s:1:EXPIRED", "s:2:EXPLICIT");
            assertThat(store.stats().entryCount()).isZero();
        }
    }

    @Nested
    class Statistics {
        @Test
        void statsCountHitsMissesAndWrongTypesAsErrors() {
            MemoryCacheStore store = store(10);
            store.put("k", "text");

            store.get("k", String.class);
            store.get("k", Integer.class);
            store.get("absent", String.class);

            CacheStats stats = store.stats();
            assertThat(stats.hits()).isEqualTo(1);
            assertThat(stats.misses()).isEqualTo(2);
            assertThat(stats.errors()).isEqualTo(1);
            assertThat(stats.entryCount()).isEqualTo(1);
            assertThat(store.get("k", CharSequence.class)).contains("text");
        }

        @Test
        void totalSizeBytesGrowsWithTheValuesSize() {
            MemoryCacheStore store = store(10);
            store.put("small", "x");
            long small = store.stats().totalSizeBytes();

            store.put("big", "x".repeat(10_240));

            assertThat(store.stats().totalSizeBytes() - small).isGreaterThanOrEqualTo(10_240);
            store.delete("big");
            assertThat(store.stats().totalSizeBytes()).isEqualTo(small);
            store.clear();
            assertThat(store.stats().totalSizeBytes()).isZero();
        }

        @Test
        void totalSizeBytesIsTheSumOfTheWeigherForHeldEntries() {
            Weigher weigher = (key, value) -> key.length() * 100L + ((String) value).length();
            MemoryCacheStore store = MemoryCacheStore.builder().weigher(weigher).maximumSize(2)
                    .cleanupInterval(Duration.ZERO).build();
            opened.add(store);
            store.put("a", "12345");
            store.put("bb", "1");
            store.put("a", "123");
            store.put("ccc", "");

            assertThat(store.stats().totalSizeBytes()).isEqualTo(103 + 300);
        }
    }

    @Nested
    class BadInput {
        private MemoryCacheStore store;
        private CacheStats before;

        private void given() {
            store = store(10);
            store.put("k", "v");
            removals.clear();
        }

        private void assertRefusedAndNothingChanged(ThrowingConsumer<MemoryCacheStore> call, String argument)
                throws Throwable {
            given();
            before = store.stats();
            assertThatThrownBy(() -> call.accept(store))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.argument()).isEqualTo(argument));
            assertThat(removals).isEmpty();
            CacheStats after = store.stats();
            assertThat(after.entryCount()).isEqualTo(before.entryCount());
            assertThat(after.totalSizeBytes()).isEqualTo(before.totalSizeBytes());
            assertThat(store.get("k", String.class)).contains("v");
        }

        @Test
        void nullKeyIsRefused() throws Throwable {
            assertRefusedAndNothingChanged(s -> s.put(null, "x"), "key");
            assertRefusedAndNothingChanged(s -> s.get(null, String.class), "key");
            assertRefusedAndNothingChanged(s -> s.delete(null), "key");
        }

        @Test
        void emptyKeyIsRefused() throws Throwable {
            assertRefusedAndNothingChanged(s -> s.put("", "x"), "key");
            assertRefusedAndNothingChanged(s -> s.getEntry("", ValueType.of(String.class)), "key");
        }

        @Test
        void tooLongKeyIsRefused() throws Throwable {
            assertRefusedAndNothingChanged(s -> s.put("k".repeat(1025), "x"), "key");
            assertRefusedAndNothingChanged(s -> s.getOrLoad("k".repeat(1025), ValueType.of(String.class),
                    () -> "x", Duration.ofSeconds(1)), "key");
        }

        @Test
        void nullValueIsRefused() throws Throwable {
            assertRefusedAndNothingChanged(s -> s.put("k", null), "value");
        }

        @Test
        void nullZeroAndNegativeTtlsAreRefused() throws Throwable {
            assertRefusedAndNothingChanged(s -> s.put("k", "other", null), "ttl");
            assertRefusedAndNothingChanged(s -> s.put("k", "other", Duration.ZERO), "ttl");
            assertRefusedAndNothingChanged(s -> s.put("k", "other", Duration.ofSeconds(-1)), "ttl");
            assertRefusedAndNothingChanged(s -> s.getOrLoad("k2", ValueType.of(String.class), () -> "x",
                    Duration.ZERO), "ttl");
        }

        @Test
        void nullPatternTypeLoaderAndListenerAreRefused() throws Throwable {
            assertRefusedAndNothingChanged(s -> s.deleteMatching(null), "pattern");
            assertRefusedAndNothingChanged(s -> s.get("k", (ValueType<String>) null), "type");
            assertRefusedAndNothingChanged(s -> s.getOrLoad("k2", ValueType.of(String.class), null,
                    Duration.ofSeconds(1)), "loader");
            assertRefusedAndNothingChanged(s -> s.addRemovalListener(null), "listener");
        }

        @Test
        void negativeWeightFromTheWeigherIsRefused() {
            MemoryCacheStore negative = MemoryCacheStore.builder().weigher((key, value) -> -1)
                    .cleanupInterval(Duration.ZERO).build();
            opened.add(negative);

            assertThatThrownBy(() -> negative.put("k", "v")).isInstanceOf(InvalidInputException.class);
            assertThat(negative.stats().entryCount()).isZero();
        }

        @Test
        void putAllChecksEveryEntryBeforeWritingAny() throws Throwable {
            Map<String, Object> entries = new java.util.LinkedHashMap<>();
            entries.put("fine", "x");
            entries.put("", "y");
            assertRefusedAndNothingChanged(s -> s.putAll(entries, Duration.ofSeconds(1)), "key");
            assertThat(store.get("fine", String.class)).isEmpty();
        }
    }

    @Test
    void aReservedStringIsAHitThroughReservedValueReadsWhileAnotherTypeStaysAnError() {
        try (MemoryCacheStore store = MemoryCacheStore.builder().cleanupInterval(Duration.ZERO).build()) {
            String reserved = "\u0000reserved";
            store.put("marked", reserved, Duration.ofMinutes(5));
            store.put("number", 7, Duration.ofMinutes(5));
            store.put("text", "not a number", Duration.ofMinutes(5));
            io.chatcache.core.ReservedValueReads reads =
                    store.capability(io.chatcache.core.ReservedValueReads.class).orElseThrow();

            CacheEntry<Object> marked = reads.getEntryOrReserved("marked", ValueType.of(Integer.class), reserved)
                    .orElseThrow();
            assertThat(marked.value()).isEqualTo(reserved);
            assertThat(marked.remainingTtl()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
            assertThat(reads.getEntryOrReserved("number", ValueType.of(Integer.class), reserved)
                    .map(CacheEntry::value)).contains(7);
            assertThat(store.stats().errors()).isZero();

            assertThat(reads.getEntryOrReserved("text", ValueType.of(Integer.class), reserved)).isEmpty();
            assertThat(reads.getEntryOrReserved("absent", ValueType.of(Integer.class), reserved)).isEmpty();
            CacheStats stats = store.stats();
            assertThat(stats.errors()).isEqualTo(1);
            assertThat(stats.hits()).isEqualTo(2);
            assertThat(stats.misses()).isEqualTo(2);
        }
    }
}

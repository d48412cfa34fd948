package io.chatcache.chat;

import static io.chatcache.chat.FakeHybrid.EVENTUALLY;
import static io.chatcache.chat.FakeHybrid.HEARTBEAT;
import static io.chatcache.chat.FakeHybrid.NO_BACKGROUND_PROBE;
import static io.chatcache.chat.FakeHybrid.OPEN;
import static io.chatcache.chat.FakeHybrid.PROBE;
import static io.chatcache.chat.FakeHybrid.THRESHOLD;
import static io.chatcache.chat.FakeHybrid.TTL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheException;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.SerializationException;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The hybrid store's behaviour on in-JVM stand-ins: {@link FakeStore} for L1 and L2 (on one manual
 * clock, which also drives the breaker) and {@link FakeBusNetwork} for the bus, so that every race and
 * fault is deterministic. The same behaviours on real Redis are in {@link HybridCacheStoreRedisTest}.
 */
class HybridCacheStoreTest {

    private static final Duration CEILING = Duration.ofMinutes(1);

    private final AtomicLong clock = new AtomicLong();
    private final FakeBusNetwork network = new FakeBusNetwork();
    private final FakeStore l2 = new FakeStore(clock);
    private final List<HybridCacheStore> built = new ArrayList<>();

    @AfterEach
    void closeStores() {
        built.forEach(HybridCacheStore::close);
    }

    /** An instance: its own L1, the shared L2, and a member of the shared bus. */
    private final class Instance {
        final FakeStore l1 = new FakeStore(clock);
        final HybridCacheStore store;

        Instance(String id) {
            this(id, l2);
        }

        Instance(String id, CacheStore l2Store) {
            this(id, l2Store, NO_BACKGROUND_PROBE);
        }

        Instance(String id, CacheStore l2Store, Duration probeInterval) {
            store = track(base(l1, probeInterval).l2(l2Store).bus(network.join(id)).build());
        }
    }

    private HybridCacheStore.Builder base(CacheStore l1) {
        return base(l1, NO_BACKGROUND_PROBE);
    }

    private HybridCacheStore.Builder base(CacheStore l1, Duration probeInterval) {
        return FakeHybrid.builder(l1, probeInterval, clock).l1TtlCeiling(CEILING);
    }

    private HybridCacheStore track(HybridCacheStore store) {
        built.add(store);
        return store;
    }

    private void advance(Duration duration) {
        clock.addAndGet(duration.toNanos());
    }

    @Nested
    class ReadThrough {

        @Test
        void concurrentGetOrLoadOfOneKeyLoadsOnceAndStoresTheValue() throws Exception {
            Instance a = new Instance("a");
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger loads = new AtomicInteger();
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() ->
                    a.store.getOrLoad("k", ValueType.of(String.class), () -> {
                        loads.incrementAndGet();
                        loading.countDown();
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return "loaded";
                    }, TTL));
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() ->
                    a.store.getOrLoad("k", ValueType.of(String.class), () -> "second load " + loads.incrementAndGet(),
                            TTL));
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> a.store.l1Stats().misses() >= 2);
            release.countDown();

            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
            assertThat(loads).hasValue(1);
            assertThat(l2.get("k", String.class)).contains("loaded");
        }

        @Test
        void l1HitIsServedWithoutAskingL2() {
            Instance a = new Instance("a");
            a.store.put("k", "v", TTL);
            long before = l2.calls();

            assertThat(a.store.get("k", String.class)).contains("v");

            assertThat(l2.calls()).isEqualTo(before);
        }

        @Test
        void l2HitIsCopiedIntoL1ForNoLongerThanTheL2EntryLives() {
            Instance a = new Instance("a");
            l2.put("k", "v", Duration.ofSeconds(30));

            assertThat(a.store.get("k", String.class)).contains("v");

            assertThat(a.l1.peek("k")).contains("v");
            assertThat(a.l1.peekTtl("k")).hasValueSatisfying(ttl ->
                    assertThat(ttl).isLessThanOrEqualTo(Duration.ofSeconds(30)).isGreaterThan(Duration.ofSeconds(29)));
        }

        @Test
        void l1CopyOfALongLivedL2EntryLivesNoLongerThanTheCeiling() {
            Instance a = new Instance("a");
            l2.put("forever", "v", CacheStore.NO_EXPIRY);
            l2.put("long", "v", Duration.ofHours(2));

            a.store.get("forever", String.class);
            a.store.get("long", String.class);

            assertThat(a.l1.peekTtl("forever")).contains(CEILING);
            assertThat(a.l1.peekTtl("long")).hasValueSatisfying(ttl -> assertThat(ttl).isLessThanOrEqualTo(CEILING));
            advance(CEILING);
            assertThat(a.l1.peek("forever")).isEmpty();
            assertThat(a.store.get("forever", String.class)).as("read again from L2").contains("v");
        }

        @Test
        void putKeepsTheL1CopyNoLongerThanTheCeilingAndTheTtl() {
            Instance a = new Instance("a");

            a.store.put("short", "v", Duration.ofSeconds(5));
            a.store.put("long", "v", Duration.ofHours(1));

            assertThat(a.l1.peekTtl("short")).hasValueSatisfying(ttl -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofSeconds(5)));
            assertThat(a.l1.peekTtl("long")).hasValueSatisfying(ttl -> assertThat(ttl).isLessThanOrEqualTo(CEILING));
            assertThat(l2.peekTtl("long")).contains(Duration.ofHours(1));
        }

        @Test
        void getEntryReportsTheL2RemainingTtlNotTheCeilingOfTheL1Copy() {
            Instance a = new Instance("a");
            a.store.put("k", "v", CacheStore.NO_EXPIRY);

            assertThat(a.store.getEntry("k", ValueType.of(String.class)))
                    .hasValueSatisfying(entry -> assertThat(entry.neverExpires()).isTrue());
        }

        @Test
        void hitsInL1OrL2AndMissesAreCountedOnce() {
            Instance a = new Instance("a");
            a.store.put("inL1", "v", TTL);
            l2.put("inL2", "v", TTL);

            a.store.get("inL1", String.class);
            a.store.get("inL2", String.class);
            a.store.get("absent", String.class);

            assertThat(a.store.stats().hits()).isEqualTo(2);
            assertThat(a.store.stats().misses()).isEqualTo(1);
        }

        @Test
        void getAllReadsL1FirstAndTheRestFromL2InOneCall() {
            Instance a = new Instance("a");
            a.store.put("one", "1", TTL);
            l2.put("two", "2", TTL);
            long before = l2.calls();

            Map<String, String> found = a.store.getAll(List.of("one", "two", "three"), ValueType.of(String.class));

            assertThat(found).containsExactly(Map.entry("one", "1"), Map.entry("two", "2"));
            // FakeStore's getAll is the port's default (one getEntry per key): two keys missed L1.
            assertThat(l2.calls() - before).isEqualTo(2);
            assertThat(a.store.stats().hits()).isEqualTo(2);
            assertThat(a.store.stats().misses()).isEqualTo(1);
        }
    }

    @Nested
    class WriteThrough {

        @Test
        void putWritesL2AndL1AndPublishesOneMessage() {
            Instance a = new Instance("a");

            a.store.put("k", "v", TTL);

            assertThat(l2.peek("k")).contains("v");
            assertThat(a.l1.peek("k")).contains("v");
            assertThat(network.published()).isEqualTo(1);
        }

        @Test
        void fillingL1AfterAnL2HitPublishesNothing() {
            Instance a = new Instance("a");
            l2.put("k", "v", TTL);

            a.store.get("k", String.class);
            a.store.getAll(List.of("k", "x"), ValueType.of(String.class));

            assertThat(network.published()).isZero();
        }

        @Test
        void deletePatternAndClearEachPublishOneMessage() {
            Instance a = new Instance("a");
            a.store.put("k", "v", TTL);

            a.store.delete("k");
            a.store.deleteMatching(KeyPattern.glob("user:*"));
            a.store.clear();

            assertThat(network.published()).isEqualTo(4);
        }

        @Test
        void putAllWritesBothLevelsAndPublishesOneMessagePerKey() {
            Instance a = new Instance("a");

            a.store.putAll(Map.of("x", "1", "y", "2"), TTL);

            assertThat(l2.peek("x")).contains("1");
            assertThat(a.l1.peek("y")).contains("2");
            assertThat(network.published()).isEqualTo(2);
        }

        @Test
        void failedPublishIsCountedAndNeverThrown() {
            Instance a = new Instance("a");
            network.setPublishFails(true);

            assertThatCode(() -> a.store.put("k", "v", TTL)).doesNotThrowAnyException();
            assertThatCode(() -> a.store.delete("k")).doesNotThrowAnyException();

            assertThat(a.store.stats().errors()).isEqualTo(2);
            assertThat(l2.peek("k")).isEmpty();
        }

        @Test
        void writesDoNotWaitForTheBusAndASendThatFailsLaterIsCounted() {
            List<CompletableFuture<Invalidation>> pending = new CopyOnWriteArrayList<>();
            InvalidationBus slowBus = new InvalidationBus() {
                @Override
                public String instanceId() {
                    return "slow";
                }

                @Override
                public Invalidation publish(Invalidation.Kind kind, String target) {
                    throw new AssertionError("the hybrid must publish without waiting");
                }

                @Override
                public CompletionStage<Invalidation> publishAsync(Invalidation.Kind kind, String target) {
                    CompletableFuture<Invalidation> sent = new CompletableFuture<>();
                    pending.add(sent);
                    return sent;
                }

                @Override
                public Subscription subscribe(InvalidationListener listener) {
                    return () -> { };
                }

                @Override
                public void close() {
                }
            };
            FakeStore l1 = new FakeStore(clock);
            HybridCacheStore store = track(base(l1).l2(l2).bus(slowBus).build());

            store.put("k", "v", TTL);
            store.delete("gone");

            assertThat(l2.peek("k")).contains("v");
            assertThat(l1.peek("k")).contains("v");
            assertThat(pending).hasSize(2).noneMatch(CompletableFuture::isDone);
            assertThat(store.stats().errors()).isZero();

            pending.get(0).complete(new Invalidation("slow", 1, Invalidation.Kind.KEY, "k"));
            pending.get(1).completeExceptionally(new CacheUnavailableException("the bus lost its connection"));

            assertThat(store.stats().errors()).as("the failed send, counted when it failed").isEqualTo(1);
        }

        @Test
        void aCommandL2RefusesReachesNoCallerAndItsKeyLeavesL2AtTheNextSuccess() {
            FakeStore realL2 = new FakeStore(clock);
            CacheStore refusing = spy(realL2);
            doThrow(new CacheException("Redis rejected SET: OOM command not allowed when used memory > 'maxmemory'"))
                    .when(refusing).put(anyString(), any(), any());
            Instance a = new Instance("a", refusing);
            Instance b = new Instance("b", realL2);
            realL2.put("k", "old", TTL);
            b.store.get("k", String.class);

            for (int i = 0; i < THRESHOLD + 1; i++) {
                assertThatCode(() -> a.store.put("k", "new", TTL)).doesNotThrowAnyException();
            }
            assertThat(a.store.get("k", String.class)).contains("new");
            assertThat(a.store.isL2Available()).as("L2 answered; it is not down").isTrue();
            assertThat(a.store.stats().errors()).isEqualTo(THRESHOLD + 1);

            a.store.get("other", String.class);

            assertThat(realL2.peek("k")).as("the value the refused write replaced").isEmpty();
            assertThat(b.store.get("k", String.class)).isEmpty();
        }

        @Test
        void serializationFailureOfL2ReachesTheCallerChangesNothingAndDoesNotCountAgainstL2() {
            FakeStore realL2 = new FakeStore(clock);
            CacheStore failingL2 = spy(realL2);
            doThrow(new SerializationException("cannot write")).when(failingL2).put(anyString(), any(), any());
            Instance a = new Instance("a", failingL2);
            realL2.put("k", "old", TTL);
            a.store.get("k", String.class);

            for (int i = 0; i < THRESHOLD + 1; i++) {
                assertThatThrownBy(() -> a.store.put("k", "new", TTL)).isInstanceOf(SerializationException.class);
            }

            assertThat(a.store.isL2Available()).isTrue();
            assertThat(a.store.get("k", String.class)).contains("old");
            assertThat(network.published()).isZero();
        }

        @Test
        void badInputIsRefusedBeforeAnythingChanges() {
            Instance a = new Instance("a");

            assertThatThrownBy(() -> a.store.put("k", null, TTL)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> a.store.put("", "v", TTL)).isInstanceOf(InvalidInputException.class);

            assertThat(l2.calls()).isZero();
            assertThat(network.published()).isZero();
        }
    }

    @Nested
    class Coherence {

        @Test
        void writeOnOneInstanceDropsTheCopyInAnothersL1() {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            a.store.put("k", "v1", TTL);
            assertThat(b.store.get("k", String.class)).contains("v1");

            a.store.put("k", "v2", TTL);

            assertThat(b.l1.peek("k")).isEmpty();
            assertThat(b.store.get("k", String.class)).contains("v2");
        }

        @Test
        void deleteOnOneInstanceDropsTheCopyInAnothersL1() {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            a.store.put("k", "v1", TTL);
            b.store.get("k", String.class);

            a.store.delete("k");

            assertThat(b.l1.peek("k")).isEmpty();
            assertThat(b.store.get("k", String.class)).isEmpty();
        }

        @Test
        void patternAndClearOnOneInstanceDropTheMatchingCopiesInAnothersL1() {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            a.store.putAll(Map.of("user:1", "u1", "user:2", "u2", "session:1", "s1"), TTL);
            b.store.getAll(List.of("user:1", "user:2", "session:1"), ValueType.of(String.class));
            List.of("user:1", "user:2", "session:1").forEach(key -> b.store.get(key, String.class));
            assertThat(b.l1.peek("user:1")).isPresent();

            a.store.deleteMatching(KeyPattern.glob("user:*"));

            assertThat(b.l1.peek("user:1")).isEmpty();
            assertThat(b.l1.peek("user:2")).isEmpty();
            assertThat(b.l1.peek("session:1")).contains("s1");

            a.store.clear();

            assertThat(b.l1.peek("session:1")).isEmpty();
            assertThat(b.store.get("session:1", String.class)).isEmpty();
        }

        @Test
        void anInstanceIgnoresItsOwnMessages() {
            Instance a = new Instance("a");

            a.store.put("k", "v", TTL);
            a.store.deleteMatching(KeyPattern.glob("other:*"));

            assertThat(a.l1.peek("k")).as("own PATTERN message must not drop L1").contains("v");
        }

        @Test
        void invalidationThatOvertakesAnL2ReadKeepsTheOldValueOutOfL1() {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            a.store.put("k", "v1", TTL);
            // B has read v1 from L2; before it fills L1, A writes v2 and B receives the invalidation.
            b.store.setBeforeFillHook(key -> {
                b.store.setBeforeFillHook(null);
                a.store.put("k", "v2", TTL);
            });

            assertThat(b.store.get("k", String.class)).as("the read that raced the write").contains("v1");

            assertThat(b.l1.peek("k")).isEmpty();
            assertThat(b.store.get("k", String.class)).contains("v2");
        }

        @Test
        void withoutTheFillGuardTheRaceLeavesTheOldValueInL1() {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            b.store.setFillGuardEnabled(false);
            a.store.put("k", "v1", TTL);
            b.store.setBeforeFillHook(key -> {
                b.store.setBeforeFillHook(null);
                a.store.put("k", "v2", TTL);
            });

            b.store.get("k", String.class);

            assertThat(b.store.get("k", String.class)).as("stale value served: the race test can fail").contains("v1");
        }

        @Test
        void ownWriteDuringAnL2ReadKeepsTheOldValueOutOfL1() {
            Instance a = new Instance("a");
            l2.put("k", "v1", TTL);
            a.store.setBeforeFillHook(key -> {
                a.store.setBeforeFillHook(null);
                a.store.put("k", "v2", TTL);
            });

            a.store.get("k", String.class);

            assertThat(a.store.get("k", String.class)).contains("v2");
        }

        @Test
        void aGapInAPublishersSequenceDropsL1() {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            a.store.put("seen", "x", TTL);
            l2.put("k", "v", TTL);
            b.store.get("k", String.class);
            network.dropNextMessages(1);
            a.store.put("lost", "x", TTL);
            assertThat(b.l1.peek("k")).isPresent();

            a.store.put("unrelated", "x", TTL);

            // Not at once: the missing message might still come late, so the gap counts once the reorder
            // grace (half a heartbeat) is over; then L1 waits for b's own heartbeat to come back, and drops.
            Awaitility.await("b to notice the gap and drop L1").atMost(EVENTUALLY)
                    .untilAsserted(() -> assertThat(b.l1.peek("k")).isEmpty());
        }

        @Test
        void aMessageLostOnAQuietBusIsNoticedAtThePublishersNextHeartbeat() {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            // b knows a's sequence (the first message heard from a publisher is taken as it comes).
            a.store.put("seen", "x", TTL);
            l2.put("k", "v1", TTL);
            b.store.get("k", String.class);
            network.dropNextMessages(1);

            a.store.put("k", "v2", TTL);

            // Nothing else is published but heartbeats; the next one of a's shows b the gap.
            Awaitility.await("b to serve the new value").atMost(EVENTUALLY)
                    .untilAsserted(() -> assertThat(b.store.get("k", String.class)).contains("v2"));
            Awaitility.await("b to resume serving from L1").atMost(EVENTUALLY)
                    .until(() -> b.store.isL1Coherent());
            assertThat(b.store.get("k", String.class)).contains("v2");
        }

        @Test
        void aDuplicatedOrLateMessageDoesNotDropL1() {
            Instance b = new Instance("b");
            l2.put("k", "v", TTL);
            b.store.get("k", String.class);
            long suspicionsBefore = b.store.coherenceSuspicions();

            b.store.deliverForTest(new Invalidation("x", 1, Invalidation.Kind.KEY, "other"));
            b.store.deliverForTest(new Invalidation("x", 3, Invalidation.Kind.KEY, "other"));
            b.store.deliverForTest(new Invalidation("x", 3, Invalidation.Kind.KEY, "other"));
            b.store.deliverForTest(new Invalidation("x", 2, Invalidation.Kind.KEY, "other"));
            b.store.deliverForTest(new Invalidation("x", 1, Invalidation.Kind.KEY, "other"));

            // Several reorder graces later, nothing counted as lost: k is still served from L1.
            Awaitility.await().pollDelay(HEARTBEAT.multipliedBy(3)).atMost(EVENTUALLY).until(() -> true);
            assertThat(b.store.coherenceSuspicions()).isEqualTo(suspicionsBefore);
            assertThat(b.l1.peek("k")).contains("v");
        }

        @Test
        void aDisconnectKeepsL1SoThatItServesWhileL2IsDown() {
            Instance b = new Instance("b");
            b.store.put("k", "v", TTL);

            network.disconnect();
            l2.setDown(true);

            assertThat(b.store.get("k", String.class)).contains("v");
            b.store.put("during", "d", TTL);
            assertThat(b.store.get("during", String.class)).contains("d");
        }

        @Test
        void onlyPatternsWithAnUnescapedQuestionMarkOrClassMayMatchDifferentlyInRedis() {
            assertThat(L1Copies.matchesBytewiseInL2("user:??")).isTrue();
            assertThat(L1Copies.matchesBytewiseInL2("user:[ab]*")).isTrue();
            assertThat(L1Copies.matchesBytewiseInL2("user:\\?*")).isFalse();
            assertThat(L1Copies.matchesBytewiseInL2("user:\\[x\\]")).isFalse();
            assertThat(L1Copies.matchesBytewiseInL2("session:{42}:messages:*")).isFalse();
        }

        @Test
        void aChangeThatOvertakesAnL1OnlyWriteIsNotUndoneByIt() {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            l2.setDown(true);
            a.l1.beforeNextPut(() -> {
                // While a's failed write is on its way into L1: L2 answers again, another call of a
                // replays the journal (deleting k everywhere), and b writes a newer value a hears of.
                l2.setDown(false);
                a.store.get("other", String.class);
                b.store.put("k", "v2", TTL);
            });

            // One failure, below the threshold: the value goes to L1 only and k is journaled.
            a.store.put("k", "v1", TTL);

            assertThat(l2.peek("k")).contains("v2");
            assertThat(a.store.get("k", String.class)).contains("v2");
        }

        @Test
        void reconnectDropsWhatL1Held() {
            Instance b = new Instance("b");
            l2.put("k", "v", TTL);
            b.store.get("k", String.class);
            network.disconnect();
            network.reconnect();
            long l2Calls = l2.calls();

            assertThat(b.store.get("k", String.class)).as("read from L2 until the bus is proven").contains("v");
            assertThat(l2.calls()).isGreaterThan(l2Calls);
            Awaitility.await("b's heartbeat to come back and L1 to be dropped").atMost(EVENTUALLY)
                    .until(() -> b.store.isL1Coherent());
            assertThat(b.l1.peek("k")).isEmpty();
        }

        @Test
        void whileTheBusIsDownAndL2UpL1NeitherServesNorIsFilled() {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            l2.put("k", "v1", TTL);
            b.store.get("k", String.class);

            network.disconnect();
            a.store.put("k", "v2", TTL);

            assertThat(b.store.get("k", String.class)).contains("v2");
            assertThat(b.l1.peek("k")).as("not filled while suspect").isNotEqualTo(Optional.of("v2"));
            network.reconnect();
            Awaitility.await("b to resume").atMost(EVENTUALLY).until(() -> b.store.isL1Coherent());
            assertThat(b.store.get("k", String.class)).contains("v2");
        }
    }

    @Nested
    class Concurrency {

        @Test
        void afterConcurrentWritesReadsAndInvalidationsEveryInstanceReadsWhatL2Holds() throws Exception {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            List<HybridCacheStore> instances = List.of(a.store, b.store);
            // Widens the window between the L2 read and the L1 fill, where the fill race lives.
            instances.forEach(store -> store.setBeforeFillHook(key -> Thread.yield()));
            int threads = 4;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<java.util.concurrent.Future<?>> running = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    running.add(pool.submit(() -> {
                        start.await();
                        java.util.Random random = new java.util.Random(thread);
                        for (int i = 0; i < 3_000; i++) {
                            HybridCacheStore store = instances.get(random.nextInt(2));
                            String key = "k" + random.nextInt(8);
                            int op = random.nextInt(20);
                            if (op < 8) {
                                store.put(key, thread + ":" + i, TTL);
                            } else if (op < 17) {
                                store.get(key, String.class);
                            } else if (op < 19) {
                                store.delete(key);
                            } else {
                                store.deleteMatching(KeyPattern.glob("k[0-3]"));
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (java.util.concurrent.Future<?> future : running) {
                    future.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            for (int k = 0; k < 8; k++) {
                String key = "k" + k;
                Optional<Object> inL2 = l2.peek(key);
                assertThat(a.store.get(key, String.class)).as("A's read of %s", key).isEqualTo(inL2);
                assertThat(b.store.get(key, String.class)).as("B's read of %s", key).isEqualTo(inL2);
            }
        }
    }

    @Nested
    class RemovalListeners {

        private final List<String> heard = new CopyOnWriteArrayList<>();

        private void listen(HybridCacheStore store) {
            store.addRemovalListener((key, cause) -> heard.add(key + "=" + cause));
        }

        @Test
        void localRemovalsAreReportedOncePerKey() {
            Instance a = new Instance("a");
            a.store.putAll(Map.of("user:1", "1", "user:2", "2", "k", "v", "other", "o"), TTL);
            listen(a.store);

            a.store.delete("k");
            a.store.delete("absent");
            a.store.deleteMatching(KeyPattern.glob("user:*"));
            a.store.clear();

            assertThat(heard).containsExactlyInAnyOrder("k=EXPLICIT", "user:1=EXPLICIT", "user:2=EXPLICIT",
                    "other=CLEARED");
        }

        @Test
        void patternRemovalReportsKeysThatOnlyL2Held() {
            Instance a = new Instance("a");
            l2.put("user:9", "9", TTL);
            listen(a.store);

            assertThat(a.store.deleteMatching(KeyPattern.glob("user:*"))).isEqualTo(1);

            assertThat(heard).containsExactly("user:9=EXPLICIT");
        }

        @Test
        void copiesDroppedForAnotherInstancesChangesAreReported() {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            a.store.putAll(Map.of("k", "v", "user:1", "1", "z", "z"), TTL);
            List.of("k", "user:1", "z").forEach(key -> b.store.get(key, String.class));
            listen(b.store);

            a.store.put("k", "v2", TTL);
            a.store.deleteMatching(KeyPattern.glob("user:*"));
            a.store.clear();

            assertThat(heard).containsExactly("k=EXPLICIT", "user:1=EXPLICIT", "z=CLEARED");
        }

        @Test
        void aPatternDeleteThatFindsL2BackReportsOnlyItsOwnKeysNotTheL1DropOfTheRecovery() {
            Instance a = new Instance("a");
            a.store.put("session:1", "s", TTL);
            a.store.put("search:x", "r", TTL);
            l2.setDown(true);
            for (int i = 0; i < THRESHOLD; i++) {
                a.store.get("probe" + i, String.class);
            }
            a.store.put("journaled", "j", TTL);
            l2.setDown(false);
            advance(OPEN);
            listen(a.store);

            // The probe: L2 answers, so the store drops L1 and replays its journal within this call.
            a.store.deleteMatching(KeyPattern.glob("search:*"));

            assertThat(heard).containsExactly("search:x=EXPLICIT");
        }

        @Test
        void fillsReplacementsExpiryOfCopiesAndDropsForLostMessagesAreNotReported() {
            Instance b = new Instance("b");
            l2.put("k", "v", Duration.ofSeconds(5));
            listen(b.store);

            b.store.get("k", String.class);
            b.store.put("k", "v2", TTL);
            b.store.put("short", "s", Duration.ofSeconds(1));
            advance(Duration.ofSeconds(2));
            b.store.get("short", String.class);
            network.disconnect();
            network.reconnect();

            assertThat(heard).isEmpty();
        }
    }

    @Nested
    class CircuitBreaking {

        private void failUntilOpen(HybridCacheStore store) {
            for (int i = 0; i < THRESHOLD; i++) {
                store.get("probe" + i, String.class);
            }
        }

        @Test
        void callersSeeNoExceptionWhileL2IsDownAndUseL1() {
            Instance a = new Instance("a");
            a.store.put("before", "v", TTL);
            l2.setDown(true);

            assertThatCode(() -> {
                a.store.put("k", "v", TTL);
                assertThat(a.store.get("k", String.class)).contains("v");
                assertThat(a.store.get("before", String.class)).contains("v");
                assertThat(a.store.get("absent", String.class)).isEmpty();
                a.store.delete("k");
                a.store.deleteMatching(KeyPattern.glob("x*"));
                a.store.putAll(Map.of("m", "1"), TTL);
                a.store.getAll(List.of("m", "n"), ValueType.of(String.class));
                a.store.getEntry("m", ValueType.of(String.class));
                a.store.clear();
                a.store.l2Stats();
            }).doesNotThrowAnyException();
        }

        @Test
        void breakerOpensAfterThresholdFailuresAndThenMakesNoL2Calls() {
            Instance a = new Instance("a");
            l2.setDown(true);

            failUntilOpen(a.store);
            long callsWhenOpen = l2.calls();
            a.store.put("k", "v", TTL);
            a.store.get("other", String.class);

            assertThat(a.store.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(a.store.isL2Available()).isFalse();
            assertThat(l2.calls()).isEqualTo(callsWhenOpen);
            // The failures, and the two calls answered without L2 while it was open.
            assertThat(a.store.stats().errors()).isEqualTo(THRESHOLD + 2);
            assertThat(a.store.l2Stats().errors()).isEqualTo(THRESHOLD + 2);
            assertThat(network.published()).isZero();
        }

        @Test
        void failuresBelowTheThresholdDoNotOpenIt() {
            Instance a = new Instance("a");
            l2.setDown(true);
            a.store.get("x", String.class);
            l2.setDown(false);
            a.store.get("y", String.class);
            l2.setDown(true);
            a.store.get("x", String.class);
            a.store.get("x", String.class);

            assertThat(a.store.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        }

        @Test
        void whileTheProbeIsInFlightEveryOtherCallStaysOffL2() throws Exception {
            FakeStore realL2 = new FakeStore(clock);
            CacheStore blocking = spy(realL2);
            CountDownLatch probing = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            doAnswer(invocation -> {
                probing.countDown();
                release.await(10, TimeUnit.SECONDS);
                return invocation.callRealMethod();
            }).when(blocking).getEntry(eq("the-probe"), any());
            Instance a = new Instance("a", blocking);
            realL2.setDown(true);
            failUntilOpen(a.store);
            realL2.setDown(false);
            advance(OPEN);

            CompletableFuture<Optional<String>> probe =
                    CompletableFuture.supplyAsync(() -> a.store.get("the-probe", String.class));
            assertThat(probing.await(10, TimeUnit.SECONDS)).as("the probe reached L2").isTrue();
            long before = realL2.calls();
            for (int i = 0; i < 10; i++) {
                a.store.get("other" + i, String.class);
                a.store.put("w" + i, "v", TTL);
                a.store.delete("d" + i);
            }

            assertThat(realL2.calls()).as("L2 calls besides the probe").isEqualTo(before);
            assertThat(a.store.breakerState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
            release.countDown();
            probe.get(10, TimeUnit.SECONDS);
            assertThat(a.store.isL2Available()).isTrue();
        }

        @Test
        void afterTheOpenDurationOneProbeFindsRecoveryAndL1IsDropped() {
            Instance a = new Instance("a");
            l2.put("k", "old", TTL);
            a.store.get("k", String.class);
            l2.setDown(true);
            failUntilOpen(a.store);
            l2.setDown(false);
            l2.put("k", "newer, written by another instance meanwhile", TTL);

            assertThat(a.store.get("k", String.class)).as("still open: L1").contains("old");
            advance(OPEN);
            assertThat(a.store.get("probe", String.class)).isEmpty();

            assertThat(a.store.isL2Available()).isTrue();
            assertThat(a.l1.peek("k")).isEmpty();
            assertThat(a.store.get("k", String.class)).hasValueSatisfying(v -> assertThat(v).startsWith("newer"));
        }

        @Test
        void failedProbeOpensTheBreakerAgainForAnotherPeriod() {
            Instance a = new Instance("a");
            l2.setDown(true);
            failUntilOpen(a.store);
            advance(OPEN);

            a.store.get("probe", String.class);
            long afterProbe = l2.calls();
            a.store.get("again", String.class);

            assertThat(a.store.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(l2.calls()).isEqualTo(afterProbe);
            advance(OPEN);
            l2.setDown(false);
            a.store.get("again", String.class);
            assertThat(a.store.isL2Available()).isTrue();
        }

        @Test
        void changesMadeWhileL2WasDownAreDeletedFromL2OnRecoverySoNoInstanceServesTheOldValue() {
            Instance a = new Instance("a");
            Instance b = new Instance("b");
            a.store.putAll(Map.of("k", "old", "gone", "old", "user:1", "old"), TTL);
            List.of("k", "gone", "user:1").forEach(key -> b.store.get(key, String.class));
            l2.setDown(true);
            failUntilOpen(a.store);

            a.store.put("k", "new", TTL);
            a.store.delete("gone");
            a.store.deleteMatching(KeyPattern.glob("user:*"));
            assertThat(a.store.get("k", String.class)).contains("new");

            l2.setDown(false);
            advance(OPEN);
            a.store.get("probe", String.class);

            assertThat(l2.peek("k")).isEmpty();
            assertThat(l2.peek("gone")).isEmpty();
            assertThat(l2.peek("user:1")).isEmpty();
            assertThat(b.store.get("k", String.class)).isEmpty();
            assertThat(b.store.get("gone", String.class)).isEmpty();
            assertThat(b.store.get("user:1", String.class)).isEmpty();
            assertThat(a.store.get("k", String.class)).isEmpty();
        }

        @Test
        void theBackgroundProbeFindsL2BackWithoutAnyCallAndL1StopsServingAtOnce() {
            Instance a = new Instance("a", l2, PROBE);
            l2.put("k", "old", TTL);
            assertThat(a.store.get("k", String.class)).contains("old");
            l2.setDown(true);
            failUntilOpen(a.store);
            long callsWhenOpen = l2.calls();
            // The manual clock stands still: no caller's call would probe.
            Awaitility.await("probes of the failed L2").atMost(EVENTUALLY).until(() -> l2.calls() > callsWhenOpen + 3);
            assertThat(a.store.isL2Available()).isFalse();
            assertThat(a.store.stats().errors()).as("probes are nobody's failed operation").isEqualTo(THRESHOLD);
            l2.setDown(false);
            l2.put("k", "newer, written by another instance", TTL);

            Awaitility.await("the probe to find L2 back").atMost(EVENTUALLY).until(a.store::isL2Available);

            assertThat(a.l1.peek("k")).as("L1 dropped").isEmpty();
            assertThat(a.store.get("k", String.class)).hasValueSatisfying(v -> assertThat(v).startsWith("newer"));
            Awaitility.await("L1 trusted again once the bus proves itself").atMost(EVENTUALLY)
                    .until(a.store::isL1Coherent);
        }

        @Test
        void anIdleInstanceAppliesItsJournalOnceTheProbeFindsL2Back() {
            Instance a = new Instance("a", l2, PROBE);
            Instance b = new Instance("b");
            a.store.putAll(Map.of("k", "old", "gone", "old"), TTL);
            List.of("k", "gone").forEach(key -> b.store.get(key, String.class));
            l2.setDown(true);
            failUntilOpen(a.store);
            a.store.put("k", "new", TTL);
            a.store.delete("gone");

            l2.setDown(false);

            Awaitility.await("the journal applied with no call on a").atMost(EVENTUALLY).untilAsserted(() -> {
                assertThat(l2.peek("k")).isEmpty();
                assertThat(l2.peek("gone")).isEmpty();
                assertThat(b.l1.peek("k")).as("b heard of it").isEmpty();
                assertThat(b.l1.peek("gone")).isEmpty();
            });
        }

        @Test
        void aSingleFailedWriteIsUndoneInL2AtTheNextSuccess() {
            Instance a = new Instance("a");
            a.store.put("k", "old", TTL);
            l2.setDown(true);
            a.store.put("k", "new", TTL);
            l2.setDown(false);

            a.store.get("other", String.class);

            assertThat(a.store.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(l2.peek("k")).isEmpty();
            assertThat(a.l1.peek("k")).isEmpty();
        }

        @Test
        void moreChangesWhileDownThanTheJournalHoldsClearL2OnRecovery() {
            Instance a = new Instance("a");
            l2.put("untouched", "stale for all we know", TTL);
            l2.setDown(true);
            failUntilOpen(a.store);
            for (int i = 0; i <= HybridCacheStore.MAX_JOURNALED_CHANGES; i++) {
                a.store.put("k" + i, "v", TTL);
            }
            l2.setDown(false);
            advance(OPEN);

            a.store.get("probe", String.class);

            assertThat(l2.peek("untouched")).isEmpty();
            assertThat(network.published()).as("one CLEAR instead of 10,001 keys").isEqualTo(1);
        }

        @Test
        void clearWhileDownClearsL2OnRecovery() {
            Instance a = new Instance("a");
            a.store.put("k", "v", TTL);
            l2.setDown(true);
            failUntilOpen(a.store);
            a.store.clear();
            l2.setDown(false);
            advance(OPEN);

            a.store.get("probe", String.class);

            assertThat(l2.peek("k")).isEmpty();
        }
    }

    @Nested
    class Connector {

        private ProvidedStore provided(CacheStore store, InvalidationBus bus) {
            return new ProvidedStore() {
                private boolean closed;

                @Override
                public CacheStore store() {
                    return store;
                }

                @Override
                public Optional<InvalidationBus> invalidationBus() {
                    return Optional.ofNullable(bus);
                }

                @Override
                public void close() {
                    if (!closed) {
                        closed = true;
                        store.close();
                    }
                }
            };
        }

        @Test
        void startsOnL1OnlyWhenL2IsUnreachableAndTakesItUpWhenItAppears() {
            AtomicInteger attempts = new AtomicInteger();
            AtomicBoolean reachable = new AtomicBoolean();
            FakeStore l1 = new FakeStore(clock);
            HybridCacheStore store = track(base(l1)
                    .reconnectInterval(Duration.ofMillis(20))
                    .l2Connector(() -> {
                        attempts.incrementAndGet();
                        if (!reachable.get()) {
                            throw new CacheUnavailableException("not yet");
                        }
                        return provided(l2, network.join("late"));
                    })
                    .build());

            assertThat(store.isL2Available()).isFalse();
            store.put("written-while-down", "v", TTL);
            assertThat(store.get("written-while-down", String.class)).contains("v");
            l2.put("written-while-down", "older", TTL);
            l2.put("shared", "s", TTL);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 2);
            assertThat(store.isL2Available()).as("still unreachable after a retry").isFalse();

            reachable.set(true);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(store::isL2Available);

            assertThat(store.get("shared", String.class)).contains("s");
            assertThat(l1.peek("written-while-down")).isEmpty();
            assertThat(l2.peek("written-while-down")).as("deleted from L2 on connect").isEmpty();
            int attemptsWhenConnected = attempts.get();
            store.get("anything", String.class);
            assertThat(attempts.get()).as("no retry once connected").isEqualTo(attemptsWhenConnected);
        }

        @Test
        void configurationErrorFailsTheBuild() {
            FakeStore l1 = new FakeStore(clock);

            assertThatThrownBy(() -> base(l1).l2Connector(() -> {
                throw new CacheConfigurationException("REDIS_PASSWORD is wrong");
            }).build()).isInstanceOf(CacheConfigurationException.class).hasMessageContaining("REDIS_PASSWORD");
            assertThat(l1.isClosed()).isFalse();
        }

        @Test
        void closeClosesWhatTheConnectorOpenedButNothingHandedInNotEvenL1() {
            FakeStore ownedL2 = new FakeStore(clock);
            FakeStore l1 = new FakeStore(clock);
            HybridCacheStore connected = base(l1).l2Connector(() -> provided(ownedL2, null)).build();
            Instance handedIn = new Instance("a");

            connected.close();
            handedIn.store.close();
            connected.close();

            assertThat(l1.isClosed()).isFalse();
            assertThat(ownedL2.isClosed()).isTrue();
            assertThat(handedIn.l1.isClosed()).isFalse();
            assertThat(l2.isClosed()).isFalse();
        }
    }

    @Nested
    class Building {

        @Test
        void l1IsRequired() {
            assertThatThrownBy(() -> HybridCacheStore.builder().build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("l1");
        }

        @Test
        void anOptionSetTwiceIsRefusedNamingTheEarlierValue() {
            HybridCacheStore.Builder builder = HybridCacheStore.builder().l1TtlCeiling(Duration.ofSeconds(7));

            assertThatThrownBy(() -> builder.l1TtlCeiling(Duration.ofSeconds(8)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("l1TtlCeiling").hasMessageContaining("PT7S");
        }

        @Test
        void outOfRangeValuesAreRefusedNamingTheOption() {
            assertThatThrownBy(() -> HybridCacheStore.builder().failureThreshold(0))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("failureThreshold"));
            assertThatThrownBy(() -> HybridCacheStore.builder().openDuration(Duration.ZERO))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("openDuration"));
            assertThatThrownBy(() -> HybridCacheStore.builder().l1TtlCeiling(Duration.ofSeconds(-1)))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.argument()).isEqualTo("l1TtlCeiling"));
        }

        @Test
        void l2AndAConnectorAreExclusiveAndABusNeedsL2() {
            FakeStore l1 = new FakeStore(clock);

            assertThatThrownBy(() -> HybridCacheStore.builder().l1(l1).l2(l2).l2Connector(() -> null).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("l2Connector");
            assertThatThrownBy(() -> HybridCacheStore.builder().l1(l1).bus(network.join("x")).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("bus");
        }

        @Test
        void withoutL2TheStoreIsL1Only() {
            FakeStore l1 = new FakeStore(clock);
            HybridCacheStore store = track(HybridCacheStore.builder().l1(l1).build());

            store.put("k", "v");

            assertThat(store.get("k", String.class)).contains("v");
            assertThat(store.isL2Available()).isFalse();
            assertThat(store.l2Stats().hits()).isZero();
            assertThat(l1.peekTtl("k")).contains(HybridCacheStore.Builder.DEFAULT_L1_TTL_CEILING);
        }
    }
}

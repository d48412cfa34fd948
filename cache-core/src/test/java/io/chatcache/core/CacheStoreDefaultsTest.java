package io.chatcache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The default methods of the port, which stores of users inherit, on a store that implements only the rest. */
class CacheStoreDefaultsTest {

    /** Implements only the abstract methods, and records the puts it sees. */
    private static final class MinimalStore implements CacheStore {
        final Map<String, Object> values = new HashMap<>();
        final List<String> puts = new ArrayList<>();

        @Override
        public <T> Optional<T> get(String key, ValueType<T> type) {
            CacheInputs.requireKey(key);
            CacheInputs.requireNonNull(type, "type");
            Object value = values.get(key);
            return type.isInstance(value) ? Optional.of(type.cast(value)) : Optional.empty();
        }

        @Override
        public void put(String key, Object value) {
            put(key, value, Duration.ofHours(1));
        }

        @Override
        public void put(String key, Object value, Duration ttl) {
            CacheInputs.requireKey(key);
            CacheInputs.requireValue(value);
            CacheInputs.requireTtl(ttl);
            puts.add(key);
            values.put(key, value);
        }

        @Override
        public boolean delete(String key) {
            return values.remove(key) != null;
        }

        @Override
        public long deleteMatching(KeyPattern pattern) {
            return 0;
        }

        @Override
        public void clear() {
            values.clear();
        }

        @Override
        public Subscription addRemovalListener(RemovalListener listener) {
            return () -> { };
        }

        @Override
        public CacheStats stats() {
            return CacheStats.EMPTY;
        }

        @Override
        public void close() {
        }
    }

    private final MinimalStore store = new MinimalStore();

    @Test
    void getWithClassReadsWithTheBoxedToken() {
        store.put("n", 5);

        assertThat(store.get("n", int.class)).contains(5);
        assertThat(store.get("n", String.class)).isEmpty();
    }

    @Test
    void defaultGetEntryReportsNoExpiry() {
        store.put("k", "v", Duration.ofSeconds(5));

        CacheEntry<String> entry = store.getEntry("k", ValueType.of(String.class)).orElseThrow();

        assertThat(entry.value()).isEqualTo("v");
        assertThat(entry.neverExpires()).isTrue();
        assertThat(store.getEntry("absent", ValueType.of(String.class))).isEmpty();
    }

    @Test
    void getOrLoadLoadsAndStoresOnAMiss() {
        AtomicInteger loads = new AtomicInteger();

        assertThat(store.getOrLoad("k", ValueType.of(String.class), () -> "v" + loads.incrementAndGet(),
                Duration.ofMinutes(1))).isEqualTo("v1");
        assertThat(store.getOrLoad("k", ValueType.of(String.class), () -> "v" + loads.incrementAndGet(),
                Duration.ofMinutes(1))).isEqualTo("v1");
        assertThat(loads).hasValue(1);
    }

    @Test
    void getOrLoadStoresNothingForANullLoad() {
        assertThat(store.getOrLoad("k", ValueType.of(String.class), () -> null, Duration.ofMinutes(1))).isNull();
        assertThat(store.puts).isEmpty();
    }

    @Test
    void getOrLoadChecksTtlAndLoaderBeforeReading() {
        store.put("k", "cached");

        assertThatThrownBy(() -> store.getOrLoad("k", ValueType.of(String.class), () -> "x", Duration.ZERO))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.argument()).isEqualTo("ttl"));
        assertThatThrownBy(() -> store.getOrLoad("k", ValueType.of(String.class), null, Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.argument()).isEqualTo("loader"));
    }

    @Test
    void getAllOmitsAbsentKeysAndKeepsTheOrderAsked() {
        store.put("b", "2");
        store.put("a", "1");

        assertThat(store.getAll(List.of("a", "x", "b"), ValueType.of(String.class)))
                .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void getAllChecksEveryKeyBeforeReading() {
        assertThatThrownBy(() -> store.getAll(Arrays.asList("a", null), ValueType.of(String.class)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.argument()).isEqualTo("key"));
        assertThatThrownBy(() -> store.getAll(null, ValueType.of(String.class)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.argument()).isEqualTo("keys"));
    }

    @Test
    void putAllWritesEveryEntry() {
        store.putAll(Map.of("a", 1, "b", 2), Duration.ofMinutes(1));

        assertThat(store.values).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1, "b", 2));
    }

    @Test
    void putAllWritesNothingWhenAnyEntryIsBad() {
        Map<String, Object> badLast = new LinkedHashMap<>();
        badLast.put("a", 1);
        badLast.put("b", null);
        Map<String, Object> badKeyLast = new LinkedHashMap<>();
        badKeyLast.put("a", 1);
        badKeyLast.put("", 2);

        assertThatThrownBy(() -> store.putAll(badLast, Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.argument()).isEqualTo("value"));
        assertThatThrownBy(() -> store.putAll(badKeyLast, Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.argument()).isEqualTo("key"));
        assertThatThrownBy(() -> store.putAll(Map.of("a", 1), Duration.ofSeconds(-1)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.argument()).isEqualTo("ttl"));
        assertThatThrownBy(() -> store.putAll(null, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.argument()).isEqualTo("entries"));
        assertThat(store.puts).isEmpty();
    }

    @Test
    void noExpiryIsTheLongestDuration() {
        assertThat(CacheStore.NO_EXPIRY).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));
        assertThat(new CacheEntry<>("v", CacheStore.NO_EXPIRY).neverExpires()).isTrue();
        assertThat(new CacheEntry<>("v", Duration.ofDays(365_000)).neverExpires()).isFalse();
    }

    @Test
    void cacheEntryRefusesNulls() {
        assertThatThrownBy(() -> new CacheEntry<>(null, Duration.ofSeconds(1))).isInstanceOf(NullPointerException.class)
                .hasMessage("value");
        assertThatThrownBy(() -> new CacheEntry<>("v", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("remainingTtl");
    }

    @Test
    void requestedRemovalsAreExplicitReplacedAndCleared() {
        assertThat(RemovalCause.EXPLICIT.wasRequested()).isTrue();
        assertThat(RemovalCause.REPLACED.wasRequested()).isTrue();
        assertThat(RemovalCause.CLEARED.wasRequested()).isTrue();
        assertThat(RemovalCause.EXPIRED.wasRequested()).isFalse();
        assertThat(RemovalCause.EVICTED.wasRequested()).isFalse();
    }

    /** An ExpiringStore, to see the capability default answer for the store itself. */
    private static final class ExpiringMinimalStore implements ExpiringStore {
        @Override
        public long cleanupExpired() {
            return 7;
        }
    }

    @Test
    void capabilityAnswersForTheStoreItself() {
        MinimalStore store = new MinimalStore();

        assertThat(store.capability(CacheStore.class)).containsSame(store);
        assertThat(store.capability(ExpiringStore.class)).isEmpty();
        assertThat(store.capability(PublishingStore.class)).isEmpty();
        assertThat(new ExpiringMinimalStore().cleanupExpired()).isEqualTo(7);
        assertThatThrownBy(() -> store.capability(null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("capability");
    }

    @Test
    void reservedBulkReadWithoutTheCapabilityFindsValuesAndTheReservedStringInKeyOrder() {
        String reserved = "\u0000reserved";
        store.put("number", 7);
        store.put("marked", reserved);
        store.put("text", "not a number");
        Map<String, CacheEntry<Object>> found = ReservedValueReads.readAll(store,
                List.of("marked", "absent", "text", "number", "marked"), ValueType.of(Integer.class), reserved);
        assertThat(found.keySet()).containsExactly("marked", "number");
        assertThat(found.get("marked").value()).isEqualTo(reserved);
        assertThat(found.get("number").value()).isEqualTo(7);
        assertThat(ReservedValueReads.readAll(store, List.of(), ValueType.of(Integer.class), reserved)).isEmpty();
    }

    @Test
    void reservedBulkReadDefaultLoopsOverTheSingleKeyReadOncePerKey() {
        String reserved = "\u0000reserved";
        store.put("number", 7);
        store.put("marked", reserved);
        AtomicInteger reads = new AtomicInteger();
        ReservedValueReads capability = new ReservedValueReads() {
            @Override
            public <T> Optional<CacheEntry<Object>> getEntryOrReserved(String key, ValueType<T> type, String r) {
                reads.incrementAndGet();
                return ReservedValueReads.read(store, key, type, r);
            }
        };
        Map<String, CacheEntry<Object>> found = capability.getEntriesOrReserved(
                List.of("number", "absent", "marked", "number"), ValueType.of(Integer.class), reserved);
        assertThat(found.keySet()).containsExactly("number", "marked");
        assertThat(found.get("marked").value()).isEqualTo(reserved);
        assertThat(reads).hasValue(3);
        assertThatThrownBy(() -> capability.getEntriesOrReserved(List.of("ok", ""), ValueType.of(Integer.class),
                reserved)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> capability.getEntriesOrReserved(List.of("ok"), ValueType.of(Integer.class), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("reserved");
        assertThat(reads).hasValue(3);
    }
}

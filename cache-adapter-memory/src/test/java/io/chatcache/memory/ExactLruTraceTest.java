package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the LIRS traces in the repository's {@code traces} folder through the store and through
 * an access-ordered {@link LinkedHashMap} of the same capacity, reading each key and putting it on a
 * miss. Exact LRU means the same hits, the same evictions and the same keys held at the end.
 */
class ExactLruTraceTest {

    private static final int[] CAPACITIES = {250, 500, 1000};

    static Stream<Arguments> tracesAndCapacities() {
        return TraceFiles.withCapacities(CAPACITIES);
    }

    @ParameterizedTest(name = "{0} at capacity {1}")
    @MethodSource("tracesAndCapacities")
    void storeHitsExactlyAsOftenAsAnAccessOrderedLinkedHashMap(String traceName, int capacity) {
        TraceFiles.Trace trace = TraceFiles.trace(traceName);
        assertThat(trace.accesses()).as("accesses in %s", traceName).isNotEmpty();

        LinkedHashMap<String, Integer> reference = new LinkedHashMap<>(capacity, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                return size() > capacity;
            }
        };
        long referenceHits = 0;
        for (int access : trace.accesses()) {
            String key = trace.keys()[access];
            if (reference.get(key) != null) {
                referenceHits++;
            } else {
                reference.put(key, access);
            }
        }

        long storeHits = 0;
        try (MemoryCacheStore store = MemoryCacheStore.builder()
                .maximumSize(capacity)
                .defaultTtl(CacheStore.NO_EXPIRY)
                .cleanupInterval(Duration.ZERO)
                .build()) {
            for (int access : trace.accesses()) {
                String key = trace.keys()[access];
                if (store.get(key, Integer.class).isPresent()) {
                    storeHits++;
                } else {
                    store.put(key, access);
                }
            }
            CacheStats stats = store.stats();

            assertThat(storeHits).as("hits on %s at capacity %d", traceName, capacity).isEqualTo(referenceHits);
            assertThat(stats.hits()).isEqualTo(referenceHits);
            assertThat(stats.misses()).isEqualTo(trace.accesses().length - referenceHits);
            long misses = trace.accesses().length - referenceHits;
            assertThat(stats.evictions()).isEqualTo(Math.max(0, misses - capacity));
            assertThat(stats.entryCount()).isEqualTo(reference.size());
            for (Map.Entry<String, Integer> held : reference.entrySet()) {
                assertThat(store.get(held.getKey(), Integer.class)).as("key %s", held.getKey()).contains(held.getValue());
            }
        }
    }
}

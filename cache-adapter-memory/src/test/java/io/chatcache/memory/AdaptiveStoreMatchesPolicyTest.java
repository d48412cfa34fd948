package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheStore;
import io.chatcache.core.EvictionPolicy;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * While one thread uses it, the adaptive store applies its policy exactly as the bare policy would: reads
 * recorded in the buffers and replayed under the lock (also when a full buffer is drained by the reader) reach
 * the policy in the same order, so with the same seed both hit the same number of times on every trace. The
 * simulator's keys are the trace keys' hash codes, so that both sketches see the same hashes.
 */
class AdaptiveStoreMatchesPolicyTest {

    static Stream<Arguments> tracesAndCapacities() {
        return TraceFiles.withCapacities(250, 500, 1000);
    }

    @ParameterizedTest(name = "{0} at capacity {1}")
    @MethodSource("tracesAndCapacities")
    void theStoreHitsExactlyAsTheBarePolicy(String traceName, int capacity) {
        TraceFiles.Trace trace = TraceFiles.trace(traceName);
        String[] keys = trace.keys();
        assertThat(Arrays.stream(keys).mapToInt(String::hashCode).distinct().count())
                .as("the trace's keys have distinct hash codes").isEqualTo(keys.length);
        long seed = 0x5EED + capacity;

        PolicySimulator simulator = new PolicySimulator(capacity, seed);
        for (int access : trace.accesses()) {
            simulator.access(keys[access].hashCode());
        }

        long storeHits = 0;
        try (MemoryCacheStore store = MemoryCacheStore.builder()
                .maximumSize(capacity)
                .defaultTtl(CacheStore.NO_EXPIRY)
                .cleanupInterval(Duration.ZERO)
                .evictionPolicy(EvictionPolicy.ADAPTIVE)
                .policySeed(seed)
                .build()) {
            for (int access : trace.accesses()) {
                String key = keys[access];
                if (store.get(key, Integer.class).isPresent()) {
                    storeHits++;
                } else {
                    store.put(key, access);
                }
            }
            assertThat(store.stats().hits()).isEqualTo(storeHits);
            assertThat(store.stats().entryCount()).isEqualTo(simulator.size());
            assertThat(store.stats().evictions()).isEqualTo(simulator.evictions());
        }
        assertThat(storeHits).as("store hits on %s at %d", traceName, capacity).isEqualTo(simulator.hits());
    }
}

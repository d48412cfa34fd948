package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.EvictionPolicy;
import io.chatcache.core.KeyPattern;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Puts over existing keys (in place and through the lock, changing weight and kind) race with evictions,
 * deletes, pattern deletes, clears and expiry. Afterwards every value put must be accounted for exactly
 * once: still held, or reported to the listeners once; and the totals must match what is held.
 */
class RemovalAccountingStressTest {

    private static final int OPERATIONS_PER_THREAD = 40_000;

    @ParameterizedTest(name = "{0} threads, {1} keys, bound {2}, {3}")
    @CsvSource({"4, 64, 32, LRU", "6, 16, 8, LRU", "4, 400, 100, LRU",
        "4, 64, 32, ADAPTIVE", "6, 16, 8, ADAPTIVE", "4, 400, 100, ADAPTIVE"})
    void everyPutValueIsHeldOrReportedExactlyOnce(int threads, int keys, long bound, EvictionPolicy policy)
            throws Exception {
        Weigher weigher = (key, value) -> ((String) value).length();
        ManualTicker ticker = new ManualTicker(Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(30));
        MemoryCacheStore store = MemoryCacheStore.builder()
                .maximumSize(bound).cleanupInterval(Duration.ZERO).weigher(weigher).ticker(ticker)
                .evictionPolicy(policy).build();
        ConcurrentHashMap<String, LongAdder> puts = new ConcurrentHashMap<>();
        ConcurrentHashMap<String, LongAdder> removals = new ConcurrentHashMap<>();
        store.addRemovalListener((key, cause) -> removals.computeIfAbsent(key, k -> new LongAdder()).increment());
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 31L * t + keys;
                boolean clock = t == 0;
                workers.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await(30, TimeUnit.SECONDS);
                    for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
                        String key = "k" + Math.min(random.nextInt(keys), random.nextInt(keys));
                        int op = random.nextInt(1000);
                        if (op < 400) {
                            store.get(key, String.class);
                        } else if (op < 900) {
                            // Two lengths (so weights change) and both node kinds.
                            String value = random.nextBoolean() ? "v" : "vvvv";
                            Duration ttl = random.nextInt(3) == 0 ? CacheStore.NO_EXPIRY
                                    : Duration.ofMillis(1 + random.nextInt(500));
                            puts.computeIfAbsent(key, k -> new LongAdder()).increment();
                            store.put(key, value, ttl);
                        } else if (op < 960) {
                            store.delete(key);
                        } else if (op < 975) {
                            store.deleteMatching(KeyPattern.glob("k1*"));
                        } else if (op < 978) {
                            store.clear();
                        } else if (clock) {
                            ticker.advance(Duration.ofMillis(random.nextInt(100)));
                            store.cleanupExpired();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        // The clock stands still from here on; what is held after this is live.
        store.cleanupExpired();
        CacheStats stats = store.stats();
        long held = 0;
        long weight = 0;
        for (int i = 0; i < keys; i++) {
            String key = "k" + i;
            var value = store.get(key, String.class);
            if (value.isPresent()) {
                held++;
                weight += weigher.weigh(key, value.get());
            }
            assertThat(count(removals, key) + (value.isPresent() ? 1 : 0))
                    .as("reports of %s plus whether it is held, against its puts", key).isEqualTo(count(puts, key));
        }
        assertThat(stats.entryCount()).isEqualTo(held);
        assertThat(stats.totalSizeBytes()).isEqualTo(weight);
        assertThat(stats.entryCount()).isLessThanOrEqualTo(bound);
        assertThat(store.policyIsConsistent()).as("the policy's queues match its counts and the entries").isTrue();
        store.close();
    }

    private static long count(ConcurrentHashMap<String, LongAdder> counts, String key) {
        LongAdder adder = counts.get(key);
        return adder == null ? 0 : adder.sum();
    }
}

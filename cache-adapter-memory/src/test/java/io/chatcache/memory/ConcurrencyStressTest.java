package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.EvictionPolicy;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Several threads hammer one store with a bounded number of mixed operations; once they are done, the
 * store's books must balance.
 */
class ConcurrencyStressTest {

    private static final int OPERATIONS_PER_THREAD = 60_000;
    private static final ValueType<String> STRING = ValueType.of(String.class);

    @ParameterizedTest(name = "{0} threads, {1} keys, bound {2}, expiry {3}, {4}")
    @CsvSource({"4, 400, 100, false, LRU", "8, 2000, 500, false, LRU", "6, 200, 16, false, LRU",
        "6, 400, 100, true, LRU", "4, 400, 100, false, ADAPTIVE", "8, 2000, 500, false, ADAPTIVE",
        "6, 200, 16, false, ADAPTIVE", "6, 400, 100, true, ADAPTIVE"})
    void invariantsHoldAfterConcurrentMixedOperations(int threads, int keys, long bound, boolean expiry,
            EvictionPolicy policy) throws Exception {
        Weigher weigher = (key, value) -> key.length() + ((String) value).length();
        ManualTicker ticker = new ManualTicker();
        MemoryCacheStore store = MemoryCacheStore.builder()
                .maximumSize(bound)
                .defaultTtl(CacheStore.NO_EXPIRY)
                .cleanupInterval(Duration.ZERO)
                .weigher(weigher)
                .ticker(ticker)
                .evictionPolicy(policy)
                .build();
        Set<String> everPut = ConcurrentHashMap.newKeySet();
        Set<String> leftForGood = ConcurrentHashMap.newKeySet();
        Map<RemovalCause, LongAdder> causes = new ConcurrentHashMap<>();
        store.addRemovalListener((key, cause) -> {
            causes.computeIfAbsent(cause, c -> new LongAdder()).increment();
            if (cause != RemovalCause.REPLACED && cause != RemovalCause.CLEARED) {
                leftForGood.add(key);
            }
        });
        LongAdder reads = new LongAdder();
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 1000L * t + keys;
                workers.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    start.await(30, TimeUnit.SECONDS);
                    for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
                        // Skewed keys, so that some are hot and read while others write them.
                        int index = Math.min(random.nextInt(keys), random.nextInt(keys));
                        String key = "key-" + index;
                        int op = random.nextInt(100);
                        if (op < 65) {
                            store.get(key, String.class).ifPresent(value -> assertThat(value).startsWith(key));
                            reads.increment();
                        } else if (op < 70) {
                            everPut.add(key);
                            String value = store.getOrLoad(key, STRING, () -> key + "#loaded", ttl(random, expiry));
                            assertThat(value).startsWith(key);
                            reads.increment();
                        } else if (op < 94) {
                            everPut.add(key);
                            store.put(key, key + "#" + random.nextInt(1000), ttl(random, expiry));
                        } else if (op < 99) {
                            store.delete(key);
                        } else if (expiry) {
                            ticker.advance(Duration.ofMillis(random.nextInt(200)));
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

        // What is held from here on is live: the clock no longer moves.
        store.cleanupExpired();
        CacheStats stats = store.stats();
        assertThat(stats.entryCount()).isLessThanOrEqualTo(bound);
        assertThat(stats.hits() + stats.misses()).isEqualTo(reads.sum());
        assertThat(stats.errors()).isZero();
        assertThat(stats.evictions()).isEqualTo(count(causes, RemovalCause.EVICTED));
        assertThat(stats.evictions()).as("the bound must have been exercised").isPositive();
        assertThat(stats.expirations() > 0).as("expirations happened").isEqualTo(expiry);

        long present = 0;
        long weight = 0;
        for (int i = 0; i < keys; i++) {
            String key = "key-" + i;
            var value = store.get(key, String.class);
            if (value.isPresent()) {
                present++;
                weight += weigher.weigh(key, value.get());
            } else if (everPut.contains(key)) {
                assertThat(leftForGood).as("%s was put, never evicted or deleted, yet is gone", key).contains(key);
            }
        }
        assertThat(present).isEqualTo(stats.entryCount());
        assertThat(store.policyIsConsistent()).as("the policy's queues match its counts and the entries").isTrue();
        assertThat(weight).isEqualTo(stats.totalSizeBytes());
        store.clear();
        assertThat(store.stats().entryCount()).isZero();
        if (policy == EvictionPolicy.ADAPTIVE) {
            // Its regions must still add up: filling it twice over leaves it exactly full.
            for (int i = 0; i < 2 * bound; i++) {
                store.put("quiet-" + i, "quiet-" + i);
            }
            assertThat(store.stats().entryCount()).isEqualTo(bound);
            store.close();
            return;
        }
        // The store must still evict exactly by recency now that it is quiet again.
        for (int i = 0; i < bound; i++) {
            store.put("quiet-" + i, "quiet-" + i);
        }
        store.get("quiet-0", String.class);
        store.put("quiet-new", "quiet-new");
        assertThat(store.get("quiet-0", String.class)).isPresent();
        assertThat(store.get("quiet-1", String.class)).isEmpty();
        store.close();
    }

    private static Duration ttl(SplittableRandom random, boolean expiry) {
        return expiry ? Duration.ofMillis(100 + random.nextInt(2_000)) : CacheStore.NO_EXPIRY;
    }

    private static long count(Map<RemovalCause, LongAdder> causes, RemovalCause cause) {
        LongAdder adder = causes.get(cause);
        return adder == null ? 0 : adder.sum();
    }
}

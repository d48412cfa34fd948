package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.EvictionPolicy;
import io.chatcache.core.RemovalCause;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store under {@link EvictionPolicy#ADAPTIVE}: what changes (who is evicted) and what does not. */
class AdaptiveMemoryCacheStoreTest {

    private final ManualTicker ticker = new ManualTicker();

    private MemoryCacheStore.Builder adaptive(long maximumSize) {
        return MemoryCacheStore.builder()
                .maximumSize(maximumSize)
                .defaultTtl(CacheStore.NO_EXPIRY)
                .cleanupInterval(Duration.ZERO)
                .ticker(ticker)
                .evictionPolicy(EvictionPolicy.ADAPTIVE);
    }

    @Test
    void aScanThroughTheStoreKeepsTheHotSet() {
        try (MemoryCacheStore store = adaptive(500).build()) {
            for (int i = 0; i < 500; i++) {
                store.put("warm-" + i, i);
            }
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < 50; i++) {
                    readThrough(store, "hot-" + i);
                }
            }
            long hotMisses = 0;
            for (int i = 0; i < 20_000; i++) {
                readThrough(store, "scan-" + i);
                if (i % 1_000 == 999) {
                    for (int h = 0; h < 50; h++) {
                        hotMisses += readThrough(store, "hot-" + h) ? 0 : 1;
                    }
                }
            }
            assertThat(hotMisses).as("hot reads that missed during a scan 40 times the cache").isZero();
            CacheStats stats = store.stats();
            assertThat(stats.entryCount()).isEqualTo(500);
            // Every miss put a key into a full store: one eviction each.
            assertThat(stats.evictions()).isEqualTo(stats.misses());
        }
    }

    @Test
    void aLoopTraceHitsWhereLruCannot() {
        int[] accesses = TraceFiles.trace("loop").accesses();
        try (MemoryCacheStore store = adaptive(500).build()) {
            long hits = 0;
            for (int i = 0; i < 100_000; i++) {
                hits += readThrough(store, "k" + accesses[i]) ? 1 : 0;
            }
            // Exact LRU hits 0 here (ExactLruTraceTest); the best possible is about 49%.
            assertThat((double) hits / 100_000).isGreaterThan(0.40);
            assertThat(store.stats().hits()).isEqualTo(hits);
            assertThat(store.stats().entryCount()).isEqualTo(500);
        }
    }

    @Test
    void evictionsAreReportedAndCountedAndTheByteBoundHolds() {
        List<RemovalCause> causes = new ArrayList<>();
        try (MemoryCacheStore store = adaptive(100)
                .maximumWeightBytes(1_000)
                .weigher((key, value) -> 40)
                .build()) {
            store.addRemovalListener((key, cause) -> causes.add(cause));
            for (int i = 0; i < 300; i++) {
                store.put("k" + i, i);
                assertThat(store.stats().totalSizeBytes()).isLessThanOrEqualTo(1_000);
            }
            CacheStats stats = store.stats();
            assertThat(stats.entryCount()).isEqualTo(25);
            assertThat(stats.totalSizeBytes()).isEqualTo(1_000);
            assertThat(stats.evictions()).isEqualTo(275);
            assertThat(causes).hasSize(275).containsOnly(RemovalCause.EVICTED);
        }
    }

    @Test
    void expiredEntriesLeaveAsExpiredBeforeLiveOnesAreEvicted() {
        List<String> evicted = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        try (MemoryCacheStore store = adaptive(100).build()) {
            store.addRemovalListener((key, cause) -> (cause == RemovalCause.EXPIRED ? expired : evicted).add(key));
            // The short-lived entries first, so that they are main's eldest: the first victims.
            for (int i = 0; i < 10; i++) {
                store.put("short-" + i, i, Duration.ofSeconds(1));
            }
            for (int i = 0; i < 90; i++) {
                store.put("live-" + i, i);
                store.get("live-" + i, Integer.class);
            }
            ticker.advance(Duration.ofSeconds(2));
            // Over the bound while the short-lived entries are dead: they leave, as expired, without a duel, and
            // no live entry is evicted.
            for (int i = 0; i < 10; i++) {
                store.put("late-" + i, i);
            }
            assertThat(store.stats().entryCount()).isEqualTo(100);
            assertThat(store.stats().expirations()).isEqualTo(10);
            assertThat(store.stats().evictions()).isZero();
            assertThat(expired).containsExactlyInAnyOrder(
                    "short-0", "short-1", "short-2", "short-3", "short-4",
                    "short-5", "short-6", "short-7", "short-8", "short-9");
            assertThat(evicted).isEmpty();
        }
    }

    @Test
    void deletesAndClearKeepTheRegionsConsistent() {
        try (MemoryCacheStore store = adaptive(50).build()) {
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 80; i++) {
                    readThrough(store, "k" + (i * 7 + round) % 120);
                    if (i % 9 == 0) {
                        store.delete("k" + (i * 3) % 120);
                    }
                }
                assertThat(store.stats().entryCount()).isLessThanOrEqualTo(50);
            }
            assertThat(store.policyIsConsistent()).isTrue();
            store.clear();
            assertThat(store.stats().entryCount()).isZero();
            assertThat(store.policyIsConsistent()).isTrue();
            for (int i = 0; i < 200; i++) {
                store.put("again-" + i, i);
            }
            assertThat(store.stats().entryCount()).isEqualTo(50);
        }
    }

    @Test
    void saysItsPolicy() {
        try (MemoryCacheStore store = adaptive(10).build()) {
            assertThat(store.toString()).contains("evictionPolicy=ADAPTIVE");
        }
    }

    /** A read, and a put on a miss; whether it hit. */
    private static boolean readThrough(MemoryCacheStore store, String key) {
        if (store.get(key, Object.class).isPresent()) {
            return true;
        }
        store.put(key, key);
        return false;
    }
}

package io.chatcache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.chatcache.core.EvictionPolicy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The local caches the benchmarks compare, by the names that appear in the {@code cache} parameter and in
 * RESULTS.md (fixed, so that results can be compared across runs).
 */
enum CacheKind {

    /**
     * chat-cache's hand-written LRU, the memory store, used through the {@code CacheStore} port; for hit rates and
     * memory without its periodic cleanup thread.
     */
    CHATCACHE_LRU("chatcache-lru") {
        @Override
        BenchCache create(int maximumSize, boolean sameThreadMaintenance) {
            return new ChatCacheLru(maximumSize, sameThreadMaintenance, EvictionPolicy.LRU);
        }
    },

    /** The same store with {@code EvictionPolicy.ADAPTIVE} (W-TinyLFU with an adaptive window). */
    CHATCACHE_ADAPTIVE("chatcache-adaptive") {
        @Override
        BenchCache create(int maximumSize, boolean sameThreadMaintenance) {
            return new ChatCacheLru(maximumSize, sameThreadMaintenance, EvictionPolicy.ADAPTIVE);
        }
    },

    /**
     * Caffeine, bounded by entry count. For throughput it is built as Caffeine's own benchmarks and most users build
     * it (maintenance, including eviction, handed to {@code ForkJoinPool.commonPool()}); for hit rates and memory
     * its maintenance runs on the caller's thread so that the simulation is deterministic.
     */
    CAFFEINE("caffeine") {
        @Override
        BenchCache create(int maximumSize, boolean sameThreadMaintenance) {
            return caffeine(maximumSize, sameThreadMaintenance);
        }
    },

    /**
     * Caffeine with its maintenance on the caller's thread ({@code executor(Runnable::run)}), as chat-cache's LRU
     * does its own: the like-for-like rival where eviction cost is measured, on a machine with few cores.
     */
    CAFFEINE_SAME_THREAD("caffeine-samethread") {
        @Override
        BenchCache create(int maximumSize, boolean sameThreadMaintenance) {
            return caffeine(maximumSize, true);
        }
    },

    /** An unbounded {@link ConcurrentHashMap}: no eviction, no recency; the ceiling a cache can approach. */
    CHM("chm") {
        @Override
        BenchCache create(int maximumSize, boolean sameThreadMaintenance) {
            Map<String, Boolean> map = new ConcurrentHashMap<>();
            return new BenchCache() {
                @Override
                public Boolean get(String key) {
                    return map.get(key);
                }

                @Override
                public void put(String key, Boolean value) {
                    map.put(key, value);
                }
            };
        }
    },

    /** The naive LRU: an access-ordered {@link LinkedHashMap} behind one lock. */
    LHM_SYNC("lhm-sync") {
        @Override
        BenchCache create(int maximumSize, boolean sameThreadMaintenance) {
            Map<String, Boolean> map = new LruMap<>(maximumSize);
            return new BenchCache() {
                @Override
                public Boolean get(String key) {
                    synchronized (map) {
                        return map.get(key);
                    }
                }

                @Override
                public void put(String key, Boolean value) {
                    synchronized (map) {
                        map.put(key, value);
                    }
                }
            };
        }
    };

    private final String benchName;

    CacheKind(String benchName) {
        this.benchName = benchName;
    }

    /** The name used in the {@code cache} parameter. */
    String benchName() {
        return benchName;
    }

    /** Creates an empty cache bounded to {@code maximumSize} entries (ignored by {@link #CHM}). */
    abstract BenchCache create(int maximumSize, boolean sameThreadMaintenance);

    /** Creates an empty cache as an application would configure it. */
    BenchCache create(int maximumSize) {
        return create(maximumSize, false);
    }

    /** The kind named {@code name} in a benchmark parameter. */
    static CacheKind named(String name) {
        for (CacheKind kind : values()) {
            if (kind.benchName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown cache '" + name + "'; known: "
                + Arrays.stream(values()).map(CacheKind::benchName).collect(Collectors.joining(", ")));
    }

    private static BenchCache caffeine(int maximumSize, boolean sameThreadMaintenance) {
        Caffeine<Object, Object> builder = Caffeine.newBuilder().initialCapacity(maximumSize).maximumSize(maximumSize);
        if (sameThreadMaintenance) {
            builder.executor(Runnable::run);
        }
        Cache<String, Boolean> cache = builder.build();
        return new BenchCache() {
            @Override
            public Boolean get(String key) {
                return cache.getIfPresent(key);
            }

            @Override
            public void put(String key, Boolean value) {
                cache.put(key, value);
            }

            @Override
            public void cleanUp() {
                cache.cleanUp();
            }
        };
    }

    /** An access-ordered LinkedHashMap that drops its eldest entry beyond {@code maximumSize}: exact LRU. */
    static final class LruMap<K, V> extends LinkedHashMap<K, V> {
        private final int maximumSize;

        LruMap(int maximumSize) {
            super(16, 0.75f, true);
            this.maximumSize = maximumSize;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > maximumSize;
        }
    }
}

package io.chatcache.bench;

import io.chatcache.chat.CacheBackend;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.chat.HybridCacheStore;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.redis.RedisConfig;
import io.chatcache.redis.RedisConnection;
import io.chatcache.testkit.redis.fault.VersionedCache;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.client.codec.LongCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.codec.CompositeCodec;

/**
 * One application instance of {@link FaultBenchmark}: its own Redis client and near cache, on the store under test.
 *
 * @param cache the calls the load makes
 * @param l2Available whether the instance uses Redis now (HYBRID: its breaker is closed); always true for the rival
 * @param closer closes the instance and its client
 */
record FaultInstance(VersionedCache cache, BooleanSupplier l2Available, Runnable closer) implements AutoCloseable {

    /** The stores the benchmark compares. */
    enum Kind {
        /**
         * chat-cache's {@link ChatCacheService} in HYBRID mode (its own Redisson client, L1, bus and breaker; in a
         * cluster a breaker, journal and coherence per shard).
         */
        HYBRID("chat-cache HYBRID"),
        /**
         * chat-cache's {@link HybridCacheStore} with the service's defaults (memory L1 of 10,000 entries, the Redis
         * store and bus of one {@link RedisConnection}) but one breaker, journal and coherence for every shard
         * ({@code isolateShards(false)}): the design before per-shard isolation, for side-by-side cluster runs.
         */
        HYBRID_SINGLE("chat-cache HYBRID, one breaker"),
        /** Redisson's {@link RLocalCachedMap}, invalidating, clearing the local cache on reconnect. */
        LCM_CLEAR("RLocalCachedMap CLEAR"),
        /** Redisson's {@link RLocalCachedMap}, invalidating, reloading changed entries on reconnect. */
        LCM_LOAD("RLocalCachedMap LOAD");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }

        /** Whether this is one of chat-cache's hybrid stores (it has a breaker whose state the run watches). */
        boolean hybrid() {
            return this == HYBRID || this == HYBRID_SINGLE;
        }

        /**
         * The Redis key that holds {@code key} for this store on the Redis settings {@code redisEnvironment}: the
         * namespace's key for chat-cache, the one hash of the rival's map for Redisson's (all its entries live in one
         * slot, so on one shard).
         */
        String redisKeyOf(String key, Map<String, String> redisEnvironment) {
            if (!hybrid()) {
                return MAP_NAME;
            }
            String namespace = RedisConfig.fromEnvironment(redisEnvironment).namespace();
            return namespace.isEmpty() ? key : namespace + ":" + key;
        }

        /** The name of {@code --stores}: {@code hybrid}, {@code lcm-clear}, {@code lcm-load}. */
        String optionName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Kind parse(String name) {
            for (Kind kind : values()) {
                if (kind.optionName().equals(name.strip())) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown store '" + name + "'; known: hybrid, hybrid-single, lcm-clear,"
                    + " lcm-load");
        }
    }

    /** The name of the rival's map, the one Redis key that holds all its entries. */
    static final String MAP_NAME = "fault-bench";

    @Override
    public void close() {
        closer.run();
    }

    /**
     * Connects the rival's client, trying again for up to 30 s: start-up is not under test, and on a loaded machine
     * a fresh JVM's first connection can miss a short operation budget (Redisson then fails {@code create} on the
     * connection's {@code CLIENT SETNAME}), where HYBRID would start on L1 and connect in the background.
     */
    private static RedisConnection connectPatiently(RedisConfig config) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return RedisConnection.open(config);
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /**
     * Opens an instance on the Redis settings {@code redisEnvironment} ({@code REDIS_URL} and any other
     * {@code REDIS_*} variable the library reads); the rival's Redisson client is built from the same settings.
     */
    static FaultInstance open(Kind kind, Map<String, String> redisEnvironment) {
        if (kind == Kind.HYBRID) {
            ChatCacheService service = ChatCacheService.builder().backend(CacheBackend.HYBRID)
                    .redisEnvironment(redisEnvironment).maxMemorySize(10_000).build();
            return new FaultInstance(VersionedCache.of(service::set, key -> service.get(key, Long.class)),
                    () -> service.info().redisAvailable(), service::close);
        }
        RedisConnection connection = connectPatiently(RedisConfig.fromEnvironment(redisEnvironment));
        if (kind == Kind.HYBRID_SINGLE) {
            MemoryCacheStore l1 = MemoryCacheStore.builder().maximumSize(10_000).build();
            HybridCacheStore store;
            try {
                store = HybridCacheStore.builder().l1(l1).l2(connection.store()).bus(connection.bus())
                        .isolateShards(false).build();
            } catch (RuntimeException e) {
                connection.close();
                l1.close();
                throw e;
            }
            return new FaultInstance(VersionedCache.of(store::put, key -> store.get(key, Long.class)),
                    store::isL2Available, () -> {
                        store.close();
                        connection.close();
                        l1.close();
                    });
        }
        RedissonClient client = connection.redissonClient();
        RLocalCachedMap<String, Long> map = client.getLocalCachedMap(LocalCachedMapOptions.<String, Long>name(
                        MAP_NAME).codec(new CompositeCodec(StringCodec.INSTANCE, LongCodec.INSTANCE))
                .cacheSize(10_000)
                .evictionPolicy(LocalCachedMapOptions.EvictionPolicy.LRU)
                .syncStrategy(LocalCachedMapOptions.SyncStrategy.INVALIDATE)
                .reconnectionStrategy(kind == Kind.LCM_CLEAR ? LocalCachedMapOptions.ReconnectionStrategy.CLEAR
                        : LocalCachedMapOptions.ReconnectionStrategy.LOAD));
        return new FaultInstance(VersionedCache.of(map::fastPut, key -> Optional.ofNullable(map.get(key))),
                () -> true, () -> {
                    map.destroy();
                    connection.close();
                });
    }
}

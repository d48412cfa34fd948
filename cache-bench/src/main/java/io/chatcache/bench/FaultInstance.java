package io.chatcache.bench;

import io.chatcache.chat.HybridCacheStore;
import io.chatcache.chat.L2Counters;
import io.chatcache.core.Sharding;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.redis.RedisConfig;
import io.chatcache.redis.RedisConnection;
import io.chatcache.testkit.redis.fault.Call;
import io.chatcache.testkit.redis.fault.CallLog;
import io.chatcache.testkit.redis.fault.FaultLoad;
import io.chatcache.testkit.redis.fault.VersionedCache;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
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
 * @param outages for a hybrid store, what it did without Redis; null for the rival
 */
record FaultInstance(VersionedCache cache, BooleanSupplier l2Available, Runnable closer, Outages outages)
        implements AutoCloseable {

    /** The stores the benchmark compares. */
    enum Kind {
        /**
         * chat-cache's {@link HybridCacheStore} with {@code ChatCacheService}'s HYBRID defaults (memory L1 of 10,000
         * entries, the Redis store and bus of its own {@link RedisConnection}, default breaker; in a cluster a
         * breaker, journal and coherence per shard). Built here directly, as the service does with a handed-in L2,
         * so that the run sees each call's L2 outcome ({@link ObservedL2}) and each shard's breaker.
         */
        HYBRID("chat-cache HYBRID"),
        /**
         * {@link #HYBRID} but one breaker, journal and coherence for every shard
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
        RedisConnection connection = connectPatiently(RedisConfig.fromEnvironment(redisEnvironment));
        if (kind.hybrid()) {
            return hybrid(connection, kind == Kind.HYBRID);
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
                }, null);
    }

    /**
     * chat-cache's hybrid store over {@code connection} (memory L1 of 10,000 entries, the connection's Redis store
     * seen through {@link ObservedL2}, its bus), a breaker per shard if {@code isolate}; its calls that went
     * without Redis are logged in its {@link Outages}.
     */
    private static FaultInstance hybrid(RedisConnection connection, boolean isolate) {
        MemoryCacheStore l1 = MemoryCacheStore.builder().maximumSize(10_000).build();
        ObservedL2 l2 = new ObservedL2(connection.store());
        HybridCacheStore store;
        try {
            store = HybridCacheStore.builder().l1(l1).l2(l2).bus(connection.bus()).isolateShards(isolate).build();
        } catch (RuntimeException e) {
            connection.close();
            l1.close();
            throw e;
        }
        Sharding sharding = connection.store().capability(Sharding.class).orElse(null);
        Outages outages = new Outages(new CallLog(), new CallLog(), () -> breakers(store, sharding));
        VersionedCache cache = new VersionedCache() {
            @Override
            public void write(String key, long version) {
                l2.begin();
                long start = System.nanoTime();
                try {
                    store.put(key, version);
                } finally {
                    if (!l2.reached()) {
                        outages.withoutRedis().add(new Call(Call.Kind.WRITE, number(key), version, start,
                                System.nanoTime(), false));
                    }
                }
            }

            @Override
            public OptionalLong read(String key) {
                l2.begin();
                long start = System.nanoTime();
                Optional<Long> value = store.get(key, Long.class);
                if (!l2.reached()) {
                    Call call = new Call(key.startsWith(COLD_PREFIX) ? Call.Kind.COLD_READ : Call.Kind.READ,
                            number(key), value.orElse(Call.ABSENT), start, System.nanoTime(), false);
                    (value.isEmpty() || l2.failed() ? outages.withoutRedis() : outages.l1Served()).add(call);
                }
                return value.isPresent() ? OptionalLong.of(value.get()) : OptionalLong.empty();
            }
        };
        return new FaultInstance(cache, store::isL2Available, () -> {
            store.close();
            connection.close();
            l1.close();
        }, outages);
    }

    /** The prefix of the keys {@link io.chatcache.testkit.redis.fault.FaultLoad} reads but nobody writes. */
    private static final String COLD_PREFIX = "fault:cold:";

    /** The number of a load's key ({@code fault:7}, {@code fault:cold:7}: 7). */
    private static int number(String key) {
        return Integer.parseInt(key.substring(key.lastIndexOf(':') + 1));
    }

    /** The breakers of {@code store} now; which of the benchmark's keys they keep off Redis. */
    private static Breakers breakers(HybridCacheStore store, Sharding sharding) {
        L2Counters counters = store.l2Counters();
        if (counters.openShards() == 0) {
            return new Breakers(0, 0, counters.shards());
        }
        Map<String, L2Counters.Breaker> states = store.l2Breakers();
        long openKeys = 0;
        for (int i = 0; i < FaultBenchmark.KEYS; i++) {
            L2Counters.Breaker state = states.containsKey("") || sharding == null ? counters.breaker()
                    : states.get(sharding.shardOf(FaultLoad.key(i)));
            if (state != null && state != L2Counters.Breaker.CLOSED) {
                openKeys |= 1L << i;
            }
        }
        return new Breakers(openKeys, counters.openShards(), counters.shards());
    }

    /**
     * What a hybrid instance did without Redis (for the rival there is no such record).
     *
     * @param withoutRedis the caller calls that certainly went without Redis: writes that did not reach it (L1
     *     only, journaled), reads whose Redis call failed or was kept off (a miss, or L1's copy after a failure)
     * @param l1Served reads L1 answered without asking Redis: without Redis because of the fault only if the
     *     key's breaker was open then ({@link Breakers}), an ordinary L1 hit otherwise
     * @param breakers the breakers now
     */
    record Outages(CallLog withoutRedis, CallLog l1Served, Supplier<Breakers> breakers) {
    }

    /**
     * A hybrid instance's breakers at one moment.
     *
     * @param openKeys bit {@code i} set if key {@code i}'s breaker (its shard's, or the one breaker) is not closed
     * @param open how many breakers are not closed
     * @param shards how many breakers there are (1 without isolation)
     */
    record Breakers(long openKeys, int open, int shards) {
    }
}

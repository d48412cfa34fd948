package io.chatcache.bench;

import io.chatcache.chat.CacheBackend;
import io.chatcache.chat.ChatCacheService;
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
        /** chat-cache's {@link ChatCacheService} in HYBRID mode (its own Redisson client, L1, bus and breaker). */
        HYBRID("chat-cache HYBRID"),
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
            throw new IllegalArgumentException("unknown store '" + name + "'; known: hybrid, lcm-clear, lcm-load");
        }
    }

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
        RedissonClient client = connection.redissonClient();
        RLocalCachedMap<String, Long> map = client.getLocalCachedMap(LocalCachedMapOptions.<String, Long>name(
                        "fault-bench").codec(new CompositeCodec(StringCodec.INSTANCE, LongCodec.INSTANCE))
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

package io.chatcache.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatcache.chat.HybridCacheStore;
import io.chatcache.core.CacheStore;
import io.chatcache.core.Serializer;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.redis.JacksonSerializer;
import io.chatcache.redis.RedisCacheStore;
import io.chatcache.redis.RedisConfig;
import io.chatcache.redis.RedisInvalidationBus;
import io.chatcache.redis.RedisConnection;
import org.redisson.api.RedissonClient;

/**
 * Builds chat-cache's stores for the benchmarks the way an application would: the project's {@link RedisConfig}
 * defaults and Redisson client set-up, the default Jackson serialiser, the default hybrid options. The raw
 * Redisson rivals get a client built from the same configuration, so that both sides have the same pools and
 * timeouts.
 */
final class Stores {

    private Stores() {
    }

    /** A Redis store, the connection it is on (whose client the raw rival shares) and its serialiser. */
    record Redis(RedisCacheStore store, RedisConnection connection, Serializer serializer) implements AutoCloseable {
        /** The connection's Redisson client, for the raw rival. */
        RedissonClient client() {
            return connection.redissonClient();
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /** A hybrid store, its L1, and the L2 store and bus it was built on, on one connection; closed in that order. */
    record Hybrid(HybridCacheStore store, MemoryCacheStore l1, RedisInvalidationBus bus, RedisCacheStore l2,
                  RedisConnection connection) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
            l1.close();
            connection.close();
        }
    }

    /** The memory store bounded to {@code capacity} entries, otherwise default. */
    static MemoryCacheStore memory(int capacity) {
        return MemoryCacheStore.builder().maximumSize(capacity).build();
    }

    /**
     * The project's configuration for the benchmark's server and {@code namespace}, with a five-second operation
     * budget instead of the default 300 ms: these benchmarks measure speed on a busy 2-core host, where a
     * connection's set-up or a command can stall past 300 ms without anything being wrong with Redis, and
     * such a stall must not abort the run or count as an outage (the same for opening a connection); and 30 s to
     * start, since a JMH fork starting
     * beside the others on such a host may take longer than the default 5 s. (The fault benchmark keeps the
     * default budget.)
     */
    static RedisConfig config(RedisProcess redis, String namespace) {
        return RedisConfig.builder().url(redis.address()).namespace(namespace).timeout(SPEED_BENCH_TIMEOUT)
                .connectTimeout(SPEED_BENCH_TIMEOUT).startupTimeout(java.time.Duration.ofSeconds(30)).build();
    }

    /** The operation budget of the speed benchmarks' clients. */
    static final java.time.Duration SPEED_BENCH_TIMEOUT = java.time.Duration.ofSeconds(5);

    /**
     * A Redisson client configured as the project configures its own (the client of a {@link RedisConnection});
     * closing the returned handle shuts it down.
     */
    static RedisConnection connection(RedisProcess redis) {
        return RedisConnection.open(config(redis, "bench"));
    }

    /** A Redis store in {@code namespace} on a connection of its own, whose client the caller may use for raw calls. */
    static Redis redis(RedisProcess redis, String namespace) {
        RedisConnection connection = RedisConnection.open(config(redis, namespace));
        Serializer serializer = JacksonSerializer.create();
        RedisCacheStore store = connection.storeBuilder().serializer(serializer).build();
        return new Redis(store, connection, serializer);
    }

    /**
     * One application instance's hybrid store: its own client, a memory L1 of {@code l1Capacity} entries, a
     * Redis L2 in {@code namespace} and the Redis invalidation bus of that namespace; hybrid options default but
     * the slow-call threshold, which follows the budget.
     */
    static Hybrid hybrid(RedisProcess redis, String namespace, int l1Capacity) {
        RedisConnection connection = RedisConnection.open(config(redis, namespace));
        RedisCacheStore l2 = connection.store();
        RedisInvalidationBus bus = connection.bus();
        // The breaker's slow-call rule follows the budget: a stall of the busy host is not an outage here.
        MemoryCacheStore l1 = memory(l1Capacity);
        HybridCacheStore store = HybridCacheStore.builder().l1(l1).l2(l2).bus(bus)
                .slowCallThreshold(SPEED_BENCH_TIMEOUT).build();
        return new Hybrid(store, l1, bus, l2, connection);
    }

    /** The JSON mapper of the store's serialiser, for rivals that serialise with Jackson themselves. */
    static ObjectMapper objectMapper() {
        return JacksonSerializer.defaultObjectMapper();
    }
}

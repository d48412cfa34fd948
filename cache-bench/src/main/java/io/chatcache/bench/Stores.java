package io.chatcache.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatcache.core.CacheStore;
import io.chatcache.core.Serializer;
import org.redisson.api.RedissonClient;

/** Builds chat-cache's stores the way an application would, for the benchmarks. TEMPORARY stubs. */
final class Stores {

    private Stores() {
    }

    /** A Redis store with the Redisson client and serialiser it uses. */
    record Redis(CacheStore store, RedissonClient client, Serializer serializer) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
            client.shutdown();
        }
    }

    /** A hybrid store and what it owns. */
    record Hybrid(CacheStore store, AutoCloseable resources) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            store.close();
            resources.close();
        }
    }

    static CacheStore memory(int capacity) {
        throw new UnsupportedOperationException("memory store not yet available");
    }

    static Redis redis(RedisProcess redis, String namespace) {
        throw new UnsupportedOperationException("redis store not yet available");
    }

    static Hybrid hybrid(RedisProcess redis, String namespace, int l1Capacity) {
        throw new UnsupportedOperationException("hybrid store not yet available");
    }

    static RedissonClient redissonClient(RedisProcess redis) {
        org.redisson.config.Config config = new org.redisson.config.Config();
        config.useSingleServer().setAddress(redis.address());
        return org.redisson.Redisson.create(config);
    }

    static ObjectMapper objectMapper() {
        return new ObjectMapper().findAndRegisterModules();
    }
}

package io.chatcache.redis;

import io.chatcache.core.CacheStore;
import io.chatcache.core.RemovalCause;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.CacheStoreContract;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

import java.util.EnumSet;
import java.util.Set;

/** The shared CacheStore contract, against a master found through Redis Sentinel (with a replica). */
class RedisSentinelContractTest extends CacheStoreContract {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedissonClient client;
    private static String namespace;

    @BeforeAll
    static void connect() {
        client = RedissonClients.connect(RedisTestSupport.configFor(redis.sentinel()).build());
        namespace = RedisTestSupport.uniqueNamespace("sentinel-contract");
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.shutdown();
        }
    }

    @Override
    protected CacheStore createStore() {
        return RedisCacheStore.builder().client(client).namespace(namespace).build();
    }

    @Override
    protected Set<RemovalCause> reportedRemovalCauses() {
        return EnumSet.of(RemovalCause.EXPLICIT, RemovalCause.CLEARED);
    }
}

package io.chatcache.redis;

import io.chatcache.core.CacheStore;
import io.chatcache.core.RemovalCause;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.CacheStoreContract;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The shared CacheStore contract against Redis: one client per test class, on the servers the subclass
 * names, and a namespace of its own. Redis reports only explicit deletes and clears to removal listeners.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedisStoreContractBase extends CacheStoreContract {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private RedissonClient client;
    private String namespace;

    /** A configuration for the servers to test against, started through {@code redis}. */
    abstract RedisConfig.Builder config(RedisServers redis);

    @BeforeAll
    void connect() {
        client = RedissonClients.connect(config(redis).build());
        namespace = RedisTestSupport.uniqueNamespace("contract");
    }

    @AfterAll
    void disconnect() {
        if (client != null) {
            client.shutdown();
        }
    }

    @Override
    protected CacheStore createStore() {
        return RedisCacheStore.builder().client(client).namespace(namespace).build();
    }

    /** Serialises to 2 bytes more than the store's default maxValueBytes (512 KiB). */
    @Override
    protected Optional<Object> valueTooLargeToStore() {
        return Optional.of("x".repeat(512 * 1024));
    }

    @Override
    protected Set<RemovalCause> reportedRemovalCauses() {
        return EnumSet.of(RemovalCause.EXPLICIT, RemovalCause.CLEARED);
    }
}

package io.chatcache.chat;

import io.chatcache.core.CacheStore;
import io.chatcache.core.RemovalCause;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.testkit.CacheStoreContract;
import io.chatcache.testkit.redis.RedisServers;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/**
 * The shared {@link CacheStore} contract on the hybrid store: the memory store as L1, a real Redis
 * server (from the harness) as L2 with its pub/sub bus, opened through the connector so that closing
 * the hybrid closes them.
 */
class HybridCacheStoreContractTest extends CacheStoreContract {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static RedissonClient client;
    private static String namespace;

    @BeforeAll
    static void connect() {
        client = RedisL2.client(redis.single());
        namespace = RedisL2.uniqueNamespace("hybrid-contract");
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.shutdown();
        }
    }

    @Override
    protected CacheStore createStore() {
        String instanceId = "contract-" + INSTANCES.incrementAndGet();
        return HybridCacheStore.builder()
                .l1(MemoryCacheStore.builder().maximumSize(10_000).build())
                .l2Connector(() -> RedisL2.onClient(client, namespace, instanceId))
                .build();
    }

    /** Refused by L2 (its default maxValueBytes is 512 KiB) before either level is written. */
    @Override
    protected Optional<Object> valueTooLargeToStore() {
        return Optional.of("x".repeat(512 * 1024));
    }

    /** Redis cannot tell of expiry or overwrites, and the hybrid does not report its L1 copies'. */
    @Override
    protected Set<RemovalCause> reportedRemovalCauses() {
        return EnumSet.of(RemovalCause.EXPLICIT, RemovalCause.CLEARED);
    }
}

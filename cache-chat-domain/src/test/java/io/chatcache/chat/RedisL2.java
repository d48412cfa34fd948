package io.chatcache.chat;

import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.ProvidedStore;
import io.chatcache.redis.RedisCacheStore;
import io.chatcache.redis.RedisConfig;
import io.chatcache.redis.RedisInvalidationBus;
import io.chatcache.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Opens the Redis L2 of the hybrid's tests the way the "redis" provider does: a {@link RedisCacheStore}
 * and a {@link RedisInvalidationBus} on one namespace, closed together.
 */
final class RedisL2 implements ProvidedStore {

    private final RedisCacheStore store;
    private final RedisInvalidationBus bus;
    /** A client this opened itself and shuts down on close; null otherwise. */
    private final RedissonClient ownedClient;

    private RedisL2(RedisCacheStore store, RedisInvalidationBus bus, RedissonClient ownedClient) {
        this.store = store;
        this.bus = bus;
        this.ownedClient = ownedClient;
    }

    /**
     * A configuration for {@code server} with the given command timeout and no retries. Connecting gets
     * two seconds: a JVM's first Redisson client takes a while to start.
     */
    static RedisConfig.Builder config(RedisServer server, Duration commandTimeout) {
        return RedisConfig.builder()
                .single(server.address())
                .password(server.password())
                .connectTimeout(Duration.ofSeconds(2))
                .timeout(commandTimeout)
                .startupTimeout(Duration.ofSeconds(30))
                .connectionMinimumIdleSize(1)
                .pingInterval(Duration.ofMillis(500));
    }

    /**
     * Connects with clients of its own (so that the bus hears connection events).
     *
     * @throws io.chatcache.core.CacheUnavailableException if the server cannot be reached
     * @throws io.chatcache.core.CacheConfigurationException if it refuses the credentials
     */
    static RedisL2 open(RedisConfig config, String namespace, String instanceId) {
        RedisCacheStore store = RedisCacheStore.builder().config(config).namespace(namespace).build();
        try {
            return new RedisL2(store, RedisInvalidationBus.builder().config(config).namespace(namespace)
                    .instanceId(instanceId).build(), null);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Shares {@code client}, which stays open when this closes. */
    static RedisL2 onClient(RedissonClient client, String namespace, String instanceId) {
        return new RedisL2(RedisCacheStore.builder().client(client).namespace(namespace).build(),
                RedisInvalidationBus.builder().client(client).namespace(namespace).instanceId(instanceId).build(),
                null);
    }

    /**
     * On a Redisson client of its own, shut down on close. The bus then hears of connection changes
     * only through re-subscriptions, which makes its events exact: a test that looks into L1 is not
     * disturbed by Redisson recycling an idle connection.
     */
    static RedisL2 ownClient(RedisServer server, String namespace, String instanceId) {
        RedissonClient client = client(server);
        try {
            return new RedisL2(RedisCacheStore.builder().client(client).namespace(namespace).build(),
                    RedisInvalidationBus.builder().client(client).namespace(namespace).instanceId(instanceId)
                            .build(), client);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** A Redisson client for {@code server}, for tests that open many stores on one connection. */
    static RedissonClient client(RedisServer server) {
        Config config = new Config();
        config.setPassword(server.password());
        config.useSingleServer().setAddress(server.address());
        return Redisson.create(config);
    }

    static String uniqueNamespace(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public CacheStore store() {
        return store;
    }

    RedisInvalidationBus bus() {
        return bus;
    }

    @Override
    public Optional<InvalidationBus> invalidationBus() {
        return Optional.of(bus);
    }

    @Override
    public void close() {
        try {
            bus.close();
        } finally {
            try {
                store.close();
            } finally {
                if (ownedClient != null) {
                    ownedClient.shutdown();
                }
            }
        }
    }
}

package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.redis.internal.RedissonClients;
import org.redisson.api.RedissonClient;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Redisson client built from a {@link RedisConfig}, with every deadline the library chooses (see the
 * README's table), shared by the {@link RedisCacheStore}s and {@link RedisInvalidationBus}es it hands
 * out. One client means one set of connection pools: open one connection per application and take the
 * store and the bus from it.
 *
 * <pre>{@code
 * try (RedisConnection redis = RedisConnection.open(RedisConfig.fromEnvironment())) {
 *     RedisCacheStore store = redis.store();
 *     RedisInvalidationBus bus = redis.bus();
 *     ...
 * }
 * }</pre>
 *
 * <p>What a caller may rely on:
 * <ul>
 *   <li>{@link #open} connects and PINGs the servers before it returns, within the config's
 *       {@link RedisConfig#startupTimeout()}; a wrong address or credential fails there, not at the first
 *       read.</li>
 *   <li>Stores and buses from {@link #store()}, {@link #storeBuilder()}, {@link #bus()} and
 *       {@link #busBuilder()} use the config's namespace, key layout, owned key families and JSON naming
 *       (a builder may change them) and never close the client themselves.</li>
 *   <li>{@link #close()} closes every store and bus handed out, then shuts the client down; it is
 *       idempotent. After it, handing out more throws {@link IllegalStateException}.</li>
 * </ul>
 * Instances are thread-safe.
 */
public final class RedisConnection implements AutoCloseable {

    private final RedisConfig config;
    private final RedissonClient client;
    private final List<AutoCloseable> handedOut = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisConnection(RedisConfig config, RedissonClient client) {
        this.config = config;
        this.client = client;
    }

    /**
     * Connects to the servers of {@code config}.
     *
     * @throws io.chatcache.core.CacheUnavailableException if Redis cannot be reached within the start-up
     *     budget
     * @throws CacheConfigurationException if {@code config} is null, Redis refuses the credentials or the
     *     configuration cannot be applied (a missing trust store)
     */
    public static RedisConnection open(RedisConfig config) {
        if (config == null) {
            throw new CacheConfigurationException("RedisConnection needs a RedisConfig, was null");
        }
        return new RedisConnection(config, RedissonClients.connect(config));
    }

    /** The configuration this connection was opened with. */
    public RedisConfig config() {
        return config;
    }

    /**
     * The Redisson client, for commands of your own. Do not shut it down: {@link #close()} does, after
     * the stores and buses on it.
     */
    public RedissonClient redissonClient() {
        return client;
    }

    /** A store on this connection with the config's options and the defaults otherwise. */
    public RedisCacheStore store() {
        return storeBuilder().build();
    }

    /**
     * A store builder on this connection, preset with the config's namespace, key layout, owned key
     * families and JSON naming; the store it builds is closed with this connection.
     */
    public RedisCacheStore.Builder storeBuilder() {
        ensureOpen();
        return RedisCacheStore.builder().client(client).namespace(config.namespace()).keyLayout(config.keyLayout())
                .ownedKeys(config.ownedKeys()).serializer(JacksonSerializer.forNaming(config.jsonNaming()))
                .onBuild(this::track);
    }

    /** An invalidation bus on this connection, on the channel of the config's namespace. */
    public RedisInvalidationBus bus() {
        return busBuilder().build();
    }

    /** A bus builder on this connection, preset with the config's namespace; the bus is closed with it. */
    public RedisInvalidationBus.Builder busBuilder() {
        ensureOpen();
        return RedisInvalidationBus.builder().client(client).namespace(config.namespace()).onBuild(this::track);
    }

    /** Closes the stores and buses handed out, then shuts the client down. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            for (AutoCloseable one : handedOut) {
                try {
                    one.close();
                } catch (Exception ignored) {
                    // Closing a store or a bus does not fail; the client is shut down regardless.
                }
            }
        } finally {
            client.shutdown();
        }
    }

    @Override
    public String toString() {
        return "RedisConnection[" + RedissonClients.describe(config) + (closed.get() ? ", closed" : "") + "]";
    }

    private <T extends AutoCloseable> T track(T built) {
        handedOut.add(built);
        if (closed.get()) {
            handedOut.remove(built);
            closeQuietly(built);
            throw new IllegalStateException("this RedisConnection is closed");
        }
        return built;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // See close().
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this RedisConnection is closed");
        }
    }
}

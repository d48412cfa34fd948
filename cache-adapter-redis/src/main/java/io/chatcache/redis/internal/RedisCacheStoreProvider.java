package io.chatcache.redis.internal;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheStoreProvider;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.Serializer;
import io.chatcache.core.StoreSettings;
import io.chatcache.redis.JacksonSerializer;
import io.chatcache.redis.RedisCacheStore;
import io.chatcache.redis.RedisConfig;
import io.chatcache.redis.RedisInvalidationBus;
import io.chatcache.redis.RedisConnection;

import java.util.Optional;

/**
 * The {@code "redis"} {@link CacheStoreProvider}: reads {@link RedisConfig#fromEnvironment(java.util.Map)}
 * from the settings' environment, opens one {@link RedisConnection}, and takes a {@link RedisCacheStore}
 * (with the settings' default TTL and serializer, if any) and a {@link RedisInvalidationBus} from it. Closing
 * the provided store closes the connection: the store, the bus and then the client.
 */
public final class RedisCacheStoreProvider implements CacheStoreProvider {

    /** The name this provider registers: {@code "redis"}. */
    public static final String NAME = "redis";

    /** For {@link java.util.ServiceLoader}. */
    public RedisCacheStoreProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@link JacksonSerializer#create()}, what the store writes with unless the settings name another; with
     * {@code REDIS_JSON_NAMING=snake_case} the store's renames the properties and writes instants to the
     * microsecond (Python's precision).
     */
    @Override
    public Optional<Serializer> defaultSerializer() {
        return Optional.of(JacksonSerializer.create());
    }

    /**
     * Opens the store and bus.
     *
     * @throws io.chatcache.core.CacheConfigurationException if a {@code REDIS_*} variable is invalid
     *     (named in the message) or Redis refuses the credentials
     * @throws io.chatcache.core.CacheUnavailableException if Redis cannot be reached now
     */
    @Override
    public ProvidedStore open(StoreSettings settings) {
        CacheInputs.requireNonNull(settings, "settings");
        RedisConfig config = RedisConfig.fromEnvironment(settings.environment());
        RedisConnection connection = RedisConnection.open(config);
        try {
            RedisCacheStore.Builder storeBuilder = connection.storeBuilder().defaultTtl(settings.defaultTtl());
            if (settings.serializer() != null) {
                storeBuilder.serializer(settings.serializer());
            }
            RedisCacheStore store = storeBuilder.build();
            RedisInvalidationBus bus = connection.bus();
            return new Provided(store, bus, connection);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "RedisCacheStoreProvider[" + NAME + "]";
    }

    private static final class Provided implements ProvidedStore {
        private final RedisCacheStore store;
        private final RedisInvalidationBus bus;
        private final RedisConnection connection;

        Provided(RedisCacheStore store, RedisInvalidationBus bus, RedisConnection connection) {
            this.store = store;
            this.bus = bus;
            this.connection = connection;
        }

        @Override
        public CacheStore store() {
            return store;
        }

        @Override
        public Optional<InvalidationBus> invalidationBus() {
            return Optional.of(bus);
        }

        @Override
        public void close() {
            connection.close();
        }

        @Override
        public String toString() {
            return "ProvidedStore[" + store + ", " + bus + "]";
        }
    }
}

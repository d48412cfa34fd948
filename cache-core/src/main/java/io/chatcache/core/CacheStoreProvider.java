package io.chatcache.core;

import java.util.Optional;

/**
 * A service-provider interface that builds stores by name from configuration, so that an application
 * picks a backend without a compile-time dependency on its adapter. Adapters register an
 * implementation in {@code META-INF/services/io.chatcache.core.CacheStoreProvider}; the memory adapter
 * registers {@code "memory"}, the Redis adapter {@code "redis"}. Stores of your own plug in the same way.
 *
 * <p>Implementations need a public no-argument constructor.
 */
public interface CacheStoreProvider {

    /** The backend's name, lower case, such as {@code "memory"} or {@code "redis"}. */
    String name();

    /**
     * Opens a store configured by {@code settings}.
     *
     * @throws CacheConfigurationException if the settings are invalid (the message names the variable)
     *     or the backend refuses them (a wrong password)
     * @throws CacheUnavailableException if the backend cannot be reached now; opening again later may
     *     succeed
     */
    ProvidedStore open(StoreSettings settings);

    /**
     * The serializer this backend's stores write values with when none is configured, if they serialize at
     * all; empty (the default) for stores that keep objects. {@code ChatCacheService} checks the values of its
     * MEMORY backend with the {@code "redis"} provider's, so that a value that works in memory also works on
     * Redis.
     */
    default Optional<Serializer> defaultSerializer() {
        return Optional.empty();
    }
}

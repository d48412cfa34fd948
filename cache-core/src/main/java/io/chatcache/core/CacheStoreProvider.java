package io.chatcache.core;

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
}

package io.chatcache.chat;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheStoreProvider;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;

/** Finds store providers by name with {@link ServiceLoader}, first on the context class loader. */
final class AdapterLookup implements Function<String, Optional<CacheStoreProvider>> {

    static final AdapterLookup SERVICE_LOADER = new AdapterLookup();

    private AdapterLookup() {
    }

    @Override
    public Optional<CacheStoreProvider> apply(String name) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        Optional<CacheStoreProvider> found = context == null ? Optional.empty() : find(name, context);
        return found.isPresent() ? found : find(name, AdapterLookup.class.getClassLoader());
    }

    private static Optional<CacheStoreProvider> find(String name, ClassLoader loader) {
        try {
            for (CacheStoreProvider provider : ServiceLoader.load(CacheStoreProvider.class, loader)) {
                if (name.equals(provider.name())) {
                    return Optional.of(provider);
                }
            }
            return Optional.empty();
        } catch (ServiceConfigurationError e) {
            throw new CacheConfigurationException("a CacheStoreProvider on the class path could not be loaded: "
                    + e.getMessage(), e);
        }
    }
}

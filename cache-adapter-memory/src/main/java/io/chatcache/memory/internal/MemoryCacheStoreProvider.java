package io.chatcache.memory.internal;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheStoreProvider;
import io.chatcache.core.EvictionPolicy;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.StoreSettings;
import io.chatcache.memory.MemoryCacheStore;
import java.time.Duration;
import java.util.Optional;

/**
 * Registers the memory store under the name {@code "memory"} for {@link java.util.ServiceLoader}. Public
 * only because {@code ServiceLoader} needs it; not API.
 *
 * <p>Reads {@code maximumSize} and {@code defaultTtl} from the settings and, from the environment,
 * {@code CACHE_CLEANUP_INTERVAL}: the cleanup interval in whole seconds, {@code 0} to disable it
 * (default 300), and {@code CACHE_EVICTION_POLICY}: {@code lru} (default) or {@code adaptive}. The store has
 * no invalidation bus.
 */
public final class MemoryCacheStoreProvider implements CacheStoreProvider {

    /** The environment variable with the cleanup interval in seconds. */
    public static final String CLEANUP_INTERVAL_VARIABLE = "CACHE_CLEANUP_INTERVAL";

    /** For {@link java.util.ServiceLoader}. */
    public MemoryCacheStoreProvider() {
    }

    @Override
    public String name() {
        return "memory";
    }

    /**
     * Builds a memory store from the settings.
     *
     * @throws CacheConfigurationException if {@code CACHE_CLEANUP_INTERVAL} is not a whole number of
     *     seconds from 0 up, or {@code CACHE_EVICTION_POLICY} names no policy
     */
    @Override
    public ProvidedStore open(StoreSettings settings) {
        MemoryCacheStore.Builder builder = MemoryCacheStore.builder()
                .maximumSize(settings.maximumSize())
                .defaultTtl(settings.defaultTtl());
        String interval = settings.environment().get(CLEANUP_INTERVAL_VARIABLE);
        if (interval != null && !interval.isBlank()) {
            builder.cleanupInterval(Duration.ofSeconds(parseSeconds(interval.strip())));
        }
        String policy = settings.environment().get(EvictionPolicy.VARIABLE);
        if (policy != null && !policy.isBlank()) {
            builder.evictionPolicy(EvictionPolicy.parse(EvictionPolicy.VARIABLE, policy));
        }
        return new MemoryProvidedStore(builder.build());
    }

    private static long parseSeconds(String text) {
        long seconds;
        try {
            seconds = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CacheConfigurationException(CLEANUP_INTERVAL_VARIABLE
                    + " must be a whole number of seconds (0 disables the cleanup), was '" + text + "'", e);
        }
        if (seconds < 0) {
            throw new CacheConfigurationException(CLEANUP_INTERVAL_VARIABLE
                    + " must not be negative (0 disables the cleanup), was " + seconds);
        }
        return seconds;
    }

    private record MemoryProvidedStore(CacheStore store) implements ProvidedStore {

        @Override
        public Optional<InvalidationBus> invalidationBus() {
            return Optional.empty();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}

package io.chatcache.chat;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheStoreProvider;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.StoreSettings;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Opens the HYBRID backend for {@link ChatCacheService.Builder}. */
final class ServiceWiring {

    private ServiceWiring() {
    }

    /**
     * A {@link HybridCacheStore} over the memory store (L1) and Redis (L2). Without a handed-in L2 the
     * hybrid store connects through the Redis provider, and keeps running on L1 while Redis is down.
     */
    static ChatCacheService.Wiring hybrid(ChatCacheService.Builder builder, StoreSettings memorySettings,
                                          StoreSettings redisSettings) {
        CacheStore handedL2 = builder.handedL2Store();
        // Checked before anything opens, so a missing adapter leaves nothing to close.
        CacheStoreProvider redis = handedL2 == null ? builder.redisProvider() : null;
        List<AutoCloseable> owned = new ArrayList<>();
        CacheStore handedL1 = builder.handedMemoryStore();
        // The hybrid store closes its L1; a store handed in by the application stays the application's.
        CacheStore l1 = handedL1 != null ? new Unclosed(handedL1) : builder.openMemory(memorySettings, owned);
        HybridCacheStore.Builder hybrid = HybridCacheStore.builder()
                .l1(l1)
                .defaultTtl(redisSettings.defaultTtl());
        if (builder.l1TtlCeilingOrNull() != null) {
            hybrid.l1TtlCeiling(builder.l1TtlCeilingOrNull());
        }
        if (builder.breakerFailureThresholdOrNull() != null) {
            hybrid.failureThreshold(builder.breakerFailureThresholdOrNull())
                    .openDuration(builder.breakerOpenDurationOrNull());
        }
        if (handedL2 != null) {
            hybrid.l2(handedL2);
            if (builder.handedBus() != null) {
                hybrid.bus(builder.handedBus());
            }
        } else {
            hybrid.l2Connector(() -> redis.open(redisSettings));
        }
        HybridCacheStore store;
        try {
            store = hybrid.build();
        } catch (RuntimeException e) {
            closeQuietly(owned);
            throw e;
        }
        owned.add(store);
        Supplier<Map<String, CacheStats>> stats = () ->
                ChatCacheService.ordered("memory", store.l1Stats(), "redis", store.l2Stats());
        return new ChatCacheService.Wiring(CacheBackend.HYBRID, store, stats, store::isL2Available,
                ChatCacheService.cleanupOf(handedL1 != null ? handedL1 : l1), List.copyOf(owned), store::l2Failures);
    }

    private static void closeQuietly(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                // Already failing to build: the build's exception is the one worth reporting.
            }
        }
    }

    /** A store whose {@link #close()} does nothing, for stores the application owns. */
    private static final class Unclosed implements CacheStore {
        private final CacheStore delegate;

        Unclosed(CacheStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public <T> Optional<T> get(String key, ValueType<T> type) {
            return delegate.get(key, type);
        }

        @Override
        public <T> Optional<CacheEntry<T>> getEntry(String key, ValueType<T> type) {
            return delegate.getEntry(key, type);
        }

        @Override
        public void put(String key, Object value) {
            delegate.put(key, value);
        }

        @Override
        public void put(String key, Object value, Duration ttl) {
            delegate.put(key, value, ttl);
        }

        @Override
        public boolean delete(String key) {
            return delegate.delete(key);
        }

        @Override
        public long deleteMatching(KeyPattern pattern) {
            return delegate.deleteMatching(pattern);
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public <T> T getOrLoad(String key, ValueType<T> type, Supplier<? extends T> loader, Duration ttl) {
            return delegate.getOrLoad(key, type, loader, ttl);
        }

        @Override
        public <T> Map<String, T> getAll(Collection<String> keys, ValueType<T> type) {
            return delegate.getAll(keys, type);
        }

        @Override
        public void putAll(Map<String, ?> entries, Duration ttl) {
            delegate.putAll(entries, ttl);
        }

        @Override
        public Subscription addRemovalListener(RemovalListener listener) {
            return delegate.addRemovalListener(listener);
        }

        @Override
        public CacheStats stats() {
            return delegate.stats();
        }

        @Override
        public void close() {
            // The application that handed the store in closes it.
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}

package io.chatcache.chat;

import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheStoreProvider;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.StoreSettings;
import io.chatcache.core.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Opens every backend for {@link ChatCacheService.Builder}, the one place that knows what each is made of:
 * MEMORY the memory store, REDIS the Redis store behind a {@link GuardedStore}, HYBRID a
 * {@link HybridCacheStore} over both. Stores handed in to the builder are used as they are and never closed.
 */
final class ServiceWiring {

    private ServiceWiring() {
    }

    /** The memory store (the memory provider's, or the one handed in). */
    static ChatCacheService.Wiring memory(ChatCacheService.Builder builder, StoreSettings settings) {
        List<AutoCloseable> owned = new ArrayList<>();
        CacheStore store = builder.openMemory(settings, owned);
        return new ChatCacheService.Wiring(CacheBackend.MEMORY, store, () -> Map.of("memory", store.stats()),
                () -> false, ChatCacheService.cleanupOf(store), List.copyOf(owned), () -> 0);
    }

    /**
     * The Redis store (opened through the provider, or the one handed in) behind the same breaker, bulkhead and
     * slow-call rule as the hybrid's L2: a hung Redis costs the first callers one budget each, then every call
     * fails fast (a miss, a skipped write, the loader).
     */
    static ChatCacheService.Wiring redis(ChatCacheService.Builder builder, StoreSettings settings) {
        List<AutoCloseable> owned = new ArrayList<>();
        CacheStore redis = builder.handedL2Store();
        if (redis == null) {
            ProvidedStore provided = builder.redisProvider().open(settings);
            owned.add(provided);
            redis = provided.store();
        }
        GuardedStore store = new GuardedStore(redis, new L2Gateway("Redis",
                builder.breakerFailureThresholdOrDefault(), builder.breakerOpenDurationOrDefault(),
                HybridCacheStore.Builder.DEFAULT_SLOW_CALL_THRESHOLD,
                HybridCacheStore.Builder.DEFAULT_MAX_CONCURRENT_L2_CALLS, Ticker.system()));
        return new ChatCacheService.Wiring(CacheBackend.REDIS, store, () -> Map.of("redis", store.stats()),
                store::available, () -> 0, List.copyOf(owned), () -> 0);
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
        // The hybrid store never closes its L1: the service closes the one it opened (in owned), and a store
        // handed in by the application stays the application's.
        CacheStore l1 = builder.openMemory(memorySettings, owned);
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
                ChatCacheService.cleanupOf(l1), List.copyOf(owned), store::l2Failures);
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
}

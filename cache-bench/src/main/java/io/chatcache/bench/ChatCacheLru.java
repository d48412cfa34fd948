package io.chatcache.bench;

import io.chatcache.core.CacheStore;
import io.chatcache.core.EvictionPolicy;
import io.chatcache.core.ValueType;
import io.chatcache.memory.MemoryCacheStore;
import java.time.Duration;

/**
 * chat-cache's memory store behind {@link BenchCache}, used as an application uses it: through the {@link
 * CacheStore} port, with a type token on every read. Entries never expire, as in the rivals. LRU (the default)
 * or the adaptive policy.
 */
final class ChatCacheLru implements BenchCache {

    private static final ValueType<Boolean> TYPE = ValueType.of(Boolean.class);

    private final MemoryCacheStore store;

    /**
     * @param withoutBackgroundCleanup whether to leave out the periodic expiry cleanup (the hit-rate and memory
     *     measurements do, so that a shared timer thread is not walked as part of the cache's object graph;
     *     nothing here expires, so the cleanup would have nothing to do)
     */
    ChatCacheLru(int maximumSize, boolean withoutBackgroundCleanup, EvictionPolicy policy) {
        MemoryCacheStore.Builder builder = MemoryCacheStore.builder().maximumSize(maximumSize).evictionPolicy(policy);
        if (withoutBackgroundCleanup) {
            builder.cleanupInterval(Duration.ZERO);
        }
        store = builder.build();
    }

    @Override
    public Boolean get(String key) {
        return store.get(key, TYPE).orElse(null);
    }

    @Override
    public void put(String key, Boolean value) {
        store.put(key, value, CacheStore.NO_EXPIRY);
    }

    @Override
    public void close() {
        store.close();
    }
}

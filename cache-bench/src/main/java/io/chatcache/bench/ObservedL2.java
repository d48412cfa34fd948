package io.chatcache.bench;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.PublishingStore;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The L2 of a {@link FaultInstance}'s hybrid store, seen from the caller's thread: forwards every call to the Redis
 * store and remembers, per thread, whether a single-key read or write of the current caller call returned from
 * Redis ({@link #reached()}) or threw ({@link #failed()}). The hybrid store calls L2 on the caller's thread (its
 * gateway runs the call in place); its background probe and journal replay run on its own thread and are not seen
 * by a caller. So a write that did not reach Redis went to L1 only, and a read that did not reach Redis was served
 * by L1 or missed.
 */
final class ObservedL2 implements CacheStore {

    /** What the current caller call of this thread saw: index 0 reached, 1 failed (1 = yes). */
    private final ThreadLocal<int[]> seen = ThreadLocal.withInitial(() -> new int[2]);
    private final CacheStore redis;

    ObservedL2(CacheStore redis) {
        this.redis = redis;
    }

    /** Starts observing a caller call on this thread. */
    void begin() {
        int[] state = seen.get();
        state[0] = 0;
        state[1] = 0;
    }

    /** Whether a single-key call of this thread returned from Redis since {@link #begin()}. */
    boolean reached() {
        return seen.get()[0] == 1;
    }

    /** Whether a single-key call of this thread threw since {@link #begin()}. */
    boolean failed() {
        return seen.get()[1] == 1;
    }

    private <R> R observed(Supplier<R> call) {
        R result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            seen.get()[1] = 1;
            throw e;
        }
        seen.get()[0] = 1;
        return result;
    }

    @Override
    public <T> Optional<T> get(String key, ValueType<T> type) {
        return observed(() -> redis.get(key, type));
    }

    @Override
    public <T> Optional<CacheEntry<T>> getEntry(String key, ValueType<T> type) {
        return observed(() -> redis.getEntry(key, type));
    }

    @Override
    public void put(String key, Object value) {
        observed(() -> {
            redis.put(key, value);
            return null;
        });
    }

    @Override
    public void put(String key, Object value, Duration ttl) {
        observed(() -> {
            redis.put(key, value, ttl);
            return null;
        });
    }

    @Override
    public <T> T getOrLoad(String key, ValueType<T> type, Supplier<? extends T> loader, Duration ttl) {
        return redis.getOrLoad(key, type, loader, ttl);
    }

    @Override
    public <T> Map<String, T> getAll(Collection<String> keys, ValueType<T> type) {
        return redis.getAll(keys, type);
    }

    @Override
    public <T> Map<String, CacheEntry<T>> getEntries(Collection<String> keys, ValueType<T> type) {
        return redis.getEntries(keys, type);
    }

    @Override
    public void putAll(Map<String, ?> entries, Duration ttl) {
        redis.putAll(entries, ttl);
    }

    @Override
    public boolean delete(String key) {
        return redis.delete(key);
    }

    @Override
    public long deleteMatching(KeyPattern pattern) {
        return redis.deleteMatching(pattern);
    }

    @Override
    public void clear() {
        redis.clear();
    }

    @Override
    public Subscription addRemovalListener(RemovalListener listener) {
        return redis.addRemovalListener(listener);
    }

    /** Redis's capabilities; its write-and-publish observed like a write. */
    @Override
    public <C> Optional<C> capability(Class<C> capability) {
        if (capability == PublishingStore.class) {
            return redis.capability(PublishingStore.class).map(publishing -> capability.cast(new PublishingStore() {
                @Override
                public boolean publishesOn(InvalidationBus bus) {
                    return publishing.publishesOn(bus);
                }

                @Override
                public Invalidation putAndPublish(String key, Object value, Duration ttl, InvalidationBus bus) {
                    return observed(() -> publishing.putAndPublish(key, value, ttl, bus));
                }
            }));
        }
        return redis.capability(capability);
    }

    @Override
    public CacheStats stats() {
        return redis.stats();
    }

    @Override
    public void close() {
        redis.close();
    }
}

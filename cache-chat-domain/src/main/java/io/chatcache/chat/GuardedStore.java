package io.chatcache.chat;

import io.chatcache.chat.L2Gateway.Timing;
import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.LoadLeases;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.ReservedValueReads;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The REDIS backend's store behind an {@link L2Gateway}: the same breaker, bulkhead and slow-call rule as
 * the hybrid's L2. A call the gateway keeps off Redis (breaker open, bulkhead full) or that Redis fails
 * throws {@link CacheUnavailableException} at once, which the service turns into a miss or a skipped
 * write (and {@code getOrLoad} into a call of the loader). Closing it does nothing: the service closes
 * what it opened.
 */
final class GuardedStore implements CacheStore, ReservedValueReads {

    private final CacheStore redis;
    private final L2Gateway gateway;
    private final LoadLeases leases;

    GuardedStore(CacheStore redis, L2Gateway gateway) {
        this.redis = redis;
        this.gateway = gateway;
        this.leases = new GatedLeases("Redis", new GatedLeases.Caller() {
            @Override
            public <R> L2Gateway.Result<R> call(String key, Function<CacheStore, R> call) {
                return gateway.call(redis, Timing.SINGLE, call);
            }
        });
    }

    private <R> R call(String operation, Timing timing, Function<CacheStore, R> call) {
        L2Gateway.Result<R> result = gateway.call(redis, timing, call);
        if (!result.answered()) {
            throw new CacheUnavailableException("Redis not used for " + operation + ": " + switch (result.skipped()) {
                case BREAKER_OPEN -> "the circuit breaker is open after repeated failures or slow answers";
                case BULKHEAD_FULL -> "too many callers already wait on it";
                case UNAVAILABLE -> "it is unavailable";
                case REFUSED -> "it refused the command";
                case NOT_CONNECTED -> "not connected";
            });
        }
        return result.value();
    }

    /** {@link #call} for a call that returns nothing. */
    private void run(String operation, Timing timing, Consumer<CacheStore> call) {
        call(operation, timing, store -> {
            call.accept(store);
            return null;
        });
    }

    @Override
    public <T> Optional<T> get(String key, ValueType<T> type) {
        return call("get", Timing.SINGLE, store -> store.get(key, type));
    }

    @Override
    public <T> Optional<CacheEntry<T>> getEntry(String key, ValueType<T> type) {
        return call("getEntry", Timing.SINGLE, store -> store.getEntry(key, type));
    }

    /** Through the breaker, Redis's own reserved-aware read (or its two plain reads if it offers none). */
    @Override
    public <T> Optional<CacheEntry<Object>> getEntryOrReserved(String key, ValueType<T> type, String reserved) {
        return call("getEntry", Timing.SINGLE, store -> ReservedValueReads.read(store, key, type, reserved));
    }

    @Override
    public void put(String key, Object value) {
        run("put", Timing.SINGLE, store -> store.put(key, value));
    }

    @Override
    public void put(String key, Object value, Duration ttl) {
        run("put", Timing.SINGLE, store -> store.put(key, value, ttl));
    }

    @Override
    public boolean delete(String key) {
        return call("delete", Timing.SINGLE, store -> store.delete(key));
    }

    @Override
    public long deleteMatching(KeyPattern pattern) {
        return call("deleteMatching", Timing.SCAN, store -> store.deleteMatching(pattern));
    }

    @Override
    public void clear() {
        run("clear", Timing.SCAN, store -> store.clear());
    }

    @Override
    public <T> Map<String, T> getAll(Collection<String> keys, ValueType<T> type) {
        return call("getAll", Timing.SINGLE, store -> store.getAll(keys, type));
    }

    @Override
    public <T> Map<String, CacheEntry<T>> getEntries(Collection<String> keys, ValueType<T> type) {
        return call("getEntries", Timing.SINGLE, store -> store.getEntries(keys, type));
    }

    /** Through the breaker, Redis's own reserved-aware bulk read (or its two plain bulk reads if it offers none). */
    @Override
    public <T> Map<String, CacheEntry<Object>> getEntriesOrReserved(Collection<String> keys, ValueType<T> type,
                                                                    String reserved) {
        return call("getEntries", Timing.SINGLE, store -> ReservedValueReads.readAll(store, keys, type, reserved));
    }

    @Override
    public void putAll(Map<String, ?> entries, Duration ttl) {
        run("putAll", Timing.SINGLE, store -> store.putAll(entries, ttl));
    }

    @Override
    public Subscription addRemovalListener(RemovalListener listener) {
        return redis.addRemovalListener(listener);
    }

    @Override
    public CacheStats stats() {
        return call("stats", Timing.SCAN, CacheStore::stats);
    }

    /**
     * Redis's capabilities pass through, except {@link io.chatcache.core.PublishingStore}: a write and
     * publish that went around the breaker would defeat it; {@link LoadLeases}, offered (when Redis offers
     * it) through the breaker like every other call; and {@link ReservedValueReads}, which this store offers
     * itself, through the breaker.
     */
    @Override
    public <C> Optional<C> capability(Class<C> capability) {
        if (capability == io.chatcache.core.PublishingStore.class) {
            return Optional.empty();
        }
        if (capability == LoadLeases.class) {
            return redis.capability(LoadLeases.class).map(offered -> capability.cast(leases));
        }
        return CacheStore.super.capability(capability).or(() -> redis.capability(capability));
    }

    /** The breaker's state, for {@link ChatCacheService#l2Counters()}. */
    L2Counters counters() {
        return L2Counters.breakerOnly(gateway.state());
    }

    /** Whether calls go to Redis now (the breaker is closed). */
    boolean available() {
        return gateway.closed();
    }

    @Override
    public void close() {
        // The service closes the store it opened; a store handed in stays the application's.
    }

    @Override
    public String toString() {
        return redis.toString();
    }
}

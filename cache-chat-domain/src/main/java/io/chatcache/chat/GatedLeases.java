package io.chatcache.chat;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.LoadLeases;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link LoadLeases} of Redis behind an {@link L2Gateway}, for the REDIS backend's {@link GuardedStore} and
 * the {@link HybridCacheStore}: every lease call goes through the breaker and the bulkhead like any other Redis
 * call, and a call the gateway keeps off Redis (breaker open, bulkhead full, not connected) or that Redis fails
 * throws {@link CacheUnavailableException} at once, so that the service falls back to its per-JVM single flight.
 */
final class GatedLeases implements LoadLeases {

    /** Calls the shared store through its gateway. */
    interface Caller {
        /** The gateway's result of {@code call} on the shared store, through the gateway of {@code key}'s shard. */
        <R> L2Gateway.Result<R> call(String key, Function<CacheStore, R> call);
    }

    private final String name;
    private final Caller caller;

    GatedLeases(String name, Caller caller) {
        this.name = name;
        this.caller = caller;
    }

    /** The leases {@code store} offers, or an unavailable lease server if it offers none. */
    static LoadLeases of(CacheStore store) {
        return store.capability(LoadLeases.class).orElseThrow(() ->
                new CacheUnavailableException("the shared store offers no load leases"));
    }

    @Override
    public Optional<Lease> tryAcquire(String key, Duration ttl) {
        CacheInputs.requireKey(key);
        LoadLeases.requireLeaseTtl(ttl);
        return answer("lease", caller.call(key, store -> of(store).tryAcquire(key, ttl)));
    }

    @Override
    public boolean release(Lease lease) {
        CacheInputs.requireNonNull(lease, "lease");
        return answer("lease release", caller.call(lease.key(), store -> of(store).release(lease)));
    }

    private <R> R answer(String operation, L2Gateway.Result<R> result) {
        if (!result.answered()) {
            throw new CacheUnavailableException(name + " not used for " + operation + ": " + result.skipped());
        }
        return result.value();
    }

    @Override
    public String toString() {
        return "GatedLeases[" + name + "]";
    }
}

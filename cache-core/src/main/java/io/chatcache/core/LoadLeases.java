package io.chatcache.core;

import java.time.Duration;
import java.util.Optional;

/**
 * An optional capability of a {@link CacheStore} shared by several processes (Redis): a short lease on a key,
 * so that when a key misses everywhere one process loads it from the database and the others wait for its
 * value instead of loading too (a cluster-wide single flight). {@code ChatCacheService.getOrLoad} uses it when
 * its store offers it; callers ask with {@link CacheStore#capability(Class)}.
 *
 * <p>A lease is taken only if no one holds it ({@code SET <lease key> <random token> NX PX <ttl>} on Redis) and
 * ends by itself after its TTL, so that a holder that dies never blocks anyone for longer. Only its holder can
 * release it early: {@link #release} removes it only while it still carries the holder's token. Leases live
 * apart from the store's entries: reads, writes, pattern deletes, {@code clear()} and statistics of the store
 * never see them.
 *
 * <p>A store that cannot reach the server it keeps leases on throws {@link CacheUnavailableException}: the
 * caller then cannot tell whether anyone holds the lease, and coordinates within its own process only.
 * Implementations are thread-safe.
 */
public interface LoadLeases {

    /**
     * Takes the lease on {@code key} for {@code ttl} if no one holds it.
     *
     * @return the lease, to hand to {@link #release}; empty if someone else holds it
     * @throws InvalidInputException if the key is invalid or the TTL is not positive or is
     *     {@link CacheStore#NO_EXPIRY} (a lease must end by itself)
     * @throws CacheUnavailableException if the server cannot be asked
     */
    Optional<Lease> tryAcquire(String key, Duration ttl);

    /**
     * Ends {@code lease} if it is still held with its token (compare and delete in one step); a lease that
     * already expired, and perhaps passed to someone else, is left alone.
     *
     * @return whether the lease was still held and is now released
     * @throws InvalidInputException if {@code lease} is null
     * @throws CacheUnavailableException if the server cannot be asked; the lease then ends with its TTL
     */
    boolean release(Lease lease);

    /**
     * A lease held on a key.
     *
     * @param key the cache key the lease is on (not the server's key of the lease)
     * @param token the random token that proves who holds it; never logged
     * @param ttl how long it was taken for
     */
    record Lease(String key, String token, Duration ttl) {
        /** Checks the parts. */
        public Lease {
            CacheInputs.requireKey(key);
            CacheInputs.requireNonNull(token, "token");
            if (token.isEmpty()) {
                throw new InvalidInputException("token", "must not be empty");
            }
            requireLeaseTtl(ttl);
        }

        /** The key and TTL; the token is left out, it is a secret of the holder. */
        @Override
        public String toString() {
            return "Lease[key=" + LogText.escape(key) + ", ttl=" + ttl + "]";
        }
    }

    /**
     * Checks a lease TTL: positive and not {@link CacheStore#NO_EXPIRY}.
     *
     * @return the TTL
     * @throws InvalidInputException if it is not
     */
    static Duration requireLeaseTtl(Duration ttl) {
        CacheInputs.requirePositive(ttl, "ttl");
        if (ttl.equals(CacheStore.NO_EXPIRY)) {
            throw new InvalidInputException("ttl", "must end: a lease that never expires would block every "
                    + "other loader if its holder died");
        }
        return ttl;
    }
}

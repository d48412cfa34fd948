package io.chatcache.chat;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Options of one load through {@link ChatCacheService#getOrLoad(String, Class, Supplier, LoadOptions)} (also of
 * {@link TypedCache} and the {@link Memoizer}): the TTL, whether instances coordinate the load through a lease,
 * refresh-ahead, and per-call negative caching and TTL jitter. Immutable: every method returns a new instance;
 * keep one in a field.
 *
 * <pre>{@code
 * LoadOptions hot = LoadOptions.ttl(Duration.ofMinutes(5)).refreshAhead(Duration.ofSeconds(30));
 * Profile profile = cache.getOrLoad("user:42", Profile.class, () -> db.profile(42), hot);
 * }</pre>
 *
 * Options left unset take the service's: its {@linkplain ChatCacheService#defaultTtl() default TTL}, its
 * {@linkplain ChatCacheService.Builder#negativeTtl negative TTL} and its
 * {@linkplain ChatCacheService.Builder#ttlJitter TTL jitter}; the lease is on and refresh-ahead off.
 */
public final class LoadOptions {

    private static final LoadOptions DEFAULTS = new LoadOptions(null, true, null, null, false, null);

    private final Duration ttl;
    private final boolean lease;
    private final Duration refreshAhead;
    private final Duration negativeTtl;
    private final boolean noNegativeCaching;
    private final Double ttlJitter;

    private LoadOptions(Duration ttl, boolean lease, Duration refreshAhead, Duration negativeTtl,
                        boolean noNegativeCaching, Double ttlJitter) {
        this.ttl = ttl;
        this.lease = lease;
        this.refreshAhead = refreshAhead;
        this.negativeTtl = negativeTtl;
        this.noNegativeCaching = noNegativeCaching;
        this.ttlJitter = ttlJitter;
    }

    /** Every option the service's: its default TTL, the lease on, no refresh-ahead. */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The service's options with the loaded value stored for {@code ttl} ({@link CacheStore#NO_EXPIRY} for no
     * expiry).
     *
     * @throws InvalidInputException if the TTL is invalid
     */
    public static LoadOptions ttl(Duration ttl) {
        return DEFAULTS.withTtl(ttl);
    }

    /**
     * These options with the loaded value stored for {@code ttl}.
     *
     * @throws InvalidInputException if the TTL is invalid
     */
    public LoadOptions withTtl(Duration ttl) {
        return new LoadOptions(CacheInputs.requireTtl(ttl), lease, refreshAhead, negativeTtl, noNegativeCaching,
                ttlJitter);
    }

    /**
     * These options without the cluster-wide lease: when the key misses, this instance loads it (once, whatever
     * the number of its callers) without asking whether another instance is loading it already. For loads that
     * are cheap, or where a round trip to Redis for the lease costs more than a second load.
     */
    public LoadOptions withoutLease() {
        return new LoadOptions(ttl, false, refreshAhead, negativeTtl, noNegativeCaching, ttlJitter);
    }

    /**
     * These options with refresh-ahead: a load that finds the value with {@code beforeExpiry} or less left to live
     * returns it at once and reloads it in the background (once per key at a time on this instance, and with the
     * lease once across instances), so that a key read often never expires under its readers. Must be shorter
     * than the TTL (checked when loading). Reading the remaining TTL costs HYBRID a read of Redis per load (the
     * L1 copy does not carry the true TTL). See {@link ChatCacheService#getOrLoad(String, Class, Supplier,
     * LoadOptions)}.
     *
     * @throws InvalidInputException if {@code beforeExpiry} is null or not positive
     */
    public LoadOptions refreshAhead(Duration beforeExpiry) {
        return new LoadOptions(ttl, lease, CacheInputs.requirePositive(beforeExpiry, "refreshAhead"), negativeTtl,
                noNegativeCaching, ttlJitter);
    }

    /**
     * These options caching a loader's {@code null} (absence) for {@code ttl}, whatever the service's
     * {@linkplain ChatCacheService.Builder#negativeTtl negative TTL}.
     *
     * @throws InvalidInputException if {@code ttl} is null, not positive, or {@link CacheStore#NO_EXPIRY}
     */
    public LoadOptions negativeTtl(Duration ttl) {
        return new LoadOptions(this.ttl, lease, refreshAhead, ChatCacheService.requireNegativeTtl(ttl), false,
                ttlJitter);
    }

    /** These options never caching a loader's {@code null}, whatever the service's negative TTL. */
    public LoadOptions withoutNegativeCaching() {
        return new LoadOptions(ttl, lease, refreshAhead, null, true, ttlJitter);
    }

    /**
     * These options randomising the TTLs of this load by up to {@code fraction} either way (0 for none), whatever
     * the service's {@linkplain ChatCacheService.Builder#ttlJitter TTL jitter}.
     *
     * @throws InvalidInputException if {@code fraction} is not in [0, {@link ChatCacheService#MAX_TTL_JITTER}]
     */
    public LoadOptions ttlJitter(double fraction) {
        return new LoadOptions(ttl, lease, refreshAhead, negativeTtl, noNegativeCaching,
                ChatCacheService.requireJitter(fraction));
    }

    /** The TTL; null for the service's default. */
    Duration ttlOrNull() {
        return ttl;
    }

    /** Whether the load may take a lease. */
    boolean lease() {
        return lease;
    }

    /** The refresh-ahead threshold; null when off. */
    Duration refreshAheadOrNull() {
        return refreshAhead;
    }

    /** The negative TTL: this call's, none if turned off for it, else {@code serviceDefault}. */
    Duration negativeTtlOr(Duration serviceDefault) {
        return negativeTtl != null ? negativeTtl : noNegativeCaching ? null : serviceDefault;
    }

    /** The jitter fraction: this call's, else {@code serviceDefault}. */
    double ttlJitterOr(double serviceDefault) {
        return ttlJitter != null ? ttlJitter : serviceDefault;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LoadOptions that && lease == that.lease && noNegativeCaching == that.noNegativeCaching
                && Objects.equals(ttl, that.ttl) && Objects.equals(refreshAhead, that.refreshAhead)
                && Objects.equals(negativeTtl, that.negativeTtl) && Objects.equals(ttlJitter, that.ttlJitter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ttl, lease, refreshAhead, negativeTtl, noNegativeCaching, ttlJitter);
    }

    @Override
    public String toString() {
        return "LoadOptions[ttl=" + (ttl == null ? "default" : ttl) + ", lease=" + lease + ", refreshAhead="
                + (refreshAhead == null ? "off" : refreshAhead) + ", negativeTtl="
                + (negativeTtl != null ? negativeTtl : noNegativeCaching ? "off" : "default") + ", ttlJitter="
                + (ttlJitter == null ? "default" : ttlJitter) + "]";
    }
}

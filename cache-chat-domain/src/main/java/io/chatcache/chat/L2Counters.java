package io.chatcache.chat;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.InvalidInputException;
import java.time.Duration;

/**
 * Counters of the shared store (Redis: L2 of {@link CacheBackend#HYBRID}, the store of
 * {@link CacheBackend#REDIS}) and of the hybrid's coherence, for monitoring. A snapshot: cheap to take (sums of
 * {@link java.util.concurrent.atomic.LongAdder}s and volatile reads), never asks Redis. Counts only grow.
 *
 * @param breaker the state of the circuit breaker in front of Redis now
 * @param invalidationsSent HYBRID: invalidation messages (key, pattern, clear; not heartbeats) this instance
 *     published and the bus confirmed sent; 0 for REDIS
 * @param invalidationsReceived HYBRID: invalidation messages (not heartbeats) from other instances this
 *     instance received and applied to its L1; 0 for REDIS
 * @param l1Drops HYBRID: how often the whole L1 was dropped because it could not be trusted (the bus proved it
 *     delivers again after a suspicion, L2 came back after an outage, a pattern delete L1 cannot match
 *     exactly); not counting clears asked for by a caller or another instance; 0 for REDIS
 * @param heartbeatRoundTrips HYBRID: how many of this instance's own heartbeats came back through the bus and
 *     were timed; 0 for REDIS
 * @param heartbeatRoundTripTotal the sum of those round trips: from publishing a heartbeat to receiving it back
 *     through Redis's pub/sub, the delivery lag of the bus as this instance sees it (messages carry no send
 *     time, so other instances' messages cannot be timed)
 * @param lastHeartbeatRoundTrip the latest such round trip, {@link Duration#ZERO} before the first
 * @param shards how many shards Redis has, each with a breaker of its own: HYBRID on a Redis Cluster with
 *     shard isolation on; 1 otherwise (one breaker for everything). {@link #breaker} is then the worst shard's
 *     state (OPEN over HALF_OPEN over CLOSED); per shard see {@code HybridCacheStore.l2Breakers()}
 * @param openShards how many of those shards' breakers are not closed now (their keys go without Redis)
 * @param l1ShardDrops HYBRID with shards: how often one shard's L1 copies were dropped (its outage ended, or
 *     the bus proved it delivers that shard's invalidations again after a suspicion); not counted in
 *     {@code l1Drops}; 0 otherwise
 */
public record L2Counters(Breaker breaker, long invalidationsSent, long invalidationsReceived, long l1Drops,
                         long heartbeatRoundTrips, Duration heartbeatRoundTripTotal,
                         Duration lastHeartbeatRoundTrip, int shards, int openShards, long l1ShardDrops) {

    /** The states of the circuit breaker in front of Redis. */
    public enum Breaker {
        /** Calls go to Redis. */
        CLOSED,
        /** Calls are kept off Redis until the open duration ends. */
        OPEN,
        /** One probe call is (or may be) on its way to Redis; the others are kept off. */
        HALF_OPEN
    }

    /** Checks the parts: non-null, counts not negative. */
    public L2Counters {
        CacheInputs.requireNonNull(breaker, "breaker");
        CacheInputs.requireNonNull(heartbeatRoundTripTotal, "heartbeatRoundTripTotal");
        CacheInputs.requireNonNull(lastHeartbeatRoundTrip, "lastHeartbeatRoundTrip");
        if (invalidationsSent < 0 || invalidationsReceived < 0 || l1Drops < 0 || heartbeatRoundTrips < 0
                || openShards < 0 || l1ShardDrops < 0) {
            throw new InvalidInputException("counts", "must not be negative");
        }
        if (shards < 1 || openShards > shards) {
            throw new InvalidInputException("shards", "must be at least 1 and at least openShards, was " + shards
                    + " with " + openShards + " open");
        }
    }

    /**
     * Counters of an unsharded Redis: one shard, open if the breaker is not closed, no shard drops.
     *
     * @param breaker the breaker's state
     * @param invalidationsSent as the record's component
     * @param invalidationsReceived as the record's component
     * @param l1Drops as the record's component
     * @param heartbeatRoundTrips as the record's component
     * @param heartbeatRoundTripTotal as the record's component
     * @param lastHeartbeatRoundTrip as the record's component
     */
    public L2Counters(Breaker breaker, long invalidationsSent, long invalidationsReceived, long l1Drops,
            long heartbeatRoundTrips, Duration heartbeatRoundTripTotal, Duration lastHeartbeatRoundTrip) {
        this(breaker, invalidationsSent, invalidationsReceived, l1Drops, heartbeatRoundTrips, heartbeatRoundTripTotal,
                lastHeartbeatRoundTrip, 1, breaker == null || breaker == Breaker.CLOSED ? 0 : 1, 0);
    }

    /** The breaker's state as this record names it. */
    static Breaker of(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> Breaker.CLOSED;
            case OPEN -> Breaker.OPEN;
            case HALF_OPEN -> Breaker.HALF_OPEN;
        };
    }

    /** REDIS mode: only the breaker. */
    static L2Counters breakerOnly(CircuitBreaker.State state) {
        return new L2Counters(of(state), 0, 0, 0, 0, Duration.ZERO, Duration.ZERO);
    }
}

package io.chatcache.chat;

import io.chatcache.core.CacheInputs;

/**
 * Counters of a {@link ChatCacheService} for monitoring (Micrometer, health checks): cheap to take, since
 * taking them never asks Redis (unlike {@link ChatCacheService#info()}, whose Redis statistics count the
 * namespace).
 *
 * @param backend the configured backend
 * @param hits reads through the service ({@code get}, and {@code getOrLoad} before it loads) that found a value
 * @param misses reads through the service that found none
 * @param puts values the service stored ({@code set}, and values {@code getOrLoad} loaded); writes skipped
 *     because Redis failed are not counted
 * @param localEntries entries in this instance's memory store (MEMORY, L1 of HYBRID); 0 for REDIS, whose entries
 *     can only be counted by scanning Redis
 * @param evictions entries the memory store removed to respect its size bound; 0 for REDIS
 * @param failures REDIS: {@link ChatCacheService#failures()}; HYBRID: L2 failures and failed invalidation
 *     publishes the hybrid store saw, plus its L1's errors; MEMORY: the memory store's errors
 * @param redisAvailable as {@link CacheInfo#redisAvailable()}, as last seen: always {@code false} for MEMORY;
 *     for REDIS whether the last Redis operation succeeded; for HYBRID whether the hybrid store uses its L2
 *     (connected, circuit breaker closed)
 */
public record CacheCounters(CacheBackend backend, long hits, long misses, long puts, long localEntries,
                            long evictions, long failures, boolean redisAvailable) {

    /** Checks the backend. */
    public CacheCounters {
        CacheInputs.requireNonNull(backend, "backend");
    }
}

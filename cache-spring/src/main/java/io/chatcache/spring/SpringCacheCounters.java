package io.chatcache.spring;

/**
 * What one Spring cache (one cache name) counted on this instance, for Micrometer's cache meters.
 *
 * @param hits lookups that found a value (a cached null counts as a hit)
 * @param misses lookups that found none (including those that then loaded a value)
 * @param puts values stored, by {@code put} or by a load
 * @param evictions entries evicted on purpose ({@code evict}, {@code evictIfPresent}) and entries removed by
 *     {@code clear}/{@code invalidate}, as far as the store reports them
 */
public record SpringCacheCounters(long hits, long misses, long puts, long evictions) {
}

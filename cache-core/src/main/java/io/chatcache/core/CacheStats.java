package io.chatcache.core;

/**
 * An immutable snapshot of a store's statistics.
 *
 * @param hits reads that found a value
 * @param misses reads that found none (absent, expired or unreadable)
 * @param entryCount entries held at the time of the snapshot (expired entries not yet cleaned up may be
 *     included)
 * @param totalSizeBytes the estimated size of the held values, in bytes; each store documents how it
 *     estimates
 * @param evictions entries removed to respect a size bound
 * @param expirations entries removed because their TTL elapsed
 * @param errors operations that failed inside the store (backend errors, unreadable values)
 */
public record CacheStats(
        long hits,
        long misses,
        long entryCount,
        long totalSizeBytes,
        long evictions,
        long expirations,
        long errors) {

    /** A snapshot with every figure zero. */
    public static final CacheStats EMPTY = new CacheStats(0, 0, 0, 0, 0, 0, 0);

    /** Checks that no figure is negative. */
    public CacheStats {
        requireNotNegative(hits, "hits");
        requireNotNegative(misses, "misses");
        requireNotNegative(entryCount, "entryCount");
        requireNotNegative(totalSizeBytes, "totalSizeBytes");
        requireNotNegative(evictions, "evictions");
        requireNotNegative(expirations, "expirations");
        requireNotNegative(errors, "errors");
    }

    /** {@code hits + misses}. */
    public long requests() {
        return hits + misses;
    }

    /** Hits as a percentage of requests (0 to 100), as the reference API reports it; 0 with no requests. */
    public double hitRate() {
        long requests = requests();
        return requests == 0 ? 0.0 : 100.0 * hits / requests;
    }

    private static void requireNotNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }
}

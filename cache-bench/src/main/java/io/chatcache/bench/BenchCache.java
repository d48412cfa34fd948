package io.chatcache.bench;

/**
 * The little the local benchmarks ask of a cache, so that chat-cache's LRU and each rival sit behind the same
 * call (as in Caffeine's own benchmarks). Values are {@link Boolean}s: the benchmarks measure the cache, not the
 * values. Thread-safety is the wrapped cache's own.
 */
interface BenchCache extends AutoCloseable {

    /** The value under {@code key}, or {@code null} when absent. */
    Boolean get(String key);

    /** Stores {@code value} under {@code key}, evicting if the cache is bounded and full. */
    void put(String key, Boolean value);

    /** Finishes pending maintenance, so that one iteration's leftover work is not charged to the next. */
    default void cleanUp() {
    }

    /** Releases threads the cache owns; the default owns none. */
    @Override
    default void close() {
    }
}

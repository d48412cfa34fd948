package io.chatcache.core;

/**
 * An optional capability of a {@link CacheStore} that holds expired entries until something removes
 * them (the memory store): removing them now. Stores whose backend expires entries by itself (Redis)
 * do not implement it. Callers ask with {@link CacheStore#capability(Class)}, which sees through wrappers.
 */
public interface ExpiringStore {

    /**
     * Removes every entry whose time to live has elapsed, reporting each to the removal listeners as
     * {@link RemovalCause#EXPIRED}: the reference's {@code cleanup_expired()}.
     *
     * @return how many entries were removed
     */
    long cleanupExpired();
}

package io.chatcache.core;

/** Why an entry left a store. */
public enum RemovalCause {
    /** Deleted by {@link CacheStore#delete}, {@link CacheStore#deleteMatching} or an invalidation. */
    EXPLICIT,
    /** Overwritten by a put of the same key. */
    REPLACED,
    /** Its time to live elapsed. */
    EXPIRED,
    /** Evicted to respect the store's size bound. */
    EVICTED,
    /** Removed by {@link CacheStore#clear()}. */
    CLEARED;

    /** Whether the removal was asked for (explicit, replaced or cleared) rather than done by the store. */
    public boolean wasRequested() {
        return this == EXPLICIT || this == REPLACED || this == CLEARED;
    }
}

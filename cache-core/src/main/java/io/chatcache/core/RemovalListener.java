package io.chatcache.core;

/** Told of an entry that left a store. See {@link CacheStore#addRemovalListener}. */
@FunctionalInterface
public interface RemovalListener {
    /**
     * Called after {@code key} left the store.
     *
     * @param key the removed key
     * @param cause why it left
     */
    void onRemoval(String key, RemovalCause cause);
}

package io.chatcache.core;

import java.util.Optional;

/**
 * What a {@link CacheStoreProvider} opens: a store and, for shared backends, an invalidation bus on the
 * same connection. Closing it closes both.
 */
public interface ProvidedStore extends AutoCloseable {

    /** The store. */
    CacheStore store();

    /** The bus that instances sharing this backend use, if the backend has one (Redis does). */
    Optional<InvalidationBus> invalidationBus();

    /** Closes the store, the bus and the connections they share. Idempotent. */
    @Override
    void close();
}

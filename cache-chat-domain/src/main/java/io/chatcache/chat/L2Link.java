package io.chatcache.chat;

import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.Subscription;

/**
 * The hybrid store's connection to L2: the store, its bus (null for a single instance), the
 * {@link ProvidedStore} the hybrid opened itself (null when L2 was handed in, which the hybrid then
 * never closes) and the hybrid's subscriptions on them.
 */
record L2Link(CacheStore store, InvalidationBus bus, ProvidedStore owned, Subscription busSubscription,
        Subscription removalSubscription) {

    /** Ends the hybrid's subscriptions and closes what the hybrid opened; never what was handed in. */
    void close() {
        try {
            if (busSubscription != null) {
                busSubscription.close();
            }
            removalSubscription.close();
        } finally {
            if (owned != null) {
                owned.close();
            }
        }
    }
}

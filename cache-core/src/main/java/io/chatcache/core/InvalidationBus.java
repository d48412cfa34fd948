package io.chatcache.core;

/**
 * Carries invalidations between the application instances that share a cache, so that each can drop
 * the entries it holds in memory. Delivery is at most once: messages can be lost while a connection is
 * down, which listeners learn through {@link InvalidationListener#onBusEvent} and through gaps in a
 * publisher's {@link Invalidation#sequence()}.
 *
 * <p>Implementations are thread-safe.
 */
public interface InvalidationBus extends AutoCloseable {

    /** This instance's id, unique among the instances sharing the bus; the origin of what it publishes. */
    String instanceId();

    /**
     * Publishes a message. The bus stamps it with {@link #instanceId()} and the next sequence number.
     *
     * @param kind what to drop
     * @param target the key ({@link Invalidation.Kind#KEY}), the glob pattern
     *     ({@link Invalidation.Kind#PATTERN}) or the empty string ({@link Invalidation.Kind#CLEAR})
     * @return the message as published
     * @throws InvalidInputException if the target does not fit the kind
     * @throws CacheUnavailableException if the transport cannot be reached
     */
    Invalidation publish(Invalidation.Kind kind, String target);

    /**
     * Registers a listener for every message published from now on, by any instance (this one
     * included), and for connection events.
     *
     * @return a subscription whose {@link Subscription#close()} removes the listener
     */
    Subscription subscribe(InvalidationListener listener);

    /** Stops delivery and releases what the bus owns. Idempotent. */
    @Override
    void close();
}

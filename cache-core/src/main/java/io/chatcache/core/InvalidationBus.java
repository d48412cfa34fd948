package io.chatcache.core;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
     * <p>On a {@linkplain Sharding sharded} bus a {@link Invalidation.Kind#KEY} message goes to its key's shard
     * only, and the other kinds go to every shard, each copy with that shard's next sequence number; a shard
     * that cannot be reached does not stop the copies for the others, and makes the call fail.
     *
     * @return the message as published (on a sharded bus, for a kind sent to every shard, one of its copies)
     * @throws InvalidInputException if the target does not fit the kind
     * @throws CacheUnavailableException if the transport cannot be reached
     */
    Invalidation publish(Invalidation.Kind kind, String target);

    /**
     * Publishes a message without waiting for the transport to take it. Messages of one bus go out in
     * the order of the calls, of this method and {@link #publish} together, and are stamped as by
     * {@link #publish}. A caller that must not wait for a network round trip (a cache write that has
     * already reached the shared store) uses this; a failure to send reaches it through the stage.
     *
     * <p>The default publishes synchronously with {@link #publish} and returns a completed stage; a bus
     * with a network transport overrides it.
     *
     * @param kind what to drop
     * @param target as for {@link #publish}
     * @return a stage that completes with the message as published, or exceptionally with a
     *     {@link CacheException} (such as {@link CacheUnavailableException}) if it could not be sent
     * @throws InvalidInputException if the target does not fit the kind; nothing is published
     * @throws RuntimeException as {@link #publish} does when the bus is closed (a bus may instead fail
     *     the stage)
     */
    default CompletionStage<Invalidation> publishAsync(Invalidation.Kind kind, String target) {
        try {
            return CompletableFuture.completedFuture(publish(kind, target));
        } catch (CacheException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Registers a listener for every message published from now on, by any instance (this one
     * included), and for connection events.
     *
     * @return a subscription whose {@link Subscription#close()} removes the listener
     */
    Subscription subscribe(InvalidationListener listener);

    /**
     * This bus as {@code capability}, an optional interface such as {@link Sharding}, if it offers it. The
     * default offers what the bus's class implements.
     *
     * @throws InvalidInputException if {@code capability} is null
     */
    default <C> Optional<C> capability(Class<C> capability) {
        CacheInputs.requireNonNull(capability, "capability");
        return capability.isInstance(this) ? Optional.of(capability.cast(this)) : Optional.empty();
    }

    /** Stops delivery and releases what the bus owns. Idempotent. */
    @Override
    void close();
}

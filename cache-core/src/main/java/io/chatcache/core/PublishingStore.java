package io.chatcache.core;

import java.time.Duration;

/**
 * An optional capability of a {@link CacheStore} whose server also carries an {@link InvalidationBus}:
 * writing a value and publishing its invalidation in one step, one round trip instead of two. The Redis
 * store offers it for a Redis bus on the same client; the hybrid store uses it for its writes when its L2
 * store and bus allow. Callers ask with {@link CacheStore#capability(Class)} and check {@link #publishesOn}.
 */
public interface PublishingStore {

    /** Whether {@link #putAndPublish} can carry messages of {@code bus}. */
    boolean publishesOn(InvalidationBus bus);

    /**
     * Stores the value as {@link CacheStore#put(String, Object, Duration)} does, then publishes a
     * {@link Invalidation.Kind#KEY} message for the key on {@code bus}: receivers only hear of it after
     * the write, and it goes out in order with the bus's other messages.
     *
     * @return the message as published
     * @throws InvalidInputException if the key, value or TTL breaks the input rules, or the value is too
     *     large; nothing is written or published
     * @throws SerializationException if the value cannot be written; nothing is written or published
     * @throws IllegalArgumentException if {@link #publishesOn} is false for {@code bus}
     * @throws CacheUnavailableException if the server cannot be reached; the write and the message may
     *     or may not have happened
     */
    Invalidation putAndPublish(String key, Object value, Duration ttl, InvalidationBus bus);
}

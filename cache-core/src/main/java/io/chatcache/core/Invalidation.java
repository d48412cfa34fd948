package io.chatcache.core;

/**
 * One message on the {@link InvalidationBus}: drop a key, the keys matching a pattern, or everything.
 *
 * @param origin the instance id of the publisher ({@link InvalidationBus#instanceId()})
 * @param sequence the publisher's sequence number: 1 for its first message, then +1 per message, so a
 *     receiver that sees a gap knows it missed messages
 * @param kind what to drop
 * @param target the key for {@link Kind#KEY}, the glob pattern for {@link Kind#PATTERN}, empty for
 *     {@link Kind#CLEAR}, the publisher's own token for {@link Kind#HEARTBEAT}
 * @param shard the {@linkplain Sharding shard} whose channel carried the message, empty on a bus that is not
 *     sharded. On a sharded bus a publisher numbers its messages per shard (the sequence is per origin and
 *     shard), a {@link Kind#KEY} message travels on its key's shard only, and the other kinds travel on every
 *     shard, once each
 */
public record Invalidation(String origin, long sequence, Kind kind, String target, String shard) {

    /** What an invalidation drops. */
    public enum Kind {
        /** One key, named by the target. */
        KEY,
        /** Every key matching the target, a {@link KeyPattern} glob. */
        PATTERN,
        /** Everything. */
        CLEAR,
        /**
         * Nothing: the publisher's periodic sign of life. It takes a sequence number like any message, so
         * a receiver that missed an earlier message sees the gap at the next heartbeat, even when no other
         * message follows; and a publisher that hears its own heartbeats knows its subscription delivers.
         * The target is a token of the publisher's (at most {@link CacheInputs#MAX_KEY_LENGTH} characters).
         */
        HEARTBEAT
    }

    /** Checks the message's parts. */
    public Invalidation {
        CacheInputs.requireNonNull(origin, "origin");
        CacheInputs.requireNonNull(shard, "shard");
        CacheInputs.requireNonNull(kind, "kind");
        CacheInputs.requireNonNull(target, "target");
        if (origin.isEmpty()) {
            throw new InvalidInputException("origin", "must not be empty");
        }
        if (sequence < 1) {
            throw new InvalidInputException("sequence", "must be at least 1, was " + sequence);
        }
        switch (kind) {
            case KEY, HEARTBEAT -> CacheInputs.requireKey(target);
            case PATTERN -> KeyPattern.glob(target);
            case CLEAR -> {
                if (!target.isEmpty()) {
                    throw new InvalidInputException("target", "must be empty for CLEAR, was " + target);
                }
            }
        }
    }

    /** A message on a bus that is not sharded (the shard is empty). */
    public Invalidation(String origin, long sequence, Kind kind, String target) {
        this(origin, sequence, kind, target, "");
    }

    /** Whether this message was published by the instance with id {@code instanceId}. */
    public boolean isFrom(String instanceId) {
        return origin.equals(instanceId);
    }

    /** Whether this message drops {@code key}. */
    public boolean covers(String key) {
        return switch (kind) {
            case KEY -> target.equals(key);
            case PATTERN -> KeyPattern.glob(target).matches(key);
            case CLEAR -> true;
            case HEARTBEAT -> false;
        };
    }
}

package io.chatcache.core;

import java.time.Duration;
import java.util.Objects;

/**
 * A value read from a store with its remaining time to live.
 *
 * @param value the value, never {@code null}
 * @param remainingTtl how long the entry still lives; {@link CacheStore#NO_EXPIRY} if it never expires
 *     or the store cannot tell
 * @param <T> the value's type
 */
public record CacheEntry<T>(T value, Duration remainingTtl) {
    /** Checks that neither part is null. */
    public CacheEntry {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(remainingTtl, "remainingTtl");
    }

    /** Whether the entry never expires (or its store cannot tell). */
    public boolean neverExpires() {
        return remainingTtl.equals(CacheStore.NO_EXPIRY);
    }
}

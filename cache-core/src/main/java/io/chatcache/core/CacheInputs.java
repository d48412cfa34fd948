package io.chatcache.core;

import java.time.Duration;

/**
 * The input rules every store applies, in one place. Each check throws {@link InvalidInputException}
 * naming the argument and the rule.
 */
public final class CacheInputs {

    /**
     * The longest key accepted, in characters. Long enough for hierarchical keys with hashes in them,
     * short enough that a key never dominates the memory or network cost of an entry.
     */
    public static final int MAX_KEY_LENGTH = 1024;

    private CacheInputs() {
    }

    /**
     * Checks a key: not null, not empty, at most {@link #MAX_KEY_LENGTH} characters.
     *
     * @return the key
     */
    public static String requireKey(String key) {
        if (key == null) {
            throw new InvalidInputException("key", "must not be null");
        }
        if (key.isEmpty()) {
            throw new InvalidInputException("key", "must not be empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new InvalidInputException("key",
                    "must be at most " + MAX_KEY_LENGTH + " characters long, was " + key.length());
        }
        return key;
    }

    /**
     * Checks a value: not null (caches never store null; absence is an empty Optional).
     *
     * @return the value
     */
    public static <V> V requireValue(V value) {
        if (value == null) {
            throw new InvalidInputException("value", "must not be null (a cache does not store null)");
        }
        return value;
    }

    /**
     * Checks a TTL: not null and positive, or exactly {@link CacheStore#NO_EXPIRY}.
     *
     * @return the TTL
     */
    public static Duration requireTtl(Duration ttl) {
        if (ttl == null) {
            throw new InvalidInputException("ttl", "must not be null (use CacheStore.NO_EXPIRY for no expiry)");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new InvalidInputException("ttl",
                    "must be positive (or CacheStore.NO_EXPIRY), was " + ttl);
        }
        return ttl;
    }

    /**
     * Checks that a named argument is not null.
     *
     * @return the argument
     */
    public static <V> V requireNonNull(V argument, String name) {
        if (argument == null) {
            throw new InvalidInputException(name, "must not be null");
        }
        return argument;
    }

    /**
     * Checks a duration option that must be positive (a breaker's open time, a deadline): not null, not zero,
     * not negative.
     *
     * @return the duration
     */
    public static Duration requirePositive(Duration value, String name) {
        requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new InvalidInputException(name, "must be positive, was " + value);
        }
        return value;
    }

    /**
     * Checks a count option that must be at least 1 (a size bound, a threshold).
     *
     * @return the count
     */
    public static long requireAtLeastOne(long value, String name) {
        if (value < 1) {
            throw new InvalidInputException(name, "must be at least 1, was " + value);
        }
        return value;
    }

    /**
     * The builders' set-once rule: throws {@link IllegalStateException} naming the option and its earlier
     * value if {@code current} (the option's value so far, {@code null} while unset) is set.
     */
    public static void requireUnset(String option, Object current) {
        if (current != null) {
            throw new IllegalStateException(option + " was already set to " + current);
        }
    }
}

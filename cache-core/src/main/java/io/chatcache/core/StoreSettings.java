package io.chatcache.core;

import java.time.Duration;
import java.util.Map;

/**
 * What a {@link CacheStoreProvider} is given to build a store.
 *
 * @param maximumSize the entry bound for stores that keep entries in memory
 * @param defaultTtl the TTL of {@link CacheStore#put(String, Object)}
 * @param environment configuration variables, such as {@code REDIS_HOST}; usually {@link System#getenv()}
 * @param serializer how a store that keeps bytes turns values into them, or {@code null} for the
 *     adapter's default (the Redis adapter's is its {@code JacksonSerializer}); stores that keep objects
 *     ignore it
 */
public record StoreSettings(long maximumSize, Duration defaultTtl, Map<String, String> environment,
        Serializer serializer) {

    /** The reference's {@code max_memory_size}. */
    public static final long DEFAULT_MAXIMUM_SIZE = 1000;
    /** The reference's {@code default_ttl}: one hour. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    /** Checks and copies the settings. */
    public StoreSettings {
        if (maximumSize < 1) {
            throw new InvalidInputException("maximumSize", "must be at least 1, was " + maximumSize);
        }
        CacheInputs.requireTtl(defaultTtl);
        environment = Map.copyOf(CacheInputs.requireNonNull(environment, "environment"));
    }

    /** Settings with the adapter's default serializer. */
    public StoreSettings(long maximumSize, Duration defaultTtl, Map<String, String> environment) {
        this(maximumSize, defaultTtl, environment, null);
    }

    /** The defaults (1000 entries, one hour) with the given environment. */
    public static StoreSettings defaults(Map<String, String> environment) {
        return new StoreSettings(DEFAULT_MAXIMUM_SIZE, DEFAULT_TTL, environment);
    }

    @Override
    public String toString() {
        // The environment may hold secrets (REDIS_PASSWORD): name the variables, never their values.
        return "StoreSettings[maximumSize=" + maximumSize + ", defaultTtl=" + defaultTtl
                + ", environment=" + new java.util.TreeSet<>(environment.keySet())
                + (serializer == null ? "" : ", serializer=" + serializer) + "]";
    }
}

package io.chatcache.chat;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.EvictionPolicy;
import java.time.Duration;
import java.util.Map;

/**
 * The cache variables of the environment, parsed and checked once at start-up. The Redis variables
 * ({@code REDIS_*}) are left to the Redis adapter, which checks them when it opens.
 *
 * @param backend {@code CACHE_BACKEND}: memory (default), redis or hybrid, any case
 * @param defaultTtl {@code CACHE_DEFAULT_TTL}: whole seconds, positive; default 3600
 * @param maxMemorySize {@code CACHE_MAX_MEMORY_SIZE}: entries, positive; default 1000
 * @param cleanupInterval {@code CACHE_CLEANUP_INTERVAL}: whole seconds, 0 for no periodic cleanup; null
 *     when not set (the memory store's default, five minutes)
 * @param evictionPolicy {@code CACHE_EVICTION_POLICY}: lru or adaptive, any case; null when not set (LRU)
 */
record EnvironmentSettings(CacheBackend backend, Duration defaultTtl, long maxMemorySize, Duration cleanupInterval,
                           EvictionPolicy evictionPolicy) {

    static final String CACHE_BACKEND = "CACHE_BACKEND";
    static final String CACHE_DEFAULT_TTL = "CACHE_DEFAULT_TTL";
    static final String CACHE_MAX_MEMORY_SIZE = "CACHE_MAX_MEMORY_SIZE";
    static final String CACHE_CLEANUP_INTERVAL = "CACHE_CLEANUP_INTERVAL";

    /**
     * Reads the variables; an absent or blank variable takes its default.
     *
     * @throws CacheConfigurationException naming the variable, its value and what is accepted
     */
    static EnvironmentSettings parse(Map<String, String> environment) {
        String backend = blankToNull(environment.get(CACHE_BACKEND));
        String ttl = blankToNull(environment.get(CACHE_DEFAULT_TTL));
        String size = blankToNull(environment.get(CACHE_MAX_MEMORY_SIZE));
        String cleanup = blankToNull(environment.get(CACHE_CLEANUP_INTERVAL));
        String policy = blankToNull(environment.get(EvictionPolicy.VARIABLE));
        return new EnvironmentSettings(
                backend == null ? CacheBackend.MEMORY : CacheBackend.parse(CACHE_BACKEND, backend),
                ttl == null ? ChatCacheService.DEFAULT_TTL
                        : Duration.ofSeconds(positiveLong(CACHE_DEFAULT_TTL, ttl, "a whole number of seconds")),
                size == null ? ChatCacheService.DEFAULT_MAX_MEMORY_SIZE
                        : positiveLong(CACHE_MAX_MEMORY_SIZE, size, "a whole number of entries"),
                cleanup == null ? null : Duration.ofSeconds(seconds(CACHE_CLEANUP_INTERVAL, cleanup)),
                policy == null ? null : EvictionPolicy.parse(EvictionPolicy.VARIABLE, policy));
    }

    private static long seconds(String variable, String value) {
        if ("0".equals(value.strip())) {
            return 0;
        }
        return positiveLong(variable, value, "a whole number of seconds; 0 disables the periodic cleanup");
    }

    private static long positiveLong(String variable, String value, String unit) {
        long parsed;
        try {
            parsed = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new CacheConfigurationException(variable + " must be a positive integer (" + unit + ", 1 to "
                    + Integer.MAX_VALUE + "), was '" + value + "'", e);
        }
        if (parsed < 1 || parsed > Integer.MAX_VALUE) {
            throw new CacheConfigurationException(variable + " must be a positive integer (" + unit + ", 1 to "
                    + Integer.MAX_VALUE + "), was '" + value + "'");
        }
        return parsed;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}

package io.chatcache.spring.boot;

import io.chatcache.core.CacheConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The settings the service reads, as its environment variables: each variable from Spring's environment
 * (so the process environment, system properties, and {@code REDIS_HOST=...} in a property source), then
 * each {@code chatcache.*} property that is set, which wins.
 */
final class ServiceEnvironment {

    /** Every variable the service and the Redis adapter read. */
    static final List<String> VARIABLES = List.of("CACHE_BACKEND", "CACHE_DEFAULT_TTL", "CACHE_MAX_MEMORY_SIZE",
            "CACHE_CLEANUP_INTERVAL", "CACHE_EVICTION_POLICY", "REDIS_HOST", "REDIS_PORT", "REDIS_USERNAME", "REDIS_PASSWORD", "REDIS_DB",
            "REDIS_URL", "REDIS_SSL", "REDIS_SSL_TRUSTSTORE", "REDIS_SSL_TRUSTSTORE_PASSWORD", "REDIS_CLUSTER_NODES",
            "REDIS_SENTINEL_MASTER", "REDIS_SENTINEL_NODES", "REDIS_NAMESPACE", "REDIS_KEY_LAYOUT", "REDIS_OWNED_KEYS",
            "REDIS_JSON_NAMING", "REDIS_TIMEOUT",
            "REDIS_CONNECT_TIMEOUT", "REDIS_STARTUP_TIMEOUT");

    private ServiceEnvironment() {
    }

    static Map<String, String> of(ChatCacheProperties properties, UnaryOperator<String> environment) {
        Map<String, String> settings = new TreeMap<>();
        for (String variable : VARIABLES) {
            String value = environment.apply(variable);
            if (value != null && !value.isBlank()) {
                settings.put(variable, value);
            }
        }
        if (properties.getBackend() != null) {
            settings.put("CACHE_BACKEND", properties.getBackend().name().toLowerCase(Locale.ROOT));
        }
        put(settings, "CACHE_DEFAULT_TTL", seconds(properties.getDefaultTtl(), "chatcache.default-ttl"));
        put(settings, "CACHE_MAX_MEMORY_SIZE", properties.getMaxMemorySize());
        put(settings, "CACHE_CLEANUP_INTERVAL", seconds(properties.getCleanupInterval(), "chatcache.cleanup-interval"));
        if (properties.getEvictionPolicy() != null) {
            settings.put("CACHE_EVICTION_POLICY", properties.getEvictionPolicy().name().toLowerCase(Locale.ROOT));
        }
        ChatCacheProperties.Redis redis = properties.getRedis();
        put(settings, "REDIS_HOST", redis.getHost());
        put(settings, "REDIS_PORT", redis.getPort());
        put(settings, "REDIS_USERNAME", redis.getUsername());
        put(settings, "REDIS_PASSWORD", redis.getPassword());
        put(settings, "REDIS_DB", redis.getDb());
        put(settings, "REDIS_URL", redis.getUrl());
        put(settings, "REDIS_SSL", redis.getSsl());
        put(settings, "REDIS_SSL_TRUSTSTORE", redis.getTruststore());
        put(settings, "REDIS_SSL_TRUSTSTORE_PASSWORD", redis.getTruststorePassword());
        put(settings, "REDIS_NAMESPACE", redis.getNamespace());
        put(settings, "REDIS_KEY_LAYOUT", redis.getKeyLayout());
        if (!redis.getOwnedKeys().isEmpty()) {
            settings.put("REDIS_OWNED_KEYS", String.join(",", redis.getOwnedKeys()));
        }
        put(settings, "REDIS_JSON_NAMING", redis.getJsonNaming());
        put(settings, "REDIS_TIMEOUT", millis(redis.getTimeout(), "chatcache.redis.timeout"));
        put(settings, "REDIS_CONNECT_TIMEOUT", millis(redis.getConnectTimeout(), "chatcache.redis.connect-timeout"));
        put(settings, "REDIS_STARTUP_TIMEOUT", millis(redis.getStartupTimeout(), "chatcache.redis.startup-timeout"));
        if (!redis.getClusterNodes().isEmpty()) {
            settings.put("REDIS_CLUSTER_NODES", String.join(",", redis.getClusterNodes()));
        }
        put(settings, "REDIS_SENTINEL_MASTER", redis.getSentinel().getMaster());
        if (!redis.getSentinel().getNodes().isEmpty()) {
            settings.put("REDIS_SENTINEL_NODES", String.join(",", redis.getSentinel().getNodes()));
        }
        return settings;
    }

    private static void put(Map<String, String> settings, String variable, Object value) {
        if (value != null && !value.toString().isBlank()) {
            settings.put(variable, value.toString());
        }
    }

    /** A deadline as the Redis adapter reads it ({@code 300ms}); it checks the range and names the variable. */
    private static String millis(Duration duration, String property) {
        if (duration == null) {
            return null;
        }
        if (duration.isNegative() || duration.isZero() || duration.getNano() % 1_000_000 != 0) {
            throw new CacheConfigurationException(property + " must be a positive whole number of milliseconds, was "
                    + duration);
        }
        return duration.toMillis() + "ms";
    }

    private static Long seconds(Duration duration, String property) {
        if (duration == null) {
            return null;
        }
        if (duration.isNegative() || duration.getNano() != 0) {
            throw new CacheConfigurationException(property + " must be a whole number of seconds, 0 or more, was "
                    + duration);
        }
        return duration.getSeconds();
    }
}

package io.chatcache.chat;

import io.chatcache.core.CacheConfigurationException;
import java.util.Locale;

/** Where a {@link ChatCacheService} keeps its entries: the reference's {@code CacheBackend}. */
public enum CacheBackend {
    /** An in-process LRU store; no server needed. Entries are private to this JVM. */
    MEMORY,
    /** A Redis server shared by every instance; needs {@code io.chatcache:cache-adapter-redis}. */
    REDIS,
    /**
     * An in-process L1 in front of Redis as L2, kept coherent between instances; needs
     * {@code io.chatcache:cache-adapter-redis}. Keeps serving from L1 while Redis is down.
     */
    HYBRID;

    /** The lower-case name used in {@code CACHE_BACKEND} and as a key of {@link ChatCacheService#getStats()}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a backend name, ignoring case and surrounding blanks ({@code "hybrid"}, {@code "REDIS"}).
     *
     * @param variable the name of the setting being parsed, for the error message
     * @throws CacheConfigurationException if {@code value} names no backend; the message names the
     *     variable, the value and the accepted values
     */
    public static CacheBackend parse(String variable, String value) {
        if (value != null) {
            String wanted = value.strip();
            for (CacheBackend backend : values()) {
                if (backend.configName().equalsIgnoreCase(wanted)) {
                    return backend;
                }
            }
        }
        throw new CacheConfigurationException(variable + " must be one of memory, redis, hybrid (any case), was '"
                + value + "'");
    }
}

package io.chatcache.core;

import java.util.Locale;

/**
 * Which entry an in-memory store evicts when it is full.
 *
 * <p>Chosen with the memory store's builder, the service's builder, or the environment variable
 * {@value #VARIABLE} ({@code lru} or {@code adaptive}, any case).
 */
public enum EvictionPolicy {

    /**
     * Least recently used, exactly (while one thread uses the store): the default. Best when what was used
     * last is what will be used next; a scan or a loop larger than the cache flushes it.
     */
    LRU,

    /**
     * Frequency-aware (W-TinyLFU with an adaptive window): a new entry is admitted only if it is used more
     * often than the entry it would replace, as estimated by a compact sketch of recent accesses; the share
     * given to recency adapts to the workload. Resists scans and loops; costs a sketch of 10 bytes
     * per entry of the bound.
     */
    ADAPTIVE;

    /** The environment variable that selects the policy of the memory stores a service builds. */
    public static final String VARIABLE = "CACHE_EVICTION_POLICY";

    /**
     * The policy named by {@code value} ({@code lru} or {@code adaptive}, any case, surrounding blanks
     * ignored).
     *
     * @param source what the value came from (a variable name), for the message
     * @throws CacheConfigurationException naming the source and the value if it names no policy
     */
    public static EvictionPolicy parse(String source, String value) {
        String name = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
        for (EvictionPolicy policy : values()) {
            if (policy.name().equals(name)) {
                return policy;
            }
        }
        throw new CacheConfigurationException(source + " must be lru or adaptive, was '"
                + LogText.escape(String.valueOf(value)) + "'");
    }
}

package io.chatcache.chat;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStats;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link ChatCacheService} reports about itself: the reference's {@code get_cache_info()}.
 *
 * @param backend the configured backend
 * @param redisAvailable whether Redis answered: always {@code false} for {@link CacheBackend#MEMORY};
 *     for {@link CacheBackend#REDIS} whether the last Redis operation succeeded; for
 *     {@link CacheBackend#HYBRID} whether the hybrid store currently uses its L2
 * @param stats statistics per backend name ({@code "memory"}, {@code "redis"}), in that order
 */
public record CacheInfo(CacheBackend backend, boolean redisAvailable, Map<String, CacheStats> stats) {

    /** Checks the parts and freezes the map, keeping its order. */
    public CacheInfo {
        CacheInputs.requireNonNull(backend, "backend");
        CacheInputs.requireNonNull(stats, "stats");
        stats = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
    }
}

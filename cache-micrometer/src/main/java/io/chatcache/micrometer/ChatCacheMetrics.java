package io.chatcache.micrometer;

import io.chatcache.chat.CacheBackend;
import io.chatcache.chat.CacheCounters;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.core.CacheInputs;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;

/**
 * Micrometer meters of a {@link ChatCacheService}, named as Micrometer's cache binders name them (the
 * Caffeine, JCache and Guava binders), so dashboards made for those work unchanged:
 * <ul>
 *   <li>{@code cache.gets} with {@code result=hit} and {@code result=miss}: reads through the service;</li>
 *   <li>{@code cache.puts}: values the service stored;</li>
 *   <li>{@code cache.size}: entries in this instance's memory store (MEMORY, L1 of HYBRID); not registered for
 *       REDIS, whose size only a scan of Redis could tell;</li>
 *   <li>{@code cache.evictions}: entries the memory store evicted for its size bound; not registered for REDIS;</li>
 * </ul>
 * and this library's own, for REDIS and HYBRID:
 * <ul>
 *   <li>{@code chatcache.redis.available} (gauge, 1 or 0): whether Redis is in use; for HYBRID 0 while the
 *       store serves from L1 only (L2 not connected, or its circuit breaker not closed);</li>
 *   <li>{@code chatcache.failures} (function counter): Redis operations that failed and were answered without
 *       it, plus (HYBRID) invalidation publishes that failed.</li>
 * </ul>
 * Every meter carries the tag {@code cache=<name>} and the tags given. Reading a meter never asks Redis
 * (it reads {@link ChatCacheService#counters()}). Like Micrometer's binders, this one holds the service
 * weakly: meters of a service that was garbage-collected read as NaN. Needs no Spring:
 *
 * <pre>{@code
 * ChatCacheMetrics.monitor(registry, service, "chatcache");
 * }</pre>
 */
public final class ChatCacheMetrics extends CacheMeterBinder<ChatCacheService> {

    private final CacheBackend backend;

    /**
     * Meters for {@code service} named {@code cacheName}; bind them with {@link #bindTo(MeterRegistry)}.
     *
     * @throws io.chatcache.core.InvalidInputException if an argument is null or the name is blank
     */
    public ChatCacheMetrics(ChatCacheService service, String cacheName, Iterable<Tag> tags) {
        super(CacheInputs.requireNonNull(service, "service"), requireName(cacheName),
                CacheInputs.requireNonNull(tags, "tags"));
        this.backend = service.backend();
    }

    /** Binds the meters of {@code service} to {@code registry} and returns the service. */
    public static ChatCacheService monitor(MeterRegistry registry, ChatCacheService service, String cacheName,
                                           String... tags) {
        return monitor(registry, service, cacheName, Tags.of(tags));
    }

    /** Binds the meters of {@code service} to {@code registry} and returns the service. */
    public static ChatCacheService monitor(MeterRegistry registry, ChatCacheService service, String cacheName,
                                           Iterable<Tag> tags) {
        CacheInputs.requireNonNull(registry, "registry");
        new ChatCacheMetrics(service, cacheName, tags).bindTo(registry);
        return service;
    }

    static String requireName(String cacheName) {
        CacheInputs.requireNonNull(cacheName, "cacheName");
        if (cacheName.isBlank()) {
            throw new io.chatcache.core.InvalidInputException("cacheName", "must not be blank");
        }
        return cacheName;
    }

    private CacheCounters counters() {
        ChatCacheService service = getCache();
        return service == null ? null : service.counters();
    }

    @Override
    protected Long size() {
        CacheCounters counters = counters();
        return backend == CacheBackend.REDIS || counters == null ? null : counters.localEntries();
    }

    @Override
    protected long hitCount() {
        CacheCounters counters = counters();
        return counters == null ? 0 : counters.hits();
    }

    @Override
    protected Long missCount() {
        CacheCounters counters = counters();
        return counters == null ? null : counters.misses();
    }

    @Override
    protected Long evictionCount() {
        CacheCounters counters = counters();
        return backend == CacheBackend.REDIS || counters == null ? null : counters.evictions();
    }

    @Override
    protected long putCount() {
        CacheCounters counters = counters();
        return counters == null ? 0 : counters.puts();
    }

    @Override
    protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
        if (backend == CacheBackend.MEMORY) {
            return;
        }
        ChatCacheService service = getCache();
        Gauge.builder("chatcache.redis.available", service, s -> s.counters().redisAvailable() ? 1 : 0)
                .tags(getTagsWithCacheName())
                .description("Whether Redis is in use (1) or the cache runs without it (0; HYBRID: L1 only)")
                .strongReference(false)
                .register(registry);
        FunctionCounter.builder("chatcache.failures", service, s -> s.counters().failures())
                .tags(getTagsWithCacheName())
                .description("Redis operations that failed and were answered without Redis, and failed "
                        + "invalidation publishes")
                .register(registry);
    }
}

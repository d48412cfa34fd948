package io.chatcache.micrometer;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of any {@link CacheStore}, from its {@link CacheStore#stats()}: {@code cache.gets}
 * ({@code result=hit|miss}), {@code cache.size}, {@code cache.evictions} (Micrometer's cache names) and
 * {@code chatcache.expirations} and {@code chatcache.errors}, each tagged {@code cache=<name>}. There is no
 * {@code cache.puts}: a store does not count its writes (a {@link io.chatcache.chat.ChatCacheService} does; use
 * {@link ChatCacheMetrics} for it).
 *
 * <p>Each meter reads {@code stats()} when it is published: right for the memory and hybrid stores, whose
 * statistics are counters; a Redis store counts its namespace with SCAN on every read, so publish it rarely.
 * The store is held weakly.
 *
 * @see io.chatcache.chat.ChatCacheService
 */
public final class CacheStoreMetrics implements MeterBinder {

    private final CacheStore store;
    private final String cacheName;
    private final Tags tags;

    /**
     * Meters for {@code store} named {@code cacheName}.
     *
     * @throws io.chatcache.core.InvalidInputException if an argument is null or the name is blank
     */
    public CacheStoreMetrics(CacheStore store, String cacheName, Iterable<Tag> tags) {
        this.store = CacheInputs.requireNonNull(store, "store");
        this.cacheName = ChatCacheMetrics.requireName(cacheName);
        this.tags = Tags.concat(CacheInputs.requireNonNull(tags, "tags"), "cache", cacheName);
    }

    /** Binds the meters of {@code store} to {@code registry} and returns the store. */
    public static <S extends CacheStore> S monitor(MeterRegistry registry, S store, String cacheName,
                                                   String... tags) {
        CacheInputs.requireNonNull(registry, "registry");
        new CacheStoreMetrics(store, cacheName, Tags.of(tags)).bindTo(registry);
        return store;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "cache.gets", Tags.of("result", "hit"), "the number of times cache lookup methods "
                + "have returned a cached value", CacheStats::hits);
        counter(registry, "cache.gets", Tags.of("result", "miss"), "the number of times cache lookup methods "
                + "have returned an uncached (newly loaded) value, or null", CacheStats::misses);
        counter(registry, "cache.evictions", Tags.empty(), "cache evictions", CacheStats::evictions);
        counter(registry, "chatcache.expirations", Tags.empty(), "entries removed because their TTL elapsed",
                CacheStats::expirations);
        counter(registry, "chatcache.errors", Tags.empty(), "operations that failed inside the store",
                CacheStats::errors);
        Gauge.builder("cache.size", store, s -> s.stats().entryCount())
                .tags(tags)
                .description("The number of entries in this cache. This may be an approximation, depending on "
                        + "the type of cache.")
                .strongReference(false)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, Tags extra, String description,
                         ToDoubleFunction<CacheStats> figure) {
        FunctionCounter.builder(name, store, s -> figure.applyAsDouble(s.stats()))
                .tags(tags.and(extra))
                .description(description)
                .register(registry);
    }

    @Override
    public String toString() {
        return "CacheStoreMetrics[" + cacheName + "]";
    }
}

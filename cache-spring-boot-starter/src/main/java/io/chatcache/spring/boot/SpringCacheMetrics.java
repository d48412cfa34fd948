package io.chatcache.spring.boot;

import io.chatcache.spring.ChatCacheSpringCache;
import io.chatcache.spring.ChatCacheSpringCacheManager;
import io.chatcache.spring.SpringCacheCounters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cache.CacheManager;

/**
 * Micrometer's cache meters ({@code cache.gets} hit/miss, {@code cache.puts}, {@code cache.evictions}) of every
 * {@link ChatCacheSpringCache} the application's {@link ChatCacheSpringCacheManager}s know when the registry is
 * bound (the caches configured by name; caches created later on first use are not bound), tagged
 * {@code cache=<name>} and {@code cache.manager=chatcache}. {@code cache.evictions} counts evictions on purpose
 * ({@code @CacheEvict}); there is no {@code cache.size}: a cache name's entries share the service's store.
 */
public final class SpringCacheMetrics implements MeterBinder {

    private final ObjectProvider<CacheManager> cacheManagers;

    SpringCacheMetrics(ObjectProvider<CacheManager> cacheManagers) {
        this.cacheManagers = cacheManagers;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        cacheManagers.orderedStream()
                .filter(ChatCacheSpringCacheManager.class::isInstance)
                .map(ChatCacheSpringCacheManager.class::cast)
                .forEach(manager -> manager.getCacheNames().forEach(name ->
                        new Binder(manager.getCache(name)).bindTo(registry)));
    }

    /** One Spring cache's meters. */
    private static final class Binder extends CacheMeterBinder<ChatCacheSpringCache> {
        Binder(ChatCacheSpringCache cache) {
            super(cache, cache.getName(), Tags.of("cache.manager", "chatcache"));
        }

        private SpringCacheCounters counters() {
            ChatCacheSpringCache cache = getCache();
            return cache == null ? new SpringCacheCounters(0, 0, 0, 0) : cache.counters();
        }

        @Override
        protected Long size() {
            return null;
        }

        @Override
        protected long hitCount() {
            return counters().hits();
        }

        @Override
        protected Long missCount() {
            return counters().misses();
        }

        @Override
        protected Long evictionCount() {
            return counters().evictions();
        }

        @Override
        protected long putCount() {
            return counters().puts();
        }

        @Override
        protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
            // none beyond Micrometer's cache meters
        }
    }
}

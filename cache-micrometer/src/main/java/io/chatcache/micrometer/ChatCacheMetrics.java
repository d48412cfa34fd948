package io.chatcache.micrometer;

import io.chatcache.chat.CacheBackend;
import io.chatcache.chat.CacheCounters;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.core.CacheInputs;
import io.chatcache.chat.L2Counters;
import io.chatcache.chat.LoadCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

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
 * and the load path's (from {@link ChatCacheService#loadCounters()}), for every backend:
 * <ul>
 *   <li>{@code chatcache.loads} (function counter, one per tag {@code outcome}): {@code lease_acquired} loads run
 *       holding the cluster-wide lease, {@code loaded_elsewhere} loads answered by another instance's value,
 *       {@code lease_wait_expired} loads run after waiting the whole lease, {@code lease_unavailable} lease calls
 *       that could not reach Redis (REDIS and HYBRID; 0 for MEMORY);</li>
 *   <li>{@code chatcache.refreshes} (function counter, tag {@code result=success|failure}): background reloads
 *       of refresh-ahead that stored a value, and that failed (the old value kept);</li>
 * </ul>
 * and this library's own, for REDIS and HYBRID:
 * <ul>
 *   <li>{@code chatcache.redis.available} (gauge, 1 or 0): whether Redis is in use; for HYBRID 0 while the
 *       store serves from L1 only (L2 not connected, or its circuit breaker not closed);</li>
 *   <li>{@code chatcache.failures} (function counter): Redis operations that failed and were answered without
 *       it, plus (HYBRID) invalidation publishes that failed;</li>
 *   <li>{@code chatcache.breaker.state} (gauge, one per tag {@code state=closed|open|half_open}): 1 for the
 *       state the circuit breaker in front of Redis is in, 0 for the others;</li>
 * </ul>
 * and for HYBRID (from {@link ChatCacheService#l2Counters()}):
 * <ul>
 *   <li>{@code chatcache.invalidations.sent}, {@code chatcache.invalidations.received} (function counters):
 *       invalidation messages published by this instance, and received from others (heartbeats not
 *       counted);</li>
 *   <li>{@code chatcache.l1.drops} (function counter): whole-L1 drops because L1 could not be trusted;</li>
 *   <li>{@code chatcache.breaker.shards} and {@code chatcache.breaker.shards.open} (gauges): on a Redis Cluster
 *       with per-shard isolation, how many shards have a breaker of their own and how many of those breakers are
 *       not closed (1 and 0 or 1 otherwise); {@code chatcache.breaker.state} then shows the worst shard's state;</li>
 *   <li>{@code chatcache.l1.shard.drops} (function counter): drops of one shard's L1 copies (its outage ended,
 *       or the bus proved it delivers that shard's invalidations again);</li>
 *   <li>{@code chatcache.invalidation.lag} (function timer) and {@code chatcache.invalidation.lag.last} (time
 *       gauge): the round trip of this instance's own heartbeats through the bus, from publish to receipt,
 *       which measures the bus's delivery lag (messages carry no send time, so other instances' messages
 *       are not timed).</li>
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
        ChatCacheService service = getCache();
        loadCounter(registry, service, "chatcache.loads", "outcome", "lease_acquired", LoadCounters::leasesAcquired,
                "Loads this instance ran holding the cluster-wide lease on their key");
        loadCounter(registry, service, "chatcache.loads", "outcome", "loaded_elsewhere", LoadCounters::loadedElsewhere,
                "Loads answered by the value another instance loaded under its lease");
        loadCounter(registry, service, "chatcache.loads", "outcome", "lease_wait_expired",
                LoadCounters::leaseWaitsExpired, "Loads run after waiting the whole lease for another instance");
        loadCounter(registry, service, "chatcache.loads", "outcome", "lease_unavailable",
                LoadCounters::leaseUnavailable, "Lease calls that could not reach Redis: loads coordinated per instance");
        loadCounter(registry, service, "chatcache.refreshes", "result", "success", LoadCounters::refreshes,
                "Background reloads of refresh-ahead that stored a value");
        loadCounter(registry, service, "chatcache.refreshes", "result", "failure", LoadCounters::refreshFailures,
                "Background reloads of refresh-ahead that failed; the old value was kept");
        if (backend == CacheBackend.MEMORY) {
            return;
        }
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
        for (L2Counters.Breaker state : L2Counters.Breaker.values()) {
            Gauge.builder("chatcache.breaker.state", service,
                            s -> l2(s, c -> c.breaker() == state ? 1 : 0))
                    .tags(getTagsWithCacheName())
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .description("1 for the state the circuit breaker in front of Redis is in, 0 for the others")
                    .strongReference(false)
                    .register(registry);
        }
        if (backend != CacheBackend.HYBRID) {
            return;
        }
        FunctionCounter.builder("chatcache.invalidations.sent", service,
                        s -> l2(s, L2Counters::invalidationsSent))
                .tags(getTagsWithCacheName())
                .description("Invalidation messages this instance published on the bus (not heartbeats)")
                .register(registry);
        FunctionCounter.builder("chatcache.invalidations.received", service,
                        s -> l2(s, L2Counters::invalidationsReceived))
                .tags(getTagsWithCacheName())
                .description("Invalidation messages from other instances applied to this instance's L1")
                .register(registry);
        FunctionCounter.builder("chatcache.l1.drops", service, s -> l2(s, L2Counters::l1Drops))
                .tags(getTagsWithCacheName())
                .description("Whole-L1 drops because L1 could not be trusted (coherence regained, L2 back "
                        + "after an outage)")
                .register(registry);
        Gauge.builder("chatcache.breaker.shards", service, s -> l2(s, L2Counters::shards))
                .tags(getTagsWithCacheName())
                .description("Shards of Redis with a circuit breaker of their own (1 unless a cluster with isolation)")
                .strongReference(false)
                .register(registry);
        Gauge.builder("chatcache.breaker.shards.open", service, s -> l2(s, L2Counters::openShards))
                .tags(getTagsWithCacheName())
                .description("Shards whose circuit breaker is not closed: their keys go without Redis")
                .strongReference(false)
                .register(registry);
        FunctionCounter.builder("chatcache.l1.shard.drops", service, s -> l2(s, L2Counters::l1ShardDrops))
                .tags(getTagsWithCacheName())
                .description("Drops of one shard's L1 copies because they could not be trusted (the shard back "
                        + "after an outage, its invalidation channel proven again)")
                .register(registry);
        FunctionTimer.builder("chatcache.invalidation.lag", service,
                        s -> (long) l2(s, L2Counters::heartbeatRoundTrips),
                        s -> l2(s, c -> c.heartbeatRoundTripTotal().toNanos()), TimeUnit.NANOSECONDS)
                .tags(getTagsWithCacheName())
                .description("Round trip of this instance's own heartbeats through the invalidation bus "
                        + "(publish to receipt): the bus's delivery lag")
                .register(registry);
        TimeGauge.builder("chatcache.invalidation.lag.last", service, TimeUnit.NANOSECONDS,
                        s -> l2(s, c -> c.lastHeartbeatRoundTrip().toNanos()))
                .tags(getTagsWithCacheName())
                .description("The latest heartbeat round trip through the invalidation bus")
                .strongReference(false)
                .register(registry);
    }

    private void loadCounter(MeterRegistry registry, ChatCacheService service, String name, String tag, String value,
                             ToDoubleFunction<LoadCounters> count, String description) {
        FunctionCounter.builder(name, service, s -> count.applyAsDouble(s.loadCounters()))
                .tags(getTagsWithCacheName())
                .tag(tag, value)
                .description(description)
                .register(registry);
    }

    /** A value of the service's {@link L2Counters}, NaN if it has none. */
    private static double l2(ChatCacheService service, ToDoubleFunction<L2Counters> value) {
        return service.l2Counters().map(value::applyAsDouble).orElse(Double.NaN);
    }
}

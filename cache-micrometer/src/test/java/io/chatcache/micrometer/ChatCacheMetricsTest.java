package io.chatcache.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatcache.chat.CacheBackend;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.core.InvalidInputException;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ChatCacheMetricsTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    /**
     * {@code REDIS_STARTUP_TIMEOUT} for services on a running harness server: connecting at start-up can take
     * longer than the default 5 s on a loaded 2-core CI machine, and no test here measures start-up.
     */
    private static final String STARTUP_TIMEOUT = "30s";

    private static double count(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    private static double gauge(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void memoryServiceFollowsMicrometersCacheConventions() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (ChatCacheService cache = ChatCacheMetrics.monitor(registry,
                ChatCacheService.builder().maxMemorySize(2).build(), "chat", "app", "demo")) {
            cache.set("a", "1");
            cache.set("b", "2");
            cache.set("c", "3");
            cache.get("c", String.class);
            cache.get("nope", String.class);
            cache.get("nope", String.class);

            assertThat(count(registry, "cache.gets", "cache", "chat", "result", "hit", "app", "demo")).isEqualTo(1);
            assertThat(count(registry, "cache.gets", "cache", "chat", "result", "miss")).isEqualTo(2);
            assertThat(count(registry, "cache.puts", "cache", "chat")).isEqualTo(3);
            assertThat(count(registry, "cache.evictions", "cache", "chat")).isEqualTo(1);
            assertThat(gauge(registry, "cache.size", "cache", "chat")).isEqualTo(2);
            assertThat(registry.find("chatcache.redis.available").gauge()).isNull();   // MEMORY: no Redis
        }
    }

    @Test
    void refreshAheadOutcomesAreCountedOnEveryBackend() {
        MeterRegistry registry = new SimpleMeterRegistry();
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        try (ChatCacheService cache = ChatCacheMetrics.monitor(registry,
                ChatCacheService.builder().refreshExecutor(queued::add).build(), "chat")) {
            io.chatcache.chat.LoadOptions options = io.chatcache.chat.LoadOptions.ttl(Duration.ofMinutes(10))
                    .refreshAhead(Duration.ofMinutes(5));
            cache.set("ok", "old", Duration.ofMinutes(1));
            cache.set("broken", "old", Duration.ofMinutes(1));
            cache.getOrLoad("ok", String.class, () -> "new", options);
            cache.getOrLoad("broken", String.class, () -> {
                throw new IllegalStateException("database down");
            }, options);
            queued.forEach(Runnable::run);

            assertThat(count(registry, "chatcache.refreshes", "cache", "chat", "result", "success")).isEqualTo(1);
            assertThat(count(registry, "chatcache.refreshes", "cache", "chat", "result", "failure")).isEqualTo(1);
            assertThat(count(registry, "chatcache.loads", "cache", "chat", "outcome", "lease_acquired")).isZero();
            assertThat(registry.find("chatcache.loads").functionCounters()).hasSize(4);
        }
    }

    @Test
    void hybridServiceReportsRedisAvailabilityAndFailures() {
        RedisServer server = REDIS.startSingle();
        MeterRegistry registry = new SimpleMeterRegistry();
        try (ChatCacheService cache = ChatCacheMetrics.monitor(registry, ChatCacheService.builder()
                .backend(CacheBackend.HYBRID).redis(server.host(), server.port(), server.password()).build(),
                "chat")) {
            await().atMost(Duration.ofSeconds(20)).until(cache::probeRedis);
            assertThat(gauge(registry, "chatcache.redis.available", "cache", "chat")).isEqualTo(1);
            assertThat(count(registry, "chatcache.failures", "cache", "chat")).isZero();
            assertThat(gauge(registry, "chatcache.breaker.state", "cache", "chat", "state", "closed")).isEqualTo(1);
            assertThat(gauge(registry, "chatcache.breaker.state", "cache", "chat", "state", "open")).isZero();

            server.kill();
            await().atMost(Duration.ofSeconds(30)).until(() -> !cache.probeRedis());
            assertThat(gauge(registry, "chatcache.redis.available", "cache", "chat")).isZero();
            assertThat(gauge(registry, "chatcache.breaker.state", "cache", "chat", "state", "closed")).isZero();
            assertThat(gauge(registry, "chatcache.breaker.state", "cache", "chat", "state", "open")
                    + gauge(registry, "chatcache.breaker.state", "cache", "chat", "state", "half_open")).isEqualTo(1);
            assertThat(count(registry, "chatcache.failures", "cache", "chat")).isPositive();
            cache.set("x", "y");                                                 // still stored, in L1
            assertThat(count(registry, "cache.puts", "cache", "chat")).isEqualTo(1);
        }
    }

    @Test
    void redisServiceHasNoSizeButCountsGets() {
        RedisServer server = REDIS.startSingle();
        MeterRegistry registry = new SimpleMeterRegistry();
        try (ChatCacheService cache = ChatCacheMetrics.monitor(registry, ChatCacheService.builder()
                .backend(CacheBackend.REDIS).redis(server.host(), server.port(), server.password())
                .redisEnvironment(Map.of("REDIS_STARTUP_TIMEOUT", STARTUP_TIMEOUT)).build(),
                "r")) {
            cache.set("k", "v");
            cache.get("k", String.class);
            assertThat(count(registry, "cache.gets", "cache", "r", "result", "hit")).isEqualTo(1);
            assertThat(registry.find("cache.size").gauge()).isNull();
            assertThat(gauge(registry, "chatcache.redis.available", "cache", "r")).isEqualTo(1);
            assertThat(gauge(registry, "chatcache.breaker.state", "cache", "r", "state", "closed")).isEqualTo(1);
            assertThat(registry.find("chatcache.invalidations.sent").functionCounter()).isNull();   // no bus
        }
    }

    @Test
    void hybridServicesReportInvalidationsL1DropsAndBusLag() {
        RedisServer server = REDIS.startSingle();
        MeterRegistry writerMeters = new SimpleMeterRegistry();
        MeterRegistry readerMeters = new SimpleMeterRegistry();
        try (ChatCacheService writer = ChatCacheMetrics.monitor(writerMeters, hybrid(server), "chat", "app", "w");
             ChatCacheService reader = ChatCacheMetrics.monitor(readerMeters, hybrid(server), "chat", "app", "r")) {
            writer.set("room:1", "v1");
            writer.delete("room:1");
            writer.invalidatePattern("room:?");                 // L1 cannot match it as Redis does: dropped
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(count(writerMeters, "chatcache.invalidations.sent", "cache", "chat", "app", "w"))
                        .isEqualTo(3);
                assertThat(count(readerMeters, "chatcache.invalidations.received", "cache", "chat", "app", "r"))
                        .isEqualTo(3);
                assertThat(count(readerMeters, "chatcache.l1.drops", "cache", "chat")).isPositive();
                FunctionTimer lag = readerMeters.get("chatcache.invalidation.lag").tags("cache", "chat", "app", "r")
                        .functionTimer();
                assertThat(lag.count()).isPositive();
                assertThat(lag.totalTime(TimeUnit.NANOSECONDS)).isPositive();
                assertThat(readerMeters.get("chatcache.invalidation.lag.last").tags("cache", "chat")
                        .timeGauge().value(TimeUnit.NANOSECONDS)).isPositive();
            });
            assertThat(count(readerMeters, "chatcache.invalidations.sent", "cache", "chat")).isZero();
            // One server: one breaker, closed, and no shard of L1 dropped alone.
            assertThat(readerMeters.get("chatcache.breaker.shards").tags("cache", "chat").gauge().value()).isEqualTo(1);
            assertThat(readerMeters.get("chatcache.breaker.shards.open").tags("cache", "chat").gauge().value()).isZero();
            assertThat(count(readerMeters, "chatcache.l1.shard.drops", "cache", "chat")).isZero();
            assertThat(count(writerMeters, "chatcache.invalidations.received", "cache", "chat")).isZero();
            assertThat(count(readerMeters, "chatcache.invalidations.received", "cache", "chat"))
                    .isEqualTo(reader.l2Counters().orElseThrow().invalidationsReceived());
        }
    }

    private static ChatCacheService hybrid(RedisServer server) {
        return ChatCacheService.builder().backend(CacheBackend.HYBRID)
                .redis(server.host(), server.port(), server.password())
                .redisEnvironment(Map.of("REDIS_TIMEOUT", "2s", "REDIS_CONNECT_TIMEOUT", "5s",
                        "REDIS_STARTUP_TIMEOUT", STARTUP_TIMEOUT)).build();
    }

    @Test
    void anyStoreFromItsStatistics() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (MemoryCacheStore store = CacheStoreMetrics.monitor(registry,
                MemoryCacheStore.builder().maximumSize(1).build(), "l1")) {
            store.put("a", "1");
            store.put("b", "2");
            store.get("b", String.class);
            store.get("a", String.class);
            assertThat(count(registry, "cache.gets", "cache", "l1", "result", "hit")).isEqualTo(1);
            assertThat(count(registry, "cache.gets", "cache", "l1", "result", "miss")).isEqualTo(1);
            assertThat(count(registry, "cache.evictions", "cache", "l1")).isEqualTo(1);
            assertThat(gauge(registry, "cache.size", "cache", "l1")).isEqualTo(1);
            assertThat(count(registry, "chatcache.errors", "cache", "l1")).isZero();
            assertThat(registry.find("cache.puts").meter()).isNull();
        }
    }

    @Test
    void refusesABlankName() {
        try (ChatCacheService cache = ChatCacheService.builder().build()) {
            assertThatThrownBy(() -> new ChatCacheMetrics(cache, " ", Tags.empty()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("cacheName");
        }
    }
}

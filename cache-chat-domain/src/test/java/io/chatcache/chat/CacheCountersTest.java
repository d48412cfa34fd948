package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatcache.core.InvalidInputException;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ChatCacheService#counters()}, {@link ChatCacheService#probeRedis()} and {@link CacheKeys}. */
class CacheCountersTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    @Test
    void countsHitsMissesPutsAndTheMemoryStoresSizeAndEvictions() {
        try (ChatCacheService cache = ChatCacheService.builder().maxMemorySize(2).build()) {
            cache.set("a", "1");
            cache.set("b", "2");
            cache.set("c", "3");                                  // evicts one
            assertThat(cache.get("c", String.class)).contains("3");
            assertThat(cache.get("missing", String.class)).isEmpty();
            assertThat(cache.getOrLoad("d", String.class, () -> "4")).isEqualTo("4");   // a miss, then a put

            CacheCounters counters = cache.counters();
            assertThat(counters.backend()).isEqualTo(CacheBackend.MEMORY);
            assertThat(counters.hits()).isEqualTo(1);
            assertThat(counters.misses()).isEqualTo(2);
            assertThat(counters.puts()).isEqualTo(4);
            assertThat(counters.localEntries()).isEqualTo(2);
            assertThat(counters.evictions()).isEqualTo(2);
            assertThat(counters.failures()).isZero();
            assertThat(counters.redisAvailable()).isFalse();
            assertThat(cache.probeRedis()).isFalse();
        }
    }

    @Test
    void redisProbeNoticesAStoppedServerAndFailedWritesAreNotCountedAsPuts() {
        RedisServer server = REDIS.startSingle();
        try (ChatCacheService cache = ChatCacheService.builder().backend(CacheBackend.REDIS)
                .redis(server.host(), server.port(), server.password())
                .redisEnvironment(Map.of("REDIS_STARTUP_TIMEOUT", RedisEnvironment.STARTUP_TIMEOUT)).build()) {
            cache.set("k", "v");
            assertThat(cache.probeRedis()).isTrue();
            assertThat(cache.counters().puts()).isEqualTo(1);
            assertThat(cache.counters().misses()).isZero();          // the probe is not a miss of the service

            server.kill();
            assertThat(cache.counters().redisAvailable()).isTrue();  // nothing has asked Redis yet
            assertThat(cache.probeRedis()).isFalse();
            cache.set("k2", "v2");                                   // skipped, counted as a failure
            CacheCounters counters = cache.counters();
            assertThat(counters.redisAvailable()).isFalse();
            assertThat(counters.puts()).isEqualTo(1);
            assertThat(counters.failures()).isGreaterThanOrEqualTo(2);
            assertThat(counters.localEntries()).isZero();
        }
    }

    @Test
    void hybridProbeTurnsUnavailableOnceTheBreakerOpens() {
        RedisServer server = REDIS.startSingle();
        try (ChatCacheService cache = ChatCacheService.builder().backend(CacheBackend.HYBRID)
                .redis(server.host(), server.port(), server.password())
                .redisEnvironment(Map.of("REDIS_STARTUP_TIMEOUT", RedisEnvironment.STARTUP_TIMEOUT)).build()) {
            await().atMost(Duration.ofSeconds(20)).until(cache::probeRedis);
            server.kill();
            await().atMost(Duration.ofSeconds(30)).until(() -> !cache.probeRedis());
            assertThat(cache.counters().failures()).isPositive();
            cache.set("still", "works");                            // L1 only
            assertThat(cache.get("still", String.class)).contains("works");
        }
    }

    @Test
    void aBreakerOfThresholdOneOpensOnTheFirstFailedProbe() {
        RedisServer server = REDIS.startSingle();
        try (ChatCacheService cache = ChatCacheService.builder().backend(CacheBackend.HYBRID)
                .redis(server.host(), server.port(), server.password())
                .redisEnvironment(Map.of("REDIS_STARTUP_TIMEOUT", RedisEnvironment.STARTUP_TIMEOUT))
                .breaker(1, Duration.ofMinutes(5)).build()) {
            await().atMost(Duration.ofSeconds(20)).until(cache::probeRedis);
            server.kill();
            assertThat(cache.probeRedis()).isFalse();
            assertThat(cache.counters().redisAvailable()).isFalse();
        }
        assertThatThrownBy(() -> ChatCacheService.builder().breaker(3, Duration.ofSeconds(1)).build())
                .isInstanceOf(io.chatcache.core.CacheConfigurationException.class).hasMessageContaining("HYBRID");
        assertThatThrownBy(() -> ChatCacheService.builder().breaker(0, Duration.ofSeconds(1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("failureThreshold");
        assertThatThrownBy(() -> ChatCacheService.builder().breaker(1, Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("openDuration");
    }

    @Test
    void hashedKeysAreTheMemoizersKeys() {
        try (ChatCacheService cache = ChatCacheService.builder().build()) {
            Memoizer.using(cache).of("add", Duration.ofMinutes(1), ValueType.of(Integer.class),
                    (Integer x, Integer y) -> x + y).apply(1, 2);
            String key = CacheKeys.hashed("add", 1, 2);
            assertThat(cache.get(key, Integer.class)).contains(3);
        }
        assertThat(CacheKeys.hashed("p", Map.of("b", 1, "a", List.of(1.0, "x"))))
                .isEqualTo(CacheKeys.hashed("p", Map.of("a", List.of(1L, "x"), "b", 1L)));
        assertThat(CacheKeys.canonicalJson(Map.of("b", 1, "a", Optional.empty().isPresent()), "v"))
                .isEqualTo("{\"a\":false,\"b\":1}");
        assertThat(CacheKeys.sha256("")).hasSize(64);
        assertThatThrownBy(() -> CacheKeys.hashed("p", new Object()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("argument 0 of p");
    }
}

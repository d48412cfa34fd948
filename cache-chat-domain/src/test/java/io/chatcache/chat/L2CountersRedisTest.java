package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ChatCacheService#l2Counters()} over a real Redis: two HYBRID instances exchange invalidations. */
class L2CountersRedisTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    /** Generous deadlines: the test host's 2 cores are shared with other builds. */
    private static Map<String, String> environment(String namespace) {
        return Map.of("REDIS_NAMESPACE", namespace, "REDIS_TIMEOUT", "2s", "REDIS_CONNECT_TIMEOUT", "5s",
                "REDIS_STARTUP_TIMEOUT", RedisEnvironment.STARTUP_TIMEOUT);
    }

    private static ChatCacheService hybrid(RedisServer server, String namespace) {
        return ChatCacheService.builder()
                .backend(CacheBackend.HYBRID)
                .redis(server.host(), server.port(), server.password())
                .redisEnvironment(environment(namespace))
                .build();
    }

    private static L2Counters counters(ChatCacheService cache) {
        return cache.l2Counters().orElseThrow();
    }

    @Test
    void invalidationsSentAndReceivedBetweenTwoInstancesMoveTheCounters() {
        RedisServer server = REDIS.single();
        String namespace = "l2c-" + UUID.randomUUID();
        try (ChatCacheService writer = hybrid(server, namespace);
             ChatCacheService reader = hybrid(server, namespace)) {
            assertThat(counters(writer).breaker()).isEqualTo(L2Counters.Breaker.CLOSED);
            assertThat(counters(writer).invalidationsSent()).isZero();
            assertThat(counters(reader).invalidationsReceived()).isZero();

            writer.set("room:1", "v1");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(counters(writer).invalidationsSent()).isEqualTo(1);
                assertThat(counters(reader).invalidationsReceived()).isEqualTo(1);
            });
            assertThat(reader.get("room:1", String.class)).contains("v1");
            writer.delete("room:1");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(counters(writer).invalidationsSent()).isEqualTo(2);
                assertThat(counters(reader).invalidationsReceived()).isEqualTo(2);
                assertThat(reader.get("room:1", String.class)).isEmpty();
            });
            // The reader sent nothing, and the writer received nothing but its own messages.
            assertThat(counters(reader).invalidationsSent()).isZero();
            assertThat(counters(writer).invalidationsReceived()).isZero();

            // A pattern L1 cannot match exactly as Redis does drops the whole L1, here and on the peer.
            long writerDrops = counters(writer).l1Drops();
            long readerDrops = counters(reader).l1Drops();
            writer.invalidatePattern("room:?");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(counters(writer).l1Drops()).isEqualTo(writerDrops + 1);
                assertThat(counters(reader).l1Drops()).isEqualTo(readerDrops + 1);
            });

            // Heartbeats (one a second) come back through the bus and are timed.
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                L2Counters c = counters(reader);
                assertThat(c.heartbeatRoundTrips()).isGreaterThanOrEqualTo(2);
                assertThat(c.heartbeatRoundTripTotal()).isPositive();
                assertThat(c.lastHeartbeatRoundTrip()).isPositive()
                        .isLessThanOrEqualTo(c.heartbeatRoundTripTotal());
            });
        }
    }

    @Test
    void memoryHasNoL2CountersAndRedisReportsItsBreaker() {
        try (ChatCacheService memory = ChatCacheService.builder().build()) {
            assertThat(memory.l2Counters()).isEmpty();
        }
        RedisServer server = REDIS.single();
        try (ChatCacheService redis = ChatCacheService.builder().backend(CacheBackend.REDIS)
                .redis(server.host(), server.port(), server.password())
                .redisEnvironment(environment("l2c-" + UUID.randomUUID())).build()) {
            redis.set("k", "v");
            L2Counters c = redis.l2Counters().orElseThrow();
            assertThat(c.breaker()).isEqualTo(L2Counters.Breaker.CLOSED);
            assertThat(c.invalidationsSent()).isZero();
        }
    }

    @Test
    void theBuildersBreakerGuardsRedisModeToo() {
        RedisServer server = REDIS.startSingle();
        try (ChatCacheService redis = ChatCacheService.builder().backend(CacheBackend.REDIS)
                .redis(server.host(), server.port(), server.password())
                .redisEnvironment(environment("l2c-" + UUID.randomUUID()))
                .breaker(1, Duration.ofMinutes(5)).build()) {
            redis.set("k", "v");
            assertThat(redis.l2Counters().orElseThrow().breaker()).isEqualTo(L2Counters.Breaker.CLOSED);
            server.kill();
            // Threshold 1 (the default is 3): the first failed call opens it, and for 5 minutes it stays open.
            assertThat(redis.get("k", String.class)).isEmpty();
            assertThat(redis.l2Counters().orElseThrow().breaker()).isEqualTo(L2Counters.Breaker.OPEN);
            assertThat(redis.counters().redisAvailable()).isFalse();
        }
    }
}

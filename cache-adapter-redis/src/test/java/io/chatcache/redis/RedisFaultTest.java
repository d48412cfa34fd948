package io.chatcache.redis;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A server that dies or stops answering: operations fail within the timeout, and the store recovers. */
class RedisFaultTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** One operation budget (nothing is retried), plus room for a slow CI. */
    private static final Duration FAILS_WITHIN = TIMEOUT.plusMillis(1_500);

    private static RedisCacheStore storeOn(RedisServer server) {
        return RedisCacheStore.create(RedisTestSupport.configFor(server)
                .timeout(TIMEOUT)
                .connectTimeout(Duration.ofSeconds(2))
                .build());
    }

    private static Duration timed(Runnable action) {
        long start = System.nanoTime();
        try {
            action.run();
        } catch (CacheUnavailableException expected) {
            return Duration.ofNanos(System.nanoTime() - start);
        }
        throw new AssertionError("expected CacheUnavailableException");
    }

    @Test
    void writesToAServerThatBecameAReplicaAreUnavailabilityAndReadsStillWork() {
        RedisServer master = redis.startSingle();
        RedisServer demoted = redis.startSingle();
        try (RedisCacheStore store = storeOn(demoted)) {
            store.put("k", "v", Duration.ofMinutes(5));
            // As after a failover that demoted the server this client still talks to.
            demoted.cli("CONFIG", "SET", "masterauth", master.password() == null ? "" : master.password());
            demoted.cli("REPLICAOF", master.host(), String.valueOf(master.port()));

            assertThatThrownBy(() -> store.put("k", "w", Duration.ofMinutes(5)))
                    .isInstanceOf(CacheUnavailableException.class)
                    .hasMessageContaining("READONLY");
            assertThatThrownBy(() -> store.delete("k")).isInstanceOf(CacheUnavailableException.class);
        } finally {
            demoted.cli("REPLICAOF", "NO", "ONE");
        }
    }

    @Test
    void pausedServerFailsEachOperationWithinTheDefaultBudgetNotRedissonsSeconds() {
        RedisServer server = redis.startSingle();
        RedisConfig config = RedisConfig.builder().single(server.address()).password(server.password())
                .startupTimeout(RedisTestSupport.STARTUP).build();
        // The default budget, plus what a loaded 2-core CI machine may add; Redisson's own defaults
        // (3 s times 4 attempts) would take ten times this.
        Duration within = RedisConfig.DEFAULT_TIMEOUT.plusMillis(700);
        try (RedisCacheStore store = RedisCacheStore.create(config)) {
            store.put("k", "v", Duration.ofMinutes(5));

            server.pause();
            try {
                assertThat(timed(() -> store.get("k", String.class))).isLessThan(within);
                assertThat(timed(() -> store.getEntry("k", io.chatcache.core.ValueType.of(String.class)))).isLessThan(within);
                assertThat(timed(() -> store.put("k", "w", Duration.ofMinutes(5)))).isLessThan(within);
                assertThat(timed(() -> store.delete("k"))).isLessThan(within);
            } finally {
                server.resume();
            }
        }
    }

    @Test
    void killedServerFailsOperationsWithinTheTimeoutAndTheSameStoreWorksAfterRestart() {
        RedisServer server = redis.startSingle();
        try (RedisCacheStore store = storeOn(server)) {
            store.put("k", "before", Duration.ofMinutes(5));

            server.kill();

            assertThat(timed(() -> store.get("k", String.class))).isLessThan(FAILS_WITHIN);
            assertThat(timed(() -> store.put("k", "during", Duration.ofMinutes(5)))).isLessThan(FAILS_WITHIN);
            assertThatThrownBy(() -> store.delete("k"))
                    .isInstanceOf(CacheUnavailableException.class)
                    .hasMessageContaining(server.host() + ":" + server.port());

            server.restart();

            Awaitility.await("the store to reach the restarted server").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreException(CacheUnavailableException.class)
                    .untilAsserted(() -> store.put("k", "after", Duration.ofMinutes(5)));
            assertThat(store.get("k", String.class)).contains("after");
            assertThat(store.stats().errors()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void pausedServerFailsOperationsWithinTheTimeoutAndTheStoreRecoversOnResume() {
        RedisServer server = redis.startSingle();
        try (RedisCacheStore store = storeOn(server)) {
            store.put("k", "v", Duration.ofMinutes(5));

            server.pause();
            try {
                assertThat(timed(() -> store.get("k", String.class))).isLessThan(FAILS_WITHIN);
                assertThat(timed(() -> store.clear())).isLessThan(FAILS_WITHIN);
            } finally {
                server.resume();
            }

            Awaitility.await("the store to answer again").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreException(CacheUnavailableException.class)
                    .untilAsserted(() -> assertThat(store.get("k", String.class)).contains("v"));
        }
    }
}

package io.chatcache.redis;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Start-up uses its whole budget ({@code REDIS_STARTUP_TIMEOUT}) on a server that answers too slowly, and
 * none of it on a server that refuses the connection.
 */
class RedisSlowStartTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private static RedisConfig config(RedisServer server, Duration startupBudget) {
        return RedisTestSupport.configFor(server).timeout(TIMEOUT).connectTimeout(Duration.ofSeconds(1))
                .startupTimeout(startupBudget).build();
    }

    @Test
    void aServerThatAnswersTooSlowlyAtFirstIsTriedAgainWithinTheStartupBudget() {
        RedisServer server = redis.startSingle();
        server.pause();
        ScheduledExecutorService resumer = Executors.newSingleThreadScheduledExecutor();
        try {
            // The first attempt's set-up commands (CLIENT SETNAME) miss the 300 ms budget; the server wakes
            // up well inside the 10 s start-up budget, so a later attempt connects.
            resumer.schedule(server::resume, 1, TimeUnit.SECONDS);
            try (RedisCacheStore store = RedisCacheStore.create(config(server, Duration.ofSeconds(10)))) {
                store.put("k", "v", Duration.ofMinutes(1));
                assertThat(store.get("k", String.class)).contains("v");
            }
        } finally {
            resumer.shutdownNow();
            server.resume();
        }
    }

    @Test
    void aServerThatStaysSilentIsGivenUpAtTheEndOfTheStartupBudgetNotAfterTheFirstAttempt() {
        RedisServer server = redis.startSingle();
        server.pause();
        try {
            Duration budget = Duration.ofMillis(2_000);
            long start = System.nanoTime();
            assertThatThrownBy(() -> RedisCacheStore.create(config(server, budget)).close())
                    .isInstanceOf(CacheUnavailableException.class);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // Attempts go on while one more fits (a pause and an operation budget): at least this long.
            assertThat(took).isGreaterThanOrEqualTo(budget.minus(TIMEOUT).minusMillis(100));
            // ...and end with the budget (plus what a loaded machine adds to the last attempt).
            assertThat(took).isLessThan(budget.plusSeconds(3));
        } finally {
            server.resume();
        }
    }

    @Test
    void aRefusedConnectionIsReportedAtOnceNotRetriedUntilTheBudgetEnds() {
        RedisServer server = redis.startSingle();
        server.kill();
        long start = System.nanoTime();
        assertThatThrownBy(() -> RedisCacheStore.create(config(server, Duration.ofSeconds(20))).close())
                .isInstanceOf(CacheUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}

package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Refresh-ahead reloads a key once per expiry across instances even when their background refreshes run one after
 * the other rather than at once (a busy refresh executor): a refresh that gets the lease after another instance's
 * refresh stored a fresh value finds it and does not reload. Real Redis; each service its own client; the refresh
 * executors are queues the test runs by hand, so the order is the test's.
 */
class ChatCacheServiceRefreshOnceRedisTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    private static final LoadOptions REFRESHING =
            LoadOptions.ttl(Duration.ofMinutes(10)).refreshAhead(Duration.ofMinutes(5));

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** A service whose refreshes wait in {@code refreshes} until the test runs them. */
    private ChatCacheService service(RedisServer server, String backend, String namespace, Queue<Runnable> refreshes) {
        Map<String, String> env = RedisEnvironment.of(server, backend, namespace);
        env.put("REDIS_TIMEOUT", "2s");
        // The breaker tolerates a loaded machine's slow answers: only a dead server would keep it off Redis.
        ChatCacheService service = ChatCacheService.builderFromEnvironment(env).breaker(1_000, Duration.ofSeconds(1))
                .refreshExecutor(refreshes::add).build();
        toClose.add(service);
        return service;
    }

    private static Supplier<String> counting(AtomicInteger reloads, String value) {
        return () -> {
            reloads.incrementAndGet();
            return value;
        };
    }

    private void refreshOnceWhenTheSecondRefreshRunsAfterTheFirst(String firstBackend, String secondBackend) {
        RedisServer server = REDIS.single();
        String namespace = "refresh" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Queue<Runnable> firstRefreshes = new ConcurrentLinkedQueue<>();
        Queue<Runnable> secondRefreshes = new ConcurrentLinkedQueue<>();
        ChatCacheService first = service(server, firstBackend, namespace, firstRefreshes);
        ChatCacheService second = service(server, secondBackend, namespace, secondRefreshes);
        // One minute left: within the five minutes before expiry where a read refreshes.
        first.set("hot", "old", Duration.ofMinutes(1));
        AtomicInteger reloads = new AtomicInteger();

        assertThat(first.getOrLoad("hot", String.class, counting(reloads, "new"), REFRESHING)).isEqualTo("old");
        assertThat(second.getOrLoad("hot", String.class, counting(reloads, "newer"), REFRESHING)).isEqualTo("old");
        assertThat(firstRefreshes).as("refreshes queued on the first instance").hasSize(1);
        assertThat(secondRefreshes).as("refreshes queued on the second instance").hasSize(1);

        firstRefreshes.remove().run();
        assertThat(reloads).hasValue(1);
        secondRefreshes.remove().run();

        assertThat(reloads).as("reloads across the two instances").hasValue(1);
        assertThat(second.get("hot", String.class)).contains("new");
        assertThat(first.loadCounters().refreshes()).isEqualTo(1);
        assertThat(second.loadCounters().refreshes()).isZero();
        assertThat(second.loadCounters().refreshFailures()).isZero();
        assertThat(second.refreshesInFlight()).isZero();
    }

    @Test
    void aRefreshThatRunsAfterAnotherInstanceRefreshedDoesNotReloadOnRedis() {
        refreshOnceWhenTheSecondRefreshRunsAfterTheFirst("redis", "redis");
    }

    @Test
    void aRefreshThatRunsAfterAnotherInstanceRefreshedDoesNotReloadOnHybrid() {
        refreshOnceWhenTheSecondRefreshRunsAfterTheFirst("hybrid", "hybrid");
    }
}

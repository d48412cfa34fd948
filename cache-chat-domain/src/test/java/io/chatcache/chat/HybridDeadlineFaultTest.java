package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.redis.RedisCacheStore;
import io.chatcache.redis.RedisConfig;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10 on real redis-server processes: the deadline, the breaker on a hung server (SIGSTOP), REDIS
 * mode failing fast, the bus-gated coherence after a kill -9 and restart, and the journal applied at close.
 * Each test has servers of its own; the operation budget is the default (300 ms).
 */
class HybridDeadlineFaultTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static final Duration TTL = Duration.ofMinutes(10);
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    /** Generous bounds for a loaded 2-core CI machine; the targets are in the comments. */
    private static final Duration EVENTUALLY = Duration.ofSeconds(20);

    private final String namespace = RedisL2.uniqueNamespace("deadline");
    @RegisterExtension
    final Closer closer = new Closer();

    private static RedisConfig config(RedisServer server) {
        return RedisL2.config(server, RedisConfig.DEFAULT_TIMEOUT).connectTimeout(Duration.ofSeconds(1)).build();
    }

    private HybridCacheStore hybrid(RedisConfig config, String instanceId) {
        RedisL2 l2 = closer.add(RedisL2.open(config, namespace, instanceId));
        return closer.add(HybridCacheStore.builder().l1(MemoryCacheStore.builder().build()).l2(l2.store())
                .bus(l2.bus()).heartbeatInterval(HEARTBEAT).build());
    }

    @Test
    void aHungServerOpensTheBreakerWithinAboutASecondUnderLoadAndL1ServesMeanwhile() throws Exception {
        RedisServer server = redis.startSingle();
        HybridCacheStore store = hybrid(config(server), "a");
        store.put("cached", "v", TTL);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger callerExceptions = new AtomicInteger();
        List<Thread> callers = new ArrayList<>();
        CountDownLatch running = new CountDownLatch(16);
        for (int t = 0; t < 16; t++) {
            int id = t;
            Thread caller = new Thread(() -> {
                running.countDown();
                for (int i = 0; !stop.get(); i++) {
                    try {
                        // Keys L1 lacks: every call goes to Redis while the breaker lets it.
                        store.get("missing-" + id + "-" + i, String.class);
                    } catch (RuntimeException e) {
                        callerExceptions.incrementAndGet();
                    }
                }
            });
            callers.add(caller);
            caller.start();
        }
        running.await();
        server.pause();
        long pausedAt = System.nanoTime();
        try {
            Awaitility.await("the breaker to open").atMost(EVENTUALLY).pollInterval(Duration.ofMillis(10))
                    .until(() -> store.breakerState() == CircuitBreaker.State.OPEN);
            Duration toOpen = Duration.ofNanos(System.nanoTime() - pausedAt);
            // Target: about one second (three consecutive 300 ms failures at most); the bound allows for CI.
            assertThat(toOpen).isLessThan(Duration.ofSeconds(3));
            assertThat(store.get("cached", String.class)).as("served from L1 while Redis hangs").contains("v");
            store.put("during", "d", TTL);
            assertThat(store.get("during", String.class)).contains("d");
        } finally {
            server.resume();
        }
        stop.set(true);
        for (Thread caller : callers) {
            caller.join();
        }
        assertThat(callerExceptions).hasValue(0);
        // No caller calls now: the background probe (every 100 ms) finds Redis back.
        Awaitility.await("Redis back in use").atMost(EVENTUALLY).pollInterval(Duration.ofMillis(20))
                .until(store::isL2Available);
        Awaitility.await("L1 trusted again").atMost(EVENTUALLY).until(store::isL1Coherent);
        assertThat(store.l2Failures()).isPositive();
    }

    @Test
    void redisModeFailsFastOnceTheBreakerOpensAndTheLoaderAnswers() {
        RedisServer server = redis.startSingle();
        RedisCacheStore redisStore = closer.add(RedisCacheStore.builder().config(config(server)).namespace(namespace)
                .build());
        ChatCacheService service = closer.add(ChatCacheService.builder().backend(CacheBackend.REDIS)
                .l2Store(redisStore).build());
        service.set("k", "v");

        server.pause();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(service.get("k", String.class)).isEmpty();
            }
            assertThat(service.info().redisAvailable()).as("breaker open after three timeouts").isFalse();
            long failures = service.failures();
            // Open: answered without waiting on Redis, the loader called.
            assertThat(service.getOrLoad("loaded", String.class, () -> "from-loader")).isEqualTo("from-loader");
            assertThat(service.failures()).isGreaterThan(failures);
        } finally {
            server.resume();
        }
        Awaitility.await("Redis back in use").atMost(EVENTUALLY).pollInterval(Duration.ofMillis(200))
                .until(() -> service.get("k", String.class).isPresent());
        assertThat(service.info().redisAvailable()).isTrue();
    }

    @Test
    void afterAKillAndRestartAnotherInstanceNeverServesItsPreRestartCopyOnceTheBusIsBack() {
        RedisServer server = redis.startSingle();
        RedisConfig config = config(server);
        HybridCacheStore writer = hybrid(config, "writer");
        HybridCacheStore reader = hybrid(config, "reader");
        writer.put("k", "v1", TTL);
        assertThat(reader.get("k", String.class)).contains("v1");

        server.kill();
        server.restart();
        Awaitility.await("the writer to write to the restarted server").atMost(EVENTUALLY)
                .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> {
                    writer.put("k", "v2", TTL);
                    return writer.isL2Available();
                });
        long written = System.nanoTime();

        // The reader either noticed the outage (L1 bypassed until its own heartbeat comes back, then
        // dropped) or sees the writer's lost message as a gap at the writer's next heartbeat. Target:
        // within a heartbeat and a second of Redis being back.
        AtomicReference<Duration> staleFor = new AtomicReference<>();
        Awaitility.await("the reader to serve v2").atMost(EVENTUALLY).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    assertThat(reader.get("k", String.class)).contains("v2");
                    staleFor.compareAndSet(null, Duration.ofNanos(System.nanoTime() - written));
                });
        Awaitility.await("the reader to trust L1 again").atMost(EVENTUALLY).until(reader::isL1Coherent);
        assertThat(reader.get("k", String.class)).contains("v2");
        assertThat(staleFor.get()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void closeAppliesTheJournalToARecoveredServerAndCountsWhatItCouldNot() {
        RedisServer server = redis.startSingle();
        RedisConfig config = config(server);
        RedisL2 l2 = closer.add(RedisL2.open(config, namespace, "a"));
        HybridCacheStore store = closer.add(HybridCacheStore.builder().l1(MemoryCacheStore.builder().build())
                .l2(l2.store()).bus(l2.bus()).heartbeatInterval(HEARTBEAT).openDuration(Duration.ofMinutes(5))
                // Neither callers nor the background probe find Redis back before close: close applies the journal.
                .probeInterval(Duration.ofMinutes(5))
                .build());
        RedisCacheStore observer = closer.add(RedisCacheStore.builder().config(config).namespace(namespace).build());
        store.put("k", "v1", TTL);

        server.pause();
        try {
            // Reads time out (a timed-out write might still be applied once the server resumes).
            for (int i = 0; i < 3; i++) {
                store.get("absent-" + i, String.class);
            }
        } finally {
            server.resume();
        }
        assertThat(store.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        // The breaker keeps the delete off Redis: L1 only, and k is journaled for deletion from Redis.
        store.delete("k");
        assertThat(observer.get("k", String.class)).as("the delete did not reach Redis").contains("v1");

        store.close();

        assertThat(observer.get("k", String.class)).as("applied at close").isEmpty();
        assertThat(store.unappliedAtClose()).isZero();
    }

    @Test
    void closeWithRedisGoneCountsEveryInvalidationItCouldNotApply() {
        RedisServer server = redis.startSingle();
        server.kill();
        RedisConfig config = config(server);
        HybridCacheStore store = HybridCacheStore.builder().l1(MemoryCacheStore.builder().build())
                .l2Connector(() -> RedisL2.open(config, namespace, "a"))
                .reconnectInterval(Duration.ofMinutes(1))
                .closeTimeout(Duration.ofMillis(500))
                .build();
        store.putAll(Map.of("a", "1", "b", "2"), TTL);
        store.delete("c");

        store.close();

        assertThat(store.unappliedAtClose()).isEqualTo(3);
    }

    @Test
    void hybridFailuresAgreeWithTheServiceCount() {
        RedisServer server = redis.startSingle();
        server.kill();
        try (ChatCacheService service = ChatCacheService.builder().backend(CacheBackend.HYBRID)
                .redisEnvironment(Map.of("REDIS_URL", server.address(),
                        "REDIS_STARTUP_TIMEOUT", "2s"))
                .build()) {
            service.set("k", "v");
            service.get("missing", String.class);

            assertThat(service.failures()).isEqualTo(2);
            assertThat(service.info().redisAvailable()).isFalse();
        } catch (CacheUnavailableException e) {
            throw new AssertionError("HYBRID must start without Redis", e);
        }
    }
}

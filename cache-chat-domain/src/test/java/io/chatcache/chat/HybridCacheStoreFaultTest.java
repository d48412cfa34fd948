package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.ValueType;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.redis.RedisConfig;
import io.chatcache.testkit.ManualTicker;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServerOptions;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hybrid store when its Redis fails: each test has a redis-server process of its own (from the
 * harness) that it kills and restarts, and short Redis timeouts.
 */
class HybridCacheStoreFaultTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    /** Redis command and connect timeout: short, so that the tests do not wait long for failures. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration TTL = Duration.ofMinutes(10);

    private final String namespace = RedisL2.uniqueNamespace("hybrid-faults");
    @RegisterExtension
    final Closer closer = new Closer();

    /** Messages on the namespace's channel, as another instance hears them. */
    private List<Invalidation> watchChannel(RedisConfig config) {
        RedisL2 observer = closer.add(RedisL2.open(config, namespace, "observer"));
        List<Invalidation> seen = new CopyOnWriteArrayList<>();
        observer.bus().subscribe(new InvalidationListener() {
            @Override
            public void onInvalidation(Invalidation invalidation) {
                // Heartbeats come and go on their own schedule.
                if (invalidation.kind() != Invalidation.Kind.HEARTBEAT) {
                    seen.add(invalidation);
                }
            }
        });
        return seen;
    }

    @Test
    void startsOnL1WhileRedisIsDownAndUsesRedisOnceItIsStartedWithoutPublishingFills() {
        RedisServer server = redis.startSingle();
        server.kill();
        RedisConfig config = RedisL2.config(server, TIMEOUT).build();

        HybridCacheStore store = closer.add(HybridCacheStore.builder()
                .l1(MemoryCacheStore.builder().build())
                .l2Connector(() -> RedisL2.open(config, namespace, "a"))
                .reconnectInterval(Duration.ofMillis(100))
                .build());

        assertThat(store.isL2Available()).isFalse();
        store.put("local", "l", TTL);
        assertThat(store.get("local", String.class)).contains("l");

        server.restart();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(store::isL2Available);

        List<Invalidation> onTheBus = watchChannel(config);
        RedisL2 otherInstance = closer.add(RedisL2.open(config, namespace, "other"));
        otherInstance.store().put("written-elsewhere", "w", TTL);
        assertThat(store.get("written-elsewhere", String.class)).contains("w");
        store.put("marker", "m", TTL);

        assertThat(otherInstance.store().get("marker", String.class)).as("writes reach Redis").contains("m");
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> onTheBus.stream().anyMatch(m -> m.target().equals("marker")));
        // One publisher's messages arrive in order: a message for the fill would come before the marker.
        assertThat(onTheBus).filteredOn(m -> m.isFrom("a")).extracting(Invalidation::target)
                .doesNotContain("written-elsewhere").endsWith("marker");
    }

    @Test
    void wrongPasswordFailsAtStartUp() {
        RedisServer server = redis.startSingle(RedisServerOptions.builder().password("right").build());
        RedisConfig wrong = RedisL2.config(server, TIMEOUT).password("wrong").build();

        assertThatThrownBy(() -> HybridCacheStore.builder()
                .l1(MemoryCacheStore.builder().build())
                .l2Connector(() -> RedisL2.open(wrong, namespace, "a"))
                .build())
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageNotContaining("wrong");
    }

    @Test
    void malformedAddressFailsAtStartUp() {
        assertThatThrownBy(() -> HybridCacheStore.builder()
                .l1(MemoryCacheStore.builder().build())
                .l2Connector(() -> RedisL2.open(
                        RedisConfig.builder().url("redis://127.0.0.1:notaport").build(), namespace, "a"))
                .build())
                .isInstanceOf(CacheConfigurationException.class);
    }

    /** Mixed operations on a few keys, from several threads, until told to stop; collects what they throw. */
    private static final class Workload {
        private final ExecutorService pool = Executors.newFixedThreadPool(3);
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Throwable> thrown = new CopyOnWriteArrayList<>();
        private final AtomicLong operations = new AtomicLong();
        private final List<Future<?>> running = new ArrayList<>();

        Workload(HybridCacheStore store) {
            for (int t = 0; t < 3; t++) {
                running.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    // Bounded in count and time even if nobody stops it.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                    for (int i = 0; i < 1_000_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                        String key = "w:" + random.nextInt(20);
                        try {
                            switch (random.nextInt(7)) {
                                case 0, 1 -> store.put(key, "v" + i, TTL);
                                case 2, 3 -> store.get(key, String.class);
                                case 4 -> store.delete(key);
                                case 5 -> store.getAll(List.of(key, "w:1", "w:2"), ValueType.of(String.class));
                                default -> {
                                    if (random.nextInt(10) == 0) {
                                        store.deleteMatching(KeyPattern.glob("w:1*"));
                                    } else {
                                        store.putAll(Map.of(key, "m" + i, key + ":x", "m" + i), TTL);
                                    }
                                }
                            }
                            operations.incrementAndGet();
                        } catch (Throwable e) {
                            thrown.add(e);
                        }
                    }
                }));
            }
        }

        long operations() {
            return operations.get();
        }

        void stop() throws Exception {
            stop.set(true);
            for (Future<?> future : running) {
                future.get(30, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }
    }

    @Test
    void redisKilledDuringMixedOperationsIsInvisibleToCallersAndServesNothingStaleAfterItsRestart()
            throws Exception {
        RedisServer server = redis.startSingle();
        RedisConfig config = RedisL2.config(server, TIMEOUT).build();
        ManualTicker breakerClock = new ManualTicker();
        Duration openDuration = Duration.ofSeconds(1);
        HybridCacheStore store = closer.add(HybridCacheStore.builder()
                .l1(MemoryCacheStore.builder().build())
                .l2Connector(() -> RedisL2.open(config, namespace, "a"))
                .failureThreshold(3)
                .openDuration(openDuration)
                .ticker(breakerClock)
                .build());
        store.put("k", "before the outage", TTL);
        assertThat(store.get("k", String.class)).contains("before the outage");

        Workload workload = new Workload(store);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> workload.operations() > 200);

        server.kill();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !store.isL2Available());

        long started = System.nanoTime();
        store.get("never-cached", String.class);
        store.put("k", "written during the outage", TTL);
        store.delete("w:5");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        assertThat(elapsed).as("three calls with the breaker open").isLessThan(TIMEOUT.dividedBy(4));
        assertThat(store.get("k", String.class)).contains("written during the outage");
        long operationsWhileOpen = workload.operations();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> workload.operations() > operationsWhileOpen + 500);

        server.restart();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            breakerClock.advance(openDuration);
            store.get("probe", String.class);
            return store.isL2Available();
        });

        assertThat(store.get("k", String.class)).as("neither the value from before nor from during the outage")
                .isEmpty();
        RedisL2 otherInstance = closer.add(RedisL2.open(config, namespace, "other"));
        otherInstance.store().put("k", "written after the restart", TTL);
        assertThat(store.get("k", String.class)).contains("written after the restart");
        store.put("after", "x", TTL);
        assertThat(otherInstance.store().get("after", String.class)).as("L2 is used again").contains("x");

        workload.stop();
        assertThat(workload.thrown).as("exceptions seen by callers").isEmpty();
        assertThat(store.stats().errors()).as("failures are counted").isPositive();
    }
}

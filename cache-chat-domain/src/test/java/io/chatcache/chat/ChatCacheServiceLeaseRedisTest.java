package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatcache.core.LoadLeases;
import io.chatcache.redis.RedisCacheStore;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/**
 * The load path across instances on a real Redis: one load per cold key through the lease, a dead holder, Redis
 * down, refresh-ahead. Every service has a Redisson client of its own, as separate JVMs would.
 */
class ChatCacheServiceLeaseRedisTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    /** Callers per instance. */
    private static final int THREADS = 8;
    private static final Duration BOUND = Duration.ofSeconds(30);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() throws Exception {
        pool.shutdownNow();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static Map<String, String> environment(RedisServer server, String backend, String namespace) {
        Map<String, String> env = RedisEnvironment.of(server, backend, namespace);
        env.put("REDIS_TIMEOUT", "2s");
        return env;
    }

    /**
     * A service on {@code server}; its breaker tolerates a loaded machine's slow answers, so that only a dead
     * server keeps it off Redis.
     */
    private ChatCacheService service(RedisServer server, String backend, String namespace, Duration lease) {
        ChatCacheService service = ChatCacheService.builderFromEnvironment(environment(server, backend, namespace))
                .breaker(1_000, Duration.ofSeconds(1)).loadLease(lease).build();
        toClose.add(service);
        return service;
    }

    private static String freshNamespace() {
        return "lease" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** A loader that counts its calls and blocks until {@code release} opens. */
    private static Supplier<String> blocking(AtomicInteger calls, CountDownLatch release, String value) {
        return () -> {
            calls.incrementAndGet();
            try {
                if (!release.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("latch not released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return value;
        };
    }

    private List<Future<String>> callers(ChatCacheService cache, int count, Supplier<String> call) {
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(pool.submit(call::get));
        }
        return futures;
    }

    /** {@link #THREADS} callers on each of {@code services}, each running what {@code call} gives for its service. */
    private List<Future<String>> callersOnEach(List<ChatCacheService> services,
            Function<ChatCacheService, Supplier<String>> call) {
        List<Future<String>> futures = new ArrayList<>();
        for (ChatCacheService service : services) {
            futures.addAll(callers(service, THREADS, call.apply(service)));
        }
        return futures;
    }

    /** Callers on each of {@code services} of {@code getOrLoad("cold")} with {@code loader}. */
    private List<Future<String>> coldCallers(List<ChatCacheService> services, Supplier<String> loader) {
        return callersOnEach(services,
                service -> () -> service.getOrLoad("cold", String.class, loader, Duration.ofMinutes(1)));
    }

    /**
     * Waits until {@code loads} has {@code expectedLoads} and every service has one load in flight with all its
     * other callers waiting.
     */
    private static void awaitOneLoadPerService(List<ChatCacheService> services, AtomicInteger loads,
            int expectedLoads) {
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(loads).hasValue(expectedLoads);
            for (ChatCacheService service : services) {
                assertThat(service.inFlightLoads()).isEqualTo(1);
                assertThat(service.loadWaiters()).isEqualTo(THREADS - 1);
            }
        });
    }

    /** A store on {@code server}'s namespace on a client of its own, as a third instance would have. */
    private RedisCacheStore thirdInstancesStore(RedisServer server, String namespace) {
        RedissonClient thirdClient = RedisL2.client(server);
        toClose.add(thirdClient::shutdown);
        return RedisCacheStore.builder().client(thirdClient).namespace(namespace).build();
    }

    private static void assertAll(List<Future<String>> futures, String expected) throws Exception {
        for (Future<String> future : futures) {
            assertThat(future.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(expected);
        }
    }

    @Test
    void aColdKeyIsLoadedOnceAcrossInstancesWhileEveryCallerWaits() throws Exception {
        RedisServer server = REDIS.single();
        String namespace = freshNamespace();
        List<ChatCacheService> services = List.of(service(server, "redis", namespace, BOUND),
                service(server, "redis", namespace, BOUND), service(server, "hybrid", namespace, BOUND));
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Supplier<String> loader = blocking(loads, release, "row");

        List<Future<String>> results = coldCallers(services, loader);
        // Every caller waits: one instance's loader holds the lease, its other callers wait on its single flight,
        // and each other instance has one caller waiting for the holder's value and the rest behind that one.
        awaitOneLoadPerService(services, loads, 1);
        release.countDown();

        assertAll(results, "row");
        assertThat(loads).hasValue(1);
        long acquired = services.stream().mapToLong(s -> s.loadCounters().leasesAcquired()).sum();
        long elsewhere = services.stream().mapToLong(s -> s.loadCounters().loadedElsewhere()).sum();
        assertThat(acquired).isEqualTo(1);
        assertThat(elsewhere).isEqualTo(services.size() - 1);
        for (ChatCacheService service : services) {
            assertThat(service.loadCounters().leaseWaitsExpired()).isZero();
            assertThat(service.loadCounters().leaseUnavailable()).isZero();
            assertThat(service.get("cold", String.class)).contains("row");
        }
    }

    public interface Profiles {
        @Cached(ttlSeconds = 60, keyPrefix = "profile")
        String profile(int id);

        @Cached(ttlSeconds = 60, keyPrefix = "local", lease = false)
        String withoutLease(int id);

        /** Profiles whose two methods both run {@code body}. */
        static Profiles running(Supplier<String> body) {
            return new Profiles() {
                @Override
                public String profile(int id) {
                    return body.get();
                }

                @Override
                public String withoutLease(int id) {
                    return body.get();
                }
            };
        }
    }

    @Test
    void theMemoizerComputesOnceAcrossInstancesUnlessItsMethodOptsOutOfTheLease() throws Exception {
        RedisServer server = REDIS.single();
        String namespace = freshNamespace();
        List<ChatCacheService> services = List.of(service(server, "redis", namespace, BOUND),
                service(server, "hybrid", namespace, BOUND));
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Supplier<String> body = blocking(calls, release, "ada");
        Profiles target = Profiles.running(body);

        List<Future<String>> results = callersOnEach(services, service -> {
            Profiles profiles = Memoizer.using(service).proxy(Profiles.class, target);
            return () -> profiles.profile(7);
        });
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(calls).hasValue(1);
            for (ChatCacheService service : services) {
                assertThat(service.loadWaiters()).isEqualTo(THREADS - 1);
            }
        });
        release.countDown();
        assertAll(results, "ada");
        assertThat(calls).hasValue(1);

        // Without the lease each instance computes once for its own callers.
        CountDownLatch second = new CountDownLatch(1);
        AtomicInteger localCalls = new AtomicInteger();
        Supplier<String> localBody = blocking(localCalls, second, "lin");
        List<Future<String>> local = callersOnEach(services, service -> {
            Profiles profiles = Memoizer.using(service).proxy(Profiles.class, Profiles.running(localBody));
            return () -> profiles.withoutLease(7);
        });
        await().atMost(BOUND).untilAsserted(() -> assertThat(localCalls).hasValue(services.size()));
        second.countDown();
        assertAll(local, "lin");
        assertThat(localCalls).hasValue(services.size());
    }

    @Test
    void aLoaderExceptionReachesTheCallerAndReleasesTheLease() {
        RedisServer server = REDIS.single();
        String namespace = freshNamespace();
        ChatCacheService first = service(server, "redis", namespace, BOUND);
        ChatCacheService second = service(server, "hybrid", namespace, BOUND);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> first.getOrLoad("k", String.class, () -> {
            throw new IllegalArgumentException("database said no");
        }, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class).hasMessage("database said no");

        // Released: another instance takes the lease at once instead of waiting out the 30 s bound.
        long start = System.nanoTime();
        assertThat(second.getOrLoad("k", String.class, () -> "row", Duration.ofMinutes(1))).isEqualTo("row");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(second.loadCounters().leasesAcquired()).isEqualTo(1);
        assertThat(second.loadCounters().leaseWaitsExpired()).isZero();
    }

    @Test
    void aHolderThatDiedBlocksNoOneBeyondItsLease() throws Exception {
        RedisServer server = REDIS.single();
        String namespace = freshNamespace();
        Duration lease = Duration.ofMillis(500);
        ChatCacheService service = service(server, "redis", namespace, lease);
        RedisCacheStore third = thirdInstancesStore(server, namespace);
        // The dead holder: took the lease as any instance would, and will never release it.
        assertThat(third.tryAcquire("k", lease)).isPresent();
        long leaseTaken = System.nanoTime();
        AtomicLong loadedAfter = new AtomicLong();
        AtomicInteger loads = new AtomicInteger();

        List<Future<String>> results = callers(service, THREADS, () -> service.getOrLoad("k", String.class, () -> {
            loads.incrementAndGet();
            loadedAfter.set(System.nanoTime() - leaseTaken);
            return "row";
        }, Duration.ofMinutes(1)));

        assertAll(results, "row");
        assertThat(loads).hasValue(1);
        // It waited for the dead holder's lease to end, then took the lease itself.
        assertThat(Duration.ofNanos(loadedAfter.get())).isGreaterThanOrEqualTo(lease.minusMillis(50));
        assertThat(service.loadCounters().leasesAcquired()).isEqualTo(1);
        assertThat(service.loadCounters().loadedElsewhere()).isZero();
    }

    @Test
    void aWaiterLoadsByItselfAfterItsBoundEvenIfTheForeignLeaseLastsLonger() throws Exception {
        RedisServer server = REDIS.single();
        String namespace = freshNamespace();
        Duration bound = Duration.ofMillis(300);
        List<ChatCacheService> services = List.of(service(server, "redis", namespace, bound),
                service(server, "hybrid", namespace, bound));
        RedisCacheStore third = thirdInstancesStore(server, namespace);
        LoadLeases.Lease stuck = third.tryAcquire("k", Duration.ofMinutes(10)).orElseThrow();
        AtomicInteger loads = new AtomicInteger();

        List<Future<String>> results = callersOnEach(services, service -> () -> service.getOrLoad("k", String.class,
                () -> {
                    loads.incrementAndGet();
                    return "row";
                }, Duration.ofMinutes(1)));

        assertAll(results, "row");
        // Each instance gave up waiting once (its single flight still collapsed its own callers).
        assertThat(loads.get()).isBetween(1, services.size());
        for (ChatCacheService service : services) {
            assertThat(service.loadCounters().leasesAcquired()).isZero();
            assertThat(service.loadCounters().leaseWaitsExpired() + service.loadCounters().loadedElsewhere())
                    .isEqualTo(1);
        }
        assertThat(services.stream().mapToLong(s -> s.loadCounters().leaseWaitsExpired()).sum())
                .isEqualTo(loads.get());
        assertThat(third.release(stuck)).isTrue();
    }

    @Test
    void withRedisDownEachInstanceStillLoadsOnceForAllItsCallers() throws Exception {
        RedisServer server = REDIS.startSingle();
        toClose.add(server::kill);
        String namespace = freshNamespace();
        List<ChatCacheService> services = List.of(service(server, "redis", namespace, BOUND),
                service(server, "hybrid", namespace, BOUND));
        for (ChatCacheService service : services) {
            service.set("warm", "up");
        }
        server.kill();
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Supplier<String> loader = blocking(loads, release, "row");

        List<Future<String>> results = coldCallers(services, loader);
        awaitOneLoadPerService(services, loads, services.size());
        release.countDown();

        assertAll(results, "row");
        assertThat(loads).hasValue(services.size());
        for (ChatCacheService service : services) {
            assertThat(service.loadCounters().leaseUnavailable()).isGreaterThanOrEqualTo(1);
            assertThat(service.loadCounters().leasesAcquired()).isZero();
            assertThat(service.failures()).isPositive();
        }
    }

    @Test
    void refreshAheadReturnsTheOldValueAtOnceAndReloadsOnceAcrossInstances() throws Exception {
        RedisServer server = REDIS.single();
        String namespace = freshNamespace();
        ChatCacheService first = service(server, "hybrid", namespace, BOUND);
        ChatCacheService second = service(server, "redis", namespace, BOUND);
        LoadOptions options = LoadOptions.ttl(Duration.ofMinutes(10)).refreshAhead(Duration.ofMinutes(5));
        // One minute left: within the five minutes before expiry where a read refreshes.
        first.set("hot", "old", Duration.ofMinutes(1));
        AtomicInteger reloads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Supplier<String> loader = blocking(reloads, release, "new");

        // Returned at once, although the reload it started is blocked.
        assertThat(first.getOrLoad("hot", String.class, loader, options)).isEqualTo("old");
        await().atMost(BOUND).untilAsserted(() -> assertThat(reloads).hasValue(1));
        assertThat(first.getOrLoad("hot", String.class, loader, options)).isEqualTo("old");
        assertThat(first.refreshesInFlight()).isEqualTo(1);
        // The other instance's refresh finds the lease held and leaves the reload to the holder.
        assertThat(second.getOrLoad("hot", String.class, loader, options)).isEqualTo("old");
        await().atMost(BOUND).untilAsserted(() -> assertThat(second.refreshesInFlight()).isZero());
        assertThat(reloads).hasValue(1);

        release.countDown();
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(first.loadCounters().refreshes()).isEqualTo(1);
            assertThat(first.refreshesInFlight()).isZero();
        });
        assertThat(second.get("hot", String.class)).contains("new");
        // The new value has its full TTL: no refresh is due.
        assertThat(first.getOrLoad("hot", String.class, loader, options)).isEqualTo("new");
        assertThat(first.refreshesInFlight()).isZero();
        assertThat(reloads).hasValue(1);
        assertThat(first.loadCounters().refreshFailures()).isZero();
        assertThat(second.loadCounters().refreshes()).isZero();
    }

    @Test
    void aFailedRefreshKeepsTheOldValueAndIsCounted() {
        RedisServer server = REDIS.single();
        ChatCacheService cache = service(server, "redis", freshNamespace(), BOUND);
        LoadOptions options = LoadOptions.ttl(Duration.ofMinutes(10)).refreshAhead(Duration.ofMinutes(5));
        cache.set("hot", "old", Duration.ofMinutes(1));

        assertThat(cache.getOrLoad("hot", String.class, () -> {
            throw new IllegalStateException("database down");
        }, options)).isEqualTo("old");

        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(cache.loadCounters().refreshFailures()).isEqualTo(1);
            assertThat(cache.refreshesInFlight()).isZero();
        });
        assertThat(cache.get("hot", String.class)).contains("old");
        assertThat(cache.loadCounters().refreshes()).isZero();
        // The failed refresh released its lease: a plain load of the key is not held up.
        assertThat(cache.getOrLoad("other", String.class, () -> "x", options)).isEqualTo("x");
    }

    @Test
    void closingTheServiceStopsItsRefreshesAndTheyStoreNothing() {
        RedisServer server = REDIS.single();
        String namespace = freshNamespace();
        ChatCacheService closing = service(server, "redis", namespace, BOUND);
        ChatCacheService other = service(server, "redis", namespace, BOUND);
        LoadOptions options = LoadOptions.ttl(Duration.ofMinutes(10)).refreshAhead(Duration.ofMinutes(5));
        closing.set("hot", "old", Duration.ofMinutes(1));
        AtomicInteger reloads = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);

        assertThat(closing.getOrLoad("hot", String.class, blocking(reloads, never, "new"), options)).isEqualTo("old");
        await().atMost(BOUND).untilAsserted(() -> assertThat(reloads).hasValue(1));
        closing.close();

        // Closing interrupted the blocked reload; it ended without storing anything.
        await().atMost(BOUND).untilAsserted(() -> assertThat(closing.refreshesInFlight()).isZero());
        assertThat(other.get("hot", String.class)).contains("old");
    }
}

package io.chatcache.redis;

import io.chatcache.testkit.redis.RedisCluster;
import io.chatcache.testkit.redis.RedisSentinel;
import io.chatcache.testkit.redis.RedisServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.UUID;

/** Configurations for the harness's servers, with timeouts short enough for fault tests. */
final class RedisTestSupport {

    /** Start-up on a loaded 2-core CI machine can take longer than the default 5 s. */
    static final Duration STARTUP = Duration.ofSeconds(30);

    private RedisTestSupport() {
    }

    /** A configuration for {@code server}: its address, password and, for TLS, its trust store. */
    static RedisConfig.Builder configFor(RedisServer server) {
        RedisConfig.Builder builder = RedisConfig.builder()
                .single(server.address())
                .password(server.password())
                .connectTimeout(Duration.ofSeconds(2))
                .timeout(Duration.ofSeconds(2))
                .startupTimeout(STARTUP)
                .connectionMinimumIdleSize(1);
        if (server.tls()) {
            builder.trustStore(server.trustStore(), server.trustStorePassword());
        }
        return builder;
    }

    /** A configuration for {@code cluster}. */
    static RedisConfig.Builder configFor(RedisCluster cluster) {
        return RedisConfig.builder()
                .cluster(cluster.addresses())
                .connectTimeout(Duration.ofSeconds(2))
                .timeout(Duration.ofSeconds(2))
                .startupTimeout(STARTUP)
                .connectionMinimumIdleSize(1);
    }

    /** A configuration for the master of {@code sentinel}, found through its three sentinels. */
    static RedisConfig.Builder configFor(RedisSentinel sentinel) {
        return RedisConfig.builder()
                .sentinel(sentinel.masterName(), sentinel.sentinelAddresses())
                .connectTimeout(Duration.ofSeconds(2))
                .timeout(Duration.ofSeconds(2))
                .startupTimeout(STARTUP)
                .connectionMinimumIdleSize(1);
    }

    /** What each of {@link #runTogether}'s threads does, given its number. */
    @FunctionalInterface
    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /**
     * Starts {@code threads} threads at once (behind a latch), each running {@code body} with its number,
     * and waits up to {@code timeout} for all; the first failure of any thread is rethrown.
     */
    static void runTogether(int threads, Duration timeout, ThreadBody body) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    body.run(thread);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A namespace no other test uses. */
    static String uniqueNamespace(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

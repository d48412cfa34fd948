package io.chatcache.redis;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.ValueType;
import io.chatcache.redis.internal.RedisErrors;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.ClusterOptions;
import io.chatcache.testkit.redis.RedisCluster;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A cluster that lost a master without replica ({@code cluster-require-full-coverage yes}) answers
 * CLUSTERDOWN for the keys of the healthy masters too: every operation of the store, on either kind of
 * key, fails as unavailability (a caller's fallback), never as a rejected command; and the store works
 * again once the master is back.
 */
@Timeout(60)
class RedisClusterDownTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static final Duration TIMEOUT = Duration.ofMillis(800);

    @Test
    void everyOperationOnAnyKeyIsUnavailabilityWhileTheClusterIsDown() {
        RedisCluster cluster = redis.startCluster(ClusterOptions.builder().nodeTimeout(Duration.ofSeconds(1))
                .extraArgs("--cluster-require-full-coverage", "yes").build());
        RedisConfig config = RedisTestSupport.configFor(cluster).timeout(TIMEOUT).build();
        RedissonClient raw = RedissonClients.connect(config);
        try (RedisCacheStore store = RedisCacheStore.create(config)) {
            String lost = "lost";
            RedisServer dead = cluster.masterOf(store.redisKey(lost));
            String healthy = keyNotOn(cluster, store, dead);
            RedisServer alive = cluster.masterOf(store.redisKey(healthy));
            store.put(lost, "x", Duration.ofMinutes(5));
            store.put(healthy, "y", Duration.ofMinutes(5));

            dead.kill();
            Awaitility.await("the healthy master to answer CLUSTERDOWN").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> alive.cli("GET", store.redisKey(healthy)).startsWith("CLUSTERDOWN"));

            for (String key : List.of(healthy, lost)) {
                for (Consumer<String> operation : operations(store)) {
                    assertThatThrownBy(() -> operation.accept(key)).as("an operation on %s", key)
                            .isInstanceOf(CacheUnavailableException.class)
                            .hasMessageContaining(key.equals(healthy) ? "CLUSTERDOWN" : "");
                }
            }
            // What a client that reads in MULTI sees on a healthy key: the transaction's abort alone.
            RBatch atomic = raw.createBatch(BatchOptions.defaults()
                    .executionMode(BatchOptions.ExecutionMode.IN_MEMORY_ATOMIC));
            atomic.getBucket(store.redisKey(healthy), ByteArrayCodec.INSTANCE).getAsync();
            atomic.getBucket(store.redisKey(healthy), ByteArrayCodec.INSTANCE).remainTimeToLiveAsync();
            assertThatThrownBy(atomic::execute).satisfies(failure ->
                    assertThat(RedisErrors.translate(failure, "GET+PTTL", store.redisKey(healthy), "Redis", null))
                            .isInstanceOf(CacheUnavailableException.class).hasMessageContaining("EXECABORT"));

            dead.restart();
            Awaitility.await("the store to write again").atMost(Duration.ofSeconds(15))
                    .ignoreException(CacheUnavailableException.class)
                    .untilAsserted(() -> {
                        store.put(healthy, "z", Duration.ofMinutes(5));
                        store.put(lost, "z", Duration.ofMinutes(5));
                    });
            assertThat(store.get(healthy, String.class)).contains("z");
        } finally {
            raw.shutdown();
        }
    }

    private static List<Consumer<String>> operations(RedisCacheStore store) {
        ValueType<String> type = ValueType.of(String.class);
        return List.of(
                key -> store.get(key, type),
                key -> store.getEntry(key, type),
                key -> store.getAll(List.of(key), type),
                key -> store.put(key, "z", Duration.ofMinutes(5)),
                key -> store.putAll(Map.of(key, "z"), Duration.ofMinutes(5)),
                key -> store.delete(key));
    }

    private static String keyNotOn(RedisCluster cluster, RedisCacheStore store, RedisServer master) {
        for (int i = 0; ; i++) {
            if (cluster.masterOf(store.redisKey("healthy" + i)) != master) {
                return "healthy" + i;
            }
        }
    }
}

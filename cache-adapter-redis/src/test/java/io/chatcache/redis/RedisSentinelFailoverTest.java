package io.chatcache.redis;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.Invalidation.Kind;
import io.chatcache.testkit.redis.RedisSentinel;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Sentinel failover under a running store and bus: the sentinels promote the replica, and the client,
 * told by the sentinels, moves its writes, reads and subscription to the new master. Its own class, so
 * that the failover does not change the roles under {@link RedisSentinelTest}.
 */
class RedisSentinelFailoverTest {

    /** Sentinel's failover, Redisson noticing it and the first write to the new master, with room to spare. */
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    @Test
    void storeAndBusKeepWorkingAfterAFailover() {
        RedisSentinel sentinel = redis.sentinel();
        String namespace = RedisTestSupport.uniqueNamespace("sentinel-failover");
        RedisConfig config = RedisTestSupport.configFor(sentinel).namespace(namespace).build();
        try (RedisCacheStore store = RedisCacheStore.create(config);
                RedisInvalidationBus a = RedisInvalidationBus.builder().config(config).instanceId("a").build();
                RedisInvalidationBus b = RedisInvalidationBus.builder().config(config).instanceId("b").build()) {
            List<Invalidation> heard = new CopyOnWriteArrayList<>();
            b.subscribe(heard::add);
            RedisServer oldMaster = sentinel.master();
            RedisServer oldReplica = sentinel.replica();
            store.put("before", "v1", Duration.ofMinutes(5));
            Awaitility.await("the write to reach the replica before the failover").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(oldReplica.cli("GET", namespace + ":before")).isEqualTo("\"v1\""));

            sentinel.failover();

            assertThat(sentinel.master()).isSameAs(oldReplica);
            assertThat(sentinel.replica()).isSameAs(oldMaster);
            // The client learns of the new master from the sentinels; until then its writes fail
            // (READONLY from the demoted master, or a timeout), as CacheUnavailableException.
            Awaitility.await("a write to land on the new master").atMost(FAILOVER_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(CacheUnavailableException.class)
                    .untilAsserted(() -> {
                        store.put("after", "v2", Duration.ofMinutes(5));
                        assertThat(oldReplica.cli("GET", namespace + ":after")).isEqualTo("\"v2\"");
                    });
            assertThat(store.get("after", String.class)).contains("v2");
            Awaitility.await("the write to reach the demoted master, now a replica").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(oldMaster.cli("GET", namespace + ":after")).isEqualTo("\"v2\""));

            Awaitility.await("b to hear a after the failover").atMost(FAILOVER_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(CacheUnavailableException.class)
                    .untilAsserted(() -> {
                        Invalidation sent = a.publish(Kind.KEY, "after");
                        assertThat(heard).contains(sent);
                    });
        }
    }
}

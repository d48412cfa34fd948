package io.chatcache.redis;

import io.chatcache.core.Sharding;
import io.chatcache.redis.internal.ClusterShards;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.RedisCluster;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stores and buses on one client share one slot map and one refresh thread (issue 15): they name a key's
 * shard alike, the thread lives as long as one of them is open or until the client is shut down, and two
 * clients have two maps.
 */
class RedisClusterSharedShardsTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static final String REFRESH_THREAD = "chatcache-cluster-shards";
    /** Four refresh intervals (200 ms each): long enough for a thread that was wrongly stopped to be seen dead. */
    private static final Duration A_FEW_REFRESHES = Duration.ofMillis(800);

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = redis.cluster();
    }

    private static RedissonClient connect() {
        return RedissonClients.connect(RedisTestSupport.configFor(cluster).build());
    }

    private static Set<Thread> refreshThreads() {
        return Set.copyOf(Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(REFRESH_THREAD)).toList());
    }

    /** The live refresh threads started since {@code before} was taken. */
    private static List<Thread> startedSince(Set<Thread> before) {
        return refreshThreads().stream().filter(thread -> !before.contains(thread) && thread.isAlive()).toList();
    }

    @Test
    void aStoreAndABusOnOneClientShareOneSlotMapUntilBothAreClosed() {
        RedissonClient client = connect();
        try {
            Set<Thread> before = refreshThreads();
            String namespace = RedisTestSupport.uniqueNamespace("shared-shards");
            RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace).build();
            RedisInvalidationBus bus = RedisInvalidationBus.builder().client(client).namespace(namespace).build();
            try {
                ClusterShards shards = store.clusterShards();
                assertThat(shards).isNotNull().isSameAs(bus.clusterShards());
                List<Thread> started = startedSince(before);
                assertThat(started).as("one refresh thread for the store and the bus").hasSize(1);
                Thread refresh = started.get(0);

                Sharding ofStore = store.capability(Sharding.class).orElseThrow();
                Sharding ofBus = bus.capability(Sharding.class).orElseThrow();
                assertThat(ofStore).as("each keeps its own view").isNotSameAs(ofBus);
                for (int i = 0; i < 50; i++) {
                    assertThat(ofBus.shardOf("k" + i)).isEqualTo(ofStore.shardOf("k" + i))
                            .isEqualTo(shards.shardOf(namespace + ":k" + i));
                }

                store.close();
                await("the refresh to go on for the bus").during(A_FEW_REFRESHES).atMost(A_FEW_REFRESHES.plusSeconds(2))
                        .until(refresh::isAlive);
                assertThat(startedSince(before)).containsExactly(refresh);
                assertThat(shards.refresh()).as("the map still reads").isFalse();
                assertThat(ofBus.shardOf("k1")).isEqualTo(shards.shardOf(namespace + ":k1"));

                bus.close();
                await("the refresh thread to stop").atMost(Duration.ofSeconds(5)).until(() -> !refresh.isAlive());
                assertThat(startedSince(before)).isEmpty();

                // The next store on the client reads the map again, on a new thread.
                try (RedisCacheStore again = RedisCacheStore.builder().client(client).namespace(namespace).build()) {
                    assertThat(again.clusterShards()).isNotSameAs(shards);
                    assertThat(startedSince(before)).hasSize(1);
                }
                await("the new refresh thread to stop").atMost(Duration.ofSeconds(5))
                        .until(() -> startedSince(before).isEmpty());
            } finally {
                store.close();
                bus.close();
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void twoClientsHaveTwoSlotMaps() {
        RedissonClient first = connect();
        RedissonClient second = connect();
        Set<Thread> before = refreshThreads();
        try (RedisCacheStore a = RedisCacheStore.builder().client(first).namespace("a").build();
                RedisCacheStore b = RedisCacheStore.builder().client(second).namespace("a").build();
                RedisInvalidationBus busA = RedisInvalidationBus.builder().client(first).namespace("a").build()) {
            assertThat(a.clusterShards()).isNotSameAs(b.clusterShards()).isSameAs(busA.clusterShards());
            assertThat(startedSince(before)).hasSize(2);
            assertThat(a.clusterShards().shards()).isEqualTo(b.clusterShards().shards());
        } finally {
            first.shutdown();
            second.shutdown();
        }
        await("both refresh threads to stop").atMost(Duration.ofSeconds(5))
                .until(() -> startedSince(before).isEmpty());
    }

    @Test
    void aClientShutDownUnderAnOpenStoreStopsTheRefresh() {
        RedissonClient client = connect();
        Set<Thread> before = refreshThreads();
        RedisCacheStore store = RedisCacheStore.builder().client(client).namespace("gone").build();
        assertThat(startedSince(before)).hasSize(1);

        client.shutdown();

        await("the refresh thread to stop").atMost(Duration.ofSeconds(5)).until(() -> startedSince(before).isEmpty());
        store.close();
        assertThat(startedSince(before)).isEmpty();
    }
}

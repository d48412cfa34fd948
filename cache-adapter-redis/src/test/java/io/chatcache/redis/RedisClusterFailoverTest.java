package io.chatcache.redis;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.Sharding;
import io.chatcache.testkit.redis.RedisCluster;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A master of the 6-node cluster (3 masters, a replica each) dies: its replica is promoted, the store
 * follows within one topology scan and one deadline, and names the key's shard as before.
 */
@Timeout(90)
class RedisClusterFailoverTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterFailoverTest.class);
    /** The default operation budget. */
    private static final Duration TIMEOUT = RedisConfig.DEFAULT_TIMEOUT;

    private static RedisConfig configFor(RedisCluster cluster) {
        return RedisTestSupport.configFor(cluster).timeout(TIMEOUT).build();
    }

    @Test
    void writesToAKilledMastersKeyResumeWithinASecondOfTheReplicasPromotion() {
        RedisCluster cluster = redis.clusterWithReplicas();
        try (RedisCacheStore store = RedisCacheStore.create(configFor(cluster))) {
            String key = "resume";
            store.put(key, "before", Duration.ofMinutes(5));
            RedisServer master = cluster.masterOf(store.redisKey(key));
            try {
                long killedAt = System.nanoTime();
                master.kill();
                RedisServer promoted = cluster.awaitFailover(master);
                long promotedAt = System.nanoTime();

                // Awaitility's clock starts now: writes must work within a second of the promotion as seen.
                Awaitility.await("writes to the promoted replica").atMost(Duration.ofSeconds(1))
                        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                        .ignoreException(CacheUnavailableException.class)
                        .until(() -> {
                            store.put(key, "after", Duration.ofMinutes(5));
                            return true;
                        });
                long resumedAt = System.nanoTime();
                LOG.info("failover: promotion {} ms after the kill, writes resumed {} ms after the promotion",
                        (promotedAt - killedAt) / 1_000_000, (resumedAt - promotedAt) / 1_000_000);

                assertThat(cluster.masterOf(store.redisKey(key))).isSameAs(promoted);
                assertThat(promoted.cli("GET", store.redisKey(key))).isEqualTo("\"after\"");
                assertThat(store.get(key, String.class)).contains("after");
            } finally {
                master.restart();
                cluster.awaitReady();
            }
        }
    }

    @Test
    void shardOfAKeyIsTheShardOfTheMasterClusterSlotsNamesAndSurvivesAFailover() {
        RedisCluster cluster = redis.clusterWithReplicas();
        try (RedisCacheStore store = RedisCacheStore.create(configFor(cluster))) {
            Sharding sharding = store.capability(Sharding.class).orElseThrow();
            List<String> keys = IntStream.range(0, 60).mapToObj(i -> "user:" + i).toList();
            Set<String> shards = sharding.shards();
            assertThat(shards).hasSize(3).allMatch(id -> id.startsWith("slots-"));
            assertShardsAreMasters(cluster, store, sharding, keys);

            String key = keys.get(0);
            String shard = sharding.shardOf(key);
            RedisServer master = cluster.masterOf(store.redisKey(key));
            try {
                master.kill();
                RedisServer promoted = cluster.awaitFailover(master);
                store.clusterShards().refresh();

                assertThat(cluster.masterOf(store.redisKey(key))).isSameAs(promoted);
                assertThat(sharding.shardOf(key)).as("the promoted replica serves the same shard").isEqualTo(shard);
                assertThat(sharding.shards()).isEqualTo(shards);
                assertShardsAreMasters(cluster, store, sharding, keys);
            } finally {
                master.restart();
                cluster.awaitReady();
            }
        }
    }

    /** Keys on the same master, and only those, share a shard; the three masters are three shards. */
    private static void assertShardsAreMasters(RedisCluster cluster, RedisCacheStore store, Sharding sharding,
            List<String> keys) {
        Map<String, RedisServer> masterOfShard = new HashMap<>();
        Map<RedisServer, String> shardOfMaster = new HashMap<>();
        for (String key : keys) {
            String shard = sharding.shardOf(key);
            RedisServer master = cluster.masterOf(store.redisKey(key));
            assertThat(masterOfShard.computeIfAbsent(shard, s -> master)).as("master of %s", shard).isSameAs(master);
            assertThat(shardOfMaster.computeIfAbsent(master, m -> shard)).as("shard of %s", master).isEqualTo(shard);
        }
        assertThat(masterOfShard.keySet()).isEqualTo(sharding.shards());
        assertThat(masterOfShard.values()).containsExactlyInAnyOrderElementsOf(cluster.masters());
    }

    @Test
    void aSingleServerStoreOffersNoSharding() {
        RedisServer server = redis.startSingle();
        try (RedisCacheStore store = RedisCacheStore.create(RedisTestSupport.configFor(server).build())) {
            assertThat(store.capability(Sharding.class)).isEmpty();
            assertThat(store.capability(io.chatcache.core.PublishingStore.class)).contains(store);
        }
    }

    @Test
    void storesOnAClientOfOursOfferShardingWithTheirNamespaceFromOneRefreshStoppedWhenTheLastCloses() {
        RedisCluster cluster = redis.clusterWithReplicas();
        Set<Thread> before = refreshThreads();
        try (RedisConnection connection = RedisConnection.open(configFor(cluster))) {
            RedisCacheStore plain = connection.storeBuilder().namespace("a").build();
            RedisCacheStore other = connection.storeBuilder().namespace("b").build();
            Sharding a = plain.capability(Sharding.class).orElseThrow();
            Sharding b = other.capability(Sharding.class).orElseThrow();
            for (int i = 0; i < 20; i++) {
                assertThat(a.shardOf("k" + i)).isEqualTo(plain.clusterShards().shardOf("a:k" + i));
                assertThat(b.shardOf("k" + i)).isEqualTo(plain.clusterShards().shardOf("b:k" + i));
            }
            assertThat(a.shards()).isEqualTo(b.shards());

            assertThat(plain.clusterShards()).as("one slot map per client").isSameAs(other.clusterShards());

            plain.close();

            Awaitility.await("the refresh to go on for the other store").during(Duration.ofMillis(800))
                    .atMost(Duration.ofSeconds(3)).until(() -> refreshThreadsStarted(before) == 1);
            assertThat(other.get("k", String.class)).isEmpty();

            other.close();

            Awaitility.await("the refresh thread to stop").atMost(Duration.ofSeconds(5))
                    .until(() -> refreshThreadsStarted(before) == 0);
        }
    }

    private static Set<Thread> refreshThreads() {
        return Set.copyOf(Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("chatcache-cluster-shards")).toList());
    }

    /** The live refresh threads that were not among {@code before}. */
    private static long refreshThreadsStarted(Set<Thread> before) {
        return refreshThreads().stream().filter(thread -> !before.contains(thread) && thread.isAlive()).count();
    }
}

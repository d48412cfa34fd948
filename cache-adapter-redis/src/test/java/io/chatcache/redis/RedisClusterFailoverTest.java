package io.chatcache.redis;

import io.chatcache.core.CacheUnavailableException;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A master of the 6-node cluster (3 masters, a replica each) dies: its replica is promoted, and the store
 * follows within one topology scan and one deadline.
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
}

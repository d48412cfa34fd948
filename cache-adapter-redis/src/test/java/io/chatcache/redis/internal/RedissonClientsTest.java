package io.chatcache.redis.internal;

import io.chatcache.redis.RedisConfig;
import org.junit.jupiter.api.Test;
import org.redisson.config.BaseConfig;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.SentinelServersConfig;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every Redisson setting that bounds a wait is derived from our configuration, none is Redisson's default. */
class RedissonClientsTest {

    @Test
    void singleServerSettingsAreDerivedFromTheOperationBudget() {
        RedisConfig config = RedisConfig.builder().timeout(Duration.ofMillis(400))
                .connectTimeout(Duration.ofMillis(700)).pingInterval(Duration.ofMillis(900)).build();

        Config redisson = RedissonClients.toRedissonConfig(config);

        assertDerived(redisson.useSingleServer(), config);
    }

    @Test
    void clusterRescansItsTopologyFiveTimesASecond() {
        RedisConfig config = RedisConfig.builder().cluster("127.0.0.1:7000").build();

        ClusterServersConfig cluster = RedissonClients.toRedissonConfig(config).useClusterServers();

        assertDerived(cluster, config);
        assertThat(cluster.getScanInterval()).isEqualTo(200);
        assertThat(cluster.getFailedSlaveReconnectionInterval()).isEqualTo(1000);
    }

    @Test
    void sentinelAsksWhoIsMasterTenTimesASecond() {
        RedisConfig config = RedisConfig.builder().sentinel("mymaster", List.of("127.0.0.1:26379")).build();

        SentinelServersConfig sentinel = RedissonClients.toRedissonConfig(config).useSentinelServers();

        assertDerived(sentinel, config);
        assertThat(sentinel.getScanInterval()).isEqualTo(100);
    }

    @Test
    void commandTimeoutLeavesRoomForTheTimerTickWithinTheBudget() {
        RedisConfig config = RedisConfig.builder().timeout(Duration.ofMillis(300)).build();

        assertThat(RedissonClients.commandTimeout(config)).isEqualTo(Duration.ofMillis(270));
        assertThat(RedissonClients.startupDeadline(config)).isEqualTo(RedisConfig.DEFAULT_STARTUP_TIMEOUT);
    }

    private static void assertDerived(BaseConfig<?> base, RedisConfig config) {
        assertThat(base.getTimeout()).isEqualTo(config.timeout().toMillis() * 9 / 10);
        assertThat(base.getRetryAttempts()).isZero();
        assertThat(base.getRetryDelay().calcDelay(0)).isEqualTo(Duration.ofMillis(20));
        assertThat(base.getReconnectionDelay().calcDelay(20)).isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(base.getConnectTimeout()).isEqualTo((int) config.connectTimeout().toMillis());
        assertThat(base.getSubscriptionTimeout())
                .isEqualTo((int) config.connectTimeout().plus(config.timeout()).toMillis());
        assertThat(base.getPingConnectionInterval()).isEqualTo((int) config.pingInterval().toMillis());
        assertThat(base.getIdleConnectionTimeout()).isEqualTo(10_000);
    }
}

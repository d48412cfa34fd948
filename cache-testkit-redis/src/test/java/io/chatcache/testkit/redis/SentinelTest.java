package io.chatcache.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SentinelTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    @Test
    void everySentinelNamesTheMaster() {
        RedisSentinel sentinel = redis.sentinel();
        RedisServer master = sentinel.master();

        assertThat(sentinel.sentinels()).hasSize(3);
        for (RedisServer one : sentinel.sentinels()) {
            assertThat(one.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", sentinel.masterName()).lines().toList())
                    .containsExactly("127.0.0.1", Integer.toString(master.port()));
        }
    }

    @Test
    void replicaFollowsTheMaster() {
        RedisSentinel sentinel = redis.sentinel();

        assertThat(sentinel.master().cli("INFO", "replication")).contains("role:master", "connected_slaves:1");
        assertThat(sentinel.replica().cli("INFO", "replication")).contains("role:slave",
                "master_port:" + sentinel.master().port(), "master_link_status:up");
        assertThat(sentinel.replica()).isNotSameAs(sentinel.master());
    }

    @Test
    void sentinelsRunInSentinelModeFromAWritableConfigFile() {
        RedisSentinel sentinel = redis.sentinel();

        for (RedisServer one : sentinel.sentinels()) {
            assertThat(one.cli("INFO", "server")).contains("redis_mode:sentinel");
            Path config = ((LocalRedisServer) one).dir().resolve(LocalRedisServer.SENTINEL_CONFIG);
            assertThat(Files.isWritable(config)).as("%s is writable", config).isTrue();
            assertThat(one.cli("INFO", "sentinel")).contains("sentinels=3", "slaves=1");
        }
    }

    @Test
    void addressesMatchTheSentinels() {
        RedisSentinel sentinel = redis.sentinel();

        assertThat(sentinel.sentinelAddresses()).hasSize(3)
                .isEqualTo(sentinel.sentinels().stream().map(RedisServer::address).toList())
                .allMatch(address -> address.startsWith("redis://127.0.0.1:"));
        assertThat(sentinel.masterName()).isNotBlank();
    }

    @Test
    void sentinelIsTheSameOnEveryCall() {
        assertThat(redis.sentinel()).isSameAs(redis.sentinel());
    }

    @Test
    void failoverPromotesTheReplicaAndDemotesTheMaster() {
        RedisSentinel sentinel = redis.sentinel();
        RedisServer oldMaster = sentinel.master();
        RedisServer oldReplica = sentinel.replica();
        sentinel.failover();

        assertThat(sentinel.master()).isSameAs(oldReplica);
        assertThat(sentinel.replica()).isSameAs(oldMaster);
        for (RedisServer one : sentinel.sentinels()) {
            assertThat(one.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", sentinel.masterName()).lines().toList())
                    .containsExactly("127.0.0.1", Integer.toString(oldReplica.port()));
        }
        assertThat(oldReplica.cli("INFO", "replication")).contains("role:master");
        assertThat(oldMaster.cli("INFO", "replication")).contains("role:slave",
                "master_port:" + oldReplica.port(), "master_link_status:up");
        // Whether data written before the failover survives it is Redis's business (asynchronous replication),
        // not the harness's: once in a CI run a key the replica had acknowledged (WAIT 1) was missing on the
        // promoted replica, so it is not asserted here.
        oldReplica.cli("SET", "after-failover", "v");
        assertThat(oldReplica.cli("GET", "after-failover")).as("the new master takes writes").isEqualTo("v");
    }

    @Test
    void closedSetupIsStoppedAndReplacedByANewOne() {
        RedisSentinel first = redis.sentinel();
        List<LocalRedisServer> processes = ((LocalRedisSentinel) first).processes();
        List<Path> dirs = processes.stream().map(LocalRedisServer::dir).toList();

        first.close();

        assertThat(processes).hasSize(5).noneMatch(RedisServer::isRunning);
        assertThat(dirs).allSatisfy(dir -> assertThat(Files.exists(dir)).as("%s exists", dir).isFalse());
        RedisSentinel second = redis.sentinel();
        assertThat(second).isNotSameAs(first);
        assertThat(second.master().cli("INFO", "replication")).contains("connected_slaves:1");
    }
}

package io.chatcache.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The 6-node cluster (3 masters, 1 replica each): roles, key placement and a master's failover. */
@Timeout(90)
class ReplicatedClusterTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    /** How long WAIT may take for the replica's acknowledgement (see the failover test). */
    private static final Duration REPLICATION_ACK_LIMIT = Duration.ofSeconds(20);

    @Test
    void sixNodesThreeMastersEachWithOneReplicaInSync() {
        RedisCluster cluster = redis.clusterWithReplicas();

        assertThat(cluster.nodes()).hasSize(6);
        assertThat(cluster.options()).isEqualTo(ClusterOptions.WITH_REPLICAS);
        List<RedisServer> masters = cluster.masters();
        assertThat(masters).hasSize(3);
        assertThat(cluster.replicas()).hasSize(3).doesNotContainAnyElementsOf(masters);
        for (RedisServer master : masters) {
            List<RedisServer> replicas = cluster.replicasOf(master);
            assertThat(replicas).hasSize(1);
            String info = replicas.get(0).cli("INFO", "replication");
            assertThat(info).contains("role:slave").contains("master_port:" + master.port())
                    .contains("master_link_status:up").contains("master_sync_in_progress:0");
        }
        for (RedisServer node : cluster.nodes()) {
            assertThat(node.cli("CLUSTER", "INFO")).contains("cluster_state:ok").contains("cluster_known_nodes:6");
            assertThat(node.cli("CONFIG", "GET", "cluster-node-timeout")).contains("1000");
        }
        assertThat(redis.clusterWithReplicas()).isSameAs(cluster);
        assertThat(cluster.nodes().stream().map(cluster::nodeId).collect(Collectors.toSet())).hasSize(6);
    }

    @Test
    void masterOfAKeyTakesItWithoutRedirection() {
        RedisCluster cluster = redis.clusterWithReplicas();
        for (int i = 0; i < 20; i++) {
            String key = "placed:" + i;
            RedisServer master = cluster.masterOf(key);

            assertThat(master.cli("SET", key, "v")).isEqualTo("OK");
            assertThat(cluster.masters()).contains(master);
            assertThat(cluster.slotOf(key)).isEqualTo(Integer.parseInt(master.cli("CLUSTER", "KEYSLOT", key)));
        }
        assertThat(cluster.slotOf("{tag}a")).isEqualTo(cluster.slotOf("{tag}b"));
    }

    @Test
    void killedMastersReplicaIsPromotedAndTheOldMasterComesBackAsItsReplica() {
        RedisCluster cluster = redis.startCluster(ClusterOptions.WITH_REPLICAS);
        String key = "failover:key";
        RedisServer master = cluster.masterOf(key);
        RedisServer replica = cluster.replicasOf(master).get(0);
        assertThat(master.cli("SET", key, "kept")).isEqualTo("OK");
        // Replication is asynchronous: only a write the replica acknowledged survives the master's SIGKILL.
        // WAIT returns as soon as the replica acknowledges; its limit is a margin for a loaded 2-core machine
        // (the replica and the master compete with the other four nodes and the JVM), not a deadline of
        // Redis or of the library, so it is well above the few milliseconds this takes on a quiet machine.
        assertThat(master.cli("WAIT", "1", Long.toString(REPLICATION_ACK_LIMIT.toMillis())))
                .as("replicas that acknowledged the SET before the kill").isEqualTo("1");
        // The fresh cluster holds this one key, and the replica about to be promoted has it.
        assertThat(replica.cli("INFO", "keyspace")).as("the replica's keyspace before the kill")
                .contains("db0:keys=1,");
        Set<RedisServer> otherMasters = cluster.masters().stream().filter(m -> m != master)
                .collect(Collectors.toSet());

        long killedAt = System.nanoTime();
        master.kill();
        RedisServer promoted = cluster.awaitFailover(master);
        Duration promotion = Duration.ofNanos(System.nanoTime() - killedAt);

        assertThat(promoted).isSameAs(replica);
        assertThat(promotion).as("promotion time with a 1 s node timeout").isLessThan(Duration.ofSeconds(10));
        assertThat(cluster.masterOf(key)).isSameAs(promoted);
        assertThat(promoted.cli("GET", key)).as("the acknowledged write on the promoted replica; its replication: %s",
                promoted.cli("INFO", "replication")).isEqualTo("kept");
        assertThat(cluster.masters()).hasSize(3).contains(promoted).containsAll(otherMasters);
        for (RedisServer node : cluster.nodes()) {
            if (node != master) {
                assertThat(node.cli("CLUSTER", "INFO")).contains("cluster_state:ok");
            }
        }

        master.restart();
        cluster.awaitReady();

        assertThat(cluster.replicasOf(promoted)).containsExactly(master);
        assertThat(master.cli("INFO", "replication")).contains("role:slave").contains("master_link_status:up");
        assertThat(cluster.replicas()).hasSize(3);
    }

    @Test
    void aKilledReplicaLeavesTheClusterOkAndAPausedOneIsSkippedWhenAsking() {
        RedisCluster cluster = redis.startCluster(ClusterOptions.builder().replicasPerMaster(1)
                .nodeTimeout(Duration.ofSeconds(1)).build());
        RedisServer replica = cluster.replicas().get(0);
        RedisServer first = cluster.nodes().get(0);

        replica.kill();
        first.pause();
        try {
            assertThat(cluster.replicas()).contains(replica);
            assertThat(cluster.masters()).hasSize(3).doesNotContain(replica);
            for (RedisServer node : cluster.nodes()) {
                if (node != replica && node != first) {
                    assertThat(node.cli("CLUSTER", "INFO")).contains("cluster_state:ok");
                }
            }
        } finally {
            first.resume();
        }
        replica.restart();
        cluster.awaitReady();

        assertThat(replica.cli("INFO", "replication")).contains("role:slave").contains("master_link_status:up");
    }

    @Test
    void awaitFailoverRefusesAMasterWithoutReplica() {
        RedisCluster cluster = redis.cluster();

        assertThat(cluster.options()).isEqualTo(ClusterOptions.DEFAULTS);
        assertThat(cluster.replicas()).isEmpty();
        assertThatThrownBy(() -> cluster.awaitFailover(cluster.masters().get(0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no replica");
    }

    @Test
    void optionsAreChecked() {
        assertThat(ClusterOptions.WITH_REPLICAS.nodeCount()).isEqualTo(6);
        assertThat(ClusterOptions.builder().build()).isEqualTo(ClusterOptions.DEFAULTS);
        assertThatThrownBy(() -> ClusterOptions.builder().masters(2).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("masters");
        assertThatThrownBy(() -> ClusterOptions.builder().replicasPerMaster(3).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("replicasPerMaster");
        assertThatThrownBy(() -> ClusterOptions.builder().nodeTimeout(Duration.ofMillis(10)).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("nodeTimeout");
        assertThatThrownBy(() -> ClusterOptions.builder().extraArgs((String) null))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> redis.startCluster(null)).isInstanceOf(InvalidInputException.class);
    }
}

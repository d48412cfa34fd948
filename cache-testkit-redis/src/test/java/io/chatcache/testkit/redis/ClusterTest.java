package io.chatcache.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClusterTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    @Test
    void everyNodeSaysTheClusterIsOk() {
        for (RedisServer node : redis.cluster().nodes()) {
            assertThat(node.cli("CLUSTER", "INFO")).contains("cluster_state:ok").contains("cluster_known_nodes:3");
        }
    }

    @Test
    void clusterHasThreeMastersAndNoReplicas() {
        String nodes = redis.cluster().nodes().get(0).cli("CLUSTER", "NODES");

        assertThat(nodes.lines()).hasSize(3).allMatch(line -> line.contains("master"))
                .noneMatch(line -> line.contains("slave"));
    }

    @Test
    void clusterIsTheSameOnEveryCall() {
        assertThat(redis.cluster()).isSameAs(redis.cluster());
    }

    @Test
    void addressesMatchTheNodes() {
        RedisCluster cluster = redis.cluster();

        assertThat(cluster.addresses()).hasSize(3)
                .isEqualTo(cluster.nodes().stream().map(RedisServer::address).toList())
                .allMatch(address -> address.startsWith("redis://127.0.0.1:"));
    }

    @Test
    void keysSpreadOverAllThreeMasters() {
        RedisCluster cluster = redis.cluster();
        RedisServer entry = cluster.nodes().get(0);
        IntStream.range(0, 30).forEach(i -> entry.cli("-c", "SET", "spread:" + i, "v"));

        List<Long> perNode = cluster.nodes().stream().map(node -> Long.parseLong(node.cli("DBSIZE"))).toList();

        assertThat(perNode).allMatch(count -> count > 0);
        assertThat(perNode.stream().mapToLong(Long::longValue).sum()).isEqualTo(30);
    }

    @Test
    void restartedNodeRejoinsWithItsSlots() {
        RedisCluster cluster = redis.cluster();
        RedisServer node = cluster.nodes().get(2);
        node.kill();

        node.restart();

        assertThat(node.cli("CLUSTER", "INFO")).contains("cluster_known_nodes:3");
        assertThat(node.cli("CLUSTER", "COUNTKEYSINSLOT", "0")).isNotEmpty();
    }

    @Test
    void closedClusterIsReplacedByANewOne() {
        RedisCluster first = redis.cluster();
        List<RedisServer> nodes = first.nodes();

        first.close();

        assertThat(nodes).noneMatch(RedisServer::isRunning);
        RedisCluster second = redis.cluster();
        assertThat(second).isNotSameAs(first);
        assertThat(second.nodes().get(0).cli("CLUSTER", "INFO")).contains("cluster_state:ok");
    }
}

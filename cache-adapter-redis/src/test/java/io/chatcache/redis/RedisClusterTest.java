package io.chatcache.redis;

import io.chatcache.core.KeyPattern;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.RedisCluster;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pattern deletion, namespace isolation and the invalidation bus across the masters of a Redis Cluster. */
class RedisClusterTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedisCluster cluster;
    private static RedissonClient client;

    @BeforeAll
    static void connect() {
        cluster = redis.cluster();
        client = RedissonClients.connect(RedisTestSupport.configFor(cluster).build());
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.shutdown();
        }
    }

    private static RedisCacheStore store(String namespace) {
        return RedisCacheStore.builder().client(client).namespace(namespace).build();
    }

    private static long keysOn(RedisServer node, String namespace) {
        String found = node.cli("--scan", "--pattern", KeyPattern.escape(namespace + ":") + "*");
        return found.isEmpty() ? 0 : found.lines().count();
    }

    @Test
    void deleteMatchingReachesKeysOnEveryMaster() {
        String namespace = RedisTestSupport.uniqueNamespace("spread");
        try (RedisCacheStore store = store(namespace)) {
            Map<String, Integer> entries = new LinkedHashMap<>();
            for (int i = 0; i < 90; i++) {
                entries.put("user:" + i, i);
            }
            store.putAll(entries, Duration.ofMinutes(5));
            store.put("room:1", 1, Duration.ofMinutes(5));
            for (RedisServer node : cluster.nodes()) {
                assertThat(keysOn(node, namespace)).as("keys on %s before", node.address()).isPositive();
            }

            long removed = store.deleteMatching(KeyPattern.glob("user:*"));

            assertThat(removed).isEqualTo(90);
            assertThat(cluster.nodes().stream().mapToLong(node -> keysOn(node, namespace)).sum())
                    .as("keys left on all masters").isEqualTo(1);
            assertThat(store.get("room:1", Integer.class)).contains(1);
        }
    }

    @Test
    void clearEmptiesTheNamespaceOnEveryMasterAndLeavesOthers() {
        String namespace = RedisTestSupport.uniqueNamespace("clear");
        String neighbour = RedisTestSupport.uniqueNamespace("keep");
        try (RedisCacheStore store = store(namespace); RedisCacheStore other = store(neighbour)) {
            for (int i = 0; i < 60; i++) {
                store.put("k" + i, i, Duration.ofMinutes(5));
                other.put("k" + i, i, Duration.ofMinutes(5));
            }

            store.clear();

            for (RedisServer node : cluster.nodes()) {
                assertThat(keysOn(node, namespace)).as("keys on %s", node.address()).isZero();
            }
            assertThat(cluster.nodes().stream().mapToLong(node -> keysOn(node, neighbour)).sum()).isEqualTo(60);
        }
    }

    @Test
    void statsCountEntriesOnEveryMaster() {
        String namespace = RedisTestSupport.uniqueNamespace("stats");
        try (RedisCacheStore store = store(namespace)) {
            for (int i = 0; i < 30; i++) {
                store.put("k" + i, "v", Duration.ofMinutes(5));
            }

            assertThat(store.stats().entryCount()).isEqualTo(30);
            assertThat(store.stats().totalSizeBytes()).isEqualTo(30L * "\"v\"".length());
        }
    }

    @Test
    void bulkReadSpansSlotsOfEveryMaster() {
        String namespace = RedisTestSupport.uniqueNamespace("bulk");
        try (RedisCacheStore store = store(namespace)) {
            Map<String, String> entries = new LinkedHashMap<>();
            for (int i = 0; i < 50; i++) {
                entries.put("k" + i, "v" + i);
            }
            store.putAll(entries, Duration.ofMinutes(5));

            assertThat(store.getAll(List.copyOf(entries.keySet()), io.chatcache.core.ValueType.of(String.class)))
                    .isEqualTo(entries);
        }
    }

    @Test
    void busUsesShardedPubSubAndDeliversBetweenInstancesOnEveryShard() {
        String namespace = RedisTestSupport.uniqueNamespace("bus");
        try (RedisInvalidationBus a = RedisInvalidationBus.builder().client(client).namespace(namespace)
                        .instanceId("a").build();
                RedisInvalidationBus b = RedisInvalidationBus.builder()
                        .config(RedisTestSupport.configFor(cluster).namespace(namespace).build())
                        .instanceId("b").build()) {
            List<io.chatcache.core.Invalidation> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            b.subscribe(heard::add);

            io.chatcache.core.Invalidation sent = a.publish(io.chatcache.core.Invalidation.Kind.PATTERN, "room:*");

            assertThat(a.sharded()).as("Redis 7 masters support sharded pub/sub").isTrue();
            assertThat(b.sharded()).isTrue();
            assertThat(a.channels()).hasSize(3);
            org.awaitility.Awaitility.await("b to hear a on every shard").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(heard).hasSize(3));
            assertThat(heard).extracting(io.chatcache.core.Invalidation::shard)
                    .containsExactlyInAnyOrderElementsOf(a.capability(io.chatcache.core.Sharding.class).orElseThrow().shards());
            assertThat(heard).allSatisfy(one -> assertThat(one).isEqualTo(new io.chatcache.core.Invalidation(
                    "a", 1, io.chatcache.core.Invalidation.Kind.PATTERN, "room:*", one.shard())));
            assertThat(sent.shard()).isIn(heard.stream().map(io.chatcache.core.Invalidation::shard).toList());
        }
    }

    @Test
    void asyncPublishesGoOutInOrderPerShardInPipelinedShardedBatches() {
        String namespace = RedisTestSupport.uniqueNamespace("bus-async");
        try (RedisInvalidationBus a = RedisInvalidationBus.builder().client(client).namespace(namespace)
                        .instanceId("a").build();
                RedisInvalidationBus b = RedisInvalidationBus.builder()
                        .config(RedisTestSupport.configFor(cluster).namespace(namespace).build())
                        .instanceId("b").build()) {
            List<io.chatcache.core.Invalidation> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            b.subscribe(heard::add);

            List<java.util.concurrent.CompletableFuture<io.chatcache.core.Invalidation>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 300; i++) {
                sent.add(a.publishAsync(io.chatcache.core.Invalidation.Kind.KEY, "room:" + i));
            }

            assertThat(a.sharded()).isTrue();
            try (RedisCacheStore store = store(namespace)) {
                assertThat(store.publishesOn(a)).as("a batch's write and message would go to different masters").isFalse();
            }
            org.awaitility.Awaitility.await("b to hear all 300").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(heard).hasSize(300));
            // Each shard's channel keeps the order of the calls; across shards there is no order.
            List<io.chatcache.core.Invalidation> published = sent.stream()
                    .map(java.util.concurrent.CompletableFuture::join).toList();
            for (String shard : a.capability(io.chatcache.core.Sharding.class).orElseThrow().shards()) {
                assertThat(heard.stream().filter(one -> one.shard().equals(shard)).toList()).as("shard %s", shard)
                        .isNotEmpty()
                        .containsExactlyElementsOf(published.stream().filter(one -> one.shard().equals(shard)).toList());
            }
        }
    }
}

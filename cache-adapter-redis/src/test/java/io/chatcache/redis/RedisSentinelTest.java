package io.chatcache.redis;

import io.chatcache.core.CacheStats;
import io.chatcache.core.Invalidation;
import io.chatcache.core.Invalidation.Kind;
import io.chatcache.core.KeyPattern;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.RedisSentinel;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store, the invalidation bus and the pipelined write-and-publish in Sentinel mode, against a real
 * set-up from the harness: a master, its replica and three sentinels, all local {@code redis-server}
 * processes. Failover is in {@link RedisSentinelFailoverTest}.
 */
class RedisSentinelTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedisSentinel sentinel;
    private static RedissonClient client;

    @BeforeAll
    static void connect() {
        sentinel = redis.sentinel();
        client = RedissonClients.connect(RedisTestSupport.configFor(sentinel).build());
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.shutdown();
        }
    }

    /** The value as redis-cli prints it: the serializer's JSON. */
    private static String onServer(RedisServer server, String namespace, String key) {
        return server.cli("GET", namespace + ":" + key);
    }

    private static long keysOn(RedisServer server, String namespace) {
        String found = server.cli("--scan", "--pattern", KeyPattern.escape(namespace + ":") + "*");
        return found.isEmpty() ? 0 : found.lines().count();
    }

    private static void awaitOnReplica(String namespace, String key, String expected) {
        Awaitility.await("key " + key + " on the replica").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(onServer(sentinel.replica(), namespace, key)).isEqualTo(expected));
    }

    @Test
    void aSentinelStoreOffersNoSharding() {
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace("sharding").build()) {
            assertThat(store.capability(io.chatcache.core.Sharding.class)).isEmpty();
        }
    }

    @Test
    void storeBuiltFromASentinelConfigWritesToTheMasterAndTheReplicaFollows() {
        String namespace = RedisTestSupport.uniqueNamespace("sentinel-store");
        RedisConfig config = RedisTestSupport.configFor(sentinel).namespace(namespace).build();
        assertThat(config.topology()).isEqualTo(RedisConfig.Topology.SENTINEL);
        try (RedisCacheStore store = RedisCacheStore.create(config)) {
            assertThat(store.toString()).contains("sentinel master '" + sentinel.masterName() + "'");

            store.put("user:1", "alice", Duration.ofMinutes(5));
            store.put("user:2", "bob", Duration.ofMinutes(5));
            store.put("room:1", 42, Duration.ofMinutes(5));

            assertThat(store.get("user:1", String.class)).contains("alice");
            assertThat(store.get("room:1", Integer.class)).contains(42);
            assertThat(store.get("user:9", String.class)).isEmpty();
            assertThat(onServer(sentinel.master(), namespace, "user:1")).isEqualTo("\"alice\"");
            assertThat(Long.parseLong(sentinel.master().cli("PTTL", namespace + ":user:1"))).isBetween(1L, 300_000L);
            awaitOnReplica(namespace, "user:1", "\"alice\"");
            assertThat(sentinel.replica().cli("SET", namespace + ":direct", "x"))
                    .as("the replica refuses writes, so the store must have written to the master").startsWith("READONLY");

            CacheStats stats = store.stats();
            assertThat(stats.entryCount()).isEqualTo(3);
            assertThat(stats.totalSizeBytes()).isEqualTo("\"alice\"".length() + "\"bob\"".length() + "42".length());
            assertThat(stats.hits()).isEqualTo(2);
            assertThat(stats.misses()).isEqualTo(1);
            assertThat(stats.errors()).isZero();

            assertThat(store.delete("user:1")).isTrue();
            assertThat(store.delete("user:1")).isFalse();
            assertThat(store.get("user:1", String.class)).isEmpty();
            awaitOnReplica(namespace, "user:1", "");

            assertThat(store.deleteMatching(KeyPattern.glob("user:*"))).isEqualTo(1);
            assertThat(keysOn(sentinel.master(), namespace)).isEqualTo(1);
            assertThat(store.get("room:1", Integer.class)).contains(42);

            store.clear();

            assertThat(keysOn(sentinel.master(), namespace)).isZero();
            assertThat(store.stats().entryCount()).isZero();
            Awaitility.await("the replica to drop the namespace").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(keysOn(sentinel.replica(), namespace)).isZero());
        }
    }

    @Test
    void storeFromTheSentinelEnvironmentVariablesFindsTheMaster() {
        String namespace = RedisTestSupport.uniqueNamespace("sentinel-env");
        String nodes = sentinel.sentinels().stream().map(node -> node.host() + ":" + node.port())
                .collect(Collectors.joining(","));
        RedisConfig config = RedisConfig.fromEnvironment(Map.of(
                "REDIS_SENTINEL_MASTER", sentinel.masterName(),
                "REDIS_SENTINEL_NODES", nodes,
                "REDIS_NAMESPACE", namespace));
        assertThat(config.topology()).isEqualTo(RedisConfig.Topology.SENTINEL);
        assertThat(config.sentinelMaster()).isEqualTo(sentinel.masterName());
        assertThat(config.addresses()).isEqualTo(sentinel.sentinelAddresses());
        try (RedisCacheStore store = RedisCacheStore.create(config)) {
            store.put("session:1", "alice", Duration.ofMinutes(5));

            assertThat(store.get("session:1", String.class)).contains("alice");
            assertThat(onServer(sentinel.master(), namespace, "session:1")).isEqualTo("\"alice\"");
            awaitOnReplica(namespace, "session:1", "\"alice\"");
            assertThat(store.deleteMatching(KeyPattern.glob("session:*"))).isEqualTo(1);
            assertThat(keysOn(sentinel.master(), namespace)).isZero();
        }
    }

    private static List<Invalidation> from(String origin, List<Invalidation> heard) {
        return heard.stream().filter(message -> message.origin().equals(origin)).toList();
    }

    @Test
    void busDeliversBetweenTwoInstancesInBothDirections() {
        String namespace = RedisTestSupport.uniqueNamespace("sentinel-bus");
        try (RedisInvalidationBus a = RedisInvalidationBus.builder().client(client).namespace(namespace)
                        .instanceId("a").build();
                RedisInvalidationBus b = RedisInvalidationBus.builder()
                        .config(RedisTestSupport.configFor(sentinel).namespace(namespace).build())
                        .instanceId("b").build()) {
            List<Invalidation> heardByA = new CopyOnWriteArrayList<>();
            List<Invalidation> heardByB = new CopyOnWriteArrayList<>();
            a.subscribe(heardByA::add);
            b.subscribe(heardByB::add);

            Invalidation key = a.publish(Kind.KEY, "room:1");
            Invalidation pattern = a.publish(Kind.PATTERN, "room:*");
            Invalidation back = b.publish(Kind.KEY, "user:7");

            assertThat(a.sharded()).as("sharded pub/sub is for clusters").isFalse();
            assertThat(b.sharded()).isFalse();
            // a listener hears its own instance's messages too; only the other instance's count here
            Awaitility.await("b to hear a").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(from("a", heardByB)).containsExactly(key, pattern));
            Awaitility.await("a to hear b").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(from("b", heardByA)).containsExactly(back));
            assertThat(key.origin()).isEqualTo("a");
            assertThat(back.origin()).isEqualTo("b");
        }
    }

    @Test
    void storePublishesOnABusOfItsOwnClientAndPutAndPublishReachesAPeer() {
        String namespace = RedisTestSupport.uniqueNamespace("sentinel-publish");
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace).build();
                RedisCacheStore peerStore = RedisCacheStore.create(
                        RedisTestSupport.configFor(sentinel).namespace(namespace).build());
                RedisInvalidationBus mine = RedisInvalidationBus.builder().client(client).namespace(namespace)
                        .instanceId("writer").build();
                RedisInvalidationBus peer = RedisInvalidationBus.builder()
                        .config(RedisTestSupport.configFor(sentinel).namespace(namespace).build())
                        .instanceId("peer").build()) {
            assertThat(store.publishesOn(mine)).as("same client, one master").isTrue();
            assertThat(store.publishesOn(peer)).as("another client").isFalse();
            Map<String, String> seenWhenHeard = new ConcurrentHashMap<>();
            peer.subscribe(message -> seenWhenHeard.put(message.target(),
                    peerStore.get(message.target(), String.class).orElse("<absent>")));

            List<Invalidation> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sent.add(store.putAndPublish("k" + i, "v" + i, Duration.ofMinutes(5), mine));
            }

            assertThat(sent).extracting(Invalidation::kind).containsOnly(Kind.KEY);
            assertThat(sent).extracting(Invalidation::sequence).doesNotHaveDuplicates().isSorted();
            Awaitility.await("all 50 messages at the peer").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(seenWhenHeard).hasSize(50));
            for (int i = 0; i < 50; i++) {
                assertThat(seenWhenHeard).as("k%d as the peer read it on hearing of it", i)
                        .containsEntry("k" + i, "v" + i);
            }
            assertThat(onServer(sentinel.master(), namespace, "k49")).isEqualTo("\"v49\"");
            awaitOnReplica(namespace, "k49", "\"v49\"");
        }
    }
}

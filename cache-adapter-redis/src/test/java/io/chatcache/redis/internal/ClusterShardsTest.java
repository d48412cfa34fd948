package io.chatcache.redis.internal;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.Sharding;
import io.chatcache.redis.RedisConfig;
import io.chatcache.testkit.redis.RedisCluster;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import org.redisson.cluster.ClusterSlotRange;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The slot of a key as Redis computes it, the shards of a slot map, and keeping the map up to date. */
class ClusterShardsTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static final Duration NEVER = Duration.ofDays(1);

    /** A configuration for {@code cluster} with a two-second deadline. */
    private static RedisConfig configFor(RedisCluster cluster) {
        return RedisConfig.builder().cluster(cluster.addresses()).connectTimeout(Duration.ofSeconds(2))
                .timeout(Duration.ofSeconds(2)).startupTimeout(Duration.ofSeconds(30)).connectionMinimumIdleSize(1)
                .build();
    }

    @Test
    void crc16IsXmodemAsInTheClusterSpec() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(ClusterShards.crc16(check, 0, check.length)).isEqualTo(0x31C3);
    }

    @Test
    void slotsFollowTheHashTagRules() {
        assertThat(ClusterShards.slot("123456789")).isEqualTo(0x31C3 % 16384);
        assertThat(ClusterShards.slot("foo")).isEqualTo(12182);
        assertThat(ClusterShards.slot("bar")).isEqualTo(5061);
        assertThat(ClusterShards.slot("{user1000}.following")).isEqualTo(ClusterShards.slot("user1000"));
        assertThat(ClusterShards.slot("{user1000}.followers")).isEqualTo(ClusterShards.slot("user1000"));
        // An empty first tag means no tag: the whole key is hashed.
        assertThat(ClusterShards.slot("foo{}{bar}")).isNotEqualTo(ClusterShards.slot("bar"));
        assertThat(ClusterShards.slot("foo{{bar}}zap")).isEqualTo(ClusterShards.slot("{bar"));
        assertThat(ClusterShards.slot("foo{bar}{zap}")).isEqualTo(ClusterShards.slot("bar"));
        assertThat(ClusterShards.slot("foo{bar")).isNotEqualTo(ClusterShards.slot("bar"));
    }

    @Test
    void rangesOfOneMasterAreOneShardNamedAfterItsLowestSlot() {
        Map<ClusterSlotRange, Set<String>> map = Map.of(
                new ClusterSlotRange(0, 99), Set.of("a:1", "a:2"),
                new ClusterSlotRange(100, 8000), Set.of("b:1"),
                new ClusterSlotRange(8001, 16383), Set.of("a:1", "a:2"));
        try (ClusterShards shards = new ClusterShards(deadline -> map, DEADLINE, NEVER, "test")) {
            assertThat(shards.shards()).containsExactlyInAnyOrder("slots-0", "slots-100");
            assertThat(shards.shardOfSlot(50)).isEqualTo("slots-0");
            assertThat(shards.shardOfSlot(16383)).isEqualTo("slots-0");
            assertThat(shards.shardOfSlot(100)).isEqualTo("slots-100");
            assertThat(shards.shardOf("foo")).isEqualTo("slots-0"); // slot 12182
            assertThat(shards.shardOf("bar")).isEqualTo("slots-100"); // slot 5061
            for (String shard : shards.shards()) {
                String tag = shards.channelTag(shard);
                assertThat(tag).matches("s[0-9]+");
                assertThat(ClusterShards.slot(tag)).as("the tag lives in the shard's lowest slot")
                        .isEqualTo(Integer.parseInt(shard.substring("slots-".length())));
            }
            // The names end with the last slot of the shard's first range.
            assertThat(shards.channelNames("chan")).containsOnlyKeys("slots-0", "slots-100")
                    .containsEntry("slots-0", "chan{" + shards.channelTag("slots-0") + "}99")
                    .containsEntry("slots-100", "chan{" + shards.channelTag("slots-100") + "}8000");
            shards.channelNames("chan").forEach((shard, name) -> assertThat(shards.shardOf(name)).isEqualTo(shard));
            assertThatThrownBy(() -> shards.channelNames("a{b")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> shards.channelTag("slots-7")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> shards.shardOfSlot(16384)).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void rangesThatShareANodeAreOneShardEvenInAViewCaughtMidChange() {
        // A node that has just taken slot 0 over may list it with the master alone and its old range with the
        // master and its replica: still one master, one shard.
        Map<ClusterSlotRange, Set<String>> map = Map.of(
                new ClusterSlotRange(0, 0), Set.of("b:1"),
                new ClusterSlotRange(1, 5460), Set.of("a:1", "a:2"),
                new ClusterSlotRange(5461, 16383), Set.of("b:1", "b:2"));
        try (ClusterShards shards = new ClusterShards(deadline -> map, DEADLINE, NEVER, "test")) {
            assertThat(shards.shards()).containsExactlyInAnyOrder("slots-0", "slots-1");
            assertThat(shards.shardOfSlot(0)).isEqualTo("slots-0");
            assertThat(shards.shardOfSlot(9000)).isEqualTo("slots-0");
            assertThat(shards.shardOfSlot(3)).isEqualTo("slots-1");
            assertThat(shards.channelNames("c")).containsEntry("slots-0", "c{" + shards.channelTag("slots-0") + "}0");
        }
    }

    @Test
    void aPromotedReplicaKeepsTheIdAndAFailedReadKeepsTheLastMap() {
        AtomicReference<Map<ClusterSlotRange, Set<String>>> map = new AtomicReference<>(Map.of(
                new ClusterSlotRange(0, 5460), Set.of("a:1", "a:2"),
                new ClusterSlotRange(5461, 16383), Set.of("b:1", "b:2")));
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicInteger changes = new AtomicInteger();
        try (ClusterShards shards = new ClusterShards(deadline -> {
            if (failure.get() != null) {
                throw failure.get();
            }
            return map.get();
        }, DEADLINE, NEVER, "test")) {
            shards.addListener(changes::incrementAndGet);
            String tag = shards.channelTag("slots-5461");

            // The master of 0-5460 died and its replica took over: same shard, same id, same tag.
            map.set(Map.of(new ClusterSlotRange(0, 5460), Set.of("a:2"),
                    new ClusterSlotRange(5461, 16383), Set.of("b:1", "b:2")));
            assertThat(shards.refresh()).isFalse();
            assertThat(changes).hasValue(0);
            assertThat(shards.shards()).containsExactlyInAnyOrder("slots-0", "slots-5461");

            failure.set(new IllegalStateException("CLUSTERDOWN"));
            assertThatThrownBy(shards::refresh).isInstanceOf(CacheUnavailableException.class);
            assertThat(shards.shardOfSlot(6000)).isEqualTo("slots-5461");
            assertThat(shards.channelTag("slots-5461")).isEqualTo(tag);

            // Slots moved: a third master takes 10000-16383.
            failure.set(null);
            map.set(Map.of(new ClusterSlotRange(0, 5460), Set.of("a:2"),
                    new ClusterSlotRange(5461, 9999), Set.of("b:1", "b:2"),
                    new ClusterSlotRange(10000, 16383), Set.of("c:1")));
            assertThat(shards.refresh()).isTrue();
            assertThat(changes).hasValue(1);
            assertThat(shards.shards()).containsExactlyInAnyOrder("slots-0", "slots-5461", "slots-10000");
            assertThat(shards.shardOfSlot(12000)).isEqualTo("slots-10000");
        }
    }

    @Test
    void uncoveredSlotsKeepTheirShardOrTakeTheOneBelow() {
        AtomicReference<Map<ClusterSlotRange, Set<String>>> map = new AtomicReference<>(Map.of(
                new ClusterSlotRange(0, 8000), Set.of("a:1"),
                new ClusterSlotRange(8001, 16383), Set.of("b:1")));
        try (ClusterShards shards = new ClusterShards(deadline -> map.get(), DEADLINE, NEVER, "test")) {
            map.set(Map.of(new ClusterSlotRange(0, 8000), Set.of("a:1"),
                    new ClusterSlotRange(8001, 9000), Set.of("b:1")));
            shards.refresh();
            assertThat(shards.shardOfSlot(12000)).isEqualTo("slots-8001");
            assertThat(shards.shards()).containsExactlyInAnyOrder("slots-0", "slots-8001");
        }
        try (ClusterShards shards = new ClusterShards(deadline -> Map.of(
                new ClusterSlotRange(100, 200), Set.of("a:1"),
                new ClusterSlotRange(300, 400), Set.of("b:1")), DEADLINE, NEVER, "test")) {
            assertThat(shards.shardOfSlot(0)).as("wraps around").isEqualTo("slots-300");
            assertThat(shards.shardOfSlot(250)).isEqualTo("slots-100");
        }
    }

    @Test
    void refreshesOnItsOwnAndStopsWhenClosed() {
        AtomicInteger reads = new AtomicInteger();
        ClusterShards shards = new ClusterShards(deadline -> {
            reads.incrementAndGet();
            return Map.of(new ClusterSlotRange(0, 16383), Set.of("a:1"));
        }, DEADLINE, Duration.ofMillis(20), "test");
        await().atMost(Duration.ofSeconds(5)).until(() -> reads.get() >= 3);
        shards.close();
        int after = reads.get();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> reads.get() <= after + 1);
        assertThat(shards.shards()).containsExactly("slots-0");
    }

    @Test
    void aPrefixedViewChecksKeysAndHashesThePrefix() {
        try (ClusterShards shards = new ClusterShards(deadline -> Map.of(
                new ClusterSlotRange(0, 8191), Set.of("a:1"),
                new ClusterSlotRange(8192, 16383), Set.of("b:1")), DEADLINE, NEVER, "test")) {
            Sharding view = shards.withPrefix("ns:");
            for (int i = 0; i < 50; i++) {
                assertThat(view.shardOf("k" + i)).isEqualTo(shards.shardOf("ns:k" + i));
            }
            assertThatThrownBy(() -> view.shardOf("")).isInstanceOf(InvalidInputException.class);
            assertThat(view.shards()).isEqualTo(shards.shards());
        }
    }

    @Test
    void agreesWithARealClusterOnSlotsAndShards() {
        RedisCluster cluster = redis.cluster();
        RedisConfig config = configFor(cluster);
        RedissonClient client = RedissonClients.connect(config);
        try (ClusterShards shards = new ClusterShards(client, config.timeout())) {
            RedisServer node = cluster.nodes().get(0);
            for (String key : List.of("foo", "bar", "chatcache:session:1", "{user1000}.following", "foo{}{bar}",
                    "foo{{bar}}zap", "ключ:ü", "a{b}c", "s0", "s1", "s17")) {
                assertThat(ClusterShards.slot(key)).as("slot of %s", key)
                        .isEqualTo(Integer.parseInt(node.cli("CLUSTER", "KEYSLOT", key).trim()));
            }
            assertThat(shards.shards()).hasSize(3);
            // Each shard is one master's: a key of that shard is answered by that master, not MOVED elsewhere.
            Set<String> seenOwners = new HashSet<>();
            Map<String, String> ownerOfShard = new HashMap<>();
            for (int i = 0; i < 60; i++) {
                String key = "k" + i;
                String shard = shards.shardOf(key);
                String owner = ownerOf(cluster, key);
                String before = ownerOfShard.putIfAbsent(shard, owner);
                assertThat(before == null ? owner : before).as("master of %s's shard %s", key, shard).isEqualTo(owner);
                seenOwners.add(owner);
            }
            assertThat(seenOwners).hasSize(3);
            for (String shard : shards.shards()) {
                assertThat(shards.shardOf("chan{" + shards.channelTag(shard) + "}")).isEqualTo(shard);
            }
            assertThat(shards.refresh()).as("nothing changed").isFalse();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void oneClientHasOneSharedInstanceUntilItsLastHandleIsClosed() {
        RedisCluster cluster = redis.cluster();
        RedisConfig config = configFor(cluster);
        RedissonClient client = RedissonClients.connect(config);
        int sharedBefore = ClusterShards.sharedCount();
        try {
            ClusterShards.Handle first = ClusterShards.acquire(client, config.timeout());
            ClusterShards.Handle second = ClusterShards.acquire(client, config.timeout());
            ClusterShards shards = first.shards();
            assertThat(second.shards()).isSameAs(shards);
            assertThat(ClusterShards.sharedCount()).isEqualTo(sharedBefore + 1);
            AtomicInteger heard = new AtomicInteger();
            Runnable removeListener = shards.addListener(heard::incrementAndGet);

            first.close();
            first.close(); // idempotent: must not give back the second handle's share
            assertThat(shards.refresh()).as("still open for the second handle").isFalse();
            assertThat(shards.addListener(() -> { })).isNotNull();
            assertThat(ClusterShards.sharedCount()).isEqualTo(sharedBefore + 1);
            removeListener.run();

            second.close();
            assertThat(ClusterShards.sharedCount()).isEqualTo(sharedBefore);
            try (ClusterShards.Handle third = ClusterShards.acquire(client, config.timeout())) {
                assertThat(third.shards()).as("a new instance once the last handle closed").isNotSameAs(shards);
            }
            assertThat(ClusterShards.sharedCount()).isEqualTo(sharedBefore);
            assertThat(heard).hasValue(0);
        } finally {
            client.shutdown();
        }
        assertThatThrownBy(() -> ClusterShards.acquire(client, config.timeout()))
                .isInstanceOf(RuntimeException.class);
        assertThat(ClusterShards.sharedCount()).as("a failed acquisition leaves nothing behind")
                .isEqualTo(sharedBefore);
    }

    /** The port of the master that serves {@code key}'s slot, by asking every node. */
    private static String ownerOf(RedisCluster cluster, String key) {
        int slot = ClusterShards.slot(key);
        for (RedisServer node : cluster.nodes()) {
            if (ownsSlot(node, slot)) {
                return String.valueOf(node.port());
            }
        }
        throw new AssertionError("no node owns slot " + slot);
    }

    private static boolean ownsSlot(RedisServer node, int slot) {
        for (String line : node.cli("CLUSTER", "NODES").lines().toList()) {
            if (!line.contains("myself")) {
                continue;
            }
            String[] fields = line.split(" ");
            for (int i = 8; i < fields.length; i++) {
                if (fields[i].startsWith("[")) {
                    continue;
                }
                String[] bounds = fields[i].split("-");
                int from = Integer.parseInt(bounds[0]);
                int to = bounds.length > 1 ? Integer.parseInt(bounds[1]) : from;
                if (slot >= from && slot <= to) {
                    return true;
                }
            }
        }
        return false;
    }
}

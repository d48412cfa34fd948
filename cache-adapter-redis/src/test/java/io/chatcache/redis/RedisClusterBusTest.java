package io.chatcache.redis;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.Sharding;
import io.chatcache.redis.internal.ClusterShards;
import io.chatcache.testkit.redis.ClusterOptions;
import io.chatcache.testkit.redis.RedisCluster;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The invalidation bus in a Redis Cluster with replicas: one channel per shard, a key's invalidation on its
 * shard's channel, the other kinds on every shard's, sequences per shard, and a failed master that stops
 * only its own shard's channel. The last test kills a master, so the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterBusTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        // Without full coverage, a dead master's slots fail alone (as in production set-ups that isolate
        // shards); with it Redis itself answers CLUSTERDOWN for every shard until the promotion.
        cluster = redis.startCluster(ClusterOptions.builder().masters(3).replicasPerMaster(1)
                .nodeTimeout(Duration.ofMillis(1000)).extraArgs("--cluster-require-full-coverage", "no").build());
    }

    private static RedisInvalidationBus bus(String namespace, String instanceId) {
        return RedisInvalidationBus.builder().config(RedisTestSupport.configFor(cluster).namespace(namespace).build())
                .instanceId(instanceId).build();
    }

    /** Records what a bus delivers; shard and bus events apart. */
    private static final class Recorder implements InvalidationListener {
        final List<Invalidation> heard = new CopyOnWriteArrayList<>();
        final List<String> shardEvents = new CopyOnWriteArrayList<>();
        final List<BusEvent> busEvents = new CopyOnWriteArrayList<>();

        @Override
        public void onInvalidation(Invalidation invalidation) {
            heard.add(invalidation);
        }

        @Override
        public void onBusEvent(BusEvent event) {
            busEvents.add(event);
        }

        @Override
        public void onShardEvent(String shard, BusEvent event) {
            shardEvents.add(shard + " " + event);
        }

        /** A recorder subscribed to {@code bus}. */
        static Recorder on(RedisInvalidationBus bus) {
            Recorder recorder = new Recorder();
            bus.subscribe(recorder);
            return recorder;
        }

        List<Invalidation> from(String origin) {
            return heard.stream().filter(one -> one.isFrom(origin)).toList();
        }
    }

    private static Sharding sharding(RedisInvalidationBus bus) {
        return bus.capability(Sharding.class).orElseThrow();
    }

    /** The first of {@code prefix + 0}, {@code prefix + 1}, ... below {@code bound} that {@code wanted} accepts. */
    private static String firstKey(String prefix, int bound, Predicate<String> wanted) {
        return IntStream.range(0, bound).mapToObj(i -> prefix + i).filter(wanted).findFirst().orElseThrow();
    }

    /** Moves {@code slot} from {@code source} to {@code target} the way a resharding tool does, without keys. */
    private static void moveSlot(int slot, RedisServer source, RedisServer target) {
        target.cli("CLUSTER", "SETSLOT", String.valueOf(slot), "IMPORTING", cluster.nodeId(source));
        source.cli("CLUSTER", "SETSLOT", String.valueOf(slot), "MIGRATING", cluster.nodeId(target));
        for (RedisServer master : List.of(target, source)) {
            master.cli("CLUSTER", "SETSLOT", String.valueOf(slot), "NODE", cluster.nodeId(target));
        }
    }

    /** The namespace's shard channels that {@code master} has subscribers on. */
    private static List<String> channelsOn(RedisServer master, String namespace) {
        return master.cli("PUBSUB", "SHARDCHANNELS", namespace + ":invalidations*").lines().toList();
    }

    @Test
    @Order(1)
    void aKeysInvalidationTravelsOnItsShardsChannelNumberedPerShard() {
        String namespace = RedisTestSupport.uniqueNamespace("cbus-key");
        try (RedisInvalidationBus a = bus(namespace, "a"); RedisInvalidationBus b = bus(namespace, "b")) {
            Recorder atB = Recorder.on(b);
            Set<String> shards = sharding(a).shards();
            assertThat(shards).hasSize(3).isEqualTo(sharding(b).shards());
            assertThat(a.channels()).hasSize(3).isEqualTo(b.channels())
                    .allSatisfy(name -> assertThat(name).startsWith(namespace + ":invalidations{s"));

            for (int i = 0; i < 30; i++) {
                Invalidation sent = a.publish(Invalidation.Kind.KEY, "user:" + i);
                assertThat(sent.shard()).isEqualTo(sharding(a).shardOf("user:" + i));
            }

            await("b to hear 30").atMost(Duration.ofSeconds(10)).until(() -> atB.from("a").size() == 30);
            for (Invalidation one : atB.from("a")) {
                assertThat(one.shard()).as("shard of %s", one.target()).isEqualTo(sharding(b).shardOf(one.target()));
                // The store of the same namespace puts the key on that shard's master.
                assertThat(ClusterShards.slot(namespace + ":" + one.target()))
                        .isEqualTo(cluster.slotOf(namespace + ":" + one.target()));
            }
            Map<String, List<Long>> sequences = atB.from("a").stream().collect(Collectors.groupingBy(
                    Invalidation::shard, LinkedHashMap::new, Collectors.mapping(Invalidation::sequence, Collectors.toList())));
            assertThat(sequences.keySet()).as("30 keys reach every shard").isEqualTo(shards);
            sequences.forEach((shard, seen) -> assertThat(seen).as("sequence on %s", shard)
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(1, seen.size()).boxed().toList()));

            // Each channel lives on its shard's master: the master of a key of that shard lists it.
            for (String shard : shards) {
                String key = firstKey("user:", 1000, k -> sharding(a).shardOf(k).equals(shard));
                RedisServer master = cluster.masterOf(namespace + ":" + key);
                assertThat(channelsOn(master, namespace)).as("channels on the master of %s", shard).hasSize(1)
                        .allSatisfy(name -> assertThat(sharding(a).shardOf(name.substring(namespace.length() + 1)))
                                .isEqualTo(shard));
            }
            assertThat(atB.busEvents).isEmpty();
            assertThat(atB.shardEvents).isEmpty();
        }
    }

    @Test
    @Order(2)
    void patternClearAndHeartbeatGoToEveryShardOnceEach() {
        String namespace = RedisTestSupport.uniqueNamespace("cbus-all");
        try (RedisInvalidationBus a = bus(namespace, "a"); RedisInvalidationBus b = bus(namespace, "b")) {
            Recorder atB = Recorder.on(b);
            Set<String> shards = sharding(a).shards();

            Invalidation pattern = a.publish(Invalidation.Kind.PATTERN, "room:*");
            Invalidation clear = a.publish(Invalidation.Kind.CLEAR, "");
            Invalidation heartbeat = a.publish(Invalidation.Kind.HEARTBEAT, "beat-1");

            assertThat(List.of(pattern.shard(), clear.shard(), heartbeat.shard())).allSatisfy(
                    shard -> assertThat(shards).contains(shard));
            await("b to hear 3 x 3").atMost(Duration.ofSeconds(10)).until(() -> atB.from("a").size() == 9);
            for (String shard : shards) {
                assertThat(atB.from("a").stream().filter(one -> one.shard().equals(shard)).toList()).as("on %s", shard)
                        .containsExactly(
                                new Invalidation("a", 1, Invalidation.Kind.PATTERN, "room:*", shard),
                                new Invalidation("a", 2, Invalidation.Kind.CLEAR, "", shard),
                                new Invalidation("a", 3, Invalidation.Kind.HEARTBEAT, "beat-1", shard));
            }
            assertThat(atB.from("a")).filteredOn(one -> one.covers("room:7")).hasSize(6);
        }
    }

    @Test
    @Order(3)
    void channelsFollowASlotThatMovesToAnotherMaster() {
        String namespace = RedisTestSupport.uniqueNamespace("cbus-move");
        try (RedisInvalidationBus a = bus(namespace, "a"); RedisInvalidationBus b = bus(namespace, "b")) {
            Recorder atA = Recorder.on(a);
            Recorder atB = Recorder.on(b);
            String movedKey = "{s0}room";
            int slot = cluster.slotOf(namespace + ":" + movedKey);
            String from = sharding(a).shardOf(movedKey);
            RedisServer source = cluster.masterOf(namespace + ":" + movedKey);
            RedisServer target = cluster.masters().stream().filter(node -> node != source).findFirst().orElseThrow();
            String stayingKey = firstKey("k", 1000, k -> cluster.masterOf(namespace + ":" + k) == target);

            moveSlot(slot, source, target);

            await("both buses to follow the move").atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                String to = sharding(a).shardOf(stayingKey);
                assertThat(sharding(a).shardOf(movedKey)).isEqualTo(to);
                assertThat(sharding(b).shardOf(movedKey)).isEqualTo(to);
                assertThat(a.channels()).hasSize(3).isEqualTo(b.channels());
                for (Recorder recorder : List.of(atA, atB)) {
                    for (String changed : List.of(from, to)) {
                        // Both shards' slots changed: messages for the moved key may have gone astray.
                        assertThat(recorder.shardEvents.stream().filter(event -> event.startsWith(changed + " ")))
                                .containsSubsequence(changed + " DISCONNECTED", changed + " RECONNECTED")
                                .endsWith(changed + " RECONNECTED");
                    }
                }
            });
            String to = sharding(a).shardOf(stayingKey);
            assertThat(to).isNotEqualTo(from);
            // Every channel lives on the master of its shard.
            for (RedisServer master : cluster.masters()) {
                assertThat(channelsOn(master, namespace)).as("channels on %s", master.address()).hasSize(1)
                        .allSatisfy(name -> assertThat(a.channels()).contains(name));
            }
            await("the moved key's invalidation to travel on its new shard").atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> {
                        Invalidation sent = a.publish(Invalidation.Kind.KEY, movedKey);
                        assertThat(sent.shard()).isEqualTo(to);
                        await().atMost(Duration.ofSeconds(1)).until(() -> atB.heard.contains(sent));
                    });
            a.publish(Invalidation.Kind.CLEAR, "");
            await("the CLEAR on every shard").atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(atB.from("a").stream().filter(one -> one.kind() == Invalidation.Kind.CLEAR)
                            .map(Invalidation::shard).toList())
                            .containsExactlyInAnyOrderElementsOf(sharding(b).shards()));
            for (Recorder recorder : List.of(atA, atB)) {
                assertThat(recorder.busEvents).isEmpty();
                assertThat(recorder.shardEvents).as("the third shard is not disturbed")
                        .allSatisfy(event -> assertThat(event).matches("(" + java.util.regex.Pattern.quote(from) + "|"
                                + java.util.regex.Pattern.quote(to) + ") .*"));
            }
        }
    }

    @Test
    @Order(4)
    void aShardWhoseLowestSlotMovesIsNeverSilentlyDeaf() {
        String namespace = RedisTestSupport.uniqueNamespace("cbus-lowest");
        try (RedisInvalidationBus a = bus(namespace, "a"); RedisInvalidationBus b = bus(namespace, "b")) {
            Recorder atB = Recorder.on(b);
            // The lowest slot of a shard names the shard and holds its channel: moving it renames two shards
            // and moves a subscribed channel's slot, after which Redis unsubscribes the channel's subscribers.
            RedisServer target = cluster.masters().get(cluster.masters().size() - 1);
            int slot = -1;
            RedisServer source = null;
            for (String shard : sharding(a).shards()) {
                int lowest = Integer.parseInt(shard.substring(ClusterShards.SHARD_ID_PREFIX.length()));
                String key = firstKey("k", 100_000, k -> ClusterShards.slot(k) == lowest);
                if (cluster.masterOf(key) != target) {
                    slot = lowest;
                    source = cluster.masterOf(key);
                    break;
                }
            }
            moveSlot(slot, source, target);

            // Every shard either delivers a's messages to b or is reported DISCONNECTED to b: an L1 may trust
            // a shard only while its channel delivers.
            int[] round = {0};
            Map<String, Boolean> delivers = new LinkedHashMap<>();
            await("every shard delivers or is reported").atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                String marker = "moved-" + round[0]++ + ":*";
                try {
                    a.publish(Invalidation.Kind.PATTERN, marker);
                } catch (CacheUnavailableException e) {
                    // Some shard's copy failed; the others were sent.
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                assertThat(a.channels()).hasSameSizeAs(sharding(a).shards());
                delivers.clear();
                for (String shard : sharding(b).shards()) {
                    boolean heard = atB.heard.stream().anyMatch(one -> one.shard().equals(shard)
                            && one.target().equals(marker));
                    List<String> events = atB.shardEvents.stream().filter(event -> event.startsWith(shard + " "))
                            .toList();
                    boolean reported = !events.isEmpty() && events.get(events.size() - 1).endsWith("DISCONNECTED");
                    assertThat(heard || reported).as("shard %s delivers or is reported DISCONNECTED", shard).isTrue();
                    assertThat(heard && reported).as("shard %s delivers but is reported DISCONNECTED", shard).isFalse();
                    delivers.put(shard, heard);
                }
            });
            System.out.println("lowest slot " + slot + " moved: shard delivers " + delivers + ", events at b "
                    + atB.shardEvents);
            assertThat(atB.busEvents).isEmpty();
        }
    }

    @Test
    @Order(5)
    void aKilledMasterStopsOnlyItsOwnShardsChannel() {
        masterFault(false);
    }

    @Test
    @Order(6)
    void aPausedMasterStopsOnlyItsOwnShardsChannel() {
        masterFault(true);
    }

    /** Kills (or SIGSTOPs) the master of a shard that has a replica, and follows both buses through it. */
    private static void masterFault(boolean pause) {
        String namespace = RedisTestSupport.uniqueNamespace(pause ? "cbus-pause" : "cbus-kill");
        try (RedisInvalidationBus a = bus(namespace, "a"); RedisInvalidationBus b = bus(namespace, "b")) {
            Recorder atA = Recorder.on(a);
            Recorder atB = Recorder.on(b);
            Set<String> shardsBefore = sharding(a).shards();
            String victimKey = firstKey("room:victim", 1000,
                    key -> !cluster.replicasOf(cluster.masterOf(namespace + ":" + key)).isEmpty());
            String lost = sharding(a).shardOf(victimKey);
            RedisServer victim = cluster.masterOf(namespace + ":" + victimKey);
            List<String> healthyKeys = new ArrayList<>();
            for (int i = 0; healthyKeys.size() < 20; i++) {
                if (!sharding(a).shardOf("room:" + i).equals(lost)) {
                    healthyKeys.add("room:" + i);
                }
            }

            if (pause) {
                victim.pause();
            } else {
                victim.kill();
            }
            long killedAt = System.nanoTime();
            // Asked at once, while the cluster still names the dead master's replica.
            java.util.concurrent.CompletableFuture<RedisServer> promoted =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> cluster.awaitFailover(victim));

            // A message for every shard reaches the healthy shards and fails for the lost one.
            assertThatThrownBy(() -> a.publish(Invalidation.Kind.CLEAR, ""))
                    .isInstanceOf(CacheUnavailableException.class).hasMessageContaining(lost);
            await("b to hear the CLEAR on the healthy shards").atMost(Duration.ofSeconds(5)).until(() ->
                    atB.from("a").stream().filter(one -> one.kind() == Invalidation.Kind.CLEAR).count() == 2);
            assertThat(atB.from("a")).extracting(Invalidation::shard).doesNotContain(lost);

            // Keys of the other shards keep flowing both ways while the lost shard is down and failed over.
            List<Invalidation> fromA = new ArrayList<>();
            List<Invalidation> fromB = new ArrayList<>();
            int round = 0;
            while (System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(3)) {
                String key = healthyKeys.get(round++ % healthyKeys.size());
                fromA.add(a.publish(Invalidation.Kind.KEY, key));
                fromB.add(b.publish(Invalidation.Kind.KEY, key));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            await("both to hear every healthy key").atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
                assertThat(atB.heard).containsAll(fromA);
                assertThat(atA.heard).containsAll(fromB);
            });
            await("both to hear the lost shard's DISCONNECTED").atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(atA.shardEvents).contains(lost + " DISCONNECTED");
                assertThat(atB.shardEvents).contains(lost + " DISCONNECTED");
            });

            assertThat(promoted.join()).isNotEqualTo(victim);
            long promotedAt = System.nanoTime();
            await("both to hear the lost shard's RECONNECTED").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(atA.shardEvents).endsWith(lost + " RECONNECTED");
                assertThat(atB.shardEvents).endsWith(lost + " RECONNECTED");
            });
            System.out.printf((pause ? "pause" : "kill") + ": promotion %d ms after the fault, RECONNECTED on both %d ms"
                    + " after the fault%n",
                    TimeUnit.NANOSECONDS.toMillis(promotedAt - killedAt),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
            await("the promoted master to carry the shard's keys").atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Invalidation sent = a.publish(Invalidation.Kind.KEY, victimKey);
                await().atMost(Duration.ofSeconds(1)).until(() -> atB.heard.contains(sent));
            });

            for (Recorder recorder : List.of(atA, atB)) {
                assertThat(recorder.busEvents).as("whole-bus events").isEmpty();
                assertThat(recorder.shardEvents).as("shard events").allSatisfy(event -> assertThat(event).startsWith(lost + " "));
            }
            assertThat(sharding(a).shards()).as("a promoted replica keeps the shard's id").isEqualTo(shardsBefore);
            assertThat(sharding(b).shardOf(victimKey)).isEqualTo(lost);
        } finally {
            if (pause) {
                cluster.nodes().stream().filter(RedisServer::isRunning).forEach(RedisServer::resume);
            }
        }
    }
}

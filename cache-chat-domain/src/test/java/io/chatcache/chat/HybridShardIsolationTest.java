package io.chatcache.chat;

import static io.chatcache.chat.FakeHybrid.EVENTUALLY;
import static io.chatcache.chat.FakeHybrid.HEARTBEAT;
import static io.chatcache.chat.FakeHybrid.NO_BACKGROUND_PROBE;
import static io.chatcache.chat.FakeHybrid.OPEN;
import static io.chatcache.chat.FakeHybrid.PROBE;
import static io.chatcache.chat.FakeHybrid.THRESHOLD;
import static io.chatcache.chat.FakeHybrid.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.KeyPattern;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault isolation per shard in the hybrid store, on test doubles of a sharded L2 and a sharded bus
 * ({@link ShardedFakes}: shards a, b and c, a key "b:..." on shard b): a failed shard falls back alone, its
 * journal replays when it answers (on the store's background thread), a shard's bus trouble makes only its keys
 * suspect; with isolation off, the single breaker of old.
 */
class HybridShardIsolationTest {

    private static final ValueType<String> STRING = ValueType.of(String.class);

    private final AtomicLong clock = new AtomicLong();
    private final ShardedFakes.Store l2 = new ShardedFakes.Store(clock);
    private final ShardedFakes.Bus bus = new ShardedFakes.Bus(l2);
    @RegisterExtension
    final Closer closer = new Closer();

    private final class Instance {
        final FakeStore l1 = new FakeStore(clock);
        final HybridCacheStore store;

        Instance(String id) {
            this(id, NO_BACKGROUND_PROBE, true);
        }

        Instance(String id, Duration probeInterval, boolean isolate) {
            store = closer.add(FakeHybrid.builder(l1, probeInterval, clock)
                    .l2(l2)
                    .bus(bus.join(id))
                    .isolateShards(isolate)
                    .build());
        }
    }

    /** {@code writer} writes "s:k" = "s1" for each shard s of {@code shards}; then {@code reader} copies them to L1. */
    private static void writeAndCopy(Instance writer, Instance reader, String... shards) {
        for (String shard : shards) {
            writer.store.put(shard + ":k", shard + "1", TTL);
        }
        for (String shard : shards) {
            reader.store.get(shard + ":k", String.class);
        }
    }

    /**
     * An instance with the background probe that wrote {@code before} to "{shard}:k", then saw {@code shard} go down
     * until its breaker opened, and wrote {@code journaled} there (to L1 and its journal).
     */
    private Instance probingWithShardOpen(String shard, String before, String journaled) {
        Instance one = new Instance("one", PROBE, true);
        one.store.put(shard + ":k", before, TTL);
        l2.setDown(shard, true);
        failUntilOpen(one.store, shard);
        one.store.put(shard + ":k", journaled, TTL);
        return one;
    }

    private static void failUntilOpen(HybridCacheStore store, String shard) {
        for (int i = 0; i < THRESHOLD; i++) {
            store.get(shard + ":probe" + i, String.class);
        }
    }

    @Test
    void aFailedShardOpensOnlyItsBreakerAndWritesToTheOthersKeepReachingL2() {
        Instance one = new Instance("one");
        l2.setDown("b", true);

        failUntilOpen(one.store, "b");
        one.store.put("a:k", "a1", TTL);
        one.store.put("b:k", "b1", TTL);
        one.store.put("c:k", "c1", TTL);

        assertThat(one.store.l2Breakers()).containsExactly(Map.entry("a", L2Counters.Breaker.CLOSED),
                Map.entry("b", L2Counters.Breaker.OPEN), Map.entry("c", L2Counters.Breaker.CLOSED));
        L2Counters counters = one.store.l2Counters();
        assertThat(counters.breaker()).as("the worst shard's").isEqualTo(L2Counters.Breaker.OPEN);
        assertThat(counters.shards()).isEqualTo(3);
        assertThat(counters.openShards()).isEqualTo(1);
        assertThat(one.store.isL2Available()).as("not every shard is in use").isFalse();
        assertThat(l2.peek("a:k")).contains("a1");
        assertThat(l2.peek("c:k")).contains("c1");
        assertThat(l2.peek("b:k")).isEmpty();
        assertThat(one.store.get("b:k", String.class)).as("from L1 while b is down").contains("b1");
        // The three failures and the write that went without b (the read was an L1 hit).
        assertThat(one.store.l2Failures()).isEqualTo(THRESHOLD + 1);

        l2.setDown("b", false);
        clock.addAndGet(OPEN.toNanos());
        one.store.get("b:anything", String.class);
        Awaitility.await("b's journal replayed").atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(l2.deleters("b")).isNotEmpty());
        assertThat(l2.deleters("a")).as("nothing journaled for a").isEmpty();
        assertThat(l2.deleters("c")).as("nothing journaled for c").isEmpty();
        assertThat(l2.peek("a:k")).contains("a1");
    }

    @Test
    void aShardsJournalReplaysWhenThatShardAnswersOnTheBackgroundThreadNeverOnAnotherShardsCall() {
        Instance one = new Instance("one");
        Instance two = new Instance("two");
        one.store.put("b:k", "old", TTL);
        assertThat(two.store.get("b:k", String.class)).contains("old");
        l2.setDown("b", true);
        // One failure, below the threshold: the breaker stays closed, the write goes to L1 and is journaled.
        one.store.put("b:k", "new", TTL);
        assertThat(one.store.l2Breakers().get("b")).isEqualTo(L2Counters.Breaker.CLOSED);
        l2.setDown("b", false);

        for (int i = 0; i < 10; i++) {
            one.store.put("a:w" + i, "v", TTL);
            one.store.get("c:r" + i, String.class);
        }

        assertThat(l2.deleters("b")).as("calls on shards a and c never replay b's journal").isEmpty();
        assertThat(l2.peek("b:k")).contains("old");

        one.store.get("b:other", String.class);

        Awaitility.await("b's journal replayed").atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(l2.peek("b:k")).isEmpty());
        assertThat(l2.deleters("b")).as("on the store's background thread, not the caller's")
                .isNotEmpty().allMatch(name -> name.equals("chat-cache-background"));
        Awaitility.await("the other instance heard of it").atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(two.l1.peek("b:k")).isEmpty());
    }

    @Test
    void theBackgroundProbeFindsAFailedShardBackWithAKeyOfThatShardAndReplaysItsJournalOnly() {
        Instance one = probingWithShardOpen("b", "old", "new");
        long bCalls = l2.shard("b").calls();
        Awaitility.await("probes of shard b").atMost(EVENTUALLY).until(() -> l2.shard("b").calls() > bCalls + 3);
        assertThat(one.store.l2Breakers().get("b")).isEqualTo(L2Counters.Breaker.OPEN);

        l2.setDown("b", false);

        Awaitility.await("the probe to find b back and replay its journal").atMost(EVENTUALLY).untilAsserted(() -> {
            assertThat(one.store.l2Breakers().get("b")).isEqualTo(L2Counters.Breaker.CLOSED);
            assertThat(l2.peek("b:k")).isEmpty();
        });
        assertThat(l2.deleters("a")).isEmpty();
        assertThat(l2.deleters("c")).isEmpty();
        assertThat(one.store.isL2Available()).isTrue();
    }

    @Test
    void anL2FailureOnAShardMakesOnlyItsKeysSuspectAndItsL1CopiesAreDroppedAlone() {
        Instance one = new Instance("one");
        one.store.put("a:k", "a1", TTL);
        one.store.put("b:k", "b1", TTL);
        assertThat(one.l1.peek("a:k")).contains("a1");
        assertThat(one.l1.peek("b:k")).contains("b1");
        long aCalls = l2.shard("a").calls();

        l2.setDown("b", true);
        one.store.get("b:x", String.class);

        assertThat(one.store.isL1Coherent("b:k")).isFalse();
        assertThat(one.store.isL1Coherent("a:k")).isTrue();
        assertThat(one.store.get("a:k", String.class)).contains("a1");
        assertThat(l2.shard("a").calls()).as("a:k served from L1").isEqualTo(aCalls);

        l2.setDown("b", false);
        long bCalls = l2.shard("b").calls();
        assertThat(one.store.get("b:k", String.class)).contains("b1");
        assertThat(l2.shard("b").calls()).as("b:k read from L2 while suspect").isGreaterThan(bCalls);
        Awaitility.await("b's keys proven by a heartbeat back on b's channel").atMost(EVENTUALLY)
                .until(() -> one.store.isL1Coherent("b:k"));
        assertThat(one.l1.peek("b:k")).as("b's copies dropped").isEmpty();
        assertThat(one.l1.peek("a:k")).as("a's copies kept").contains("a1");
        assertThat(one.store.l2Counters().l1Drops()).isZero();
        assertThat(one.store.l2Counters().l1ShardDrops()).isPositive();
    }

    @Test
    void aShardsBusDisconnectMakesOnlyItsKeysSuspect() {
        Instance one = new Instance("one");
        Instance two = new Instance("two");
        writeAndCopy(one, two, "a", "b");

        bus.disconnect("b");
        one.store.put("b:k", "b2", TTL);
        one.store.put("a:k", "a2", TTL);

        assertThat(two.store.isL1Coherent("b:k")).isFalse();
        assertThat(two.store.get("b:k", String.class)).as("read from L2, not the stale copy").contains("b2");
        assertThat(two.store.isL1Coherent("a:k")).isTrue();
        assertThat(two.store.get("a:k", String.class)).as("a's invalidation came through").contains("a2");
        long aCalls = l2.shard("a").calls();
        assertThat(two.store.get("a:k", String.class)).contains("a2");
        assertThat(l2.shard("a").calls()).as("a's keys still served from L1").isEqualTo(aCalls);

        bus.reconnect("b");
        Awaitility.await("b's channel proven again").atMost(EVENTUALLY).until(() -> two.store.isL1Coherent("b:k"));
        assertThat(two.store.get("b:k", String.class)).contains("b2");
        assertThat(two.store.isL1Coherent()).isTrue();
    }

    @Test
    void ownHeartbeatsNotComingBackOnAShardsChannelMakeOnlyThatShardSuspect() {
        Instance one = new Instance("one");
        long suspicions = one.store.coherenceSuspicions();
        // A channel that silently stops delivering: no event, only the heartbeats tell.
        bus.dropNextEverything("c");

        Awaitility.await("c suspect").atMost(EVENTUALLY).until(() -> !one.store.isL1Coherent("c:k"));
        assertThat(one.store.isL1Coherent("a:k")).isTrue();
        assertThat(one.store.isL1Coherent("b:k")).isTrue();
        assertThat(one.store.coherenceSuspicions()).isEqualTo(suspicions + 1);

        bus.stopDroppingEverything("c");
        Awaitility.await("c proven again").atMost(EVENTUALLY).until(() -> one.store.isL1Coherent("c:k"));
    }

    @Test
    void sequencesAreTrackedPerShardAndAGapOnOneShardDropsOnlyItsCopies() {
        Instance one = new Instance("one");
        Instance two = new Instance("two");
        writeAndCopy(one, two, "a", "c");
        long suspicions = two.store.coherenceSuspicions();
        // Messages on every shard: each shard's channel numbers one's messages from 1, so no gap anywhere.
        for (int i = 0; i < 5; i++) {
            one.store.put("a:w" + i, "v", TTL);
            one.store.put("b:w" + i, "v", TTL);
            one.store.put("c:w" + i, "v", TTL);
        }
        one.store.deleteMatching(KeyPattern.glob("nothing:*"));
        Awaitility.await().pollDelay(HEARTBEAT.multipliedBy(3)).atMost(EVENTUALLY).until(() -> true);
        assertThat(two.store.coherenceSuspicions()).as("no gap seen").isEqualTo(suspicions);

        bus.dropNext("c", 1);
        one.store.put("c:lost", "x", TTL);
        one.store.put("c:next", "x", TTL);

        Awaitility.await("the gap on c noticed and c's copies dropped").atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(two.l1.peek("c:k")).isEmpty());
        assertThat(two.l1.peek("a:k")).as("a's copies kept").contains("a1");
        assertThat(two.store.isL1Coherent("a:k")).isTrue();
    }

    @Test
    void bulkCallsAreGroupedByShardAndAFailedGroupFallsBackAlone() {
        Instance one = new Instance("one");
        l2.setDown("b", true);
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("a:1", "a");
        entries.put("b:1", "b");
        entries.put("c:1", "c");

        one.store.putAll(entries, TTL);

        assertThat(l2.peek("a:1")).contains("a");
        assertThat(l2.peek("c:1")).contains("c");
        assertThat(l2.peek("b:1")).isEmpty();
        assertThat(one.store.getAll(List.of("a:1", "b:1", "c:1"), STRING))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a:1", "a", "b:1", "b", "c:1", "c"));
        assertThat(one.store.l2Breakers().get("a")).isEqualTo(L2Counters.Breaker.CLOSED);
    }

    @Test
    void aPatternDeleteThatFailsIsJournaledForEveryShardAndAppliedOnceEveryShardIsBack() {
        Instance one = new Instance("one", PROBE, true);
        l2.put("c:1", "c", TTL);
        l2.setDown("b", true);
        failUntilOpen(one.store, "b");

        one.store.deleteMatching(KeyPattern.glob("c:*"));

        assertThat(l2.peek("c:1")).as("the scan failed at shard b before c").contains("c");
        one.store.get("c:other", String.class);
        Awaitility.await().pollDelay(PROBE.multipliedBy(5)).atMost(EVENTUALLY).until(() -> true);
        assertThat(l2.peek("c:1")).as("not applied while b is down").contains("c");
        assertThat(one.store.l2Breakers().get("c")).as("the failed scan opens no shard's breaker")
                .isEqualTo(L2Counters.Breaker.CLOSED);

        l2.setDown("b", false);

        Awaitility.await("the pattern applied once b is back").atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(l2.peek("c:1")).isEmpty());
    }

    @Test
    void whileNothingIsSuspectAnL1HitAsksForNoShard() {
        Instance one = new Instance("one");
        one.store.put("a:k", "a1", TTL);
        long lookups = l2.topology.lookups();

        for (int i = 0; i < 100; i++) {
            assertThat(one.store.get("a:k", String.class)).contains("a1");
        }

        assertThat(l2.topology.lookups()).as("shard lookups for 100 L1 hits").isEqualTo(lookups);
    }

    @Test
    void aVanishedShardsStateIsDiscardedAndItsJournalAppliedOnTheShardThatNowHoldsItsKeys() {
        Instance one = probingWithShardOpen("c", "c1", "c2");
        assertThat(one.store.l2Breakers()).containsKey("c");
        // Resharding: c's keys (with the value from before the failed write) move to shard a, and c goes.
        l2.shard("a").put("c:k", "c1", TTL);
        l2.topology.reshard("c", "a");

        Awaitility.await("c's journal applied on a").atMost(EVENTUALLY)
                .untilAsserted(() -> assertThat(l2.shard("a").peek("c:k")).isEmpty());
        assertThat(l2.deleters("a")).isNotEmpty();
        assertThat(one.store.l2Breakers()).containsOnlyKeys("a", "b");
        assertThat(one.store.l2Counters().openShards()).isZero();
        assertThat(one.store.isL2Available()).isTrue();
        Awaitility.await("the vanished shard's suspicion forgotten").atMost(EVENTUALLY)
                .until(() -> one.store.isL1Coherent());
    }

    @Test
    void withIsolationOffOneFailedShardOpensTheOneBreakerForEveryKey() {
        Instance one = new Instance("one", NO_BACKGROUND_PROBE, false);
        l2.setDown("b", true);

        failUntilOpen(one.store, "b");
        one.store.put("a:k", "a1", TTL);

        assertThat(one.store.l2Breakers()).containsExactly(Map.entry("", L2Counters.Breaker.OPEN));
        assertThat(one.store.l2Counters().shards()).isEqualTo(1);
        assertThat(l2.peek("a:k")).as("a healthy shard's write went to L1 only").isEmpty();
        assertThat(one.store.get("a:k", String.class)).contains("a1");
    }
}

package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.PublishingStore;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coherence of hybrid instances that share one real Redis server (from the harness): each instance has
 * its own memory L1 and its own Redis connections, as separate application instances would.
 */
class HybridCacheStoreRedisTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static final Duration TTL = Duration.ofMinutes(10);
    /** Long, so that only an invalidation can drop an L1 copy within a test. */
    private static final Duration CEILING = Duration.ofMinutes(10);

    @RegisterExtension
    final Closer closer = new Closer();
    private String namespace;

    @BeforeEach
    void namespace() {
        namespace = RedisL2.uniqueNamespace("hybrid-coherence");
    }

    /** One application instance on this test's namespace, with the long {@link #CEILING}. */
    private final class Instance extends RedisHybridInstance {
        Instance(String id) {
            this(id, redis.single());
        }

        Instance(String id, RedisServer server) {
            super(closer, server, namespace, id, CEILING);
        }
    }

    private static ConditionFactory within() {
        return RedisHybridInstance.within();
    }

    /**
     * Lets B hear {@code count} messages of A's before B reads: a message that arrives while B reads
     * rightly keeps B from copying what it read into L1.
     */
    private static void awaitMessages(List<Invalidation> reachedB, int count) {
        within().until(() -> reachedB.size() >= count);
    }

    @Test
    void aPutSendsItsWriteAndMessageInOneBatchAndStillWritesWhenTheBusWasClosed() {
        Instance a = new Instance("a");
        Instance b = new Instance("b");
        List<Invalidation> reachedB = b.watchBus();
        assertThat(((PublishingStore) a.l2.store()).publishesOn(a.l2.bus())).as("store and bus share a client on one server").isTrue();

        a.store.put("k", "v1", TTL);

        within().untilAsserted(() -> assertThat(reachedB).extracting(Invalidation::target).containsExactly("k"));
        assertThat(b.store.get("k", String.class)).contains("v1");

        a.l2.bus().close();
        assertThatCode(() -> a.store.put("k", "v2", TTL)).doesNotThrowAnyException();

        assertThat(a.l2.store().get("k", String.class)).as("the write reached Redis").contains("v2");
        assertThat(a.store.stats().errors()).as("the publish that a closed bus refused").isEqualTo(1);
    }

    @Test
    void writeOnOneInstanceIsGoneFromTheOthersL1WithinBoundedTime() {
        Instance a = new Instance("a");
        Instance b = new Instance("b");
        List<Invalidation> reachedB = b.watchBus();
        a.store.put("session:1", "v1", TTL);
        awaitMessages(reachedB, 1);
        assertThat(b.store.get("session:1", String.class)).contains("v1");
        assertThat(b.holdsInL1("session:1")).isTrue();

        a.store.put("session:1", "v2", TTL);

        within().until(() -> !b.holdsInL1("session:1"));
        assertThat(b.store.get("session:1", String.class)).contains("v2");
    }

    @Test
    void deleteOnOneInstanceIsGoneFromTheOthersL1WithinBoundedTime() {
        Instance a = new Instance("a");
        Instance b = new Instance("b");
        List<Invalidation> reachedB = b.watchBus();
        a.store.put("session:1", "v1", TTL);
        awaitMessages(reachedB, 1);
        b.store.get("session:1", String.class);
        assertThat(b.holdsInL1("session:1")).isTrue();

        a.store.delete("session:1");

        within().until(() -> !b.holdsInL1("session:1"));
        assertThat(b.store.get("session:1", String.class)).isEmpty();
    }

    @Test
    void patternAndClearOnOneInstanceAreGoneFromTheOthersL1WithinBoundedTime() {
        Instance a = new Instance("a");
        Instance b = new Instance("b");
        List<Invalidation> reachedB = b.watchBus();
        a.store.putAll(Map.of("user:1", "u1", "user:2", "u2", "session:1", "s1"), TTL);
        awaitMessages(reachedB, 3);
        List.of("user:1", "user:2", "session:1").forEach(key -> b.store.get(key, String.class));
        assertThat(List.of("user:1", "user:2", "session:1")).allMatch(b::holdsInL1);

        a.store.deleteMatching(KeyPattern.glob("user:*"));

        within().until(() -> !b.holdsInL1("user:1") && !b.holdsInL1("user:2"));
        assertThat(b.holdsInL1("session:1")).isTrue();
        assertThat(b.store.get("user:1", String.class)).isEmpty();

        a.store.clear();

        within().until(() -> !b.holdsInL1("session:1"));
        assertThat(b.store.get("session:1", String.class)).isEmpty();
    }

    @Test
    void aPatternThatRedisMatchesByteWiseLeavesNoL1CopyOfWhatRedisDeleted() {
        Instance a = new Instance("a");
        Instance b = new Instance("b");
        List<Invalidation> reachedB = b.watchBus();
        // "\u00e9" is two bytes in UTF-8: Redis's "?" matches one byte, so "user:??" matches "user:\u00e9".
        a.store.put("user:\u00e9", "v", TTL);
        awaitMessages(reachedB, 1);
        b.store.get("user:\u00e9", String.class);
        assertThat(a.holdsInL1("user:\u00e9")).isTrue();
        assertThat(b.holdsInL1("user:\u00e9")).isTrue();

        assertThat(a.store.deleteMatching(KeyPattern.glob("user:??"))).as("Redis deleted it").isEqualTo(1);

        assertThat(a.store.get("user:\u00e9", String.class)).isEmpty();
        awaitMessages(reachedB, 2);
        assertThat(b.store.get("user:\u00e9", String.class)).isEmpty();
    }

    /**
     * B reads v1 from Redis and is held before it fills L1; meanwhile A writes v2 and B handles A's
     * invalidation (for a key B's L1 does not hold yet). Then B fills.
     */
    private Optional<String> raceAFillAgainstAWrite(Instance a, Instance b) throws Exception {
        Optional<String> racingRead = b.readRacingAWriteBy(a, store -> store.get("session:1", String.class), TTL);
        assertThat(racingRead).as("the read that raced the write").contains("v1");
        return b.store.get("session:1", String.class);
    }

    @Test
    void readThatRacesAnotherInstancesWriteDoesNotLeaveTheOldValueInL1() throws Exception {
        Instance a = new Instance("a");
        Instance b = new Instance("b");

        assertThat(raceAFillAgainstAWrite(a, b)).contains("v2");
    }

    @Test
    void withoutTheFillGuardTheSameRaceServesTheOldValue() throws Exception {
        Instance a = new Instance("a");
        Instance b = new Instance("b");
        b.store.setFillGuardEnabled(false);

        assertThat(raceAFillAgainstAWrite(a, b)).as("proves the race test detects a stale fill").contains("v1");
    }

    @Test
    void aGapInAPublishersSequenceOnTheRedisChannelDropsL1() {
        RedisServer server = redis.single();
        Instance b = new Instance("b");
        List<Invalidation> reachedB = b.watchBus();
        b.store.put("session:1", "v", TTL);
        String channel = b.l2.bus().channel();
        assertThat(b.holdsInL1("session:1")).isTrue();

        server.cli("PUBLISH", channel, "{\"origin\":\"ghost\",\"seq\":1,\"kind\":\"KEY\",\"target\":\"unrelated\"}");
        within().until(() -> reachedB.size() == 1);
        assertThat(b.holdsInL1("session:1")).as("no gap yet").isTrue();

        server.cli("PUBLISH", channel, "{\"origin\":\"ghost\",\"seq\":3,\"kind\":\"KEY\",\"target\":\"unrelated\"}");

        within().until(() -> reachedB.size() == 2);
        // Message 2 was lost: once the reorder grace is over without it, L1 is suspended, and dropped when
        // b's own heartbeat has come back through the bus.
        Awaitility.await("L1 dropped").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> !b.holdsInL1("session:1") && b.store.isL1Coherent());
        assertThat(b.store.get("session:1", String.class)).contains("v");
    }

    @Test
    void aBusReconnectDropsL1() {
        RedisServer server = redis.startSingle();
        Instance b = new Instance("b", server);
        List<InvalidationListener.BusEvent> events = new CopyOnWriteArrayList<>();
        closer.add(b.l2.bus().subscribe(new InvalidationListener() {
            @Override
            public void onInvalidation(Invalidation invalidation) {
            }

            @Override
            public void onBusEvent(BusEvent event) {
                events.add(event);
            }
        }));
        b.store.put("session:1", "v", TTL);
        assertThat(b.holdsInL1("session:1")).isTrue();

        server.cli("CLIENT", "KILL", "TYPE", "pubsub");

        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> events.contains(InvalidationListener.BusEvent.RECONNECTED));
        // Suspended at once; dropped when b's own heartbeat has come back through the new subscription.
        Awaitility.await("L1 dropped and trusted again").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !b.holdsInL1("session:1") && b.store.isL1Coherent());
        assertThat(b.store.get("session:1", String.class)).contains("v");
        assertThat(b.holdsInL1("session:1")).as("filled again once reconnected").isTrue();
    }

    @Test
    void fillingL1AfterAnL2HitSendsNoMessage() {
        Instance a = new Instance("a");
        Instance observer = new Instance("observer");
        List<Invalidation> onTheBus = observer.watchBus();
        try (RedisL2 otherClient = RedisL2.ownClient(redis.single(), namespace, "other")) {
            otherClient.store().put("written-elsewhere", "v", TTL);
        }

        assertThat(a.store.get("written-elsewhere", String.class)).contains("v");
        assertThat(a.holdsInL1("written-elsewhere")).isTrue();
        a.store.put("marker", "m", TTL);

        // Messages from one publisher arrive in order: had the fill published, it would come first.
        within().until(() -> !onTheBus.isEmpty());
        // (Heartbeats take sequence numbers too, so the marker's number says nothing; the list has no
        // heartbeats.)
        assertThat(onTheBus).singleElement().satisfies(message -> {
            assertThat(message.origin()).isEqualTo("a");
            assertThat(message.target()).isEqualTo("marker");
        });
    }
}

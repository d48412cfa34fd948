package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStore;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.chatcache.testkit.redis.RedisServers;

/**
 * The hybrid's {@code getAll} copies L2 hits into L1 with their remaining TTLs, under the rules of a single
 * read: no longer than the L2 entry lives nor than the L1 TTL ceiling, and not when the key changed while
 * the read was in flight. Instances of the hybrid on one real Redis server (from the harness), each with
 * its own memory L1 and its own Redis connections.
 */
class HybridGetAllFillRedisTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static final Duration TTL = Duration.ofMinutes(10);
    private static final ValueType<String> TEXT = ValueType.of(String.class);

    @RegisterExtension
    final Closer closer = new Closer();
    private String namespace;

    @BeforeEach
    void namespace() {
        namespace = RedisL2.uniqueNamespace("hybrid-getall");
    }

    /** One application instance on this test's namespace, once its L1 is coherent. */
    private final class Instance extends RedisHybridInstance {
        Instance(String id, Duration ceiling) {
            super(closer, redis.single(), namespace, id, ceiling);
            within().until(store::isL1Coherent);
        }
    }

    private static ConditionFactory within() {
        return RedisHybridInstance.within();
    }

    @Test
    void getAllCopiesL2HitsIntoL1ForNoLongerThanTheyLiveInL2AndThenServesThemFromL1() {
        Instance a = new Instance("a", TTL);
        Instance b = new Instance("b", TTL);
        // Written to Redis without a message, which could otherwise reach B after its fill and drop the copy.
        a.l2.store().put("session:1", "s1", Duration.ofMinutes(1));
        a.l2.store().put("session:2", "s2", CacheStore.NO_EXPIRY);
        assertThat(b.inL1("session:1")).isEmpty();

        Map<String, String> found = b.store.getAll(List.of("session:1", "session:2", "absent"), TEXT);

        assertThat(found).containsExactly(Map.entry("session:1", "s1"), Map.entry("session:2", "s2"));
        assertThat(b.inL1("session:1")).as("copied with what is left of its L2 TTL").hasValueSatisfying(copy -> {
            assertThat(copy.value()).isEqualTo("s1");
            assertThat(copy.remainingTtl()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1))
                    .isGreaterThan(Duration.ofSeconds(30));
        });
        assertThat(b.inL1("session:2")).as("an entry that never expires: the ceiling").hasValueSatisfying(copy ->
                assertThat(copy.remainingTtl()).isPositive().isLessThanOrEqualTo(TTL)
                        .isGreaterThan(TTL.minusMinutes(1)));
        assertThat(b.inL1("absent")).isEmpty();

        long l2ReadsBefore = redisReads(b);
        assertThat(b.store.getAll(List.of("session:1", "session:2"), TEXT)).hasSize(2);
        assertThat(redisReads(b)).as("the second getAll is served by L1 alone").isEqualTo(l2ReadsBefore);
    }

    @Test
    void anL1CopyMadeByGetAllNeverOutlivesTheCeiling() {
        Instance a = new Instance("a", TTL);
        Instance b = new Instance("b", Duration.ofSeconds(2));
        a.l2.store().put("session:1", "s1", TTL);

        b.store.getAll(List.of("session:1"), TEXT);

        assertThat(b.inL1("session:1")).hasValueSatisfying(copy ->
                assertThat(copy.remainingTtl()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2)));
    }

    @Test
    void getEntriesReadsL2WithTheTrueTtlsAndFillsL1() {
        Instance a = new Instance("a", Duration.ofSeconds(30));
        Instance b = new Instance("b", Duration.ofSeconds(30));
        a.l2.store().put("session:1", "s1", TTL);

        Map<String, CacheEntry<String>> entries = b.store.getEntries(List.of("session:1", "absent"), TEXT);

        assertThat(entries).containsOnlyKeys("session:1");
        assertThat(entries.get("session:1").remainingTtl()).as("L2's TTL, not the L1 copy's")
                .isGreaterThan(Duration.ofMinutes(9));
        assertThat(b.inL1("session:1")).hasValueSatisfying(copy ->
                assertThat(copy.remainingTtl()).isLessThanOrEqualTo(Duration.ofSeconds(30)));
    }

    /**
     * B's getAll reads v1 from Redis and is held before it fills L1; meanwhile A writes v2 and B handles A's
     * invalidation. Then B fills. Returns what B reads afterwards.
     */
    private Optional<String> raceABulkFillAgainstAWrite(Instance a, Instance b) throws Exception {
        Map<String, String> racingRead =
                b.readRacingAWriteBy(a, store -> store.getAll(List.of("session:1"), TEXT), TTL);
        assertThat(racingRead).as("the read that raced the write").containsExactly(Map.entry("session:1", "v1"));
        return b.store.get("session:1", String.class);
    }

    @Test
    void aGetAllThatRacesAnotherInstancesWriteDoesNotLeaveTheOldValueInL1() throws Exception {
        Instance a = new Instance("a", TTL);
        Instance b = new Instance("b", TTL);

        assertThat(raceABulkFillAgainstAWrite(a, b)).contains("v2");
    }

    @Test
    void withoutTheFillGuardTheSameBulkRaceServesTheOldValue() throws Exception {
        Instance a = new Instance("a", TTL);
        Instance b = new Instance("b", TTL);
        b.store.setFillGuardEnabled(false);

        assertThat(raceABulkFillAgainstAWrite(a, b)).as("proves the race test detects a stale fill").contains("v1");
    }

    /** Hits plus misses the instance's Redis store counted: one per key it read from Redis. */
    private static long redisReads(Instance instance) {
        var stats = instance.l2.store().stats();
        return stats.hits() + stats.misses();
    }
}

package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultWeigherTest {

    private final Weigher weigher = Weigher.estimating();

    record Message(String id, String text, Instant at, List<String> tags) {
    }

    static final class Link {
        Link next;
        String payload;
    }

    private long valueCost(Object value) {
        return weigher.weigh("k", value) - weigher.weigh("k", 0);
    }

    @Test
    void aStringCountsAtLeastTwoBytesPerCharacter() {
        assertThat(valueCost("x".repeat(10_240))).isGreaterThanOrEqualTo(20_480);
    }

    @Test
    void theKeyAndAPerEntryOverheadAreCounted() {
        long shortKey = weigher.weigh("k", 1);
        long longKey = weigher.weigh("k".repeat(501), 1);

        assertThat(shortKey).isGreaterThanOrEqualTo(DefaultWeigher.ENTRY_OVERHEAD);
        assertThat(longKey - shortKey).isEqualTo(1_000);
    }

    @Test
    void byteArraysCountTheirLength() {
        assertThat(valueCost(new byte[10_000])).isBetween(10_000L, 10_100L);
        assertThat(valueCost(new long[1_000])).isBetween(8_000L, 8_100L);
    }

    @Test
    void collectionsAndMapsSumTheirElements() {
        List<String> list = new ArrayList<>();
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            list.add("x".repeat(100));
            map.put("key" + i, "x".repeat(100));
        }
        assertThat(valueCost(list)).isGreaterThanOrEqualTo(100 * 200);
        assertThat(valueCost(map)).isGreaterThanOrEqualTo(100 * 200);
        assertThat(valueCost(new Object[] {"x".repeat(1_000), null})).isGreaterThanOrEqualTo(2_000);
    }

    @Test
    void largeCollectionsAreExtrapolatedFromASample() {
        List<String> big = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            big.add("x".repeat(50));
        }
        assertThat(valueCost(big)).isGreaterThanOrEqualTo(50_000L * 100);
    }

    @Test
    void recordsCountTheirStringAndCollectionFields() {
        Message small = new Message("m1", "hi", Instant.EPOCH, List.of());
        Message large = new Message("m1", "x".repeat(10_000), Instant.EPOCH, List.of("a", "b"));

        assertThat(valueCost(large) - valueCost(small)).isGreaterThanOrEqualTo(20_000);
    }

    @Test
    void cyclesAndDeepChainsEndWithABoundedEstimate() {
        Link first = new Link();
        first.next = first;
        first.payload = "x".repeat(100);
        Link chain = new Link();
        Link current = chain;
        for (int i = 0; i < 100_000; i++) {
            current.next = new Link();
            current = current.next;
        }

        assertThat(valueCost(first)).isPositive().isLessThan(10_000);
        assertThat(valueCost(chain)).isPositive().isLessThan(10_000);
    }

    @Test
    void smallValuesHaveSmallFixedCosts() {
        assertThat(valueCost(Instant.now())).isPositive().isLessThan(100);
        assertThat(valueCost(Optional.of("x".repeat(1_000)))).isGreaterThanOrEqualTo(2_000);
        assertThat(valueCost(Thread.State.NEW)).isLessThanOrEqualTo(0);
    }

    @Test
    void aValueHoldingAnotherNeverWeighsLessThanItEvenWhenEstimatesAreHuge() {
        // nCopies is cheap to build and reports a huge size at every level, so the extrapolated
        // estimates multiply level by level past the range of a long.
        List<?> inner = java.util.Collections.nCopies(Integer.MAX_VALUE,
                java.util.Collections.nCopies(Integer.MAX_VALUE, java.util.Collections.nCopies(Integer.MAX_VALUE, "x")));
        List<?> outer = java.util.Collections.nCopies(Integer.MAX_VALUE, inner);

        assertThat(weigher.weigh("k", outer)).isGreaterThanOrEqualTo(weigher.weigh("k", inner));
    }

    /** Like a lazily loaded collection (an ORM's, say) whose session has closed: every read of it throws. */
    static final class Unreadable extends java.util.AbstractList<String> {
        @Override
        public String get(int index) {
            throw new IllegalStateException("could not initialize the collection: no session");
        }

        @Override
        public int size() {
            throw new IllegalStateException("could not initialize the collection: no session");
        }
    }

    @Test
    void aValueThatThrowsWhenReadIsEstimatedInsteadOfFailingThePut() {
        assertThat(weigher.weigh("k", new Unreadable())).isGreaterThan(DefaultWeigher.ENTRY_OVERHEAD);
        assertThat(weigher.weigh("k", List.of(new Unreadable()))).isGreaterThan(DefaultWeigher.ENTRY_OVERHEAD);
        try (MemoryCacheStore store = MemoryCacheStore.builder().cleanupInterval(java.time.Duration.ZERO).build()) {
            Unreadable value = new Unreadable();
            store.put("k", value);
            assertThat(store.get("k", Unreadable.class)).containsSame(value);
        }
    }
}

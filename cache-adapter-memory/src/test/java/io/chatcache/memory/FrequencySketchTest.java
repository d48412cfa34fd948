package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrequencySketchTest {

    @Test
    void countsUpToFifteen() {
        FrequencySketch sketch = new FrequencySketch(1_000, 1);
        int key = "session:42".hashCode();
        assertThat(sketch.frequency(key)).isZero();
        for (int i = 1; i <= 20; i++) {
            sketch.increment(key);
            assertThat(sketch.frequency(key)).isEqualTo(Math.min(i, 15));
        }
    }

    @Test
    void isSizedFromTheBound() {
        assertThat(new FrequencySketch(1, 1).tableLength()).isEqualTo(8);
        // 1.25 longs per entry, rounded up to whole 64-byte blocks.
        assertThat(new FrequencySketch(1_000, 1).tableLength()).isEqualTo(1_256);
        assertThat(new FrequencySketch(1_024, 1).tableLength()).isEqualTo(1_280);
        assertThat(new FrequencySketch(1_025, 1).tableLength()).isEqualTo(1_288);
        assertThat(new FrequencySketch(1_000, 1).sampleSize()).isEqualTo(10_000);
        // Up to 2,048 blocks (13,107 entries) the table is whole from the start.
        FrequencySketch whole = new FrequencySketch(13_107, 1);
        assertThat(whole.tableLength()).isEqualTo(16_384);
        whole.ensureCapacity(13_107);
        assertThat(whole.tableLength()).isEqualTo(16_384);
        // A larger bound starts at most 128 KiB and doubles as the cache fills, to the bound and at most 0.05% more.
        FrequencySketch large = new FrequencySketch(100_000, 1);
        assertThat(large.tableLength()).isEqualTo(1_954 * 8);
        assertThat(large.sampleSize()).isEqualTo(1_000_000);
        large.ensureCapacity(12_505);
        assertThat(large.tableLength()).isEqualTo(1_954 * 8);
        large.ensureCapacity(12_506);
        assertThat(large.tableLength()).isEqualTo(2 * 1_954 * 8);
        large.ensureCapacity(100_000);
        assertThat(large.tableLength()).isEqualTo(1_954 * 8 * 8);
        large.ensureCapacity(Long.MAX_VALUE);
        assertThat(large.tableLength()).isEqualTo(1_954 * 8 * 8);
        assertThat(large.tableLength()).isGreaterThanOrEqualTo(125_000).isLessThan(125_000 + 125_000 / 2_048 + 8);
        FrequencySketch rounded = new FrequencySketch(100_001, 1);
        rounded.ensureCapacity(Long.MAX_VALUE);
        assertThat(rounded.tableLength()).isEqualTo(1_954 * 8 * 8);
        FrequencySketch next = new FrequencySketch(100_045, 1);
        next.ensureCapacity(Long.MAX_VALUE);
        assertThat(next.tableLength()).isEqualTo(1_955 * 8 * 8);
    }

    @Test
    void growingKeepsEveryEstimate() {
        FrequencySketch sketch = new FrequencySketch(1_000_000, 7);
        int[] estimates = new int[5_000];
        for (int key = 0; key < estimates.length; key++) {
            for (int i = 0; i < key % 6; i++) {
                sketch.increment(key);
            }
        }
        for (int key = 0; key < estimates.length; key++) {
            estimates[key] = sketch.frequency(key);
        }
        int before = sketch.tableLength();
        sketch.ensureCapacity(1_000_000);
        assertThat(sketch.tableLength()).isGreaterThanOrEqualTo(1_000_000).isGreaterThan(before);
        for (int key = 0; key < estimates.length; key++) {
            assertThat(sketch.frequency(key)).as("key %d after growing", key).isEqualTo(estimates[key]);
        }
        // New counts now land in blocks of their own: a fresh key is counted exactly.
        for (int i = 0; i < 3; i++) {
            sketch.increment(42_000_000);
        }
        assertThat(sketch.frequency(42_000_000)).isEqualTo(3);
    }

    @Test
    void agesByHalvingAfterTenTimesTheCapacity() {
        FrequencySketch sketch = new FrequencySketch(100, 3);
        int hot = 12345;
        for (int i = 0; i < 10; i++) {
            sketch.increment(hot);
        }
        assertThat(sketch.frequency(hot)).isEqualTo(10);
        // 990 more increments of distinct keys reach the sample of 1,000: everything is halved once.
        for (int i = 0; i < 990; i++) {
            sketch.increment(1_000_000 + i);
        }
        assertThat(sketch.frequency(hot)).isBetween(5, 7);
    }

    @Test
    void estimatesStayCloseForDistinctKeys() {
        FrequencySketch sketch = new FrequencySketch(512, 5);
        for (int key = 0; key < 256; key++) {
            for (int i = 0; i < key % 8; i++) {
                sketch.increment(key);
            }
        }
        int exact = 0;
        for (int key = 0; key < 256; key++) {
            int estimate = sketch.frequency(key);
            assertThat(estimate).as("key %d is never underestimated", key).isGreaterThanOrEqualTo(key % 8);
            exact += estimate == key % 8 ? 1 : 0;
        }
        assertThat(exact).as("keys estimated exactly, of 256").isGreaterThan(230);
    }
}

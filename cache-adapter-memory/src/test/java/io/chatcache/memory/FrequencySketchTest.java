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
        assertThat(new FrequencySketch(1_000, 1).tableLength()).isEqualTo(1_000);
        assertThat(new FrequencySketch(1_001, 1).tableLength()).isEqualTo(1_004);
        assertThat(new FrequencySketch(100_000, 1).tableLength()).isEqualTo(100_000);
        assertThat(new FrequencySketch(1_000, 1).sampleSize()).isEqualTo(10_000);
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

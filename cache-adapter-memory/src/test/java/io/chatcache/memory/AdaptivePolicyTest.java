package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adaptive policy on small synthetic workloads whose right answers are known. */
class AdaptivePolicyTest {

    private static final int CAPACITY = 1000;

    @Test
    void aScanOfOneTimeKeysNeverFlushesTheHotSet() {
        PolicySimulator adaptive = new PolicySimulator(CAPACITY, 7);
        LruModel lru = new LruModel(CAPACITY);
        int[] hot = new int[100];
        for (int i = 0; i < hot.length; i++) {
            hot[i] = i;
        }
        // A cache in use: full (so its frequency sketch is running), then the hot set is read twenty times.
        for (int key = 500_000; key < 500_000 + CAPACITY; key++) {
            adaptive.access(key);
            lru.access(key);
        }
        for (int round = 0; round < 20; round++) {
            for (int key : hot) {
                adaptive.access(key);
                lru.access(key);
            }
        }

        // 100,000 keys read once each; every 2,000 of them, one read of each hot key: too far apart for LRU.
        long hotReads = 0;
        long hotHits = 0;
        long lruHotHits = 0;
        for (int i = 0; i < 100_000; i++) {
            int scanned = 1_000_000 + i;
            adaptive.access(scanned);
            lru.access(scanned);
            if (i % 2_000 == 1_999) {
                for (int key : hot) {
                    hotReads++;
                    hotHits += adaptive.access(key) ? 1 : 0;
                    lruHotHits += lru.access(key) ? 1 : 0;
                }
            }
        }

        assertThat(lruHotHits).as("LRU loses the hot set to the scan (what makes this test meaningful)").isZero();
        assertThat(hotHits).as("hot reads that hit during the scan").isEqualTo(hotReads);
        for (int key : hot) {
            assertThat(adaptive.contains(key)).as("hot key %d after the scan", key).isTrue();
        }
        assertThat(adaptive.size()).isEqualTo(CAPACITY);
    }

    @Test
    void aLoopSlightlyLargerThanTheCacheKeepsMostOfIt() {
        int loop = CAPACITY + CAPACITY / 10;
        PolicySimulator adaptive = new PolicySimulator(CAPACITY, 11);
        LruModel lru = new LruModel(CAPACITY);
        int rounds = 60;
        long hitsAfterWarmUp = 0;
        long readsAfterWarmUp = 0;
        long lruHits = 0;
        for (int round = 0; round < rounds; round++) {
            for (int key = 0; key < loop; key++) {
                boolean hit = adaptive.access(key);
                lruHits += lru.access(key) ? 1 : 0;
                if (round >= 10) {
                    readsAfterWarmUp++;
                    hitsAfterWarmUp += hit ? 1 : 0;
                }
            }
        }

        assertThat(lruHits).as("LRU never hits a loop larger than itself").isZero();
        // The best any policy can do is keep CAPACITY of the loop's keys: 1000 / 1100 = 90.9%.
        double hitRate = (double) hitsAfterWarmUp / readsAfterWarmUp;
        assertThat(hitRate).as("hit rate after ten rounds").isGreaterThan(0.80);
        assertThat(adaptive.size()).isEqualTo(CAPACITY);
    }

    @Test
    void aRecencyWorkloadGrowsTheWindow() {
        // Half the reads are of a new key, half of one of the last 1,500 keys (uniformly): more than the cache
        // holds, all equally frequent, so only recency pays, and the policy should move capacity to the window,
        // which keeps the most recent keys without a duel.
        PolicySimulator adaptive = new PolicySimulator(CAPACITY, 13);
        long initialWindow = adaptive.policy().windowMaximum();
        long hits = recencyPhase(adaptive);
        assertThat(adaptive.policy().windowMaximum()).as("window after a recency workload, %d at first",
                initialWindow).isGreaterThan(CAPACITY / 2);
        // Exact LRU hits 119,564 times here; the policy, whose main keeps at least a fifth of the cache, 99,015
        // (the hill climber it replaced, about 86,000).
        assertThat(hits).as("hits of 400,000 reads").isGreaterThan(90_000);
    }

    @Test
    void aFrequencyWorkloadShrinksAGrownWindow() {
        PolicySimulator adaptive = new PolicySimulator(CAPACITY, 19);
        // First recency, as above, so that the window grows ...
        recencyPhase(adaptive);
        long grown = adaptive.policy().windowMaximum();
        assertThat(grown).as("window after the recency phase").isGreaterThan(CAPACITY / 2);
        // ... then a skewed workload over 100,000 new keys (key = u^4 of the range, u uniform: a few keys take
        // most reads), where frequency pays and a large window only holds one-time keys: the policy should
        // hand the capacity back to main.
        long smallest = grown;
        for (int step = 0; step < 400_000; step++) {
            double u = (Math.abs(mix(1_000_000 + step)) % 1_000_000) / 1e6;
            adaptive.access(10_000_000 + (int) (Math.pow(u, 4) * 100_000));
            smallest = Math.min(smallest, adaptive.policy().windowMaximum());
        }
        assertThat(smallest).as("smallest window during the skewed workload, grown to %d before", grown)
                .isLessThan(grown / 4);
    }

    @Test
    void aLargeWindowStepsByAQuarterOfItself() {
        // Once the window is more than a fifth of the bound, one adaptation may move it by a quarter of itself
        // rather than 5% of the bound: a window grown to most of the cache grows (and shrinks) geometrically.
        PolicySimulator adaptive = new PolicySimulator(CAPACITY, 19);
        long boundStep = (long) (AdaptivePolicy.MAXIMUM_STEP_SHARE * CAPACITY);
        long previous = adaptive.policy().windowMaximum();
        long largestGrowth = 0;
        int next = 0;
        for (int step = 0; step < 400_000; step++) {
            long random = Math.abs(mix(step));
            adaptive.access(next == 0 || random % 2 == 0
                    ? next++ : next - 1 - (int) ((random >>> 8) % Math.min(1_500, next)));
            long window = adaptive.policy().windowMaximum();
            assertThat(window - previous).as("one adaptation's growth of a window of %d", previous)
                    .isLessThanOrEqualTo(Math.max(boundStep,
                            (long) (AdaptivePolicy.LARGE_WINDOW_STEP_SHARE * previous)));
            largestGrowth = Math.max(largestGrowth, window - previous);
            previous = window;
        }
        assertThat(largestGrowth).as("largest growth in one adaptation (5%% of the bound is %d)", boundStep)
                .isGreaterThan(boundStep);
    }

    @Test
    void chatSessionReadsSettleAWindowOfAboutASixthOfTheCache() {
        // A chat-shaped workload at 500 entries: 55% reads of recent sessions' histories (a new session every 20
        // reads, reads going back a geometric number of sessions, mean 40), 15% profiles (a few users take most
        // reads), 30% searches, mostly seen once. Fixed windows of 75 to 100 entries hit most here; the step's
        // concavity in the Poisson count of ghost hits held the window at about 70 with a probation weight of 0.5.
        // The weight of 0.4 moved it to about 82 with a one-entry start; a start of 0.5% (three entries) averages
        // 75.9 here, still clear of the biased balance.
        PolicySimulator adaptive = new PolicySimulator(500, 0x9E3779B97F4A7C15L);
        int[] keys = ChatWorkload.keys(300_000, 7);
        long windowSum = 0;
        int samples = 0;
        for (int i = 0; i < keys.length; i++) {
            adaptive.access(keys[i]);
            if (i >= 100_000 && i % 1_000 == 0) {
                windowSum += adaptive.policy().windowMaximum();
                samples++;
            }
        }
        assertThat((double) windowSum / samples).as("average window after the first 100,000 reads")
                .isGreaterThan(74);
    }

    @Test
    void oneAdaptationTakesAQuarterOfTheWindowAtMost() {
        // On the LIRS multi1 trace at 500 entries a window of a few entries pays (about a point over one entry),
        // and one sample used to take it from 5 or 9 entries down to 1.
        PolicySimulator adaptive = new PolicySimulator(500, 0x9E3779B97F4A7C15L);
        long previous = adaptive.policy().windowMaximum();
        long largest = previous;
        for (int key : TraceFiles.trace("multi1").accesses()) {
            adaptive.access(key);
            long window = adaptive.policy().windowMaximum();
            assertThat(previous - window).as("one adaptation's cut of a window of %d", previous)
                    .isLessThanOrEqualTo(Math.max(1, (long) (AdaptivePolicy.MAXIMUM_SHRINK_SHARE * previous)));
            largest = Math.max(largest, window);
            previous = window;
        }
        assertThat(largest).as("largest window").isGreaterThan(4);
    }

    @Test
    void onlyALoserThatReturnsSoonGrowsTheWindow() {
        // A ghost hit counts only if the key returns within half the ghost's slots of additions (31 at 1,000):
        // a loser that returns after 10 additions says a slightly larger window would have kept it, one that
        // returns after 80 (still in the ghost about a quarter of the time) does not.
        assertThat(windowWhenLosersReturnAfter(5)).as("window when losers return 10 additions later")
                .isGreaterThan(10);
        assertThat(windowWhenLosersReturnAfter(40)).as("window when losers return 80 additions later")
                .isEqualTo(1);
    }

    /**
     * Fills the cache with keys read five times each, then alternates a new key with the new key of
     * {@code distance} steps before (two additions a step while both miss); returns the largest window seen.
     */
    private static long windowWhenLosersReturnAfter(int distance) {
        PolicySimulator adaptive = new PolicySimulator(CAPACITY, 31);
        for (int round = 0; round < 5; round++) {
            for (int key = 0; key < CAPACITY; key++) {
                adaptive.access(key);
            }
        }
        long largest = adaptive.policy().windowMaximum();
        for (int step = 0; step < 4_000; step++) {
            int key = 1_000_000 + step;
            adaptive.access(key);
            if (step >= distance) {
                adaptive.access(key - distance);
            }
            largest = Math.max(largest, adaptive.policy().windowMaximum());
        }
        return largest;
    }

    @Test
    void theGhostExistsOnlyOnceADuelWasLost() {
        PolicySimulator adaptive = new PolicySimulator(CAPACITY, 23);
        for (int key = 0; key < CAPACITY; key++) {
            adaptive.access(key);
            adaptive.access(key);
        }
        assertThat(adaptive.evictions()).isZero();
        assertThat(adaptive.policy().ghostLength()).as("ghost of a store filled to its bound").isZero();
        // New keys, each seen once, against residents seen twice: the candidates lose their duels.
        for (int key = CAPACITY; key < 2 * CAPACITY; key++) {
            adaptive.access(key);
        }
        assertThat(adaptive.policy().ghostLength()).as("ghost slots, 6.25%% of the bound")
                .isEqualTo((int) (AdaptivePolicy.GHOST_SHARE * CAPACITY));
    }

    @Test
    void regionWeightsAddUpToTheEntriesHeld() {
        PolicySimulator adaptive = new PolicySimulator(200, 17);
        for (int i = 0; i < 50_000; i++) {
            adaptive.access((int) (Math.abs(mix(i)) % 1_000));
            AdaptivePolicy<PolicySimulator.Entry> policy = adaptive.policy();
            long held = policy.windowWeight() + policy.probationWeight() + policy.protectedWeight();
            assertThat(held).isEqualTo(adaptive.size());
            assertThat(policy.protectedWeight()).isLessThanOrEqualTo(Math.max(policy.protectedMaximum(), 0));
            assertThat(policy.windowMaximum() + policy.protectedMaximum()).isLessThanOrEqualTo(200);
        }
    }

    /** 400,000 reads, half of new keys and half of one of the last 1,500 keys; returns the hits. */
    private static long recencyPhase(PolicySimulator adaptive) {
        int next = 0;
        long hits = 0;
        for (int step = 0; step < 400_000; step++) {
            long random = Math.abs(mix(step));
            int key = next == 0 || random % 2 == 0 ? next++ : next - 1 - (int) ((random >>> 8) % Math.min(1_500, next));
            hits += adaptive.access(key) ? 1 : 0;
        }
        return hits;
    }

    private static long mix(long x) {
        long z = x * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }

    /** Exact LRU, for contrast. */
    private static final class LruModel {
        private final LinkedHashMap<Integer, Boolean> map;

        LruModel(int capacity) {
            this.map = new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
                    return size() > capacity;
                }
            };
        }

        boolean access(int key) {
            if (map.get(key) != null) {
                return true;
            }
            map.put(key, Boolean.TRUE);
            return false;
        }
    }
}

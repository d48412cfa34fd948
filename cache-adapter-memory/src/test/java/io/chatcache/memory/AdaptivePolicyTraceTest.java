package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adaptive policy's hit rate on every shipped LIRS trace, at 250, 500 and 1000 entries, against
 * Caffeine 3.3.1's W-TinyLFU in the same JVM. Both read each key and put it on a miss; Caffeine runs its
 * maintenance on the calling thread, so that it sees every access as the policy does.
 *
 * <p>Both are randomised: the policy salts its sketch's hash per instance (which keys share counters moves a
 * trace's hit rate by up to about 2 points either way), Caffeine admits some losing candidates at random. So
 * the policy is run with {@value #SEEDS} seeds and Caffeine {@value #CAFFEINE_RUNS} times, and the means are
 * compared: within {@value #CELL_TOLERANCE} points at every trace and size (a cell's mean over four salts still
 * moves by about half a point), and on average over all of them at least Caffeine's (at most
 * {@value #MEAN_TOLERANCE} points below).
 */
class AdaptivePolicyTraceTest {

    private static final int[] CAPACITIES = {250, 500, 1000};
    private static final int SEEDS = 4;
    private static final int CAFFEINE_RUNS = 2;
    private static final double CELL_TOLERANCE = 1.5;
    private static final double MEAN_TOLERANCE = 0.0;
    /** Points below Caffeine allowed on {@code sprite} at 5,000 entries (0.20 below without the density). */
    private static final double SPRITE_TOLERANCE = 0.1;
    /**
     * Points below Caffeine allowed on {@link ChatWorkload} at 5,000 and 10,000 entries (0.25 and 0.34 below
     * without the density; with it 0.07 above and 0.14 below, and with the sketch's 64-byte blocks 0.12 above and
     * 0.08 below).
     */
    private static final double CHAT_TOLERANCE = 0.2;

    /** Adaptive minus Caffeine, in points of hit rate, by "trace@capacity". */
    private static final Map<String, Double> DIFFERENCES = new ConcurrentSkipListMap<>();

    static Stream<Arguments> tracesAndCapacities() {
        return TraceFiles.withCapacities(CAPACITIES);
    }

    @ParameterizedTest(name = "{0} at capacity {1}")
    @MethodSource("tracesAndCapacities")
    void hitsAboutAsOftenAsCaffeine(String traceName, int capacity) {
        int[] accesses = TraceFiles.trace(traceName).accesses();

        double adaptive = adaptiveHitRate(accesses, capacity);

        double caffeine = 0;
        for (int run = 0; run < CAFFEINE_RUNS; run++) {
            caffeine += percent(caffeineHits(accesses, capacity), accesses.length) / CAFFEINE_RUNS;
        }

        double difference = adaptive - caffeine;
        DIFFERENCES.put(traceName + "@" + capacity, difference);
        System.out.printf("%-7s %5d  adaptive %6.2f%%  caffeine %6.2f%%  %+5.2f%n",
                traceName, capacity, adaptive, caffeine, difference);
        assertThat(difference).as("adaptive %.2f%% against Caffeine %.2f%% on %s at %d",
                adaptive, caffeine, traceName, capacity).isGreaterThanOrEqualTo(-CELL_TOLERANCE);
    }

    /**
     * Above {@link AdaptivePolicy#DENSITY_THRESHOLD} entries the window's hit density joins the ghost. On
     * {@code sprite} at 5,000 entries (the one shipped trace with more distinct keys than that) the ghost alone
     * kept a one-entry window through the long runs of hits and met the last phase, which pays with a window of
     * hundreds, with it: 0.20 points below Caffeine over these 4 salts. With the density, level.
     */
    @Test
    void aboveTheDensityThresholdSpriteKeepsItsWindow() {
        assertWithinOfCaffeine("sprite", TraceFiles.trace("sprite").accesses(), 5_000, SPRITE_TOLERANCE);
    }

    /**
     * Above the threshold on chat-shaped reads ({@link ChatWorkload}), where the window has to keep growing as
     * the recent sessions pay: the ghost alone grew it too late. Still 0.08 points below Caffeine at 10,000 here
     * (with the bench's chat trace, whose searches and profiles are Zipfian, 0.06 above).
     */
    @ParameterizedTest(name = "chat at capacity {0}")
    @ValueSource(ints = {5_000, 10_000})
    void aboveTheDensityThresholdChatGrowsItsWindowInTime(int capacity) {
        assertWithinOfCaffeine("chat", ChatWorkload.keys(300_000, 7), capacity, CHAT_TOLERANCE);
    }

    /** Above the density threshold: the policy's mean hit rate at most {@code tolerance} points below Caffeine's. */
    private static void assertWithinOfCaffeine(String name, int[] accesses, int capacity, double tolerance) {
        assertThat((long) capacity).isGreaterThan(AdaptivePolicy.DENSITY_THRESHOLD);
        double adaptive = adaptiveHitRate(accesses, capacity);
        double caffeine = percent(caffeineHits(accesses, capacity), accesses.length);
        System.out.printf("%-7s %5d  adaptive %6.2f%%  caffeine %6.2f%%  %+5.2f%n",
                name, capacity, adaptive, caffeine, adaptive - caffeine);
        assertThat(adaptive).as("adaptive on %s at %d against Caffeine %.2f%%", name, capacity, caffeine)
                .isGreaterThanOrEqualTo(caffeine - tolerance);
    }

    @AfterAll
    static void onAverageAsGoodAsCaffeine() {
        assertThat(DIFFERENCES).hasSize(TraceFiles.NAMES.size() * CAPACITIES.length);
        double mean = DIFFERENCES.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        System.out.printf("mean difference over %d traces and sizes: %+5.2f points%n", DIFFERENCES.size(), mean);
        assertThat(mean).as("mean of %s", DIFFERENCES).isGreaterThanOrEqualTo(-MEAN_TOLERANCE);
    }

    /** The policy's hit rate in percent, the mean over {@value #SEEDS} salts, each run checked for its books. */
    private static double adaptiveHitRate(int[] accesses, int capacity) {
        double adaptive = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            PolicySimulator simulator = new PolicySimulator(capacity, seed * 0x9E3779B97F4A7C15L);
            for (int key : accesses) {
                simulator.access(key);
            }
            assertThat(simulator.hits() + simulator.misses()).isEqualTo(accesses.length);
            assertThat(simulator.size()).isLessThanOrEqualTo(capacity);
            assertThat(simulator.evictions()).isEqualTo(Math.max(0, simulator.misses() - capacity));
            adaptive += percent(simulator.hits(), accesses.length) / SEEDS;
        }
        return adaptive;
    }

    private static long caffeineHits(int[] accesses, int capacity) {
        // With an initial capacity, as cache-bench builds it: Caffeine then allocates its sketch at once and counts
        // the fill, which is worth 5 to 9 points on gli (without it, Caffeine waits until it is half full).
        Cache<Integer, Integer> caffeine = Caffeine.newBuilder()
                .initialCapacity(capacity)
                .maximumSize(capacity)
                .executor(Runnable::run)
                .build();
        long hits = 0;
        for (int key : accesses) {
            if (caffeine.getIfPresent(key) != null) {
                hits++;
            } else {
                caffeine.put(key, key);
            }
        }
        caffeine.cleanUp();
        assertThat(caffeine.estimatedSize()).isLessThanOrEqualTo(capacity);
        return hits;
    }

    private static double percent(long part, long whole) {
        return 100.0 * part / whole;
    }
}

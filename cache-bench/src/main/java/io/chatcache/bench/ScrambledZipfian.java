package io.chatcache.bench;

import java.util.SplittableRandom;

/**
 * Draws item numbers in {@code [0, items)} from a Zipfian distribution (exponent 0.99, as YCSB and Caffeine's
 * benchmarks use) whose popular items are scattered over the range by a hash, so that hot keys do not sit next to
 * each other in a hash table. Deterministic for a given seed, so every cache sees the same key sequence.
 *
 * <p>The Zipfian draw is the rejection-free method of Gray et al., "Quickly generating billion-record synthetic
 * databases" (SIGMOD 1994). Not thread-safe: the benchmarks draw all keys once, before measuring.
 */
final class ScrambledZipfian {

    static final double THETA = 0.99;

    private final int items;
    private final SplittableRandom random;
    private final double zetaN;
    private final double alpha;
    private final double eta;
    private final double halfPowTheta;

    ScrambledZipfian(int items, long seed) {
        if (items < 2) {
            throw new IllegalArgumentException("items must be at least 2, was " + items);
        }
        this.items = items;
        this.random = new SplittableRandom(seed);
        this.zetaN = zeta(items);
        double zeta2 = zeta(2);
        this.alpha = 1.0 / (1.0 - THETA);
        this.eta = (1 - Math.pow(2.0 / items, 1 - THETA)) / (1 - zeta2 / zetaN);
        this.halfPowTheta = 1 + Math.pow(0.5, THETA);
    }

    /** The next item number, in {@code [0, items)}. */
    int next() {
        return (int) Long.remainderUnsigned(fnv1a64(nextRank()), items);
    }

    /** Draws {@code count} item numbers. */
    int[] draw(int count) {
        int[] drawn = new int[count];
        for (int i = 0; i < count; i++) {
            drawn[i] = next();
        }
        return drawn;
    }

    private long nextRank() {
        double u = random.nextDouble();
        double uz = u * zetaN;
        if (uz < 1.0) {
            return 0;
        }
        if (uz < halfPowTheta) {
            return 1;
        }
        long rank = (long) (items * Math.pow(eta * u - eta + 1, alpha));
        return Math.min(rank, items - 1L);
    }

    private static double zeta(int n) {
        double sum = 0;
        for (int i = 1; i <= n; i++) {
            sum += 1 / Math.pow(i, THETA);
        }
        return sum;
    }

    private static long fnv1a64(long value) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < Long.BYTES; i++) {
            hash ^= (value >>> (i * 8)) & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}

package io.chatcache.memory;

/**
 * How often each key was seen recently, estimated in a few bits per cached entry: the history behind the
 * adaptive policy's admission (TinyLFU, Einziger, Friedman and Manes).
 *
 * <p>A count-min sketch of depth four with 4-bit counters (an estimate saturates at 15). The table holds 1.25
 * longs (twenty counters) per entry of the bound, rounded up to a whole 64-byte block: 10 bytes per entry (at
 * most one block and 0.05% more), where a power-of-two table would cost 8 to 16. A key's block is chosen by its
 * hash (multiply-shift range reduction, so any number of blocks works); its four counters sit one in each pair
 * of longs of the block, the long of the pair and the counter in it chosen by other bits of the hash (Caffeine's
 * layout): one or two cache lines a key.
 *
 * <p>The size and the layout were measured on {@code cache-bench}'s synthetic Zipf trace at 5,000 entries, the
 * cell where the sketch's noise showed most (8 salts, standard error of the difference from Caffeine 0.02
 * points): with one long per entry in 32-byte blocks of four longs, a counter per long, 0.20 points below
 * Caffeine 3.3.1 (whose power-of-two table has 1.64 longs per entry there); 64-byte blocks alone 0.09 below,
 * 1.25 longs per entry alone 0.06 below, both 0.02 above. Most of the loss was the small block's: the keys that
 * share a block share it in all four rows, so a crowded block inflates every one of a key's counters, and four
 * rows chosen independently over the whole table (four cache lines a key) were level at one long per entry.
 * A depth of three was worse (0.40 below), and so was an aging period of 7 times the capacity rather than 10
 * (0.29 below); 13 or 16 times changed little (with one long per entry in 64-byte blocks 0.09 and 0.06 below,
 * against 0.09). The larger block costs time: a counter's long is chosen per row, so its index is no longer a
 * constant offset from the block's start, and an increment and an estimate together took about 5 ns more (20
 * rather than 15) in a loop over a table of 10,000 or 100,000 entries.
 *
 * <p>Counting starts with the cache's first entry, so that the admission knows what was used while the cache
 * filled (on a short trace such as the LIRS {@code gli}, waiting until the cache is half full, as Caffeine does
 * unless given an initial capacity, costs 5 to 9 points of hit rate). A large bound's table does not cost the
 * whole bound up front: it starts at most {@value #INITIAL_BLOCKS} blocks (128 KiB, the whole table for a
 * bound of up to 13,107 entries) and doubles as the cache grows past 1.25 longs per entry
 * ({@link #ensureCapacity}). Doubling loses no estimate: with multiply-shift, a key of block {@code b} moves to
 * block {@code 2b} or {@code 2b + 1}, and both start as copies of {@code b}, so every estimate is what it was.
 * But the copies keep the small table's shared noise (each holds the counts of the keys of both) until aging
 * halves it, which is why the table starts no smaller than this: against a table whole from the first entry, a
 * start at 8 KiB lost 0.22 points of hit rate on {@code cache-bench}'s synthetic Zipf trace at 10,000 entries
 * and 0.13 and 0.07 on its chat trace at 20,000 and 50,000 (the policy alone, mean of 6 salts); a start at
 * 128 KiB is within 0.02 of it.
 *
 * <p>An increment raises all four counters (below 15). Conservative update (raising only those that hold the
 * estimate) was tried and lost 2 to 6 points of hit rate on the loop-shaped LIRS traces: the plain update's
 * inflation gives a stable preference among equally frequent keys, which is what a loop needs. Aging: once
 * {@code 10 × capacity} increments have been made, every counter is halved, so that yesterday's favourites
 * fade and the estimate follows the workload.
 *
 * <p>The hash is salted with a per-sketch random seed, so that an attacker who knows the keys' hash codes
 * still cannot predict which keys share counters (keys with equal {@code hashCode} always do).
 *
 * <p>Not thread-safe: used under the store's eviction lock.
 */
final class FrequencySketch {

    /** Keeps the top three bits of every 4-bit counter after a shift right by one. */
    private static final long HALF_MASK = 0x7777_7777_7777_7777L;
    /** The lowest bit of every 4-bit counter: the odd counters lose a half on aging. */
    private static final long LOW_BITS = 0x1111_1111_1111_1111L;
    private static final int MAXIMUM_TABLE = 1 << 30;
    /** The longs of a block (64 bytes): two for each of the four rows. */
    private static final int BLOCK = 8;
    /** The most blocks a new table has (128 KiB); it doubles from there as the cache grows. */
    static final int INITIAL_BLOCKS = 2048;

    private long[] table;
    private long blocks;
    /** The blocks the table has once the cache holds its bound: the bound's blocks, rounded up by doubling. */
    private final long maximumBlocks;
    private final long seed;
    private final int sampleSize;
    /** Increments since the last aging, less the halves aging took away. */
    private int additions;

    /**
     * @param capacity the number of entries the cache holds at most (at least 1)
     * @param seed the hash salt
     */
    FrequencySketch(long capacity, long seed) {
        // 1.25 longs per entry, rounded up to whole blocks.
        long longs = (5 * Math.min(capacity, MAXIMUM_TABLE) + 3) >>> 2;
        long initialBlocks = Math.max(1, Math.min(MAXIMUM_TABLE, longs + BLOCK - 1) / BLOCK);
        int doublings = 0;
        while (initialBlocks > INITIAL_BLOCKS) {
            // Rounded up, so that the doublings reach the bound; each rounding adds less than one block to the
            // start, which the doublings turn into less than 1/INITIAL_BLOCKS of the final size.
            initialBlocks = (initialBlocks + 1) >>> 1;
            doublings++;
        }
        this.table = new long[(int) (initialBlocks * BLOCK)];
        this.blocks = initialBlocks;
        this.maximumBlocks = initialBlocks << doublings;
        this.seed = seed;
        long samples = 10 * Math.max(1, Math.min(capacity, MAXIMUM_TABLE));
        this.sampleSize = (int) Math.min(Integer.MAX_VALUE, samples);
    }

    /**
     * Doubles the table until it has 1.25 longs per entry of a cache holding {@code entries}, or its full size;
     * every estimate stays what it was.
     */
    void ensureCapacity(long entries) {
        while (blocks < maximumBlocks && blocks * BLOCK * 4 / 5 < entries) {
            long[] doubled = new long[table.length << 1];
            for (int block = 0; block < table.length; block += BLOCK) {
                System.arraycopy(table, block, doubled, block << 1, BLOCK);
                System.arraycopy(table, block, doubled, (block << 1) + BLOCK, BLOCK);
            }
            table = doubled;
            blocks <<= 1;
        }
    }

    /** The number of increments after which the counters are halved. */
    int sampleSize() {
        return sampleSize;
    }

    /** The estimated number of recent occurrences of the key's hash, from 0 to 15. */
    int frequency(int hashCode) {
        long hash = mix(hashCode);
        int block = block(hash);
        int shifts = (int) (hash >>> 32);
        int minimum = 15;
        for (int row = 0; row < 4; row++) {
            int bits = shifts >>> (row << 3);
            int shift = (bits & 15) << 2;
            minimum = Math.min(minimum, (int) (table[block + (row << 1) + ((bits >>> 4) & 1)] >>> shift) & 15);
        }
        return minimum;
    }

    /** Counts one occurrence of the key's hash; ages the whole sketch every {@link #sampleSize()} counts. */
    void increment(int hashCode) {
        long hash = mix(hashCode);
        int block = block(hash);
        int shifts = (int) (hash >>> 32);
        boolean added = false;
        for (int row = 0; row < 4; row++) {
            int bits = shifts >>> (row << 3);
            int shift = (bits & 15) << 2;
            int index = block + (row << 1) + ((bits >>> 4) & 1);
            if (((table[index] >>> shift) & 15) != 15) {
                table[index] += 1L << shift;
                added = true;
            }
        }
        if (added && ++additions >= sampleSize) {
            age();
        }
    }

    /** Halves every counter (rounding down). */
    void age() {
        long odd = 0;
        for (int i = 0; i < table.length; i++) {
            odd += Long.bitCount(table[i] & LOW_BITS);
            table[i] = (table[i] >>> 1) & HALF_MASK;
        }
        // Each key's estimate is one of its four counters; a quarter of the odd halves is its share.
        additions = (int) Math.max(0, (additions - (odd >>> 2)) >>> 1);
    }

    /** The first long of the key's block: the low 32 bits of the hash scaled to the number of blocks. */
    private int block(long hash) {
        return (int) (((hash & 0xFFFF_FFFFL) * blocks) >>> 32) * BLOCK;
    }

    /** The table's length in longs now (for the memory report and tests). */
    int tableLength() {
        return table.length;
    }

    /** A 64-bit mix of the salted hash (the finaliser of SplitMix64). */
    private long mix(int hashCode) {
        long z = (hashCode ^ seed) * 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}

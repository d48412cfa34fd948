package io.chatcache.memory;

import java.util.function.Supplier;

/**
 * The adaptive eviction policy: W-TinyLFU (Einziger, Friedman and Manes) with a window whose size is
 * adapted to the workload by comparing what a larger window would gain with what main would lose.
 * Frequency-aware, so that a scan or a loop larger than the cache does not flush what is used often, and still
 * recency-friendly where recency pays.
 *
 * <h2>Regions</h2>
 * New entries enter the <em>window</em>, an LRU queue (initially 0.5% of the bound, at least one entry). An
 * entry pushed out of the window becomes a <em>candidate</em> for the <em>main</em> region, a segmented LRU:
 * <em>probation</em> and <em>protected</em> (at most 80% of main). A hit in probation promotes the entry to
 * protected; protected's overflow is demoted to probation's most-recent end. When the cache is over its bound,
 * the candidate (once the window's overflow is used up, the window's least-recent entry) and probation's
 * least-recent entry (the <em>victim</em>) duel on their estimated frequencies in a {@link FrequencySketch}:
 * the more frequent stays. A candidate that is warm (estimate at least {@value #WARM}) but loses is still
 * admitted with a small random chance, so that an attacker who makes a victim look hot cannot shut every new
 * entry out; ties go to the victim, which has proven itself.
 *
 * <h2>Adaptation</h2>
 * A <em>ghost</em> remembers the keys of the candidates that lost their duel, and when: one int per slot, in
 * slots for {@value #GHOST_SHARE} of the bound, each key in a slot chosen by its salted hash (a newer key
 * overwrites an older one), the int holding a fingerprint of the key above a stamp of {@value #STAMP_BITS} bits,
 * the number of entries added before the loss in units of at most a 64th of the slots (a loss older than 4,096
 * units may pass for a recent one). A new entry whose key the ghost holds, lost fewer than {@code r} additions
 * ago ({@code r} is half the slots rounded up, about {@value #RETURN_SHARE} of the bound), is a <em>ghost
 * hit</em>: a window {@code r} entries larger would have kept it, since each addition moves the window's entries
 * one place towards its end. A key that returns later does not count, since it says little about what a
 * slightly larger window would keep: with ghost hits of every age counted, about two thirds of them were that
 * late in the skewed phase of {@code AdaptivePolicyTest}, which pays best with a one-entry window, against 44%
 * and 29% on the synthetic chat trace at 500 and 1,000 entries (sessions re-read within a few hundred reads),
 * which wants a window of about 12 to 20%. A hit in probation is what main would lose if it were smaller. Over each
 * sample (the bound's number of accesses, at least {@value #MINIMUM_SAMPLE}; more above
 * {@value #DENSITY_THRESHOLD} entries, below) the window moves by
 * {@value #MAXIMUM_STEP_SHARE} of the bound (or {@value #LARGE_WINDOW_STEP_SHARE} of the window, if that is
 * more) times {@code (g - p) / (g + p + s)}, where {@code g} is the ghost hits, {@code p} the probation hits
 * scaled to {@code r} entries and weighted {@value #PROBATION_WEIGHT} (probation's average hit rate overstates
 * that of its least-recent entries, which are what a larger window gives up) and {@code s} is
 * {@value #SMOOTHING}: towards the side that would gain, fast when it clearly does, little when the counts are
 * few or even. A shrink takes at most {@value #MAXIMUM_SHRINK_SHARE} of the window (at least one entry), so that
 * one sample cannot take a window of a few entries that pays (as on the LIRS {@code multi1} trace) down to one.
 *
 * <p>The step is concave in {@code g}, a count with Poisson noise, so that noise biases the window towards the
 * small side: on the synthetic chat trace at 500 entries (about 3 ghost hits a sample against a weighted loss of
 * 2.7) the balance fell at about 70 entries with a weight of 0.5, where windows of 75 to 100 hit more. The weight
 * of {@value #PROBATION_WEIGHT} moves the balance there (about 82 entries). Steps that are unbiased instead (the
 * difference over an average of past samples' sums, which moves the balance only to about 75 entries) made a
 * burst of ghost hits after quiet samples a large step and cost the short {@code multi1} trace at 1,000 entries;
 * a step on the sums of the last two to four samples moved the balance only to 68 to 73 entries. With the lower
 * weight alone a window grown to most of the cache would shrink slowly on a frequency workload whose samples
 * hold a hit or two of either kind (the skewed phase of {@code AdaptivePolicyTest}: smallest window 170 to 275
 * entries of 1,000), hence the step of a quarter of a window larger than a fifth of the bound: it shrinks (or
 * grows) such a window geometrically, and leaves smaller windows' steps as they were.
 *
 * <p>Both counts come from the same sample, so a change of the workload's phase moves both. A hill climber
 * that compares one sample's hit rate with the previous one's (Caffeine's, which this policy used before)
 * cannot tell such a change from the effect of its own step: on the LIRS {@code sprite} trace its window went
 * wherever the phases pushed it, 1 to 200 entries at a bound of 500 depending on the sketch's salt. A sample
 * closes at the access that completes it, hit or miss. The sketch counts from the cache's first entry.
 *
 * <p>Above {@value #DENSITY_THRESHOLD} entries a second measure joins the ghost. A sample there is
 * {@value #DENSITY_SAMPLE_MULTIPLE} times the bound's accesses, and over it the policy also compares the window's
 * hits per window entry with main's hits per main entry: the <em>density step</em> is {@value #DENSITY_STEP_SHARE}
 * of the bound times the logarithm of their ratio, clamped to one either way. The window takes the larger of the
 * two steps, so it grows when either measure says so and shrinks only as far as both agree. The ghost sees only
 * the margin, {@code r} entries either way. On the LIRS {@code sprite} trace at 5,000 entries that margin gains
 * nothing for most of the trace (long runs of hits, few additions), so the window stayed at one entry, and the
 * last phase, which pays with a window of 300 to 600 entries, found it there: 0.22 points below Caffeine. On the
 * synthetic chat trace the window has to keep growing, to about 60% of the bound, and the ghost's steps got it
 * there too late: 0.32 and 0.21 points below at 5,000 and 10,000. The density sees what the whole window earns.
 * With both, over 8 salts (and the sketch of one long per entry that the policy had then; with the 64-byte-block
 * sketch Zipf is level too): {@code sprite} 0.03 below, chat level and 0.05 above. The density alone (a floor of 2-5%
 * of the bound) did as well there but let the window fall to its floor on the synthetic Zipf trace, where the
 * ghost holds a larger window that pays more; with the larger of the two steps Zipf is 0.20 below at 5,000 (was
 * 0.30) and 0.05 at 10,000 (was 0.02, within two standard errors). Below the threshold the density is the worse
 * measure: with both from 2,000 entries, chat at 2,000 fell from 0.37 above to 0.30 below, and at 250 to 1,000
 * entries 11 of 24 cells were at or above Caffeine rather than 23 (a window of a few entries holds too few hits in
 * a sample to measure its density; the ghost counts what it loses). Caffeine 3.3.1 scopes its own density climber
 * to the same bounds.
 *
 * <h2>Units</h2>
 * Regions are sized in entries, from the entry bound. The caller decides when the cache is over its bounds
 * ({@link Eviction#overBound()}, which may include a byte bound); the policy decides which entry leaves. A
 * byte bound that binds far below the entry bound leaves the window relatively larger, which makes the policy
 * lean towards recency (LRU) rather than frequency.
 *
 * <p>Not thread-safe: every method is called under the store's eviction lock (reads are replayed from buffers,
 * so that the read path never runs this code).
 *
 * @param <N> the entry type, which carries the queue links
 */
final class AdaptivePolicy<N extends AdaptivePolicy.Links<N>> {

    /** Not in any queue. */
    static final int NONE = 0;
    static final int WINDOW = 1;
    static final int PROBATION = 2;
    static final int PROTECTED = 3;

    /** A losing candidate with at least this estimate may still be admitted, with probability 1/128. */
    static final int WARM = 6;
    /**
     * The window's initial share of the bound (at least one entry), which decides a short trace's first phase,
     * before any sample carries evidence: on the LIRS {@code multi1} trace at 500 entries a start of 0.1% (one
     * entry) was 0.21 to 0.26 points below Caffeine over key spellings and 0.5% (three entries) is 0.32 above. With
     * one long per entry of sketch in 32-byte blocks a larger start cost {@code ps} at 250 entries 0.5 points; with
     * the sketch's 64-byte blocks it does not (0.06 above).
     */
    private static final double INITIAL_WINDOW = 0.005;
    private static final double PROTECTED_SHARE = 0.80;
    /** The ghost's slots, as a share of the bound. */
    static final double GHOST_SHARE = 0.0625;
    /**
     * How soon after its loss a key must return to be a ghost hit, in entries added, as a share of the bound
     * (half the ghost's slots).
     */
    static final double RETURN_SHARE = GHOST_SHARE / 2;
    /** The low bits of a ghost slot that hold the loss's time. */
    static final int STAMP_BITS = 12;
    private static final int STAMP_MASK = (1 << STAMP_BITS) - 1;
    /** The most slots a ghost has (4 MiB). */
    private static final int MAXIMUM_GHOST = 1 << 20;
    /** The fewest accesses in a sample, so that a small cache's sample still counts enough hits. */
    static final long MINIMUM_SAMPLE = 1000;
    /** The most one adaptation moves the window, as a share of the bound. */
    static final double MAXIMUM_STEP_SHARE = 0.05;
    /** Added to the two counts' sum, so that a sample with few of either moves the window little. */
    static final double SMOOTHING = 8;
    /** What a probation hit weighs against a ghost hit, per entry of the return span. */
    static final double PROBATION_WEIGHT = 0.4;
    /** The most one adaptation moves a large window, as a share of the window (if more than the bound's share). */
    static final double LARGE_WINDOW_STEP_SHARE = 0.25;
    /** The most of the window one adaptation takes back (at least one entry). */
    static final double MAXIMUM_SHRINK_SHARE = 0.25;
    /** The bound above which the hit density joins the ghost in sizing the window. */
    static final long DENSITY_THRESHOLD = 4096;
    /** A density sample's accesses, as a multiple of the bound. */
    static final long DENSITY_SAMPLE_MULTIPLE = 4;
    /** The density's largest step (at a density ratio of e or more), as a share of the bound. */
    static final double DENSITY_STEP_SHARE = 0.05;
    /** Entries moved between regions by one adaptation at most, so that a step cannot stall the lock. */
    private static final int MOVE_LIMIT = 1000;

    /**
     * The links an entry of a policy's queues carries. The sentinel of each queue is an entry too (made by
     * the policy's sentinel supplier), never in the map.
     */
    interface Links<N> {
        N policyPrev();

        void policyPrev(N prev);

        N policyNext();

        void policyNext(N next);

        /** The queue the entry is in: {@link #NONE}, {@link #WINDOW}, {@link #PROBATION} or {@link #PROTECTED}. */
        int region();

        void region(int region);

        /** The key's hash code, for the frequency sketch. */
        int keyHash();
    }

    /** The caller's side of an eviction: when to stop and how to remove an entry. */
    interface Eviction<N> {
        /** Whether the cache is still over one of its bounds. */
        boolean overBound();

        /** Whether the entry is dead already (expired): such entries leave before any duel. */
        boolean isDead(N node);

        /** Removes the entry from the cache; the caller must call {@link AdaptivePolicy#onRemove} for it. */
        void evict(N node);
    }

    private final long maximum;
    private final long sketchCapacity;
    private final Sentinels<N> window;
    private final Sentinels<N> probation;
    private final Sentinels<N> protectedQueue;
    private final long seed;
    private FrequencySketch sketch;
    private long random;

    private long windowWeight;
    private long probationWeight;
    private long protectedWeight;
    private long windowMaximum;
    private long protectedMaximum;

    private final int ghostSlots;
    /** A ghost hit's key was lost fewer than this many additions ago. */
    private final long returnSpan;
    /** The ghost's time unit: additions shifted right by this many bits (a 64th of the slots or finer). */
    private final int stampShift;
    private final long samplePeriod;
    private final long maximumStep;
    /** The fingerprints and loss stamps of candidates that lost their duel, by slot; null until the first loss. */
    private int[] ghost;
    /** The entries added, for the ghost's stamps. */
    private long additions;

    /** Whether the density joins the ghost (a bound above {@link #DENSITY_THRESHOLD}). */
    private final boolean density;
    /** The sample's hits in the window (the rest of {@link #hitsInSample} are main's). */
    private long windowHits;
    private long hitsInSample;
    private long missesInSample;
    private long ghostHits;
    private long probationHits;
    private long adjustment;

    /**
     * @param maximum the entry bound (at least 1)
     * @param sketchCapacity the number of entries the cache may hold, which sizes the sketch
     * @param seed the salt of the sketch's hash and the seed of the admission's randomness
     * @param sentinel makes the queues' sentinels
     */
    AdaptivePolicy(long maximum, long sketchCapacity, long seed, Supplier<N> sentinel) {
        if (maximum < 1 || sketchCapacity < 1) {
            throw new IllegalArgumentException("maximum and sketchCapacity must be positive");
        }
        this.maximum = maximum;
        this.sketchCapacity = sketchCapacity;
        this.seed = seed;
        this.random = seed | 1;
        this.window = new Sentinels<>(sentinel.get());
        this.probation = new Sentinels<>(sentinel.get());
        this.protectedQueue = new Sentinels<>(sentinel.get());
        this.windowMaximum = Math.max(1, maximum - (long) ((1 - INITIAL_WINDOW) * maximum));
        this.protectedMaximum = (long) (PROTECTED_SHARE * (maximum - windowMaximum));
        this.ghostSlots = (int) Math.min(MAXIMUM_GHOST, Math.max(1, (long) (GHOST_SHARE * maximum)));
        this.returnSpan = Math.max(1, (ghostSlots + 1) / 2);
        this.stampShift = Math.max(0, 31 - Integer.numberOfLeadingZeros(ghostSlots) - 6);
        this.density = maximum > DENSITY_THRESHOLD;
        // Saturating, so that a bound near Long.MAX_VALUE does not overflow the density's sample.
        this.samplePeriod = !density ? Math.max(MINIMUM_SAMPLE, maximum)
                : maximum > Long.MAX_VALUE / DENSITY_SAMPLE_MULTIPLE ? Long.MAX_VALUE
                : DENSITY_SAMPLE_MULTIPLE * maximum;
        this.maximumStep = Math.max(1, (long) (MAXIMUM_STEP_SHARE * maximum));
    }

    // ---------------------------------------------------------------------------------------------
    // Events

    /** A new entry: it enters the window's most-recent end. Counts as a miss of the sample. */
    void onAdd(N node, long totalWeight) {
        if (sketch == null) {
            // From the first entry, so that the history covers the fill (the sketch starts small and grows).
            sketch = new FrequencySketch(sketchCapacity, seed);
        }
        sketch.ensureCapacity(totalWeight);
        sketch.increment(node.keyHash());
        missesInSample++;
        additions++;
        if (ghost != null) {
            long hash = ghostHash(node.keyHash());
            int held = ghost[ghostSlot(hash)];
            if ((held & ~STAMP_MASK) == fingerprint(hash)
                    && ((stamp() - held) & STAMP_MASK) << stampShift < returnSpan) {
                ghostHits++;
            }
        }
        node.region(WINDOW);
        window.addLast(node);
        windowWeight++;
    }

    /**
     * A hit (or an in-place update) on an entry in a queue. May adapt the window (bounded work: at most
     * {@value #MOVE_LIMIT} entries change regions).
     */
    void onAccess(N node) {
        int region = node.region();
        if (region == NONE) {
            return;
        }
        if (sketch != null) {
            sketch.increment(node.keyHash());
        }
        hitsInSample++;
        if (region == WINDOW) {
            windowHits++;
            window.moveToLast(node);
        } else if (region == PROBATION) {
            probationHits++;
            transfer(node, PROTECTED);
            demoteFromProtected();
        } else {
            protectedQueue.moveToLast(node);
        }
        if (hitsInSample + missesInSample >= samplePeriod) {
            // The sample is complete: adapt now rather than at the next miss, which on a trace with long runs
            // of hits comes late and stretches the sample over a change of phase.
            climb();
        }
    }

    /** The entry left the cache (for whatever cause): it leaves its queue. */
    void onRemove(N node) {
        if (node.region() != NONE) {
            unlink(node);
            node.region(NONE);
        }
    }

    /** {@code replacement} takes the place of {@code node} (same key) in its queue; {@code node} leaves. */
    void onReplace(N node, N replacement) {
        int region = node.region();
        if (region == NONE) {
            return;
        }
        N prev = node.policyPrev();
        N next = node.policyNext();
        replacement.policyPrev(prev);
        replacement.policyNext(next);
        prev.policyNext(replacement);
        next.policyPrev(replacement);
        replacement.region(region);
        node.policyPrev(null);
        node.policyNext(null);
        node.region(NONE);
    }

    /** Every entry left the cache; the sketch's history stays. */
    void onClear() {
        window.clear();
        probation.clear();
        protectedQueue.clear();
        windowWeight = 0;
        probationWeight = 0;
        protectedWeight = 0;
    }

    // ---------------------------------------------------------------------------------------------
    // Eviction

    /**
     * Evicts until the caller's bounds are met, then adapts the window. Call after every add (and after any
     * change that may have put the cache over a bound).
     */
    void evict(Eviction<N> eviction) {
        N candidate = moveWindowOverflowToProbation();
        N victim = probation.first();
        int victimRegion = PROBATION;
        boolean candidatesFromWindow = false;
        while (eviction.overBound()) {
            if (candidate == null && !candidatesFromWindow) {
                // The window's overflow is exhausted (or there was none): its least-recent entries duel next.
                candidate = window.first();
                candidatesFromWindow = true;
            }
            if (candidate == null && victim == null) {
                // Probation is exhausted: fall back to protected, then to the window.
                if (victimRegion == PROBATION) {
                    victimRegion = PROTECTED;
                    victim = protectedQueue.first();
                    continue;
                }
                if (victimRegion == PROTECTED) {
                    victimRegion = WINDOW;
                    victim = window.first();
                    continue;
                }
                break;
            }
            if (victim == null) {
                N next = nextOf(candidate);
                eviction.evict(candidate);
                candidate = next;
                continue;
            }
            if (candidate == null || candidate == victim) {
                N next = nextOf(victim);
                if (candidate == victim) {
                    candidate = null;
                }
                eviction.evict(victim);
                victim = next;
                continue;
            }
            if (eviction.isDead(victim)) {
                N next = nextOf(victim);
                eviction.evict(victim);
                victim = next;
                continue;
            }
            if (eviction.isDead(candidate)) {
                N next = nextOf(candidate);
                eviction.evict(candidate);
                candidate = next;
                continue;
            }
            if (admit(candidate, victim)) {
                N next = nextOf(victim);
                eviction.evict(victim);
                victim = next;
                candidate = nextOf(candidate);
            } else {
                N next = nextOf(candidate);
                rememberLoser(candidate.keyHash());
                eviction.evict(candidate);
                candidate = next;
            }
        }
        climb();
    }

    /** The next entry in the same queue, or null at its end. */
    private N nextOf(N node) {
        N next = node.policyNext();
        return queue(node.region()).isSentinel(next) ? null : next;
    }

    /** Moves an entry from its queue to the most-recent end of another. */
    private void transfer(N node, int region) {
        unlink(node);
        node.region(region);
        queue(region).addLast(node);
        addWeight(region, 1);
    }

    /** Takes the entry out of its queue and its weight out of its region's total. */
    private void unlink(N node) {
        int region = node.region();
        queue(region).remove(node);
        addWeight(region, -1);
    }

    private Sentinels<N> queue(int region) {
        return region == WINDOW ? window : region == PROBATION ? probation : protectedQueue;
    }

    private void addWeight(int region, long weight) {
        if (region == WINDOW) {
            windowWeight += weight;
        } else if (region == PROBATION) {
            probationWeight += weight;
        } else {
            protectedWeight += weight;
        }
    }

    /** Moves the window's overflow to probation's most-recent end; returns the first moved, or null. */
    private N moveWindowOverflowToProbation() {
        N first = null;
        while (windowWeight > windowMaximum) {
            N node = window.first();
            if (node == null) {
                break;
            }
            transfer(node, PROBATION);
            if (first == null) {
                first = node;
            }
        }
        return first;
    }

    /** Whether the candidate should replace the victim. */
    private boolean admit(N candidate, N victim) {
        if (sketch == null) {
            return true;
        }
        int candidateFrequency = sketch.frequency(candidate.keyHash());
        int victimFrequency = sketch.frequency(victim.keyHash());
        if (candidateFrequency > victimFrequency) {
            return true;
        }
        return candidateFrequency >= WARM && (nextRandom() & 127) == 0;
    }

    private long nextRandom() {
        // xorshift64: the admission's coin, cheap and seeded per policy.
        long x = random;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        random = x;
        return x;
    }

    private void demoteFromProtected() {
        for (int moved = 0; protectedWeight > protectedMaximum && moved < MOVE_LIMIT; moved++) {
            N node = protectedQueue.first();
            if (node == null) {
                return;
            }
            transfer(node, PROBATION);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Adaptation

    private void climb() {
        determineAdjustment();
        demoteFromProtected();
        if (adjustment > 0) {
            growWindow();
        } else if (adjustment < 0) {
            shrinkWindow();
        }
    }

    /**
     * At the end of a sample, sets the adjustment: the ghost hits less the weighted probation hits scaled to the
     * return span, relative to their sum (so the same at any bound and sample length), times the largest step
     * (the bound's share, or a share of the window if the window is large).
     */
    private void determineAdjustment() {
        if (hitsInSample + missesInSample < samplePeriod) {
            return;
        }
        double mainLoss = PROBATION_WEIGHT * probationHits * returnSpan / Math.max(1, probationWeight);
        double largestStep = Math.max(maximumStep, LARGE_WINDOW_STEP_SHARE * windowMaximum);
        double step = largestStep * (ghostHits - mainLoss) / (ghostHits + mainLoss + SMOOTHING);
        if (density) {
            step = Math.max(step, densityStep());
        }
        adjustment = (long) step;
        hitsInSample = 0;
        missesInSample = 0;
        ghostHits = 0;
        probationHits = 0;
        windowHits = 0;
    }

    /**
     * The density's step: the log of the window's hits per entry over main's (each count plus a half, so that an
     * empty count is finite), clamped to one either way, times {@value #DENSITY_STEP_SHARE} of the bound.
     */
    private double densityStep() {
        double windowDensity = (windowHits + 0.5) / Math.max(1, windowWeight);
        double mainDensity = (hitsInSample - windowHits + 0.5) / Math.max(1, probationWeight + protectedWeight);
        double error = Math.max(-1, Math.min(1, Math.log(windowDensity / mainDensity)));
        return DENSITY_STEP_SHARE * maximum * error;
    }

    /** Remembers the key of a candidate that lost its duel and when, in place of whatever its slot held. */
    private void rememberLoser(int keyHash) {
        if (ghost == null) {
            // At the first loss, so that a store that never fills never pays for it.
            ghost = new int[ghostSlots];
        }
        long hash = ghostHash(keyHash);
        ghost[ghostSlot(hash)] = fingerprint(hash) | stamp();
    }

    /** The time the ghost records: the additions in units of {@code 2^stampShift}, in the low bits. */
    private int stamp() {
        return (int) (additions >>> stampShift) & STAMP_MASK;
    }

    /** The key's salted 64-bit hash as the ghost uses it: the slot from the high half, the fingerprint the low. */
    private long ghostHash(int keyHash) {
        long z = (keyHash ^ seed) * 0x9E37_79B9_7F4A_7C15L;
        z ^= z >>> 29;
        z *= 0xBF58_476D_1CE4_E5B9L;
        return z ^ (z >>> 32);
    }

    /** The fingerprint a slot holds above its stamp: never 0, so that an empty slot matches no key. */
    private static int fingerprint(long ghostHash) {
        return ((int) ghostHash & ~STAMP_MASK) | (STAMP_MASK + 1);
    }

    /** The slot of a ghost hash: its high half scaled to the number of slots (multiply-shift). */
    private int ghostSlot(long ghostHash) {
        return (int) (((ghostHash >>> 32) * ghostSlots) >>> 32);
    }

    /** Moves capacity from protected to the window, and main's least-recent entries with it. */
    private void growWindow() {
        if (protectedMaximum == 0) {
            return;
        }
        long quota = Math.min(adjustment, protectedMaximum);
        protectedMaximum -= quota;
        windowMaximum += quota;
        demoteFromProtected();
        for (int moved = 0; moved < MOVE_LIMIT && quota > 0; moved++) {
            N node = probation.first();
            if (node == null) {
                node = protectedQueue.first();
                if (node == null) {
                    break;
                }
            }
            quota--;
            transfer(node, WINDOW);
        }
        // What could not be moved stays where it was, for the next adaptation.
        protectedMaximum += quota;
        windowMaximum -= quota;
        adjustment = quota;
    }

    /** Moves capacity from the window to protected, and the window's least-recent entries to probation. */
    private void shrinkWindow() {
        if (windowMaximum <= 1) {
            return;
        }
        long quota = Math.min(-adjustment,
                Math.min(windowMaximum - 1, Math.max(1, (long) (MAXIMUM_SHRINK_SHARE * windowMaximum))));
        protectedMaximum += quota;
        windowMaximum -= quota;
        for (int moved = 0; moved < MOVE_LIMIT && quota > 0; moved++) {
            N node = window.first();
            if (node == null) {
                break;
            }
            quota--;
            transfer(node, PROBATION);
        }
        protectedMaximum -= quota;
        windowMaximum += quota;
        adjustment = -quota;
    }

    // ---------------------------------------------------------------------------------------------
    // Introspection, for tests and the store's checks

    long windowMaximum() {
        return windowMaximum;
    }

    long protectedMaximum() {
        return protectedMaximum;
    }

    long windowWeight() {
        return windowWeight;
    }

    long probationWeight() {
        return probationWeight;
    }

    long protectedWeight() {
        return protectedWeight;
    }

    /** The sketch's estimate for a key hash (0 before the sketch exists). */
    int frequency(int keyHash) {
        return sketch == null ? 0 : sketch.frequency(keyHash);
    }

    /** The ghost's slots (0 before the first lost duel). */
    int ghostLength() {
        return ghost == null ? 0 : ghost.length;
    }

    /** The sketch's size in longs (0 before it exists). */
    int sketchLength() {
        return sketch == null ? 0 : sketch.tableLength();
    }

    /**
     * Whether every queue holds exactly as many entries as its region's count says, each tagged with its
     * region, and the total is {@code entries}: the policy's books balance (for tests, under the lock).
     */
    boolean isConsistentWith(long entries) {
        return window.countTagged(WINDOW) == windowWeight
                && probation.countTagged(PROBATION) == probationWeight
                && protectedQueue.countTagged(PROTECTED) == protectedWeight
                && windowWeight + probationWeight + protectedWeight == entries;
    }

    /** A circular doubly linked queue threaded through the entries, around a sentinel. */
    private static final class Sentinels<N extends Links<N>> {
        private final N sentinel;

        Sentinels(N sentinel) {
            this.sentinel = sentinel;
            sentinel.policyPrev(sentinel);
            sentinel.policyNext(sentinel);
        }

        boolean isSentinel(N node) {
            return node == sentinel;
        }

        N first() {
            N first = sentinel.policyNext();
            return first == sentinel ? null : first;
        }

        void addLast(N node) {
            N last = sentinel.policyPrev();
            node.policyPrev(last);
            node.policyNext(sentinel);
            last.policyNext(node);
            sentinel.policyPrev(node);
        }

        void remove(N node) {
            N prev = node.policyPrev();
            N next = node.policyNext();
            prev.policyNext(next);
            next.policyPrev(prev);
            node.policyPrev(null);
            node.policyNext(null);
        }

        void moveToLast(N node) {
            if (sentinel.policyPrev() != node) {
                remove(node);
                addLast(node);
            }
        }

        /** The number of entries in the queue, or -1 if one is not tagged with {@code region}. */
        long countTagged(int region) {
            long count = 0;
            for (N node = sentinel.policyNext(); node != sentinel; node = node.policyNext()) {
                if (node.region() != region) {
                    return -1;
                }
                count++;
            }
            return count;
        }

        void clear() {
            N node = sentinel.policyNext();
            while (node != sentinel) {
                N next = node.policyNext();
                node.policyPrev(null);
                node.policyNext(null);
                node.region(NONE);
                node = next;
            }
            sentinel.policyPrev(sentinel);
            sentinel.policyNext(sentinel);
        }
    }
}

package io.chatcache.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hit rates on every LIRS trace in the repository's {@code traces} folder and on two synthetic traces (Zipfian,
 * and chat-shaped: see {@link SyntheticTraces}) at 250, 500 and 1000 entries, printed as a Markdown table: an
 * access-ordered {@link java.util.LinkedHashMap} (exact LRU, the oracle), chat-cache's LRU, chat-cache's
 * adaptive policy and Caffeine (W-TinyLFU). Each access is a read; a miss is followed by a put of the key, as a
 * cache-aside application does. The adaptive policy (its sketch's hash is salted per store) and Caffeine (its
 * admission has a random element) are each run {@code --runs} times (default {@value #RUNS}): the mean, and the
 * lowest and highest. A cell where the adaptive policy's mean is below Caffeine's but its highest run reaches
 * Caffeine's lowest is counted as within the runs' spread. A cell is <em>clearly below</em> when the adaptive
 * mean is lower than Caffeine's by more than twice the standard error of the difference of the two means
 * ({@code sqrt(sa^2 / n + sc^2 / m)}, {@code sa} and {@code sc} the runs' sample standard deviations): with
 * randomised caches, a mean a tenth of a point lower can be the draw of the runs rather than the policy, and
 * this says which differences more runs would not be expected to close.
 *
 * <p>Caffeine's sketch hashes {@code String.hashCode} unsalted, so on the short traces its result depends on how
 * the keys happen to be spelled (which keys share counters). With {@code --spellings true} a second table gives
 * Caffeine's mean over {@value #SPELLINGS} spellings of the same keys (each key with one prefix added; the
 * first spelling is the keys as they are), one run each.
 *
 * <p>Fails (exit status 1) when chat-cache's hit count differs from the oracle's on any trace and size: the
 * memory store promises exact LRU order when used from one thread.
 *
 * <pre>{@code
 * java -cp cache-bench/target/benchmarks.jar io.chatcache.bench.HitRates [--traces DIR] [--sizes 250,500,1000] [--runs 5] [--spellings true]
 * }</pre>
 */
public final class HitRates {

    /** Differences of means smaller than this, in points, are rounding (a hit of a 10-million-access trace is 1e-5). */
    private static final double ROUNDING = 1e-9;

    /** Runs of each randomised cache per trace and size, unless {@code --runs} says otherwise. */
    static final int RUNS = 5;

    /** Prefixes that respell every key of a trace, for Caffeine's spread over spellings. */
    private static final List<String> PREFIXES = List.of("", "b/", "k:", "x", "page:", "blk-", "id=", "q");
    static final int SPELLINGS = 8;

    private HitRates() {
    }

    /**
     * Runs the simulation and prints the table.
     *
     * @param args {@code --traces DIR} (default: the repository's {@code traces} folder found from the working
     *     directory), {@code --sizes N,N,...} (default 250,500,1000) and {@code --runs N} (default {@value #RUNS})
     */
    public static void main(String[] args) {
        Map<String, String> options = Args.parse(args, "--traces", "--sizes", "--runs", "--spellings");
        boolean spellings = Boolean.parseBoolean(options.getOrDefault("--spellings", "false"));
        int runs = Args.ints(options.getOrDefault("--runs", String.valueOf(RUNS)))[0];
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1, was " + runs);
        }
        int[] sizes = Args.ints(options.getOrDefault("--sizes", "250,500,1000"));
        Path folder = Traces.locate(options.get("--traces"));
        List<Traces.Trace> traces = new ArrayList<>(Traces.readAll(folder));
        traces.add(SyntheticTraces.zipf());
        traces.add(SyntheticTraces.chat());

        System.out.println("Hit rates on the traces in " + folder + " (hits / accesses; a miss is followed by a put)");
        System.out.println();
        System.out.println("| trace | accesses | distinct keys | size | LRU oracle (LinkedHashMap) | chatcache-lru "
                + "| chatcache-adaptive (mean, min–max) | caffeine (mean, min–max) | adaptive − caffeine |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        boolean allExact = true;
        int cells = 0;
        int atLeastCaffeine = 0;
        int withinSpread = 0;
        List<String> clearlyBelow = new ArrayList<>();
        List<double[]> adaptiveRuns = new ArrayList<>();
        double sumDifference = 0;
        for (Traces.Trace trace : traces) {
            for (int size : sizes) {
                long oracle = simulate(trace, CacheKind.LHM_SYNC, size);
                long lru = simulate(trace, CacheKind.CHATCACHE_LRU, size);
                double[] adaptive = runs(trace, CacheKind.CHATCACHE_ADAPTIVE, size, runs);
                double[] caffeine = runs(trace, CacheKind.CAFFEINE, size, runs);
                boolean exact = oracle == lru;
                allExact &= exact;
                double difference = difference(adaptive[0], caffeine[0]);
                cells++;
                atLeastCaffeine += difference >= 0 ? 1 : 0;
                withinSpread += difference < 0 && adaptive[2] >= caffeine[1] ? 1 : 0;
                if (isClearlyBelow(difference, adaptive[3], caffeine[3])) {
                    clearlyBelow.add(trace.name() + "@" + size);
                }
                adaptiveRuns.add(adaptive);
                sumDifference += difference;
                System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %d | %s | %s%s | %s | %s | %+.2f |%n",
                        trace.name(), trace.keys().length, trace.distinctKeys(), size,
                        percent(oracle, trace), percent(lru, trace), exact ? "" : " **≠ LRU**",
                        spread(adaptive), spread(caffeine), difference);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "chatcache-adaptive's mean >= caffeine's in %d of %d cells; mean difference "
                + "%+.2f points; of the %d cells below, %d within the runs' spread (adaptive's highest >= caffeine's "
                + "lowest); %d runs each.%n", atLeastCaffeine, cells, sumDifference / cells, cells - atLeastCaffeine,
                withinSpread, runs);
        printClearlyBelow(clearlyBelow, runs);
        if (!allExact) {
            System.out.println("FAILED: chatcache-lru's hits differ from exact LRU's (marked ≠ LRU above)");
            System.exit(1);
        }
        System.out.println("chatcache-lru's hit count equals exact LRU's on every trace and size.");
        if (spellings) {
            printSpellings(traces, sizes, adaptiveRuns, runs);
        }
    }

    /** The number of hits of a fresh cache of {@code size} entries replaying {@code trace}. */
    static long simulate(Traces.Trace trace, CacheKind kind, int size) {
        long hits = 0;
        try (BenchCache cache = kind.create(size, true)) {
            for (String key : trace.keys()) {
                if (cache.get(key) != null) {
                    hits++;
                } else {
                    cache.put(key, Boolean.TRUE);
                }
            }
        }
        return hits;
    }

    /** Caffeine over {@value #SPELLINGS} spellings of each trace's keys, against the adaptive means above. */
    private static void printSpellings(List<Traces.Trace> traces, int[] sizes, List<double[]> adaptiveRuns,
            int runs) {
        System.out.println();
        System.out.println("| trace | size | chatcache-adaptive (mean, from above) | caffeine over " + SPELLINGS
                + " key spellings (mean, min–max) | adaptive − caffeine |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        int cell = 0;
        int atLeast = 0;
        double sum = 0;
        List<String> clearlyBelow = new ArrayList<>();
        for (Traces.Trace trace : traces) {
            for (int size : sizes) {
                double[] adaptiveStats = adaptiveRuns.get(cell++);
                double adaptive = adaptiveStats[0];
                double[] rates = new double[PREFIXES.size()];
                int spelling = 0;
                for (String prefix : PREFIXES) {
                    String[] keys = new String[trace.keys().length];
                    Map<String, String> interned = new HashMap<>();
                    for (int i = 0; i < keys.length; i++) {
                        keys[i] = interned.computeIfAbsent(prefix + trace.keys()[i], k -> k);
                    }
                    Traces.Trace respelled = new Traces.Trace(trace.name(), keys);
                    rates[spelling++] = 100.0 * simulate(respelled, CacheKind.CAFFEINE, size) / keys.length;
                }
                double[] caffeine = statistics(rates);
                double difference = difference(adaptive, caffeine[0]);
                atLeast += difference >= 0 ? 1 : 0;
                sum += difference;
                if (isClearlyBelow(difference, adaptiveStats[3], caffeine[3])) {
                    clearlyBelow.add(trace.name() + "@" + size);
                }
                System.out.printf(Locale.ROOT, "| %s | %d | %.2f%% | %s | %+.2f |%n",
                        trace.name(), size, adaptive, spread(caffeine), difference);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Against Caffeine's mean over key spellings: at or above in %d of %d cells; "
                + "mean difference %+.2f points.%n", atLeast, cell, sum / cell);
        printClearlyBelow(clearlyBelow, runs);
    }

    /**
     * {@code adaptive - caffeine} in points, or exactly 0 when the two differ only by rounding: the means of
     * equal hit counts over different numbers of runs (every cache holding every key) may differ in the last
     * bits, which would count a level cell as below.
     */
    private static double difference(double adaptive, double caffeine) {
        double difference = adaptive - caffeine;
        return Math.abs(difference) < ROUNDING ? 0 : difference;
    }

    /** Whether the difference of two means is below zero by more than twice its standard error. */
    private static boolean isClearlyBelow(double difference, double standardError, double otherStandardError) {
        return difference < -2 * Math.sqrt(standardError * standardError + otherStandardError * otherStandardError);
    }

    private static void printClearlyBelow(List<String> cells, int runs) {
        if (runs < 2) {
            System.out.println("Standard errors need at least 2 runs (--runs).");
        } else {
            System.out.printf(Locale.ROOT, "Clearly below (by more than two standard errors of the difference): %d %s.%n",
                    cells.size(), cells.isEmpty() ? "cells" : cells.toString());
        }
    }

    /** Hit rates in percent over {@code runs} fresh caches: mean, lowest, highest and the mean's standard error. */
    private static double[] runs(Traces.Trace trace, CacheKind kind, int size, int runs) {
        double[] rates = new double[runs];
        for (int run = 0; run < runs; run++) {
            rates[run] = 100.0 * simulate(trace, kind, size) / trace.keys().length;
        }
        return statistics(rates);
    }

    /** Mean, lowest, highest and the mean's standard error (0 for one value) of {@code rates}. */
    static double[] statistics(double[] rates) {
        double sum = 0;
        double lowest = Double.MAX_VALUE;
        double highest = -Double.MAX_VALUE;
        for (double rate : rates) {
            sum += rate;
            lowest = Math.min(lowest, rate);
            highest = Math.max(highest, rate);
        }
        double mean = sum / rates.length;
        double squares = 0;
        for (double rate : rates) {
            squares += (rate - mean) * (rate - mean);
        }
        double standardError = rates.length < 2 ? 0 : Math.sqrt(squares / (rates.length - 1) / rates.length);
        return new double[] {mean, lowest, highest, standardError};
    }

    private static String spread(double[] rates) {
        return String.format(Locale.ROOT, "%.2f%% (%.2f–%.2f)", rates[0], rates[1], rates[2]);
    }

    private static String percent(long hits, Traces.Trace trace) {
        return String.format(Locale.ROOT, "%.2f%% (%,d)", 100.0 * hits / trace.keys().length, hits);
    }
}

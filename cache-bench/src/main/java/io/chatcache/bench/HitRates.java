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
 * Caffeine's lowest is counted as within the runs' spread.
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
        List<Double> adaptiveMeans = new ArrayList<>();
        double sumDifference = 0;
        for (Traces.Trace trace : traces) {
            for (int size : sizes) {
                long oracle = simulate(trace, CacheKind.LHM_SYNC, size);
                long lru = simulate(trace, CacheKind.CHATCACHE_LRU, size);
                double[] adaptive = runs(trace, CacheKind.CHATCACHE_ADAPTIVE, size, runs);
                double[] caffeine = runs(trace, CacheKind.CAFFEINE, size, runs);
                boolean exact = oracle == lru;
                allExact &= exact;
                double difference = adaptive[0] - caffeine[0];
                cells++;
                atLeastCaffeine += difference >= 0 ? 1 : 0;
                withinSpread += difference < 0 && adaptive[2] >= caffeine[1] ? 1 : 0;
                adaptiveMeans.add(adaptive[0]);
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
        if (!allExact) {
            System.out.println("FAILED: chatcache-lru's hits differ from exact LRU's (marked ≠ LRU above)");
            System.exit(1);
        }
        System.out.println("chatcache-lru's hit count equals exact LRU's on every trace and size.");
        if (spellings) {
            printSpellings(traces, sizes, adaptiveMeans);
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
    private static void printSpellings(List<Traces.Trace> traces, int[] sizes, List<Double> adaptiveMeans) {
        System.out.println();
        System.out.println("| trace | size | chatcache-adaptive (mean, from above) | caffeine over " + SPELLINGS
                + " key spellings (mean, min–max) | adaptive − caffeine |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        int cell = 0;
        int atLeast = 0;
        double sum = 0;
        for (Traces.Trace trace : traces) {
            for (int size : sizes) {
                double adaptive = adaptiveMeans.get(cell++);
                double total = 0;
                double lowest = Double.MAX_VALUE;
                double highest = 0;
                for (String prefix : PREFIXES) {
                    String[] keys = new String[trace.keys().length];
                    Map<String, String> interned = new HashMap<>();
                    for (int i = 0; i < keys.length; i++) {
                        keys[i] = interned.computeIfAbsent(prefix + trace.keys()[i], k -> k);
                    }
                    Traces.Trace respelled = new Traces.Trace(trace.name(), keys);
                    double rate = 100.0 * simulate(respelled, CacheKind.CAFFEINE, size) / keys.length;
                    total += rate;
                    lowest = Math.min(lowest, rate);
                    highest = Math.max(highest, rate);
                }
                double caffeine = total / PREFIXES.size();
                atLeast += adaptive >= caffeine ? 1 : 0;
                sum += adaptive - caffeine;
                System.out.printf(Locale.ROOT, "| %s | %d | %.2f%% | %.2f%% (%.2f–%.2f) | %+.2f |%n",
                        trace.name(), size, adaptive, caffeine, lowest, highest, adaptive - caffeine);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Against Caffeine's mean over key spellings: at or above in %d of %d cells; "
                + "mean difference %+.2f points.%n", atLeast, cell, sum / cell);
    }

    /** Mean, lowest and highest hit rate in percent over {@code runs} fresh caches. */
    private static double[] runs(Traces.Trace trace, CacheKind kind, int size, int runs) {
        double sum = 0;
        double lowest = Double.MAX_VALUE;
        double highest = 0;
        for (int run = 0; run < runs; run++) {
            double rate = 100.0 * simulate(trace, kind, size) / trace.keys().length;
            sum += rate;
            lowest = Math.min(lowest, rate);
            highest = Math.max(highest, rate);
        }
        return new double[] {sum / runs, lowest, highest};
    }

    private static String spread(double[] rates) {
        return String.format(Locale.ROOT, "%.2f%% (%.2f–%.2f)", rates[0], rates[1], rates[2]);
    }

    private static String percent(long hits, Traces.Trace trace) {
        return String.format(Locale.ROOT, "%.2f%% (%,d)", 100.0 * hits / trace.keys().length, hits);
    }
}

package io.chatcache.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hit rates on every LIRS trace in the repository's {@code traces} folder at 250, 500 and 1000 entries, printed as a Markdown
 * table: an access-ordered {@link java.util.LinkedHashMap} (exact LRU, the oracle), chat-cache's LRU and
 * Caffeine (W-TinyLFU). Each access is a read; a miss is followed by a put of the key, as a cache-aside
 * application does.
 *
 * <p>Fails (exit status 1) when chat-cache's hit count differs from the oracle's on any trace and size: the
 * memory store promises exact LRU order when used from one thread.
 *
 * <pre>{@code
 * java -cp cache-bench/target/benchmarks.jar io.chatcache.bench.HitRates [--traces DIR] [--sizes 250,500,1000]
 * }</pre>
 */
public final class HitRates {

    private HitRates() {
    }

    /**
     * Runs the simulation and prints the table.
     *
     * @param args {@code --traces DIR} (default: the repository's {@code traces} folder found from the working
     *     directory) and {@code --sizes N,N,...} (default 250,500,1000)
     */
    public static void main(String[] args) {
        Map<String, String> options = Args.parse(args, "--traces", "--sizes");
        int[] sizes = Args.ints(options.getOrDefault("--sizes", "250,500,1000"));
        Path folder = Traces.locate(options.get("--traces"));
        List<Traces.Trace> traces = Traces.readAll(folder);

        System.out.println("Hit rates on the traces in " + folder + " (hits / accesses; a miss is followed by a put)");
        System.out.println();
        System.out.println("| trace | accesses | distinct keys | size | LRU oracle (LinkedHashMap) | chatcache-lru | caffeine |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        boolean allExact = true;
        for (Traces.Trace trace : traces) {
            for (int size : sizes) {
                long oracle = simulate(trace, CacheKind.LHM_SYNC, size);
                long lru = simulate(trace, CacheKind.CHATCACHE_LRU, size);
                long caffeine = simulate(trace, CacheKind.CAFFEINE, size);
                boolean exact = oracle == lru;
                allExact &= exact;
                System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %d | %s | %s%s | %s |%n",
                        trace.name(), trace.keys().length, trace.distinctKeys(), size,
                        percent(oracle, trace), percent(lru, trace), exact ? "" : " **≠ LRU**", percent(caffeine, trace));
            }
        }
        System.out.println();
        if (!allExact) {
            System.out.println("FAILED: chatcache-lru's hits differ from exact LRU's (marked ≠ LRU above)");
            System.exit(1);
        }
        System.out.println("chatcache-lru's hit count equals exact LRU's on every trace and size.");
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

    private static String percent(long hits, Traces.Trace trace) {
        return String.format(Locale.ROOT, "%.2f%% (%,d)", 100.0 * hits / trace.keys().length, hits);
    }
}

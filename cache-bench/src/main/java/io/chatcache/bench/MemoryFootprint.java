package io.chatcache.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * The memory a cache spends per entry, at 100,000 entries by default, measured with JOL's object-graph walk
 * ({@link GraphLayout}, no agent needed): the retained size of the full cache's object graph, without the keys and
 * the value (the same String and Boolean instances are put into every cache and are not counted), divided by the
 * number of entries. What remains is the cache's own structure: table slots, nodes, links, recency and frequency
 * bookkeeping, plus the cache's fixed overhead, which the table also shows (the graph of the empty cache) and
 * which adds well under one byte per entry at this size. Tables that a cache sizes up front (Caffeine, given its
 * maximum as initial capacity, as Caffeine's own benchmarks do) count the same as tables that grow.
 *
 * <p>Every cache is bounded to exactly the number of entries it holds (the unbounded {@code chm} is shown for
 * reference); chat-cache's store is built without its periodic cleanup thread and Caffeine with its maintenance on
 * the caller's thread, so that no thread and its class loaders are walked as part of the cache. The walk is
 * repeated {@code --runs} times on fresh caches and the smallest result shown.
 *
 * <pre>{@code
 * java --add-exports java.base/jdk.internal.vm.annotation=ALL-UNNAMED -Djdk.attach.allowAttachSelf=true \
 *     -cp cache-bench/target/benchmarks.jar io.chatcache.bench.MemoryFootprint [--entries 100000] [--runs 3] \
 *     [--detail chatcache-lru]
 * }</pre>
 * The two JVM flags let JOL see {@code @Contended} padding and ask the JVM for exact object sizes; without them
 * it warns and works from its own layout model.
 * <pre>{@code
 * }</pre>
 */
public final class MemoryFootprint {

    private static final List<CacheKind> KINDS =
            List.of(CacheKind.CHATCACHE_LRU, CacheKind.CHATCACHE_ADAPTIVE, CacheKind.CAFFEINE, CacheKind.LHM_SYNC,
                    CacheKind.CHM);

    private MemoryFootprint() {
    }

    /**
     * Measures and prints the table.
     *
     * @param args {@code --entries N} (default 100000), {@code --runs N} (default 3) and {@code --detail CACHE}
     *     (also print the class histogram of that cache's full graph)
     */
    public static void main(String[] args) {
        // Caffeine's graph holds lambdas (hidden classes), whose field offsets Unsafe refuses to give: JOL then
        // reads them from its own probe object. It must be set before JOL's first use.
        System.setProperty("jol.magicFieldOffset", "true");
        Map<String, String> options = Args.parse(args, "--entries", "--runs", "--detail");
        int entries = Args.positiveInt(options, "--entries", 100_000);
        int runs = Args.positiveInt(options, "--runs", 3);

        String[] keys = new String[entries];
        for (int i = 0; i < entries; i++) {
            keys[i] = "user:" + i;
        }
        GraphLayout shared = GraphLayout.parseInstance((Object[]) keys).add(GraphLayout.parseInstance(Boolean.TRUE));

        System.out.println("Memory per entry at " + String.format(Locale.ROOT, "%,d", entries)
                + " entries (JOL GraphLayout of the full cache, keys and value excluded, divided by the entries;"
                + " best of " + runs + " runs)");
        System.out.println(VM.current().details().lines().filter(l -> l.contains("VM mode") || l.contains("Compressed"))
                .map(l -> "    " + l.strip()).reduce((a, b) -> a + "\n" + b).orElse(""));
        System.out.println();
        List<long[]> rows = new ArrayList<>();
        for (CacheKind kind : KINDS) {
            rows.add(measure(kind, keys, shared, runs));
        }
        double caffeine = perEntry(rows.get(KINDS.indexOf(CacheKind.CAFFEINE)), entries);
        System.out.println("| cache | bytes per entry | ratio to caffeine | full graph, bytes | empty graph, bytes |");
        System.out.println("| --- | ---: | ---: | ---: | ---: |");
        for (int i = 0; i < KINDS.size(); i++) {
            long[] row = rows.get(i);
            double perEntry = perEntry(row, entries);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.2f | %,d | %,d |%n",
                    KINDS.get(i).benchName() + (KINDS.get(i) == CacheKind.CHM ? " (unbounded)" : ""),
                    perEntry, perEntry / caffeine, row[0], row[1]);
        }
        String detail = options.get("--detail");
        if (detail != null) {
            CacheKind kind = CacheKind.named(detail);
            try (BenchCache cache = kind.create(entries, true)) {
                for (String key : keys) {
                    cache.put(key, Boolean.TRUE);
                }
                System.out.println();
                System.out.println("Objects of a full " + kind.benchName() + " (keys and value excluded):");
                System.out.println(GraphLayout.parseInstance(cache).subtract(shared).toFootprint());
            }
        }
    }

    private static double perEntry(long[] row, int entries) {
        return (double) row[0] / entries;
    }

    /** {full graph size without keys and value, empty graph size}, the smallest of {@code runs} attempts. */
    private static long[] measure(CacheKind kind, String[] keys, GraphLayout shared, int runs) {
        long[] best = null;
        for (int run = 0; run < runs; run++) {
            try (BenchCache cache = kind.create(keys.length, true)) {
                long empty = GraphLayout.parseInstance(cache).totalSize();
                for (String key : keys) {
                    cache.put(key, Boolean.TRUE);
                }
                for (String key : keys) {
                    if (cache.get(key) == null) {
                        throw new IllegalStateException(kind.benchName() + " evicted " + key + " below its capacity");
                    }
                }
                long full = GraphLayout.parseInstance(cache).subtract(shared).totalSize();
                if (best == null || full < best[0]) {
                    best = new long[] {full, empty};
                }
            }
        }
        return best;
    }
}

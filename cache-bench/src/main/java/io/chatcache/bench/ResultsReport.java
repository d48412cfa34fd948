package io.chatcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the JMH JSON files that {@code run-all.sh} writes into the Markdown tables of RESULTS.md, with the ratios
 * the goals are stated in, so that no ratio is worked out by hand. Files that are missing are reported as
 * missing, not guessed.
 *
 * <pre>{@code
 * java -cp cache-bench/target/benchmarks.jar io.chatcache.bench.ResultsReport cache-bench/results
 * }</pre>
 */
public final class ResultsReport {

    private static final String[] WORKLOADS = {"read_only", "readwrite", "write_only"};
    private static final String[] CACHES = {"chatcache-lru", "caffeine", "chm", "lhm-sync"};

    private final Path folder;
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> goals = new ArrayList<>();

    private ResultsReport(Path folder) {
        this.folder = folder;
    }

    /**
     * Prints the tables.
     *
     * @param args the results folder
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ResultsReport RESULTS_FOLDER");
        }
        new ResultsReport(Path.of(args[0])).print();
    }

    private void print() throws IOException {
        getPut();
        eviction();
        redisStore();
        hybridRead();
        hybridMix();
        System.out.println("### Goals measured by JMH");
        System.out.println();
        System.out.println("| figure | goal | measured | met |");
        System.out.println("| --- | --- | ---: | --- |");
        goals.forEach(System.out::println);
        System.out.println();
    }

    /** One JMH result: its score, error, unit and allocation per operation (NaN when not profiled). */
    private record Score(double score, double error, String unit, double allocPerOp) {
    }

    /** Results of one file keyed by "method|param=value,...|threads". */
    private Map<String, Score> read(String name) throws IOException {
        Path file = folder.resolve(name + ".json");
        Map<String, Score> scores = new TreeMap<>();
        if (!Files.exists(file)) {
            System.out.println("_(" + file.getFileName() + " missing: not measured)_");
            System.out.println();
            return scores;
        }
        for (JsonNode result : mapper.readTree(file.toFile())) {
            String benchmark = result.path("benchmark").asText();
            String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            StringBuilder params = new StringBuilder();
            result.path("params").properties().forEach(e ->
                    params.append(params.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue().asText()));
            JsonNode metric = result.path("primaryMetric");
            JsonNode alloc = result.path("secondaryMetrics").path("gc.alloc.rate.norm");
            scores.put(method + "|" + params + "|" + result.path("threads").asInt(), new Score(
                    metric.path("score").asDouble(), metric.path("scoreError").asDouble(),
                    metric.path("scoreUnit").asText(), alloc.isMissingNode() ? Double.NaN : alloc.path("score").asDouble()));
        }
        return scores;
    }

    private void getPut() throws IOException {
        System.out.println("### GetPutBenchmark (ops/s, millions; ratio to caffeine; bytes allocated per op)");
        System.out.println();
        for (int threads : new int[] {1, 2}) {
            Map<String, Score> scores = read("getput-t" + threads);
            if (scores.isEmpty()) {
                continue;
            }
            System.out.println("**" + threads + (threads == 1 ? " thread" : " threads") + "**");
            System.out.println();
            System.out.println("| cache | read_only | readwrite | write_only |");
            System.out.println("| --- | ---: | ---: | ---: |");
            for (String cache : CACHES) {
                StringBuilder row = new StringBuilder("| " + cache + " |");
                for (String workload : WORKLOADS) {
                    Score s = scores.get(workload + "|cache=" + cache + "|" + threads);
                    Score caffeine = scores.get(workload + "|cache=caffeine|" + threads);
                    row.append(' ').append(s == null ? "–" : String.format(Locale.ROOT, "%.1f ± %.1f (%.2f×, %s B/op)",
                            s.score / 1e6, s.error / 1e6, s.score / caffeine.score, alloc(s))).append(" |");
                }
                System.out.println(row);
            }
            System.out.println();
            double[] targets = {1.0, 0.9, 0.8};
            for (int w = 0; w < WORKLOADS.length; w++) {
                Score ours = scores.get(WORKLOADS[w] + "|cache=chatcache-lru|" + threads);
                Score caffeine = scores.get(WORKLOADS[w] + "|cache=caffeine|" + threads);
                if (ours != null && caffeine != null) {
                    goal("chatcache-lru " + WORKLOADS[w] + " / caffeine, " + threads + (threads == 1 ? " thread" : " threads"),
                            "≥ " + targets[w], ours.score / caffeine.score, ours.score / caffeine.score >= targets[w]);
                }
            }
        }
    }

    private void eviction() throws IOException {
        System.out.println("### EvictionBenchmark (puts that evict, ops/s, millions; ratio to caffeine; bytes allocated per op)");
        System.out.println();
        Map<String, Score> scores = read("eviction");
        if (scores.isEmpty()) {
            return;
        }
        List<String> sizes = scores.keySet().stream().map(k -> k.replaceAll(".*size=(\\d+).*", "$1")).distinct()
                .sorted((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b))).toList();
        System.out.println("| cache |" + String.join("", sizes.stream().map(s -> " size " + s + " |").toList()));
        System.out.println("| --- |" + " ---: |".repeat(sizes.size()));
        for (String cache : new String[] {"chatcache-lru", "caffeine", "lhm-sync", "caffeine-samethread"}) {
            StringBuilder row = new StringBuilder("| " + cache + " |");
            for (String size : sizes) {
                Score s = scores.get("evict|cache=" + cache + ",size=" + size + "|1");
                Score caffeine = scores.get("evict|cache=caffeine,size=" + size + "|1");
                row.append(' ').append(s == null ? "–" : String.format(Locale.ROOT, "%.2f ± %.2f (%.2f×, %s B/op)",
                        s.score / 1e6, s.error / 1e6, s.score / caffeine.score, alloc(s))).append(" |");
            }
            System.out.println(row);
        }
        System.out.println();
    }

    private void redisStore() throws IOException {
        System.out.println("### RedisStoreBenchmark (µs per operation, 1 thread; lower is better)");
        System.out.println();
        Map<String, Score> scores = read("redis-store");
        if (scores.isEmpty()) {
            return;
        }
        System.out.println("| operation | RedisCacheStore | raw Redisson | store / raw | store B/op | raw B/op |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        String[][] pairs = {{"get", "store_get", "bucket_get"}, {"put", "store_put", "bucket_put"},
            {"getAll (10 keys)", "store_getAll", "batch_getAll"}};
        for (String[] pair : pairs) {
            Score ours = find(scores, pair[1] + "|");
            Score raw = find(scores, pair[2] + "|");
            if (ours == null || raw == null) {
                System.out.println("| " + pair[0] + " | – | – | – | – | – |");
                continue;
            }
            double ratio = ours.score / raw.score;
            System.out.printf(Locale.ROOT, "| %s | %.1f ± %.1f | %.1f ± %.1f | %.2f | %s | %s |%n", pair[0],
                    ours.score, ours.error, raw.score, raw.error, ratio, alloc(ours), alloc(raw));
            goal("RedisCacheStore " + pair[0] + " time / raw Redisson", "≤ 1.1", ratio, ratio <= 1.1);
        }
        Score serialize = find(scores, "jackson_serialize|");
        Score deserialize = find(scores, "jackson_deserialize|");
        if (serialize != null && deserialize != null) {
            System.out.printf(Locale.ROOT, "%nThe store's JSON alone: serialise %.2f µs, deserialise %.2f µs per ChatLine.%n",
                    serialize.score, deserialize.score);
        }
        System.out.println();
    }

    private void hybridRead() throws IOException {
        System.out.println("### HybridReadBenchmark (reads answered by L1, ops/s, millions)");
        System.out.println();
        Map<String, Score> scores = read("hybrid-read");
        if (scores.isEmpty()) {
            return;
        }
        Score hybrid = find(scores, "read|store=hybrid");
        Score memory = find(scores, "read|store=memory");
        System.out.println("| store | reads/s (millions) | B/op |");
        System.out.println("| --- | ---: | ---: |");
        for (Map.Entry<String, Score> e : scores.entrySet()) {
            System.out.printf(Locale.ROOT, "| %s | %.2f ± %.2f | %s |%n", e.getKey().replaceAll(".*store=([^|,]+).*", "$1"),
                    e.getValue().score / 1e6, e.getValue().error / 1e6, alloc(e.getValue()));
        }
        System.out.println();
        if (hybrid != null && memory != null) {
            goal("hybrid L1-hit read / memory-only read", "≥ 0.9", hybrid.score / memory.score,
                    hybrid.score / memory.score >= 0.9);
        }
    }

    private void hybridMix() throws IOException {
        System.out.println("### HybridMixBenchmark (90% reads / 10% writes, scrambled Zipfian, ops/s, thousands)");
        System.out.println();
        Map<String, Score> scores = new TreeMap<>();
        for (String name : new String[] {"hybrid-mix-t1", "hybrid-mix-t2"}) {
            scores.putAll(read(name));
        }
        if (scores.isEmpty()) {
            return;
        }
        System.out.println("| threads | hybrid | RLocalCachedMap | hybrid / RLocalCachedMap |");
        System.out.println("| ---: | ---: | ---: | ---: |");
        for (int threads : new int[] {1, 2}) {
            Score hybrid = find(scores, "mix|store=hybrid|" + threads);
            Score map = find(scores, "mix|store=rlocalcachedmap|" + threads);
            if (hybrid == null || map == null) {
                continue;
            }
            double ratio = hybrid.score / map.score;
            System.out.printf(Locale.ROOT, "| %d | %.1f ± %.1f | %.1f ± %.1f | %.2f |%n", threads,
                    hybrid.score / 1e3, hybrid.error / 1e3, map.score / 1e3, map.error / 1e3, ratio);
            goal("hybrid / RLocalCachedMap throughput, 90/10, " + threads + (threads == 1 ? " thread" : " threads"),
                    "≥ 1.0", ratio, ratio >= 1.0);
        }
        System.out.println();
    }

    private static Score find(Map<String, Score> scores, String prefix) {
        return scores.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private void goal(String figure, String target, double measured, boolean met) {
        goals.add(String.format(Locale.ROOT, "| %s | %s | %.2f | %s |", figure, target, measured, met ? "yes" : "**no**"));
    }

    private static String alloc(Score s) {
        return Double.isNaN(s.allocPerOp) ? "–" : String.format(Locale.ROOT, "%.0f", s.allocPerOp);
    }
}

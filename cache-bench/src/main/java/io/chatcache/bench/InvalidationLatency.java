package io.chatcache.bench;

import io.chatcache.core.CacheStore;
import io.chatcache.core.ValueType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How long after a write on one hybrid instance another instance stops serving the old value. Two hybrid stores
 * (each its own Redisson client, L1 and invalidation bus) share one Redis server, started on a free port. For
 * each write, instance B first reads the key, so that its L1 holds the old value; then instance A writes a new
 * value, and B reads the key in a tight loop until it sees the new value. B's L1 keeps answering the old value
 * until A's invalidation message arrives, so the time measured is the write plus the message's trip.
 *
 * <p>A main class rather than a JMH benchmark, because the result is a distribution (p50, p99, max) over a fixed
 * number of writes. Fails (exit status 1) if any write is not seen within one second.
 *
 * <pre>{@code
 * java -cp cache-bench/target/benchmarks.jar io.chatcache.bench.InvalidationLatency [--writes 10000] [--warmup 2000]
 * }</pre>
 */
public final class InvalidationLatency {

    private static final ValueType<Long> TYPE = ValueType.of(Long.class);
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private InvalidationLatency() {
    }

    /**
     * Measures and prints the table.
     *
     * @param args {@code --writes N} (default 10000) and {@code --warmup N} (default 2000, not reported)
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = Args.parse(args, "--writes", "--warmup");
        int writes = Args.positiveInt(options, "--writes", 10_000);
        int warmup = Args.positiveInt(options, "--warmup", 2_000);

        try (RedisProcess redis = RedisProcess.startOrConnect();
                Stores.Hybrid a = Stores.hybrid(redis, "bench-invalidation", 1024);
                Stores.Hybrid b = Stores.hybrid(redis, "bench-invalidation", 1024)) {
            String key = "session:42:title";
            a.store().put(key, 0L, CacheStore.NO_EXPIRY);
            run(a.store(), b.store(), key, 1, warmup);
            long[][] measured = run(a.store(), b.store(), key, warmup + 1, writes);
            print(writes, measured[0], measured[1], measured[2]);
        }
    }

    /** {total from write start, after the write returned, the write alone} in nanoseconds, one per write. */
    private static long[][] run(CacheStore a, CacheStore b, String key, long firstValue, int writes) {
        long[] total = new long[writes];
        long[] afterWrite = new long[writes];
        long[] write = new long[writes];
        for (int i = 0; i < writes; i++) {
            long previous = firstValue + i - 1;
            long value = previous + 1;
            awaitValue(b, key, previous);
            long start = System.nanoTime();
            a.put(key, value, CacheStore.NO_EXPIRY);
            long written = System.nanoTime();
            long seen = awaitValue(b, key, value);
            total[i] = seen - start;
            afterWrite[i] = seen - written;
            write[i] = written - start;
        }
        return new long[][] {total, afterWrite, write};
    }

    /** Reads until {@code store} serves {@code expected}; returns the time it first did. */
    private static long awaitValue(CacheStore store, String key, long expected) {
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        while (true) {
            Optional<Long> value = store.get(key, TYPE);
            long now = System.nanoTime();
            if (value.isPresent() && value.get() == expected) {
                return now;
            }
            if (now > deadline) {
                System.out.println("FAILED: instance B still served " + value + " one second after the write of "
                        + expected);
                System.exit(1);
            }
            // Two cores: let the client's I/O threads run between polls.
            Thread.yield();
        }
    }

    private static void print(int writes, long[] total, long[] afterWrite, long[] write) {
        System.out.println("Invalidation latency over " + String.format(Locale.ROOT, "%,d", writes)
                + " writes (microseconds)");
        System.out.println();
        System.out.println("| measured | p50 | p90 | p99 | p99.9 | max |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        row("write on A until B serves the new value", total);
        row("from A's put returning until B serves it", afterWrite);
        row("A's put alone (SET + PUBLISH)", write);
    }

    private static void row(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", label,
                micros(percentile(sorted, 50)), micros(percentile(sorted, 90)), micros(percentile(sorted, 99)),
                micros(percentile(sorted, 99.9)), micros(sorted[sorted.length - 1]));
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double percent) {
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.0f", nanos / 1000.0);
    }
}

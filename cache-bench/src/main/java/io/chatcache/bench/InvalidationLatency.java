package io.chatcache.bench;

import io.chatcache.core.CacheStore;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.ValueType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How long after a write on one hybrid instance another instance stops serving the old value. Two hybrid stores
 * (each its own Redisson client, L1 and invalidation bus, default options) share one Redis server, started on a
 * free port. For each write, instance B first reads the key, so that its L1 holds the old value; then instance A
 * writes a new value. B keeps serving the old value from L1 until A's invalidation message arrives and B drops the
 * copy; from then on B reads the new value from Redis.
 *
 * <p>The end of each measurement is the moment B drops its copy, taken on the thread that delivers the message
 * (B's removal listener, which the hybrid store calls for each L1 entry dropped for another instance's change),
 * and checked afterwards: B must then read the new value. The measuring thread parks meanwhile instead of
 * polling, so that on a small machine it does not take a core from the threads being measured. With {@code --poll}
 * it instead reads B in a loop (yielding between reads) and stops at the first read of the new value, which is
 * what a busy caller of B would see.
 *
 * <p>A main class rather than a JMH benchmark, because the result is a distribution (p50, p99, max) over a fixed
 * number of writes. Fails (exit status 1) if any write is not seen within one second.
 *
 * <pre>{@code
 * java -cp cache-bench/target/benchmarks.jar io.chatcache.bench.InvalidationLatency [--writes 10000] [--warmup 2000] [--poll true]
 * }</pre>
 */
public final class InvalidationLatency {

    private static final ValueType<Long> TYPE = ValueType.of(Long.class);
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final String KEY = "session:42:title";

    private InvalidationLatency() {
    }

    /**
     * Measures and prints the table.
     *
     * @param args {@code --writes N} (default 10000), {@code --warmup N} (default 2000, not reported) and
     *     {@code --poll true} (measure by reading B in a loop rather than by B's removal listener)
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = Args.parse(args, "--writes", "--warmup", "--poll");
        int writes = Args.positiveInt(options, "--writes", 10_000);
        int warmup = Args.positiveInt(options, "--warmup", 2_000);
        boolean poll = Boolean.parseBoolean(options.getOrDefault("--poll", "false"));

        try (RedisProcess redis = RedisProcess.startOrConnect();
                Stores.Hybrid a = Stores.hybrid(redis, "bench-invalidation", 1024);
                Stores.Hybrid b = Stores.hybrid(redis, "bench-invalidation", 1024)) {
            Probe probe = new Probe(Thread.currentThread());
            b.store().addRemovalListener(probe::onRemoval);
            a.store().put(KEY, 0L, CacheStore.NO_EXPIRY);
            run(a.store(), b.store(), probe, poll, 1, warmup);
            long[][] measured = run(a.store(), b.store(), probe, poll, warmup + 1, writes);
            print(writes, poll, measured[0], measured[1], measured[2]);
        }
    }

    /** B's removal listener: notes when B drops the key and wakes the measuring thread. */
    private static final class Probe {
        private final Thread waiter;
        private final AtomicLong droppedAt = new AtomicLong();

        Probe(Thread waiter) {
            this.waiter = waiter;
        }

        void onRemoval(String key, RemovalCause cause) {
            if (KEY.equals(key) && droppedAt.compareAndSet(0, System.nanoTime())) {
                LockSupport.unpark(waiter);
            }
        }

        void reset() {
            droppedAt.set(0);
        }

        long await(long deadline) {
            long at;
            while ((at = droppedAt.get()) == 0) {
                if (System.nanoTime() > deadline) {
                    return 0;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            return at;
        }
    }

    /** {total from write start, after the write returned, the write alone} in nanoseconds, one per write. */
    private static long[][] run(CacheStore a, CacheStore b, Probe probe, boolean poll, long firstValue, int writes) {
        long[] total = new long[writes];
        long[] afterWrite = new long[writes];
        long[] write = new long[writes];
        for (int i = 0; i < writes; i++) {
            long previous = firstValue + i - 1;
            long value = previous + 1;
            pollUntil(b, previous);
            // Read twice: the first read may have come from Redis and filled L1; the second is from L1.
            pollUntil(b, previous);
            probe.reset();
            long start = System.nanoTime();
            a.put(KEY, value, CacheStore.NO_EXPIRY);
            long written = System.nanoTime();
            long seen;
            if (poll) {
                seen = pollUntil(b, value);
            } else {
                seen = probe.await(start + GIVE_UP_NANOS);
                if (seen == 0) {
                    fail("instance B did not drop its copy within one second of the write of " + value);
                }
                Optional<Long> now = b.get(KEY, TYPE);
                if (now.isEmpty() || now.get() != value) {
                    fail("instance B dropped its copy but then read " + now + ", not " + value);
                }
            }
            total[i] = seen - start;
            afterWrite[i] = Math.max(0, seen - written);
            write[i] = written - start;
        }
        return new long[][] {total, afterWrite, write};
    }

    /** Reads until {@code store} serves {@code expected}; returns the time it first did. */
    private static long pollUntil(CacheStore store, long expected) {
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        while (true) {
            Optional<Long> value = store.get(KEY, TYPE);
            long now = System.nanoTime();
            if (value.isPresent() && value.get() == expected) {
                return now;
            }
            if (now > deadline) {
                fail("instance B still served " + value + " one second after the write of " + expected);
            }
            // Two cores: let the client's I/O threads run between polls.
            Thread.yield();
        }
    }

    private static void fail(String message) {
        System.out.println("FAILED: " + message);
        System.exit(1);
    }

    private static void print(int writes, boolean poll, long[] total, long[] afterWrite, long[] write) {
        System.out.println("Invalidation latency over " + String.format(Locale.ROOT, "%,d", writes)
                + " writes, microseconds (end: " + (poll ? "B's first read of the new value, B polled in a loop"
                        : "B drops its L1 copy, as B's removal listener sees it") + ")");
        System.out.println();
        System.out.println("| measured | p50 | p90 | p99 | p99.9 | max |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        row("write on A until B stops serving the old value", total);
        row("from A's put returning until then", afterWrite);
        row("A's put alone (SET and PUBLISH in one pipelined batch)", write);
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

package io.chatcache.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a put that evicts, in the shape of Caffeine's {@code EvictionBenchmark}: the cache is full and
 * every put brings a key it does not hold, so every put evicts one entry. One thread; the keys go round a ring
 * of at least twice the capacity, so a key comes back only long after it was evicted. Keys are built before
 * measuring.
 *
 * <pre>{@code
 * java -jar cache-bench/target/benchmarks.jar EvictionBenchmark
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class EvictionBenchmark {

    /**
     * Which cache: {@code chatcache-lru}, {@code chatcache-adaptive} (the same store under
     * {@code EvictionPolicy.ADAPTIVE}: each put is a candidate that duels main's victim on their estimated
     * frequencies, and here loses, since its key is new), {@code caffeine}, {@code lhm-sync}, or
     * {@code caffeine-samethread} (Caffeine evicting on the caller's thread, as chat-cache's stores do).
     */
    @Param({"chatcache-lru", "chatcache-adaptive", "caffeine", "lhm-sync", "caffeine-samethread"})
    public String cache;

    /** The capacity, in entries. */
    @Param({"100", "10000", "1000000"})
    public int size;

    private BenchCache store;
    private String[] ring;
    private int mask;
    private int next;

    /** Builds the key ring and fills the cache with the keys just before the ring's start. */
    @Setup
    public void setUp() {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, was " + size);
        }
        int ringSize = Integer.highestOneBit(Math.max(1024, size) * 2 - 1) << 1;
        ring = new String[ringSize];
        for (int i = 0; i < ringSize; i++) {
            ring[i] = "evict:" + i;
        }
        mask = ringSize - 1;
        store = CacheKind.named(cache).create(size);
        for (int i = ringSize - size; i < ringSize; i++) {
            store.put(ring[i], Boolean.TRUE);
        }
        next = 0;
    }

    /** Finishes the cache's pending maintenance between iterations, as Caffeine's benchmark does. */
    @TearDown(Level.Iteration)
    public void cleanUp() {
        store.cleanUp();
    }

    /** Stops the cache's threads, if it has any. */
    @TearDown
    public void tearDown() {
        store.close();
    }

    /** Puts a key the cache does not hold. */
    @Benchmark
    public void evict() {
        store.put(ring[next++ & mask], Boolean.TRUE);
    }
}

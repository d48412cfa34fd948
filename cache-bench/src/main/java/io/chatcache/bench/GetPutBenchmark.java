package io.chatcache.bench;

import java.util.concurrent.ThreadLocalRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Read and write throughput of a local cache in the shape of Caffeine's {@code GetPutBenchmark}: the cache is
 * filled so that every key fits (capacity twice the number of key samples, so nothing is evicted and every read
 * hits), and each thread walks its own stretch of a scrambled-Zipfian key sequence.
 *
 * <p>Unlike Caffeine's, the three workloads are plain benchmarks rather than JMH groups, so that {@code -t 1} and
 * {@code -t 2} set the number of threads: {@code readwrite} writes on every fourth operation of each thread (75%
 * reads, 25% writes). Keys are built before measuring; the measured loop allocates nothing of its own.
 *
 * <pre>{@code
 * java -jar cache-bench/target/benchmarks.jar GetPutBenchmark -t 2
 * java -jar cache-bench/target/benchmarks.jar GetPutBenchmark.read_only -p cache=chatcache-lru,caffeine -t 2
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GetPutBenchmark {

    /** Key samples per run; a power of two so that an index wraps with a mask. */
    static final int SIZE = 1 << 15;
    private static final int MASK = SIZE - 1;
    /** Distinct keys among the samples' draws, as in Caffeine's benchmark. */
    static final int ITEMS = SIZE / 3;

    /** Which cache: {@code chatcache-lru}, {@code caffeine}, {@code chm} (unbounded) or {@code lhm-sync}. */
    @Param({"chatcache-lru", "chatcache-adaptive", "caffeine", "chm", "lhm-sync"})
    public String cache;

    private BenchCache store;
    private String[] keys;

    /** Each thread's own position in the key sequence, starting at a random place. */
    @State(Scope.Thread)
    public static class ThreadState {
        int index = ThreadLocalRandom.current().nextInt();
    }

    /** Builds the keys and fills the cache with every one of them. */
    @Setup
    public void setUp() {
        keys = zipfianKeys(SIZE, ITEMS, 42);
        store = CacheKind.named(cache).create(2 * SIZE);
        for (String key : keys) {
            store.put(key, Boolean.TRUE);
        }
        for (String key : keys) {
            if (store.get(key) == null) {
                throw new IllegalStateException(cache + " lost key " + key + " while being filled below capacity");
            }
        }
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

    /** Only reads; every read hits. */
    @Benchmark
    public Boolean read_only(ThreadState thread) {
        return store.get(keys[thread.index++ & MASK]);
    }

    /** Three reads to one write, interleaved. */
    @Benchmark
    public Boolean readwrite(ThreadState thread) {
        int index = thread.index++;
        String key = keys[index & MASK];
        if ((index & 3) == 0) {
            store.put(key, Boolean.FALSE);
            return Boolean.FALSE;
        }
        return store.get(key);
    }

    /** Only writes, each replacing the value of a key that is present. */
    @Benchmark
    public void write_only(ThreadState thread) {
        store.put(keys[thread.index++ & MASK], Boolean.FALSE);
    }

    /**
     * {@code samples} keys drawn from {@code items} distinct ones; a key drawn twice is the same String
     * instance, so its hash code is computed once, as it would be for an application's interned keys.
     */
    static String[] zipfianKeys(int samples, int items, long seed) {
        String[] distinct = new String[items];
        for (int i = 0; i < items; i++) {
            distinct[i] = "user:" + i;
        }
        int[] drawn = new ScrambledZipfian(items, seed).draw(samples);
        String[] keys = new String[samples];
        for (int i = 0; i < samples; i++) {
            keys[i] = distinct[drawn[i]];
        }
        return keys;
    }
}

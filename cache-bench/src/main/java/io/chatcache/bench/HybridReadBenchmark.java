package io.chatcache.bench;

import io.chatcache.core.CacheStore;
import io.chatcache.core.ValueType;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * What the hybrid store adds to a read that its L1 answers: {@code hybrid} (L1 memory store + L2 Redis store +
 * the Redis invalidation bus, every key already in L1) against {@code memory} (the memory store alone, same
 * capacity, same keys and values). Reads follow the scrambled-Zipfian key sequence of {@link GetPutBenchmark};
 * every read hits, and set-up fails if the hybrid had to go to Redis for any key after its warm-up read.
 *
 * <pre>{@code
 * java -jar cache-bench/target/benchmarks.jar HybridReadBenchmark -t 1
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HybridReadBenchmark {

    private static final ValueType<ChatLine> TYPE = ValueType.of(ChatLine.class);
    private static final int MASK = GetPutBenchmark.SIZE - 1;

    /** Which store: {@code hybrid} or {@code memory}. */
    @Param({"hybrid", "memory"})
    public String store;

    private RedisProcess redis;
    private AutoCloseable owner;
    private CacheStore cache;
    private String[] keys;

    /** Each thread's own position in the key sequence. */
    @State(Scope.Thread)
    public static class ThreadState {
        int index = ThreadLocalRandom.current().nextInt();
    }

    /** Builds the store, writes every key and reads each once so that L1 holds them all. */
    @Setup
    public void setUp() throws Exception {
        keys = GetPutBenchmark.zipfianKeys(GetPutBenchmark.SIZE, GetPutBenchmark.ITEMS, 42);
        int capacity = 2 * GetPutBenchmark.SIZE;
        switch (store) {
            case "memory" -> {
                cache = Stores.memory(capacity);
                owner = cache;
            }
            case "hybrid" -> {
                redis = RedisProcess.startOrConnect();
                Stores.Hybrid hybrid = Stores.hybrid(redis, "bench-hybrid-read", capacity);
                cache = hybrid.store();
                owner = hybrid;
            }
            default -> throw new IllegalArgumentException("unknown store '" + store + "'; known: hybrid, memory");
        }
        for (int i = 0; i < GetPutBenchmark.ITEMS; i++) {
            // The default TTL (one hour) on both: L1 entries that can expire, as in an application.
            cache.put("user:" + i, ChatLine.sample(i));
        }
        for (String key : keys) {
            cache.get(key, TYPE).orElseThrow(() -> new IllegalStateException(store + " lost " + key));
        }
        long missesBefore = cache.stats().misses();
        for (String key : keys) {
            cache.get(key, TYPE).orElseThrow();
        }
        if (cache.stats().misses() != missesBefore) {
            throw new IllegalStateException(store + " missed after warm-up: L1 does not hold every key");
        }
    }

    /** Closes the store and stops Redis. */
    @TearDown
    public void tearDown() throws Exception {
        owner.close();
        if (redis != null) {
            redis.close();
        }
    }

    /** One read that L1 answers. */
    @Benchmark
    public ChatLine read(ThreadState thread) {
        return cache.get(keys[thread.index++ & MASK], TYPE).orElse(null);
    }
}

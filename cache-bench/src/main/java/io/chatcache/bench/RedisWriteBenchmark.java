package io.chatcache.bench;

import io.chatcache.core.Invalidation;
import io.chatcache.redis.RedisCacheStore;
import io.chatcache.redis.RedisInvalidationBus;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The shapes a hybrid write to Redis can take, timed on one thread: the write alone ({@code set}); the write, then
 * the invalidation, each awaited ({@code set_then_publish}, two round trips, the hybrid's first design); the write
 * awaited and the invalidation not ({@code set_then_publish_unawaited}); and both in one pipelined batch
 * ({@code set_and_publish_batch}, {@link RedisCacheStore#putAndPublish}, what the hybrid's {@code put} does now).
 * One Redisson client carries the store and the bus, as the {@code "redis"} provider builds them.
 *
 * <pre>{@code
 * java -jar cache-bench/target/benchmarks.jar RedisWriteBenchmark
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
@Threads(1)
public class RedisWriteBenchmark {

    private static final Duration TTL = Duration.ofHours(1);
    private static final int KEYS = 1024;
    private static final int MASK = KEYS - 1;

    private RedisProcess redis;
    private Stores.Hybrid hybrid;
    private RedisCacheStore store;
    private RedisInvalidationBus bus;
    private String[] keys;
    private ChatLine[] values;
    private int next;

    /** Starts Redis and connects the store and its bus on one client. */
    @Setup
    public void setUp() {
        redis = RedisProcess.startOrConnect();
        hybrid = Stores.hybrid(redis, "bench-write", KEYS);
        store = hybrid.l2();
        bus = hybrid.bus();
        if (!store.publishesOn(bus)) {
            throw new IllegalStateException("the store cannot carry the bus's messages; the batch shape is not measured");
        }
        keys = new String[KEYS];
        values = new ChatLine[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "session:" + (i % 100) + ":message:" + i;
            values[i] = ChatLine.sample(i);
        }
    }

    /** Closes the stores, the bus and the client, then stops Redis. */
    @TearDown
    public void tearDown() {
        hybrid.close();
        redis.close();
    }

    /** The write alone: SET with a TTL. */
    @Benchmark
    public void set() {
        int i = next++ & MASK;
        store.put(keys[i], values[i], TTL);
    }

    /** SET, then PUBLISH of the invalidation: two awaited round trips. */
    @Benchmark
    public Invalidation set_then_publish() {
        int i = next++ & MASK;
        store.put(keys[i], values[i], TTL);
        return bus.publish(Invalidation.Kind.KEY, keys[i]);
    }

    /** SET awaited, PUBLISH sent on the bus's queue without waiting for it. */
    @Benchmark
    public Object set_then_publish_unawaited() {
        int i = next++ & MASK;
        store.put(keys[i], values[i], TTL);
        return bus.publishAsync(Invalidation.Kind.KEY, keys[i]);
    }

    /** SET and PUBLISH in one pipelined batch on the bus's queue. */
    @Benchmark
    public Invalidation set_and_publish_batch() {
        int i = next++ & MASK;
        return store.putAndPublish(keys[i], values[i], TTL, bus);
    }
}

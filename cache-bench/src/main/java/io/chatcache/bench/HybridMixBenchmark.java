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
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.codec.TypedJsonJacksonCodec;

/**
 * A near cache under a read-mostly load: the hybrid store against Redisson's {@code RLocalCachedMap}, each with a
 * local cache large enough for every key, on a scrambled-Zipfian key sequence where one operation in ten is a
 * write (90% reads, 10% writes). A write goes to Redis and tells other instances to drop the key: the hybrid with
 * SET and a pub/sub message in one pipelined batch (its L2 store and bus share one client), the map with a script
 * that writes and publishes its invalidation message. Both write the same JSON (the store's
 * Jackson mapper); both answer reads of cached keys from local memory without decoding. The hybrid writes with
 * its default TTL (one hour, {@code SET ... PX}); the map's entries have none ({@code HSET}).
 *
 * <pre>{@code
 * java -jar cache-bench/target/benchmarks.jar HybridMixBenchmark -t 1
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HybridMixBenchmark {

    private static final ValueType<ChatLine> TYPE = ValueType.of(ChatLine.class);
    private static final int MASK = GetPutBenchmark.SIZE - 1;

    /** Which near cache: {@code hybrid} or {@code rlocalcachedmap}. */
    @Param({"hybrid", "rlocalcachedmap"})
    public String store;

    private RedisProcess redis;
    private AutoCloseable owner;
    private Ops ops;
    private String[] keys;
    private ChatLine[] values;

    /** Each thread's own position in the key sequence. */
    @State(Scope.Thread)
    public static class ThreadState {
        int index = ThreadLocalRandom.current().nextInt();
    }

    /** The two operations, on whichever near cache is measured. */
    private interface Ops {
        ChatLine get(String key);

        void put(String key, ChatLine value);
    }

    /** Starts Redis, builds the near cache and writes and reads every key once. */
    @Setup
    public void setUp() {
        keys = GetPutBenchmark.zipfianKeys(GetPutBenchmark.SIZE, GetPutBenchmark.ITEMS, 42);
        values = new ChatLine[GetPutBenchmark.SIZE];
        for (int i = 0; i < values.length; i++) {
            values[i] = ChatLine.sample(i);
        }
        int capacity = 2 * GetPutBenchmark.SIZE;
        redis = RedisProcess.startOrConnect();
        switch (store) {
            case "hybrid" -> {
                Stores.Hybrid hybrid = Stores.hybrid(redis, "bench-hybrid-mix", capacity);
                CacheStore cache = hybrid.store();
                owner = hybrid;
                ops = new Ops() {
                    @Override
                    public ChatLine get(String key) {
                        return cache.get(key, TYPE).orElse(null);
                    }

                    @Override
                    public void put(String key, ChatLine value) {
                        cache.put(key, value);
                    }
                };
            }
            case "rlocalcachedmap" -> {
                io.chatcache.redis.RedisConnection connection = Stores.connection(redis);
                owner = connection::close;
                RedissonClient client = connection.redissonClient();
                RLocalCachedMap<String, ChatLine> map = client.getLocalCachedMap(
                        LocalCachedMapOptions.<String, ChatLine>name("bench-lcm")
                                .codec(new TypedJsonJacksonCodec(String.class, ChatLine.class, Stores.objectMapper()))
                                .cacheSize(capacity)
                                .evictionPolicy(LocalCachedMapOptions.EvictionPolicy.LRU)
                                .syncStrategy(LocalCachedMapOptions.SyncStrategy.INVALIDATE));
                ops = new Ops() {
                    @Override
                    public ChatLine get(String key) {
                        return map.get(key);
                    }

                    @Override
                    public void put(String key, ChatLine value) {
                        map.fastPut(key, value);
                    }
                };
            }
            default -> throw new IllegalArgumentException("unknown store '" + store + "'; known: hybrid, rlocalcachedmap");
        }
        for (int i = 0; i < GetPutBenchmark.ITEMS; i++) {
            ops.put("user:" + i, ChatLine.sample(i));
        }
        for (String key : keys) {
            if (ops.get(key) == null) {
                throw new IllegalStateException(store + " lost " + key);
            }
        }
    }

    /** Closes the near cache and stops Redis. */
    @TearDown
    public void tearDown() throws Exception {
        owner.close();
        redis.close();
    }

    /** One operation: a write on every tenth, a read otherwise. */
    @Benchmark
    public ChatLine mix(ThreadState thread) {
        int index = thread.index++;
        String key = keys[index & MASK];
        if (index % 10 == 0) {
            ops.put(key, values[index & MASK]);
            return null;
        }
        return ops.get(key);
    }
}

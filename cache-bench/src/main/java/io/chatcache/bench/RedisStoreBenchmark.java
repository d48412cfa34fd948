package io.chatcache.bench;

import io.chatcache.core.CacheStore;
import io.chatcache.core.Serializer;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * The time per operation of chat-cache's Redis store against raw Redisson doing the same Redis work: {@code
 * store_get}/{@code store_put} ({@code RedisCacheStore}, which serialises a {@link ChatLine} to JSON) against
 * {@code bucket_get}/{@code bucket_put} (an {@code RBucket} with a byte-array codec, storing the very bytes the
 * store's serialiser writes, already serialised, looked up per operation), and {@code store_getAll} against {@code batch_getAll} (one
 * {@code RBatch} of bucket reads). Both sides share one Redisson configuration and one server, started on a free
 * port for the run (see {@link RedisProcess}). {@code jackson_serialize}/{@code jackson_deserialize} measure the
 * serialiser alone, so that the store's overhead can be split into JSON and the rest.
 *
 * <pre>{@code
 * java -jar cache-bench/target/benchmarks.jar RedisStoreBenchmark
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
@Threads(1)
public class RedisStoreBenchmark {

    private static final ValueType<ChatLine> TYPE = ValueType.of(ChatLine.class);
    private static final Duration TTL = Duration.ofHours(1);
    private static final int KEYS = 1024;
    private static final int MASK = KEYS - 1;

    /** How many keys one {@code getAll} reads. */
    @Param({"10"})
    public int batch;

    private RedisProcess redis;
    private Stores.Redis remote;
    private CacheStore store;
    private RedissonClient client;
    private Serializer serializer;
    private String[] keys;
    private String[] rawKeys;
    private ChatLine[] values;
    private byte[][] bytes;
    private List<List<String>> batches;
    private int next;

    /** Starts Redis, connects both sides and writes every key through each. */
    @Setup
    public void setUp() {
        redis = RedisProcess.startOrConnect();
        remote = Stores.redis(redis, "bench-store");
        store = remote.store();
        client = remote.client();
        serializer = remote.serializer();
        keys = new String[KEYS];
        rawKeys = new String[KEYS];
        values = new ChatLine[KEYS];
        bytes = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "session:" + (i % 100) + ":message:" + i;
            rawKeys[i] = "bench-raw:" + keys[i];
            values[i] = ChatLine.sample(i);
            bytes[i] = serializer.serialize(values[i]);
            client.<byte[]>getBucket(rawKeys[i], ByteArrayCodec.INSTANCE).set(bytes[i], TTL);
            store.put(keys[i], values[i], TTL);
        }
        batches = new ArrayList<>(KEYS);
        for (int i = 0; i < KEYS; i++) {
            List<String> group = new ArrayList<>(batch);
            for (int j = 0; j < batch; j++) {
                group.add(keys[(i + j * 31) & MASK]);
            }
            batches.add(List.copyOf(group));
        }
        if (store.get(keys[0], TYPE).isEmpty() || bucket(0).get() == null) {
            throw new IllegalStateException("a value written in set-up cannot be read back");
        }
    }

    /** Closes both sides and stops Redis. */
    @TearDown
    public void tearDown() {
        remote.close();
        redis.close();
    }

    /** One read through the store: GET, then JSON to a ChatLine. */
    @Benchmark
    public Object store_get() {
        return store.get(keys[next++ & MASK], TYPE).orElseThrow();
    }

    /** One raw read of the same bytes: GET. */
    @Benchmark
    public byte[] bucket_get() {
        return bucket(next++ & MASK).get();
    }

    /** One write through the store: ChatLine to JSON, then SET with a TTL. */
    @Benchmark
    public void store_put() {
        int i = next++ & MASK;
        store.put(keys[i], values[i], TTL);
    }

    /** One raw write of the same bytes, already serialised: SET with a TTL. */
    @Benchmark
    public void bucket_put() {
        int i = next++ & MASK;
        bucket(i).set(bytes[i], TTL);
    }

    /** The raw bucket of key {@code i}, looked up per operation as an application does (and as the store does). */
    private RBucket<byte[]> bucket(int i) {
        return client.getBucket(rawKeys[i], ByteArrayCodec.INSTANCE);
    }

    /** Reads {@link #batch} keys through the store in one round trip. */
    @Benchmark
    public Map<String, ChatLine> store_getAll() {
        return store.getAll(batches.get(next++ & MASK), TYPE);
    }

    /** Reads {@link #batch} keys with one raw RBatch of bucket reads. */
    @Benchmark
    public BatchResult<?> batch_getAll() {
        int start = next++ & MASK;
        RBatch rbatch = client.createBatch();
        for (int j = 0; j < batch; j++) {
            rbatch.getBucket(rawKeys[(start + j * 31) & MASK], ByteArrayCodec.INSTANCE).getAsync();
        }
        return rbatch.execute();
    }

    /** The store's serialiser alone: ChatLine to JSON bytes. */
    @Benchmark
    public byte[] jackson_serialize() {
        return serializer.serialize(values[next++ & MASK]);
    }

    /** The store's serialiser alone: JSON bytes to a ChatLine. */
    @Benchmark
    public ChatLine jackson_deserialize() {
        return serializer.deserialize(bytes[next++ & MASK], TYPE);
    }
}

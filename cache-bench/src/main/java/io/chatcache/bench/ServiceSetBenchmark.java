package io.chatcache.bench;

import io.chatcache.chat.ChatCacheService;
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
 * What the MEMORY backend's value check costs a write: {@code ChatCacheService.set} of a {@link ChatLine} with the
 * check on (the default: Jackson writes the value and reads it back) and off ({@code checkValues(false)}), in the
 * same run; and a hit through {@code get}, which the check never touches. 1,024 keys in turn.
 *
 * <pre>{@code
 * java -jar cache-bench/target/benchmarks.jar ServiceSetBenchmark -f 1 -wi 2 -i 3 -t 1
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ServiceSetBenchmark {

    static final int KEYS = 1024;

    /** Whether the service checks values. */
    @Param({"true", "false"})
    public boolean checked;

    private ChatCacheService service;
    private String[] keys;
    private ChatLine[] values;
    private int next;

    @Setup
    public void setUp() {
        service = ChatCacheService.builder().maxMemorySize(KEYS * 2L).checkValues(checked).build();
        keys = new String[KEYS];
        values = new ChatLine[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "line:" + i;
            values[i] = ChatLine.sample(i);
            service.set(keys[i], values[i]);
        }
    }

    @TearDown
    public void tearDown() {
        service.close();
    }

    @Benchmark
    public void set() {
        int i = next++ & (KEYS - 1);
        service.set(keys[i], values[i]);
    }

    @Benchmark
    public ChatLine get() {
        return service.get(keys[next++ & (KEYS - 1)], ChatLine.class).orElseThrow();
    }
}

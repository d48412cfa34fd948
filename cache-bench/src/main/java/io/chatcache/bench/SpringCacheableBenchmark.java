package io.chatcache.bench;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.chatcache.chat.CacheBackend;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.spring.ChatCacheSpringCacheManager;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An {@code @Cacheable} method whose every call hits, through Spring's caching proxy: on this library's
 * {@link ChatCacheSpringCacheManager} over a HYBRID service (an L1 hit: memory store, Redis L2 and bus behind it,
 * never reached) or a MEMORY service, against Spring's own {@link CaffeineCacheManager}. Same proxy, same
 * method, same 1,024 string keys read in turn, same {@link ChatLine} values; set-up fails if a measured call
 * would load.
 *
 * <pre>{@code
 * java -jar cache-bench/target/benchmarks.jar SpringCacheableBenchmark -f 1 -wi 2 -i 3 -t 1
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SpringCacheableBenchmark {

    static final int KEYS = 1024;

    /** {@code chatcache-hybrid}, {@code chatcache-memory} or {@code caffeine}. */
    @Param({"chatcache-hybrid", "chatcache-memory", "caffeine"})
    public String manager;

    private RedisProcess redis;
    private ChatCacheService service;
    private AnnotationConfigApplicationContext context;
    private Lines lines;
    private String[] keys;

    /** The cached method; counts its real calls. */
    public static class Lines {
        final AtomicInteger loads = new AtomicInteger();

        @Cacheable("lines")
        public ChatLine find(String id) {
            loads.incrementAndGet();
            return ChatLine.sample(Integer.parseInt(id.substring(id.indexOf(':') + 1)));
        }

        public int loads() {
            return loads.get();
        }
    }

    /** The proxied bean; the cache manager comes from the benchmark. */
    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class Config {
        @Bean
        Lines lines() {
            return new Lines();
        }
    }

    /** Each thread's own position in the keys. */
    @State(Scope.Thread)
    public static class ThreadState {
        int index = ThreadLocalRandom.current().nextInt(KEYS);
    }

    @Setup
    public void setUp() {
        CacheManager cacheManager = switch (manager) {
            case "chatcache-hybrid" -> {
                redis = RedisProcess.startOrConnect();
                service = ChatCacheService.builder().backend(CacheBackend.HYBRID).maxMemorySize(4 * KEYS)
                        .redisEnvironment(Map.of("REDIS_URL", redis.address(), "REDIS_NAMESPACE", "bench-spring"))
                        .build();
                yield ours(service);
            }
            case "chatcache-memory" -> {
                service = ChatCacheService.builder().maxMemorySize(4 * KEYS).build();
                yield ours(service);
            }
            case "caffeine" -> {
                CaffeineCacheManager caffeine = new CaffeineCacheManager("lines");
                caffeine.setCaffeine(Caffeine.newBuilder().maximumSize(4 * KEYS).expireAfterWrite(Duration.ofHours(1)));
                yield caffeine;
            }
            default -> throw new IllegalArgumentException("unknown manager '" + manager
                    + "'; known: chatcache-hybrid, chatcache-memory, caffeine");
        };
        context = new AnnotationConfigApplicationContext();
        context.registerBean(CacheManager.class, () -> cacheManager);
        context.register(Config.class);
        context.refresh();
        lines = context.getBean(Lines.class);
        keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "line:" + i;
            lines.find(keys[i]);
        }
        for (String key : keys) {
            lines.find(key);
        }
        if (lines.loads() != KEYS) {
            throw new IllegalStateException(manager + ": " + lines.loads() + " loads for " + KEYS
                    + " keys; the second pass must be all hits");
        }
    }

    @TearDown
    public void tearDown() {
        if (lines != null && lines.loads() != KEYS) {
            throw new IllegalStateException(manager + " loaded during the measurement: " + lines.loads());
        }
        if (context != null) {
            context.close();
        }
        if (service != null) {
            service.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Benchmark
    public ChatLine cacheableHit(ThreadState thread) {
        return lines.find(keys[thread.index++ & (KEYS - 1)]);
    }

    private static CacheManager ours(ChatCacheService service) {
        return ChatCacheSpringCacheManager.builder(service)
                .cache("lines", Duration.ofHours(1), ChatLine.class)
                .build();
    }
}

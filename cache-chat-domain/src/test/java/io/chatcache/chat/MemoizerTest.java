package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.InvalidInputException;
import io.chatcache.core.ValueType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoizerTest {

    /** The reference's example, as an interface. */
    public interface Calculator {
        @Cached(ttlSeconds = 1800, keyPrefix = "expensive_calc")
        long expensiveCalculation(int x, int y, String modelType);

        @Cached(keyPrefix = "words")
        List<String> words(String text);

        @Cached(keyPrefix = "checked")
        String read(String path) throws IOException;

        @Cached(keyPrefix = "nullable")
        String nothing(String input);

        @Cached(keyPrefix = "over")
        String over(int value);

        @Cached(keyPrefix = "over")
        String over(long value);

        String notCached(String input);
    }

    /** Counts how often each method really runs. */
    static final class CountingCalculator implements Calculator {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public long expensiveCalculation(int x, int y, String modelType) {
            calls.incrementAndGet();
            return (long) x * y + modelType.length();
        }

        @Override
        public List<String> words(String text) {
            calls.incrementAndGet();
            return List.of(text.split(" "));
        }

        @Override
        public String read(String path) throws IOException {
            calls.incrementAndGet();
            throw new IOException("no such file: " + path);
        }

        @Override
        public String nothing(String input) {
            calls.incrementAndGet();
            return null;
        }

        @Override
        public String over(int value) {
            calls.incrementAndGet();
            return "int " + value;
        }

        @Override
        public String over(long value) {
            calls.incrementAndGet();
            return "long " + value;
        }

        @Override
        public String notCached(String input) {
            calls.incrementAndGet();
            return input;
        }
    }

    private final ChatCacheService cache = ChatCacheService.builder().build();
    private final Memoizer memo = Memoizer.using(cache);
    private final CountingCalculator target = new CountingCalculator();
    private final Calculator calculator = memo.proxy(Calculator.class, target);

    @AfterEach
    void close() {
        cache.close();
    }

    // ---- function wrappers

    @Test
    void sameArgumentsAreComputedOnce() {
        AtomicInteger calls = new AtomicInteger();
        BiFunction<Integer, Integer, Long> multiply = memo.of("expensive_calc", Duration.ofMinutes(30), ValueType.of(Long.class),
                (x, y) -> {
                    calls.incrementAndGet();
                    return (long) x * y;
                });

        assertThat(multiply.apply(10, 20)).isEqualTo(200L);
        assertThat(multiply.apply(10, 20)).isEqualTo(200L);
        assertThat(calls).hasValue(1);
    }

    @Test
    void differentArgumentsAreComputedAgain() {
        AtomicInteger calls = new AtomicInteger();
        Function<String, Integer> length = memo.of("length", Duration.ofMinutes(1), ValueType.of(Integer.class), s -> {
            calls.incrementAndGet();
            return s.length();
        });

        assertThat(length.apply("ab")).isEqualTo(2);
        assertThat(length.apply("abc")).isEqualTo(3);
        assertThat(calls).hasValue(2);
    }

    @Test
    void exceptionsAreNotCached() {
        AtomicInteger calls = new AtomicInteger();
        Function<String, String> flaky = memo.of("flaky", Duration.ofMinutes(1), ValueType.of(String.class), s -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first call fails");
            }
            return s.toUpperCase();
        });

        assertThatThrownBy(() -> flaky.apply("a")).isInstanceOf(IllegalStateException.class)
                .hasMessage("first call fails");
        assertThat(flaky.apply("a")).isEqualTo("A");
        assertThat(flaky.apply("a")).isEqualTo("A");
        assertThat(calls).hasValue(2);
    }

    @Test
    void nullResultsAreReturnedButNotCached() {
        AtomicInteger calls = new AtomicInteger();
        Supplier<String> nothing = memo.of("nothing", Duration.ofMinutes(1), ValueType.of(String.class), () -> {
            calls.incrementAndGet();
            return null;
        });

        assertThat(nothing.get()).isNull();
        assertThat(nothing.get()).isNull();
        assertThat(calls).hasValue(2);
    }

    @Test
    void eightConcurrentCallersWithTheSameArgumentsComputeOnce() throws Exception {
        int callers = 8;
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Function<Integer, Integer> slowSquare = memo.of("square", Duration.ofMinutes(1), ValueType.of(Integer.class), x -> {
            calls.incrementAndGet();
            awaitQuietly(release);
            return x * x;
        });
        CyclicBarrier start = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return slowSquare.apply(7);
                }));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> calls.get() == 1 && cache.inFlightLoads() == 1 && waitingInSingleFlight() >= callers);
            release.countDown();
            for (Future<Integer> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(49);
            }
            assertThat(calls).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wrapperKeysArePrefixPlusAStableHashOfTheArguments() {
        Function<Map<String, Integer>, Integer> size = memo.of("size", Duration.ofMinutes(1), ValueType.of(Integer.class), Map::size);

        size.apply(Map.of("a", 1, "b", 2));

        // sha256 of the canonical JSON [{"a":1,"b":2}]
        assertThat(cache.get("size:" + CanonicalJson.sha256("[{\"a\":1,\"b\":2}]"), Integer.class)).contains(2);
    }

    @Test
    void argumentsWithoutAStableEncodingAreRefusedNamingTheArgument() {
        Function<Object, String> describe = memo.of("describe", Duration.ofMinutes(1), ValueType.of(String.class), String::valueOf);

        assertThatThrownBy(() -> describe.apply(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argument 0 of describe");
    }

    @Test
    void wrapperOptionsAreChecked() {
        assertThatThrownBy(() -> memo.of("", Duration.ofMinutes(1), ValueType.of(String.class), () -> "x"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> memo.of("p", Duration.ZERO, ValueType.of(String.class), () -> "x"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttl");
    }

    // ---- the proxy

    @Test
    void annotatedMethodsAreCachedPerArguments() {
        assertThat(calculator.expensiveCalculation(10, 20, "gpt-4")).isEqualTo(205);
        assertThat(calculator.expensiveCalculation(10, 20, "gpt-4")).isEqualTo(205);
        assertThat(calculator.expensiveCalculation(15, 25, "claude")).isEqualTo(381);
        assertThat(target.calls).hasValue(2);
    }

    @Test
    void proxiedKeysArePrefixMethodAndArgumentHashWithTheAnnotatedTtl() {
        RecordingStore store = new RecordingStore();
        try (ChatCacheService recorded = ChatCacheService.builder().memoryStore(store).build()) {
            Calculator proxied = Memoizer.using(recorded).proxy(Calculator.class, target);

            proxied.expensiveCalculation(10, 20, "gpt-4");

            String key = "expensive_calc:expensiveCalculation:" + CanonicalJson.sha256("[10,20,\"gpt-4\"]");
            assertThat(store.keysWritten()).containsExactly(key);
            assertThat(store.ttlOf(key)).isEqualTo(Duration.ofSeconds(1800));
        } finally {
            store.close();
        }
    }

    @Test
    void genericReturnTypesAreCached() {
        assertThat(calculator.words("a b")).containsExactly("a", "b");
        assertThat(calculator.words("a b")).containsExactly("a", "b");
        assertThat(target.calls).hasValue(1);
    }

    @Test
    void checkedExceptionsPassThroughTheProxyUnchangedAndAreNotCached() {
        assertThatThrownBy(() -> calculator.read("/x")).isExactlyInstanceOf(IOException.class)
                .hasMessage("no such file: /x");
        assertThatThrownBy(() -> calculator.read("/x")).isExactlyInstanceOf(IOException.class);
        assertThat(target.calls).hasValue(2);
    }

    @Test
    void nullResultsOfProxiedMethodsAreNotCached() {
        assertThat(calculator.nothing("a")).isNull();
        assertThat(calculator.nothing("a")).isNull();
        assertThat(target.calls).hasValue(2);
    }

    @Test
    void overloadsWithEqualArgumentsDoNotShareEntries() {
        assertThat(calculator.over(1)).isEqualTo("int 1");
        assertThat(calculator.over(1L)).isEqualTo("long 1");
        assertThat(calculator.over(1)).isEqualTo("int 1");
        assertThat(target.calls).hasValue(2);
    }

    @Test
    void methodsWithoutTheAnnotationPassStraightThrough() {
        calculator.notCached("a");
        calculator.notCached("a");

        assertThat(target.calls).hasValue(2);
        assertThat(cache.getStats().get("memory").entryCount()).isZero();
    }

    @Test
    void objectMethodsOfTheProxyBehave() {
        assertThat(calculator).isEqualTo(calculator).isNotEqualTo(target);
        assertThat(calculator.hashCode()).isEqualTo(System.identityHashCode(calculator));
        assertThat(calculator.toString()).startsWith("Memoized Calculator[");
    }

    interface VoidCached {
        @Cached
        void run();
    }

    interface GenericCached {
        @Cached
        <T> T pick(T value);
    }

    interface ZeroTtl {
        @Cached(ttlSeconds = 0)
        String value();
    }

    @Test
    void proxiesRefuseMethodsThatCannotBeCachedNamingThem() {
        assertThatThrownBy(() -> memo.proxy(VoidCached.class, () -> { }))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("VoidCached.run");
        assertThatThrownBy(() -> memo.proxy(GenericCached.class, new GenericCached() {
            @Override
            public <T> T pick(T value) {
                return value;
            }
        })).isInstanceOf(InvalidInputException.class).hasMessageContaining("GenericCached.pick");
        assertThatThrownBy(() -> memo.proxy(ZeroTtl.class, () -> "x"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttlSeconds");
    }

    @Test
    void proxiesNeedAnInterfaceAndAnImplementation() {
        assertThatThrownBy(() -> memo.proxy(CountingCalculator.class, target))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("interface");
    }

    @Test
    void genericWrappersTakeAValueType() {
        Function<String, List<String>> split = memo.of("split", Duration.ofMinutes(1), ValueType.listOf(String.class),
                s -> List.of(s.split(",")));

        assertThat(split.apply("a,b")).containsExactly("a", "b");
    }

    private static long waitingInSingleFlight() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getState() == Thread.State.WAITING
                        || e.getKey().getState() == Thread.State.TIMED_WAITING)
                .filter(e -> java.util.Arrays.stream(e.getValue())
                        .anyMatch(frame -> frame.getClassName().equals(SingleFlight.class.getName())))
                .count();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.ValueType;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GetOrLoadTest {

    private static final int THREADS = 8;
    private static final ValueType<String> STRING = ValueType.of(String.class);

    private final ManualTicker ticker = new ManualTicker();
    private final MemoryCacheStore store = MemoryCacheStore.builder()
            .ticker(ticker).cleanupInterval(Duration.ZERO).build();
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void shutDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        store.close();
    }

    /**
     * Starts {@link #THREADS} callers; the first one's loader blocks until every caller has started and
     * then {@code release} is counted down.
     */
    private List<Future<String>> callConcurrently(AtomicInteger loads, CountDownLatch loading,
            CountDownLatch release, RuntimeException failure, String result) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(THREADS);
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            calls.add(pool.submit(() -> {
                started.countDown();
                return store.getOrLoad("k", STRING, () -> {
                    loads.incrementAndGet();
                    loading.countDown();
                    await(release);
                    if (failure != null) {
                        throw failure;
                    }
                    return result;
                }, Duration.ofMinutes(1));
            }));
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        return calls;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void concurrentCallersShareOneLoadAndItsValue() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> calls = callConcurrently(loads, loading, release, null, "loaded");

        release.countDown();

        for (Future<String> call : calls) {
            assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
        }
        assertThat(loads).hasValue(1);
        assertThat(store.get("k", String.class)).contains("loaded");
    }

    @Test
    void aFailingLoadReachesEveryWaiterAsTheSameExceptionAndCachesNothing() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        IllegalStateException failure = new IllegalStateException("database down");
        List<Future<String>> calls = callConcurrently(loads, loading, release, failure, "never");

        release.countDown();

        for (Future<String> call : calls) {
            assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).cause().isSameAs(failure);
        }
        assertThat(loads.get()).isBetween(1, THREADS);
        assertThat(store.get("k", String.class)).isEmpty();
        assertThat(store.stats().entryCount()).isZero();
    }

    @Test
    void aFailingLoadIsRethrownAsItIsToTheLoadingCaller() {
        IllegalArgumentException failure = new IllegalArgumentException("bad id");

        assertThatThrownBy(() -> store.getOrLoad("k", STRING, () -> {
            throw failure;
        }, Duration.ofMinutes(1))).isSameAs(failure);

        assertThat(store.stats().entryCount()).isZero();
        assertThat(store.getOrLoad("k", STRING, () -> "second try", Duration.ofMinutes(1))).isEqualTo("second try");
    }

    @Test
    void aNullLoadIsReturnedToEveryWaiterAndCachesNothing() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> calls = callConcurrently(loads, loading, release, null, null);

        release.countDown();

        for (Future<String> call : calls) {
            assertThat(call.get(10, TimeUnit.SECONDS)).isNull();
        }
        assertThat(store.stats().entryCount()).isZero();
    }

    @Test
    void aCachedValueIsReturnedWithoutLoading() {
        store.put("k", "cached");

        String value = store.getOrLoad("k", STRING, () -> {
            throw new AssertionError("must not load");
        }, Duration.ofMinutes(1));

        assertThat(value).isEqualTo("cached");
    }

    @Test
    void theLoadedValueIsStoredForTheGivenTtl() {
        store.getOrLoad("k", STRING, () -> "loaded", Duration.ofSeconds(30));

        ticker.advance(Duration.ofSeconds(29));
        assertThat(store.get("k", String.class)).contains("loaded");
        ticker.advance(Duration.ofSeconds(1));
        assertThat(store.get("k", String.class)).isEmpty();
    }

    @Test
    void aLoaderThatLoadsItsOwnKeyFailsInsteadOfHanging() {
        assertThatThrownBy(() -> store.getOrLoad("k", STRING,
                () -> store.getOrLoad("k", STRING, () -> "inner", Duration.ofMinutes(1)), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("k")
                .hasMessageContaining("own loader");

        assertThat(store.stats().entryCount()).isZero();
        assertThat(store.getOrLoad("k", STRING, () -> "later", Duration.ofMinutes(1))).isEqualTo("later");
    }

    @Test
    void aLoaderMayLoadOtherKeys() {
        String value = store.getOrLoad("outer", STRING,
                () -> "outer+" + store.getOrLoad("inner", STRING, () -> "inner", Duration.ofMinutes(1)),
                Duration.ofMinutes(1));

        assertThat(value).isEqualTo("outer+inner");
        assertThat(store.get("inner", String.class)).contains("inner");
    }

    @Test
    void loadsOfDifferentKeysRunInParallel() throws Exception {
        CountDownLatch bothLoading = new CountDownLatch(2);
        Future<String> first = pool.submit(() -> store.getOrLoad("a", STRING, () -> {
            bothLoading.countDown();
            await(bothLoading);
            return "a";
        }, Duration.ofMinutes(1)));
        Future<String> second = pool.submit(() -> store.getOrLoad("b", STRING, () -> {
            bothLoading.countDown();
            await(bothLoading);
            return "b";
        }, Duration.ofMinutes(1)));

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("b");
    }

    @Test
    void anInterruptedWaiterStopsWaitingWithTheInterruptFlagSet() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> loader = pool.submit(() -> store.getOrLoad("k", STRING, () -> {
            loading.countDown();
            await(release);
            return "v";
        }, Duration.ofMinutes(1)));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> store.getOrLoad("k", STRING, () -> "mine", Duration.ofMinutes(1)))
                    .isInstanceOf(io.chatcache.core.CacheException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
            release.countDown();
        }
        assertThat(loader.get(10, TimeUnit.SECONDS)).isEqualTo("v");
    }
}

package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.LoadLeases;
import io.chatcache.core.ValueType;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link LoadOptions} on MEMORY: no lease, per-call negative caching and jitter, refresh-ahead. */
class ChatCacheServiceLoadOptionsTest {

    private final ManualTicker ticker = new ManualTicker();
    /** A refresh executor that runs its tasks when the test says so. */
    private final List<Runnable> queued = new CopyOnWriteArrayList<>();

    private MemoryCacheStore memory() {
        return MemoryCacheStore.builder().ticker(ticker).cleanupInterval(Duration.ZERO).build();
    }

    private void runQueued() {
        List<Runnable> tasks = new ArrayList<>(queued);
        queued.clear();
        tasks.forEach(Runnable::run);
    }

    @Test
    void memoryOffersNoLeaseAndItsSingleFlightStillLoadsOnceForManyCallers() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (MemoryCacheStore store = memory();
             ChatCacheService cache = ChatCacheService.builder().memoryStore(store).build()) {
            assertThat(store.capability(LoadLeases.class)).isEmpty();
            AtomicInteger loads = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> cache.getOrLoad("k", String.class, () -> {
                    loads.incrementAndGet();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "v";
                }, LoadOptions.defaults())));
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(loads).hasValue(1);
                assertThat(cache.loadWaiters()).isEqualTo(threads - 1);
            });
            release.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("v");
            }
            assertThat(loads).hasValue(1);
            assertThat(cache.loadCounters()).isEqualTo(new LoadCounters(0, 0, 0, 0, 0, 0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void optionsLeftUnsetTakeTheServicesAndPerCallOnesOverrideThem() {
        RecordingStore store = new RecordingStore();
        try (ChatCacheService cache = ChatCacheService.builder().memoryStore(store).defaultTtl(Duration.ofSeconds(70))
                .negativeTtl(Duration.ofSeconds(5)).build()) {
            cache.getOrLoad("default", String.class, () -> "v", LoadOptions.defaults());
            cache.getOrLoad("absent", String.class, () -> null, LoadOptions.defaults());
            cache.getOrLoad("ttl", String.class, () -> "v", LoadOptions.ttl(Duration.ofSeconds(100)));
            cache.getOrLoad("negative", String.class, () -> null, LoadOptions.defaults()
                    .negativeTtl(Duration.ofSeconds(9)));
            cache.getOrLoad("no-negative", String.class, () -> null, LoadOptions.defaults().withoutNegativeCaching());

            assertThat(store.ttlOf("default")).isEqualTo(Duration.ofSeconds(70));
            assertThat(store.ttlOf("absent")).isEqualTo(Duration.ofSeconds(5));
            assertThat(store.ttlOf("ttl")).isEqualTo(Duration.ofSeconds(100));
            assertThat(store.ttlOf("negative")).isEqualTo(Duration.ofSeconds(9));
            assertThat(store.ttlOf("no-negative")).isNull();
        }
    }

    @Test
    void aPerCallJitterSpreadsThatCallsTtlsOnly() {
        RecordingStore store = new RecordingStore();
        try (ChatCacheService cache = ChatCacheService.builder().memoryStore(store).jitterSource(() -> 0.0).build()) {
            cache.getOrLoad("jittered", String.class, () -> "v", LoadOptions.ttl(Duration.ofSeconds(100)).ttlJitter(0.2));
            cache.getOrLoad("plain", String.class, () -> "v", Duration.ofSeconds(100));

            // The source's 0.0 is the lowest draw: the TTL minus the whole fraction.
            assertThat(store.ttlOf("jittered")).isEqualTo(Duration.ofSeconds(80));
            assertThat(store.ttlOf("plain")).isEqualTo(Duration.ofSeconds(100));
        }
    }

    @Test
    void aValueDueForRefreshIsReturnedAtOnceAndReloadedOnceInTheBackground() {
        try (MemoryCacheStore store = memory();
             ChatCacheService cache = ChatCacheService.builder().memoryStore(store).refreshExecutor(queued::add)
                     .build()) {
            LoadOptions options = LoadOptions.ttl(Duration.ofSeconds(100)).refreshAhead(Duration.ofSeconds(20));
            AtomicInteger loads = new AtomicInteger();
            assertThat(cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet(), options)).isEqualTo("v1");
            ticker.advance(Duration.ofSeconds(79));
            assertThat(cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet(), options)).isEqualTo("v1");
            assertThat(queued).isEmpty();

            ticker.advance(Duration.ofSeconds(2));
            assertThat(cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet(), options)).isEqualTo("v1");
            assertThat(cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet(), options)).isEqualTo("v1");
            assertThat(queued).hasSize(1);
            assertThat(loads).hasValue(1);

            runQueued();
            assertThat(loads).hasValue(2);
            assertThat(cache.get("k", String.class)).contains("v2");
            assertThat(store.getEntry("k", ValueType.of(String.class)).orElseThrow().remainingTtl())
                    .isEqualTo(Duration.ofSeconds(100));
            assertThat(cache.loadCounters().refreshes()).isEqualTo(1);
            assertThat(cache.refreshesInFlight()).isZero();
        }
    }

    @Test
    void aRefusedOrFailedRefreshKeepsTheOldValueAndIsCounted() {
        try (MemoryCacheStore store = memory();
             ChatCacheService refusing = ChatCacheService.builder().memoryStore(store).refreshExecutor(task -> {
                 throw new RejectedExecutionException("full");
             }).build()) {
            LoadOptions options = LoadOptions.ttl(Duration.ofSeconds(100)).refreshAhead(Duration.ofSeconds(20));
            refusing.set("k", "old", Duration.ofSeconds(10));

            assertThat(refusing.getOrLoad("k", String.class, () -> "new", options)).isEqualTo("old");
            assertThat(refusing.loadCounters().refreshFailures()).isEqualTo(1);
            assertThat(refusing.refreshesInFlight()).isZero();
        }
        try (MemoryCacheStore store = memory();
             ChatCacheService cache = ChatCacheService.builder().memoryStore(store).refreshExecutor(queued::add)
                     .build()) {
            LoadOptions options = LoadOptions.ttl(Duration.ofSeconds(100)).refreshAhead(Duration.ofSeconds(20));
            cache.set("k", "old", Duration.ofSeconds(10));

            assertThat(cache.getOrLoad("k", String.class, () -> {
                throw new IllegalStateException("database down");
            }, options)).isEqualTo("old");
            runQueued();

            assertThat(cache.get("k", String.class)).contains("old");
            assertThat(cache.loadCounters().refreshFailures()).isEqualTo(1);
            assertThat(cache.loadCounters().refreshes()).isZero();
            // The next due read tries again.
            assertThat(cache.getOrLoad("k", String.class, () -> "new", options)).isEqualTo("old");
            runQueued();
            assertThat(cache.get("k", String.class)).contains("new");
        }
    }

    @Test
    void afterCloseAHandedInExecutorGetsNoMoreWorkAndQueuedRefreshesStoreNothing() {
        try (MemoryCacheStore store = memory()) {
            ChatCacheService cache = ChatCacheService.builder().memoryStore(store).refreshExecutor(queued::add).build();
            LoadOptions options = LoadOptions.ttl(Duration.ofSeconds(100)).refreshAhead(Duration.ofSeconds(20));
            cache.set("k", "old", Duration.ofSeconds(10));
            assertThat(cache.getOrLoad("k", String.class, () -> "new", options)).isEqualTo("old");
            assertThat(queued).hasSize(1);

            cache.close();
            runQueued();

            assertThat(store.get("k", String.class)).contains("old");
            assertThat(cache.loadCounters().refreshes()).isZero();
        }
    }

    @Test
    void badOptionsAreRefusedByName() {
        assertThatThrownBy(() -> LoadOptions.ttl(Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> LoadOptions.defaults().refreshAhead(Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("refreshAhead");
        assertThatThrownBy(() -> LoadOptions.defaults().negativeTtl(CacheStore.NO_EXPIRY))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("negativeTtl");
        assertThatThrownBy(() -> LoadOptions.defaults().ttlJitter(0.6))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttlJitter");
        assertThatThrownBy(() -> ChatCacheService.builder().loadLease(CacheStore.NO_EXPIRY))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> ChatCacheService.builder().refreshExecutor(null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("refreshExecutor");
        try (ChatCacheService cache = ChatCacheService.builder().build()) {
            assertThat(cache.loadLease()).isEqualTo(ChatCacheService.DEFAULT_LOAD_LEASE);
            assertThatThrownBy(() -> cache.getOrLoad("k", String.class, () -> "v",
                    LoadOptions.ttl(Duration.ofSeconds(10)).refreshAhead(Duration.ofSeconds(10))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("refreshAhead");
            assertThatThrownBy(() -> cache.getOrLoad("k", String.class, () -> "v", (LoadOptions) null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("options");
        }
        assertThat(LoadOptions.ttl(Duration.ofSeconds(1)).withoutLease())
                .isEqualTo(LoadOptions.defaults().withTtl(Duration.ofSeconds(1)).withoutLease())
                .isNotEqualTo(LoadOptions.ttl(Duration.ofSeconds(1)));
    }
}

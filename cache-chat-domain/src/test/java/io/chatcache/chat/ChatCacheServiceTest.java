package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.ExpiringStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.ValueType;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatCacheServiceTest {

    private final ChatCacheService cache = ChatCacheService.builder().build();

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void defaultsAreTheReferencesMemoryBackendWithOneHourTtl() {
        assertThat(cache.backend()).isEqualTo(CacheBackend.MEMORY);
        assertThat(cache.defaultTtl()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void getReturnsWhatSetStored() {
        cache.set("user:123", Map.of("name", "John"), Duration.ofMinutes(30));

        assertThat(cache.get("user:123", Map.class)).contains(Map.of("name", "John"));
    }

    @Test
    void getReturnsEmptyForAnAbsentKey() {
        assertThat(cache.get("user:456", String.class)).isEmpty();
    }

    @Test
    void getWithDefaultReturnsTheDefaultForAnAbsentKey() {
        assertThat(cache.get("user:456", String.class, "Unknown")).isEqualTo("Unknown");
        assertThat(cache.get("user:456", String.class, null)).isNull();
    }

    @Test
    void getWithDefaultReturnsTheStoredValueWhenPresent() {
        cache.set("user:456", "Ann");

        assertThat(cache.get("user:456", String.class, "Unknown")).isEqualTo("Ann");
    }

    @Test
    void getOfAnotherTypeReadsAsAbsent() {
        cache.set("n", 42);

        assertThat(cache.get("n", String.class)).isEmpty();
    }

    @Test
    void getReadsGenericTypes() {
        cache.set("list", List.of("a", "b"));

        Optional<List<String>> read = cache.typed(ValueType.listOf(String.class)).get("list");

        assertThat(read).contains(List.of("a", "b"));
    }

    @Test
    void deleteRemovesTheEntryAndSaysWhetherOneWasThere() {
        cache.set("user:123", "John");

        assertThat(cache.delete("user:123")).isTrue();
        assertThat(cache.get("user:123", String.class)).isEmpty();
        assertThat(cache.delete("user:123")).isFalse();
    }

    @Test
    void invalidatePatternRemovesMatchingKeysOnly() {
        cache.set("user:1", "a");
        cache.set("user:2", "b");
        cache.set("session:1", "c");

        assertThat(cache.invalidatePattern("user:*")).isEqualTo(2);

        assertThat(cache.get("user:1", String.class)).isEmpty();
        assertThat(cache.get("user:2", String.class)).isEmpty();
        assertThat(cache.get("session:1", String.class)).contains("c");
    }

    @Test
    void clearRemovesEverything() {
        cache.set("user:1", "a");
        cache.set("session:1", "c");

        cache.clear();

        assertThat(cache.get("user:1", String.class)).isEmpty();
        assertThat(cache.get("session:1", String.class)).isEmpty();
    }

    @Test
    void badInputIsRefusedBeforeAnythingChanges() {
        cache.set("k", "v");

        assertThatThrownBy(() -> cache.set("k", null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("value");
        assertThatThrownBy(() -> cache.set("k", "w", Duration.ZERO)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("ttl");
        assertThatThrownBy(() -> cache.set("", "w")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("key");
        assertThatThrownBy(() -> cache.invalidatePattern("k[")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("pattern");
        assertThat(cache.get("k", String.class)).contains("v");
    }

    @Test
    void statsAreKeyedByMemoryAndCountHitsAndMisses() {
        cache.set("k", "v");
        cache.get("k", String.class);
        cache.get("absent", String.class);

        Map<String, CacheStats> stats = cache.getStats();

        assertThat(stats).containsOnlyKeys("memory");
        assertThat(stats.get("memory").hits()).isEqualTo(1);
        assertThat(stats.get("memory").misses()).isEqualTo(1);
        assertThat(stats.get("memory").entryCount()).isEqualTo(1);
        assertThat(stats.get("memory").hitRate()).isEqualTo(50.0);
    }

    @Test
    void infoReportsBackendNoRedisAndStats() {
        CacheInfo info = cache.info();

        assertThat(info.backend()).isEqualTo(CacheBackend.MEMORY);
        assertThat(info.redisAvailable()).isFalse();
        assertThat(info.stats()).containsOnlyKeys("memory");
    }

    @Test
    void getOrLoadLoadsOnAMissAndCachesTheValue() {
        AtomicInteger loads = new AtomicInteger();

        String first = cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet());
        String second = cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet());

        assertThat(first).isEqualTo("v1");
        assertThat(second).isEqualTo("v1");
        assertThat(loads).hasValue(1);
    }

    @Test
    void getOrLoadReturnsNullFromTheLoaderWithoutCachingIt() {
        AtomicInteger loads = new AtomicInteger();

        assertThat(cache.getOrLoad("k", String.class, () -> {
            loads.incrementAndGet();
            return null;
        })).isNull();
        assertThat(cache.getOrLoad("k", String.class, () -> "loaded")).isEqualTo("loaded");
        assertThat(loads).hasValue(1);
    }

    @Test
    void getOrLoadPassesTheLoadersExceptionAndCachesNothing() {
        assertThatThrownBy(() -> cache.getOrLoad("k", String.class, () -> {
            throw new IllegalStateException("database down");
        })).isInstanceOf(IllegalStateException.class).hasMessage("database down");

        assertThat(cache.get("k", String.class)).isEmpty();
        assertThat(cache.getOrLoad("k", String.class, () -> "v")).isEqualTo("v");
    }

    @Test
    void getOrLoadFailsInsteadOfDeadlockingWhenTheLoaderAsksForTheSameKey() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // On its own thread, so that a deadlock fails the test instead of hanging the build.
            Future<Throwable> outcome = pool.submit(() -> {
                try {
                    cache.getOrLoad("k", String.class,
                            () -> "outer+" + cache.getOrLoad("k", String.class, () -> "inner"));
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });

            assertThat(outcome.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'k'");
            assertThat(cache.inFlightLoads()).isZero();
            assertThat(cache.get("k", String.class)).isEmpty();
            assertThat(cache.getOrLoad("k", String.class, () -> "v")).isEqualTo("v");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void getOrLoadRunsOneLoadForEightConcurrentCallers() throws Exception {
        int callers = 8;
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch allCalling = new CountDownLatch(callers);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    allCalling.countDown();
                    return cache.getOrLoad("k", String.class, () -> {
                        loads.incrementAndGet();
                        await(release);
                        return "v";
                    });
                }));
            }
            assertThat(allCalling.await(10, TimeUnit.SECONDS)).isTrue();
            awaitWaiters(callers);
            release.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("v");
            }
            assertThat(loads).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void getOrLoadGivesEveryConcurrentCallerTheLoadersException() throws Exception {
        int callers = 4;
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> cache.getOrLoad("k", String.class, () -> {
                    loads.incrementAndGet();
                    await(release);
                    throw new IllegalStateException("boom");
                })));
            }
            awaitWaiters(callers);
            release.countDown();
            for (Future<String> result : results) {
                assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("boom");
            }
            assertThat(loads).hasValue(1);
            assertThat(cache.get("k", String.class)).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void getOrLoadCountsOneMissPerLoadAndOneHitPerCachedRead() {
        cache.getOrLoad("k", String.class, () -> "v");
        cache.getOrLoad("k", String.class, () -> "v");

        CacheStats stats = cache.getStats().get("memory");
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.hits()).isEqualTo(1);
    }

    @Test
    void getOrLoadLoadsDifferentKeysIndependently() {
        assertThat(cache.getOrLoad("a", String.class, () -> "1")).isEqualTo("1");
        assertThat(cache.getOrLoad("b", String.class, () -> "2")).isEqualTo("2");
    }

    @Test
    void builderRefusesAnOptionSetTwiceNamingTheFirstValue() {
        assertThatThrownBy(() -> ChatCacheService.builder().maxMemorySize(10).maxMemorySize(20))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("maxMemorySize was already set to 10");
    }

    @Test
    void builderRefusesOutOfRangeOptionsNamingThem() {
        assertThatThrownBy(() -> ChatCacheService.builder().maxMemorySize(0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxMemorySize");
        assertThatThrownBy(() -> ChatCacheService.builder().defaultTtl(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> ChatCacheService.builder().redis("localhost", 0, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("port");
    }

    @Test
    void memoryBackendRefusesAnL2Store() {
        ChatCacheService.Builder builder = ChatCacheService.builder()
                .l2Store(mock(CacheStore.class));

        assertThatThrownBy(builder::build).isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("l2Store").hasMessageContaining("MEMORY");
    }

    @Test
    void cleanupExpiredRemovesTheExpiredEntriesOfTheMemoryStore() {
        ManualTicker ticker = new ManualTicker();
        try (MemoryCacheStore memory = MemoryCacheStore.builder().ticker(ticker).cleanupInterval(Duration.ZERO).build();
                ChatCacheService service = ChatCacheService.builder().memoryStore(memory).build()) {
            service.set("short:1", "a", Duration.ofSeconds(1));
            service.set("short:2", "b", Duration.ofSeconds(1));
            service.set("long", "c", Duration.ofMinutes(1));
            ticker.advance(Duration.ofSeconds(2));

            assertThat(service.cleanupExpired()).isEqualTo(2);
            assertThat(memory.stats().entryCount()).isEqualTo(1);
            assertThat(service.get("long", String.class)).contains("c");
        }
    }

    @Test
    void theMemoryStoreOffersExpiredEntryCleanup() {
        try (MemoryCacheStore memory = MemoryCacheStore.create()) {
            assertThat(memory).isInstanceOf(ExpiringStore.class);
        }
    }

    @Test
    void cleanupExpiredIsZeroForAStoreWithoutTheCapability() {
        try (ChatCacheService service = ChatCacheService.builder().memoryStore(mock(CacheStore.class)).build()) {
            assertThat(service.cleanupExpired()).isZero();
        }
    }

    @Test
    void handedInStoresAreNotClosedByTheService() {
        CacheStore store = mock(CacheStore.class);

        ChatCacheService.builder().memoryStore(store).build().close();

        verify(store, never()).close();
    }

    @Test
    void l1TtlCeilingIsForTheHybridBackendOnly() {
        ChatCacheService.Builder builder = ChatCacheService.builder().l1TtlCeiling(Duration.ofMinutes(1));

        assertThatThrownBy(builder::build).isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("l1TtlCeiling").hasMessageContaining("MEMORY");
    }

    @Test
    void closeIsIdempotent() {
        cache.close();
        cache.close();
    }

    /** Waits until {@code callers} threads are inside the facade: one loading, the rest waiting on it. */
    private void awaitWaiters(int callers) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.inFlightLoads() == 1 && threadsWaiting() >= callers);
    }

    private static long threadsWaiting() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getValue().length > 0 && (e.getKey().getState() == Thread.State.WAITING
                        || e.getKey().getState() == Thread.State.TIMED_WAITING))
                .filter(e -> java.util.Arrays.stream(e.getValue())
                        .anyMatch(frame -> frame.getClassName().equals(SingleFlight.class.getName())))
                .count();
    }

    private static void await(CountDownLatch latch) {
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

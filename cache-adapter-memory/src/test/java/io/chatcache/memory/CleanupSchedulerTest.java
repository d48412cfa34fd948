package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.RemovalCause;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CleanupSchedulerTest {

    @Test
    void aCleanupIntervalOfCenturiesIsScheduledRatherThanOverflowing() {
        try (MemoryCacheStore store = MemoryCacheStore.builder().cleanupInterval(Duration.ofDays(365L * 1_000)).build()) {
            assertThat(store.isCleanupScheduled()).isTrue();
        }
    }

    @Test
    void anErrorInOnePeriodicCleanupDoesNotStopTheNextOnes() throws InterruptedException {
        ManualTicker ticker = new ManualTicker();
        CountDownLatch firstFailed = new CountDownLatch(1);
        CountDownLatch secondSeen = new CountDownLatch(1);
        AtomicInteger expired = new AtomicInteger();
        try (MemoryCacheStore store = MemoryCacheStore.builder()
                .ticker(ticker).cleanupInterval(Duration.ofMillis(5)).build()) {
            store.addRemovalListener((key, cause) -> {
                if (cause != RemovalCause.EXPIRED) {
                    return;
                }
                if (expired.incrementAndGet() == 1) {
                    firstFailed.countDown();
                    throw new AssertionError("a listener bug that is an Error, not an exception");
                }
                secondSeen.countDown();
            });
            store.put("a", "1", Duration.ofSeconds(1));
            ticker.advance(Duration.ofSeconds(2));
            assertThat(firstFailed.await(10, TimeUnit.SECONDS)).isTrue();

            store.put("b", "2", Duration.ofSeconds(1));
            ticker.advance(Duration.ofSeconds(2));

            assertThat(secondSeen.await(10, TimeUnit.SECONDS)).as("a later cleanup ran").isTrue();
            assertThat(store.isCleanupScheduled()).isTrue();
        }
    }

    @Test
    void theTaskOfAStoreThatWasNeverClosedButIsGoneCancelsItself() {
        java.util.concurrent.ScheduledFuture<?> task = scheduleForAStoreNobodyKeeps();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            System.gc();
            return task.isCancelled();
        });
    }

    @Test
    void closingAStoreCancelsItsTask() {
        MemoryCacheStore store = MemoryCacheStore.builder().cleanupInterval(Duration.ofMillis(1)).build();
        assertThat(store.isCleanupScheduled()).isTrue();

        store.close();

        assertThat(store.isCleanupScheduled()).isFalse();
    }

    private static java.util.concurrent.ScheduledFuture<?> scheduleForAStoreNobodyKeeps() {
        MemoryCacheStore store = MemoryCacheStore.builder().cleanupInterval(Duration.ZERO).build();
        store.put("k", "v", Duration.ofMinutes(1));
        return CleanupScheduler.schedule(store, Duration.ofMillis(1));
    }
}

package io.chatcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualTickerTest {

    @Test
    void startsAtANonZeroReading() {
        assertThat(new ManualTicker().read()).isEqualTo(ManualTicker.DEFAULT_START_NANOS).isNotZero();
    }

    @Test
    void startsWhereTold() {
        assertThat(new ManualTicker(-5).read()).isEqualTo(-5);
    }

    @Test
    void standsStillUntilAdvanced() {
        ManualTicker ticker = new ManualTicker();

        assertThat(ticker.read()).isEqualTo(ticker.read());
    }

    @Test
    void advancesByADuration() {
        ManualTicker ticker = new ManualTicker();
        long start = ticker.read();

        ticker.advance(Duration.ofMinutes(5)).advance(Duration.ofNanos(7));

        assertThat(ticker.read() - start).isEqualTo(Duration.ofMinutes(5).toNanos() + 7);
    }

    @Test
    void advancesByNanos() {
        ManualTicker ticker = new ManualTicker();
        long start = ticker.read();

        ticker.advance(1_500L);

        assertThat(ticker.read() - start).isEqualTo(1_500L);
    }

    @Test
    void wrapsAroundLikeNanoTimeSoDifferencesStayRight() {
        ManualTicker ticker = new ManualTicker(Long.MAX_VALUE - 10);
        long start = ticker.read();

        ticker.advance(25);

        assertThat(ticker.read()).isNegative();
        assertThat(ticker.read() - start).isEqualTo(25);
    }

    @Test
    void refusesToGoBackwards() {
        ManualTicker ticker = new ManualTicker();

        assertThatThrownBy(() -> ticker.advance(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("duration");
        assertThatThrownBy(() -> ticker.advance(-1L))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("nanos");
        assertThatThrownBy(() -> ticker.advance(null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("duration");
        assertThat(ticker.read()).isEqualTo(ManualTicker.DEFAULT_START_NANOS);
    }

    @Test
    void concurrentAdvancesAreNeverLost() throws Exception {
        ManualTicker ticker = new ManualTicker();
        long start = ticker.read();
        int threads = 4;
        int advancesPerThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < advancesPerThread; i++) {
                        ticker.advance(3L);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(ticker.read() - start).isEqualTo(3L * threads * advancesPerThread);
    }

    @Test
    void toStringShowsTheReading() {
        assertThat(new ManualTicker(42)).hasToString("ManualTicker[42ns]");
    }
}

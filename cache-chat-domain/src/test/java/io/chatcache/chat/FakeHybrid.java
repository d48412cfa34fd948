package io.chatcache.chat;

import io.chatcache.core.CacheStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the hybrid's tests on test doubles ({@link HybridCacheStoreTest}, {@link HybridShardIsolationTest}) share:
 * their timings and a builder with those timings on the test's manual clock.
 */
final class FakeHybrid {

    static final Duration TTL = Duration.ofMinutes(10);
    static final Duration OPEN = Duration.ofSeconds(10);
    static final int THRESHOLD = 3;
    /** Heartbeats run in real time on the stores' own threads; short, so that coherence tests are quick. */
    static final Duration HEARTBEAT = Duration.ofMillis(100);
    /** Generous for a loaded 2-core CI machine. */
    static final Duration EVENTUALLY = Duration.ofSeconds(10);
    /** Keeps the background probe away for the length of any test. */
    static final Duration NO_BACKGROUND_PROBE = Duration.ofHours(1);
    /** The background probe of the tests that show it, in real time. */
    static final Duration PROBE = Duration.ofMillis(20);

    private FakeHybrid() {
    }

    /**
     * A builder with {@code l1}, the breaker's {@link #THRESHOLD} and {@link #OPEN}, the {@link #HEARTBEAT} and
     * {@code probeInterval}, ticking on {@code clock} (nanoseconds).
     */
    static HybridCacheStore.Builder builder(CacheStore l1, Duration probeInterval, AtomicLong clock) {
        return HybridCacheStore.builder()
                .l1(l1)
                .failureThreshold(THRESHOLD)
                .openDuration(OPEN)
                .heartbeatInterval(HEARTBEAT)
                // Most tests drive the breaker by hand (calls and the manual clock); the background probe, which
                // runs in real time, is shown by the tests that pass PROBE.
                .probeInterval(probeInterval)
                .ticker(clock::get);
    }
}

package io.chatcache.testkit;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that only moves when told to, so tests can let hours pass without sleeping.
 *
 * <pre>{@code
 * ManualTicker ticker = new ManualTicker();
 * CacheStore store = MemoryCacheStore.builder().ticker(ticker).build();
 * store.put("k", "v", Duration.ofMinutes(5));
 * ticker.advance(Duration.ofMinutes(5));
 * assertThat(store.get("k", String.class)).isEmpty();
 * }</pre>
 *
 * It starts at {@link #DEFAULT_START_NANOS}, an arbitrary non-zero reading, because code that treats
 * a reading of zero as special (or compares absolute readings instead of differences) is wrong for
 * {@link System#nanoTime()} too. Thread-safe: readings and advances may come from any thread, and a
 * reading never goes backwards.
 */
public final class ManualTicker implements Ticker {

    /** The first reading of a ticker built with {@link #ManualTicker()}. */
    public static final long DEFAULT_START_NANOS = 0x5EED_0000_0000L;

    private final AtomicLong nanos;

    /** A ticker reading {@link #DEFAULT_START_NANOS}. */
    public ManualTicker() {
        this(DEFAULT_START_NANOS);
    }

    /**
     * A ticker whose first reading is {@code startNanos}; any value, negative included, as
     * {@link System#nanoTime()} may return any value.
     */
    public ManualTicker(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    /** The current reading, in nanoseconds. */
    @Override
    public long read() {
        return nanos.get();
    }

    /**
     * Moves time forward by {@code duration}.
     *
     * @return this ticker, for chaining
     * @throws InvalidInputException if {@code duration} is null or negative
     */
    public ManualTicker advance(Duration duration) {
        CacheInputs.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new InvalidInputException("duration", "must not be negative (time only moves forward), was " + duration);
        }
        return advance(duration.toNanos());
    }

    /**
     * Moves time forward by {@code nanosToAdd} nanoseconds. The reading wraps around like
     * {@link System#nanoTime()} would after overflow.
     *
     * @return this ticker, for chaining
     * @throws InvalidInputException if {@code nanosToAdd} is negative
     */
    public ManualTicker advance(long nanosToAdd) {
        if (nanosToAdd < 0) {
            throw new InvalidInputException("nanos", "must not be negative (time only moves forward), was " + nanosToAdd);
        }
        nanos.addAndGet(nanosToAdd);
        return this;
    }

    @Override
    public String toString() {
        return "ManualTicker[" + nanos.get() + "ns]";
    }
}

package io.chatcache.chat;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheException;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.LogText;
import io.chatcache.core.SerializationException;
import io.chatcache.core.Ticker;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every call to the shared store (L2) goes through here: the circuit breaker, the bulkhead, the slow-call
 * rule and the triage of L2's exceptions. One object per L2 (it could later be one per cluster shard).
 *
 * <ul>
 *   <li><b>Breaker</b> ({@link CircuitBreaker}): {@code failureThreshold} consecutive failures open it;
 *       a failure is an unavailable L2 ({@link CacheUnavailableException}: unreachable, or no answer within
 *       the adapter's deadline) or a call that answered but took longer than {@code slowCallThreshold}.
 *       While open, calls are refused without touching the network; after {@code openDuration} one call
 *       probes.</li>
 *   <li><b>Bulkhead</b>: at most {@code maxConcurrentCalls} callers wait on L2 at once; the others are
 *       refused at once, so that a hung L2 cannot pin every request thread while the breaker is still
 *       counting. A refusal by the bulkhead is not a failure for the breaker (a busy, healthy L2 fills it
 *       too).</li>
 *   <li><b>Triage</b>: exceptions retrying cannot fix ({@link SerializationException},
 *       {@link CacheConfigurationException}, invalid input) reach the caller and say nothing about L2's
 *       health; any other {@link CacheException} (L2 answered but refused the command) is
 *       {@link Skip#REFUSED}, counted, logged once, and not a failure for the breaker.</li>
 * </ul>
 * Thread-safe.
 */
final class L2Gateway {

    private static final Logger LOG = LoggerFactory.getLogger(L2Gateway.class);

    /** Why a call did not use L2. */
    enum Skip {
        /** There is no L2 connection (yet). */
        NOT_CONNECTED,
        /** The breaker is open (or another call is the half-open probe). */
        BREAKER_OPEN,
        /** {@code maxConcurrentCalls} callers already wait on L2. */
        BULKHEAD_FULL,
        /** L2 could not be reached or did not answer in time. */
        UNAVAILABLE,
        /** L2 answered but refused the command. */
        REFUSED
    }

    /**
     * What came of one call: L2's answer, or why there is none.
     *
     * @param value L2's answer (may be null for a call that returns nothing); meaningless when skipped
     * @param skipped why L2 was not used, or null when it answered
     * @param reopened whether this answer closed the breaker after an outage (the caller recovers)
     */
    record Result<R>(R value, Skip skipped, boolean reopened) {
        static <R> Result<R> answered(R value, boolean reopened) {
            return new Result<>(value, null, reopened);
        }

        static <R> Result<R> skipped(Skip why) {
            return new Result<>(null, why, false);
        }

        boolean answered() {
            return skipped == null;
        }
    }

    /** How a call is timed: single-key calls against the slow-call threshold, scans not at all. */
    enum Timing { SINGLE, SCAN }

    private final String name;
    private final CircuitBreaker breaker;
    private final Semaphore bulkhead;
    private final int maxConcurrentCalls;
    private final long slowCallNanos;
    private final Ticker ticker;
    private final LongAdder failures = new LongAdder();
    private final LongAdder skips = new LongAdder();
    private final LongAdder slowCalls = new LongAdder();
    private final AtomicBoolean refusalLogged = new AtomicBoolean();
    private final AtomicBoolean bulkheadLogged = new AtomicBoolean();

    /**
     * @param name what L2 is called in log lines ("L2 cache", "Redis")
     */
    L2Gateway(String name, int failureThreshold, Duration openDuration, Duration slowCallThreshold,
            int maxConcurrentCalls, Ticker ticker) {
        this.name = name;
        this.ticker = ticker;
        this.breaker = new CircuitBreaker(failureThreshold, openDuration.toNanos(), ticker);
        this.maxConcurrentCalls = maxConcurrentCalls;
        this.bulkhead = new Semaphore(maxConcurrentCalls);
        this.slowCallNanos = slowCallThreshold.toNanos();
    }

    /**
     * Calls {@code call} on {@code store} if the breaker and the bulkhead admit it.
     *
     * @throws SerializationException as L2 throws it (the value cannot be written or read)
     * @throws CacheConfigurationException as L2 throws it (missing permissions)
     * @throws RuntimeException any exception that is not a {@link CacheException} (invalid input, a closed
     *     store), as thrown
     */
    <R> Result<R> call(CacheStore store, Timing timing, Function<CacheStore, R> call) {
        if (!bulkhead.tryAcquire()) {
            skips.increment();
            if (bulkheadLogged.compareAndSet(false, true)) {
                LOG.warn("{}: {} callers already wait on it; further calls go without it until one returns "
                        + "(logged once)", name, maxConcurrentCalls);
            }
            return Result.skipped(Skip.BULKHEAD_FULL);
        }
        try {
            if (!breaker.tryAcquire()) {
                skips.increment();
                return Result.skipped(Skip.BREAKER_OPEN);
            }
            return admitted(store, timing, call, true);
        } finally {
            bulkhead.release();
        }
    }

    /**
     * The store's background probe: calls {@code ping} (a single-key read) on {@code store} while the breaker is
     * open, without waiting out the open duration, as the one half-open probe (skipped while another probe is in
     * flight or the bulkhead is full); while the breaker is closed, as an ordinary call. Timed against the
     * slow-call threshold like any single-key call, so a probe that answers late does not close the breaker.
     * Its outcome moves the breaker as any call's does, but it is nobody's operation: it is not counted in
     * {@link #failures()} or {@link #skips()}. A {@link SerializationException} is an answer (L2 is up; the
     * probe's key happened to hold a value of another type).
     *
     * @throws RuntimeException as {@link #call} throws it, except a {@link SerializationException}
     */
    Result<Void> probe(CacheStore store, Consumer<CacheStore> ping) {
        if (!bulkhead.tryAcquire()) {
            return Result.skipped(Skip.BULKHEAD_FULL);
        }
        try {
            if (!breaker.tryAcquireProbe()) {
                return Result.skipped(Skip.BREAKER_OPEN);
            }
            return admitted(store, Timing.SINGLE, answering -> {
                try {
                    ping.accept(answering);
                } catch (SerializationException typeMismatch) {
                    // L2 answered with a value: that is all a probe asks.
                }
                return null;
            }, false);
        } finally {
            bulkhead.release();
        }
    }

    /** {@code counted}: whether the call is a caller's operation (its failure counts in {@link #failures()}). */
    private <R> Result<R> admitted(CacheStore store, Timing timing, Function<CacheStore, R> call, boolean counted) {
        long start = ticker.read();
        R value;
        try {
            value = call.apply(store);
        } catch (CacheUnavailableException e) {
            if (counted) {
                failures.increment();
            }
            if (breaker.onFailure()) {
                LOG.warn("{} unavailable ({}); going without it until it answers again", name, LogText.escape(e.getMessage()));
            }
            return Result.skipped(Skip.UNAVAILABLE);
        } catch (SerializationException | CacheConfigurationException e) {
            breaker.release();
            throw e;
        } catch (CacheException e) {
            // L2 answered but refused the command (out of memory, a server error): retrying cannot help this
            // call, yet it is no fault of the caller's. L2 is up, so the breaker is not told.
            if (counted) {
                failures.increment();
            }
            breaker.release();
            if (refusalLogged.compareAndSet(false, true)) {
                LOG.warn("{} refused a command ({}); such calls go without it (logged once, counted in errors)",
                        name, LogText.escape(e.getMessage()));
            } else {
                LOG.debug("{} refused a command: {}", name, LogText.escape(e.getMessage()));
            }
            return Result.skipped(Skip.REFUSED);
        } catch (RuntimeException | Error e) {
            breaker.release();
            throw e;
        }
        if (timing == Timing.SINGLE && ticker.read() - start > slowCallNanos) {
            // The answer is good and is used; but an L2 this slow is failing its callers.
            slowCalls.increment();
            if (breaker.onFailure()) {
                LOG.warn("{} answers too slowly (over {} ms); going without it until it is fast again", name,
                        slowCallNanos / 1_000_000);
            }
            return Result.answered(value, false);
        }
        return Result.answered(value, breaker.onSuccess());
    }

    /** Records that an L2 call made outside {@link #call} (a replay) found L2 unavailable. */
    void failed(CacheUnavailableException e) {
        failures.increment();
        if (breaker.onFailure()) {
            LOG.warn("{} unavailable again ({}); going without it until it answers again", name, LogText.escape(e.getMessage()));
        }
    }

    /** Forgets an outage: a fresh L2 connection was taken up. */
    void reset() {
        breaker.reset();
    }

    /** Whether calls may go to L2 now (the breaker is closed). */
    boolean closed() {
        return breaker.state() == CircuitBreaker.State.CLOSED;
    }

    CircuitBreaker.State state() {
        return breaker.state();
    }

    /** L2 calls that failed (unavailable, or refused by L2). */
    long failures() {
        return failures.sum();
    }

    /** Calls that did not go to L2 because the breaker was open or the bulkhead full. */
    long skips() {
        return skips.sum();
    }

    /** Calls that L2 answered, but too slowly. */
    long slowCalls() {
        return slowCalls.sum();
    }
}

package io.chatcache.chat;

import io.chatcache.core.Ticker;

/**
 * The hybrid store's circuit breaker around L2.
 *
 * <ul>
 *   <li>CLOSED: calls go through; {@code threshold} consecutive failures open it.</li>
 *   <li>OPEN: calls are refused without touching the network, until {@code openNanos} have passed;
 *       then the next caller becomes the one probe. A background probe ({@link #tryAcquireProbe()}) may
 *       take that turn at any time.</li>
 *   <li>HALF_OPEN: the probe is in flight and every other call is refused; its success closes the
 *       breaker (the caller then drops L1, which missed invalidations), its failure opens it again.</li>
 * </ul>
 * Every call that {@link #tryAcquire()} admitted must end in exactly one of {@link #onSuccess()},
 * {@link #onFailure()} or {@link #release()}, or a probe would stay in flight forever.
 *
 * <p>Thread-safe. The closed fast path is two volatile reads; transitions are rare and synchronised.
 */
final class CircuitBreaker {

    enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final long openNanos;
    private final Ticker ticker;

    private volatile State state = State.CLOSED;
    private volatile int consecutiveFailures;
    private long openedAt;

    CircuitBreaker(int threshold, long openNanos, Ticker ticker) {
        this.threshold = threshold;
        this.openNanos = openNanos;
        this.ticker = ticker;
    }

    /** Whether a call may go to L2 now; when it returns true the caller owes an outcome. */
    boolean tryAcquire() {
        if (state == State.CLOSED) {
            return true;
        }
        synchronized (this) {
            if (state == State.CLOSED) {
                return true;
            }
            if (state == State.OPEN && ticker.read() - openedAt >= openNanos) {
                state = State.HALF_OPEN;
                return true;
            }
            return false;
        }
    }

    /**
     * Admits the store's background probe: while OPEN at once, without waiting out the open duration (it
     * becomes the half-open probe, so still one probe at a time); while CLOSED as an ordinary call; while
     * HALF_OPEN not at all (another probe is in flight). When it returns true the caller owes an outcome.
     */
    boolean tryAcquireProbe() {
        if (state == State.CLOSED) {
            return true;
        }
        synchronized (this) {
            if (state == State.CLOSED) {
                return true;
            }
            if (state == State.OPEN) {
                state = State.HALF_OPEN;
                return true;
            }
            return false;
        }
    }

    /**
     * Records a call that L2 answered.
     *
     * @return whether this closed the breaker after an outage (the caller must drop L1)
     */
    boolean onSuccess() {
        if (state == State.CLOSED && consecutiveFailures == 0) {
            return false;
        }
        synchronized (this) {
            switch (state) {
                case CLOSED -> {
                    consecutiveFailures = 0;
                    return false;
                }
                case HALF_OPEN -> {
                    consecutiveFailures = 0;
                    state = State.CLOSED;
                    return true;
                }
                default -> {
                    // A call admitted before the breaker opened answered late: one answer does not
                    // prove recovery; the probe will.
                    return false;
                }
            }
        }
    }

    /**
     * Records a call that failed for want of L2 (unreachable or too slow).
     *
     * @return whether this opened a closed breaker (the start of an outage, to be logged once)
     */
    synchronized boolean onFailure() {
        switch (state) {
            case CLOSED -> {
                consecutiveFailures++;
                if (consecutiveFailures >= threshold) {
                    open();
                    return true;
                }
                return false;
            }
            case HALF_OPEN -> {
                open();
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * Records a call that ended without telling anything about L2's health (an invalid or
     * unserialisable value): a probe gives its turn to the next caller.
     */
    synchronized void release() {
        if (state == State.HALF_OPEN) {
            state = State.OPEN;
            openedAt = ticker.read() - openNanos;
        }
    }

    /** Forgets an outage: used when a fresh L2 connection is taken up. */
    synchronized void reset() {
        consecutiveFailures = 0;
        state = State.CLOSED;
    }

    State state() {
        return state;
    }

    private void open() {
        state = State.OPEN;
        openedAt = ticker.read();
    }
}

package io.chatcache.testkit.redis.fault;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Polls whether an instance uses its shared store (such as a hybrid cache whose breaker is closed) every 10 ms
 * and notes when that changes, so a fault run can tell how soon after a fault began the instance gave the store
 * up. Runs from construction until {@link #close()}.
 */
public final class AvailabilityWatch implements AutoCloseable {

    /** Told of each change, on the watch's thread. */
    @FunctionalInterface
    public interface Listener {
        /** The instance now does ({@code available}) or does not use its store, since {@code atNanos}. */
        void changed(boolean available, long atNanos);
    }

    private static final long EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final List<Long> losses = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts watching {@code available}, which must be cheap and must not throw. */
    public AvailabilityWatch(BooleanSupplier available, Listener listener) {
        thread = new Thread(() -> {
            boolean last = true;
            while (running) {
                boolean now = available.getAsBoolean();
                if (now != last) {
                    long at = System.nanoTime();
                    if (!now) {
                        losses.add(at);
                    }
                    listener.changed(now, at);
                    last = now;
                }
                LockSupport.parkNanos(EVERY_NANOS);
            }
        }, "fault-availability-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts watching {@code available} without a listener. */
    public AvailabilityWatch(BooleanSupplier available) {
        this(available, (up, at) -> { });
    }

    /** When the store was first given up at or after {@code fromNanos}; 0 if it was not. */
    public long firstLossAfter(long fromNanos) {
        return firstAtOrAfter(losses, fromNanos);
    }

    /** The first of {@code times} at or after {@code fromNanos}; 0 if none is. */
    public static long firstAtOrAfter(List<Long> times, long fromNanos) {
        return times.stream().mapToLong(Long::longValue).filter(at -> at >= fromNanos).min().orElse(0);
    }

    @Override
    public void close() {
        running = false;
    }
}

package io.chatcache.chat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one background thread of a hybrid store ({@code chat-cache-background}, a daemon), created on first
 * use: it retries a connector that failed at start-up, sends the coherence heartbeats and probes a given-up
 * L2. A task that throws is logged and runs again at its next turn (thrown out of a scheduled task it would
 * end silently). Tasks share the thread, so one blocked in an L2 call (at most L2's deadline) delays the
 * others by as much.
 *
 * <p>Thread-safe.
 */
final class BackgroundTasks {

    /** Logged under the hybrid store's name: that is where operators look. */
    private static final Logger LOG = LoggerFactory.getLogger(HybridCacheStore.class);

    private ScheduledExecutorService executor;
    private boolean closed;

    /**
     * Runs {@code task} every {@code period} (between the end of one run and the start of the next), the first
     * time after {@code initialDelay}; nothing once closed.
     *
     * @param what what the task does, for the log line if it throws
     * @return the schedule, to cancel it; null if closed
     */
    synchronized Future<?> every(Duration initialDelay, Duration period, String what, Runnable task) {
        if (closed) {
            return null;
        }
        return executor().scheduleWithFixedDelay(guarded(what, task), initialDelay.toNanos(), period.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} once, as soon as the thread is free; nothing once closed. */
    synchronized void soon(String what, Runnable task) {
        if (closed) {
            return;
        }
        try {
            executor().execute(guarded(what, task));
        } catch (RejectedExecutionException e) {
            // Shut down meanwhile: nothing to do.
        }
    }

    /** Stops every task, interrupting one that runs. Idempotent. */
    synchronized void close() {
        closed = true;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private ScheduledExecutorService executor() {
        if (executor == null) {
            executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "chat-cache-background");
                thread.setDaemon(true);
                return thread;
            });
        }
        return executor;
    }

    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("Background task failed ({}); it runs again at its next turn", what, e);
            }
        };
    }
}

package io.chatcache.memory;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one daemon thread that runs the periodic expiry cleanup of every {@link MemoryCacheStore} in the
 * JVM. One thread for all stores, because an application may open many small stores and each cleanup
 * is short; created on first use, so a JVM that never schedules a cleanup never starts it.
 */
final class CleanupScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(CleanupScheduler.class);

    /** About 146 years; longer intervals are cut to it. */
    private static final Duration LONGEST_INTERVAL = Duration.ofNanos(1L << 62);

    private static volatile ScheduledThreadPoolExecutor executor;

    private CleanupScheduler() {
    }

    /**
     * Runs {@code store.cleanupExpired()} every {@code interval} until the returned future is cancelled.
     * The task holds the store only weakly: a store that was never closed but is no longer used can
     * still be collected, and its task then cancels itself.
     */
    static ScheduledFuture<?> schedule(MemoryCacheStore store, Duration interval) {
        // Saturated: an interval of centuries is "practically never", not an ArithmeticException.
        long nanos = interval.compareTo(LONGEST_INTERVAL) >= 0 ? LONGEST_INTERVAL.toNanos() : interval.toNanos();
        Task task = new Task(store);
        ScheduledFuture<?> future = executor().scheduleWithFixedDelay(task, nanos, nanos, TimeUnit.NANOSECONDS);
        task.future = future;
        return future;
    }

    private static ScheduledThreadPoolExecutor executor() {
        ScheduledThreadPoolExecutor current = executor;
        if (current == null) {
            synchronized (CleanupScheduler.class) {
                current = executor;
                if (current == null) {
                    current = new ScheduledThreadPoolExecutor(1, runnable -> {
                        Thread thread = new Thread(runnable, "chat-cache-memory-cleanup");
                        thread.setDaemon(true);
                        return thread;
                    });
                    // Closed stores should not leave their cancelled tasks in the queue until they were due.
                    current.setRemoveOnCancelPolicy(true);
                    executor = current;
                }
            }
        }
        return current;
    }

    private static final class Task implements Runnable {
        private final WeakReference<MemoryCacheStore> store;
        volatile ScheduledFuture<?> future;

        Task(MemoryCacheStore store) {
            this.store = new WeakReference<>(store);
        }

        @Override
        public void run() {
            MemoryCacheStore target = store.get();
            if (target == null) {
                ScheduledFuture<?> scheduled = future;
                if (scheduled != null) {
                    scheduled.cancel(false);
                }
                return;
            }
            try {
                target.cleanupExpired();
            } catch (Throwable e) {
                // Swallowed, Errors too (a removal listener's AssertionError, say), because anything thrown
                // would end this store's periodic task for good, silently.
                LOG.warn("The periodic expiry cleanup of a memory cache store failed; it runs again next time", e);
            }
        }
    }
}

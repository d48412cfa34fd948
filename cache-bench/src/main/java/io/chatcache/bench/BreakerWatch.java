package io.chatcache.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Samples a hybrid instance's breakers every {@value #PERIOD_MILLIS} ms on a daemon thread and reports each change
 * (and the first sample), so a run can tell afterwards which keys' breaker was open when, to within a period.
 */
final class BreakerWatch implements AutoCloseable {

    static final long PERIOD_MILLIS = 5;

    /** The breakers as sampled from {@code nanos} ({@link System#nanoTime()}) on. */
    record Change(long nanos, FaultInstance.Breakers breakers) {

        /** The line a reader JVM prints for it. */
        String toLine() {
            return PREFIX + " " + nanos + " " + breakers.openKeys() + " " + breakers.open() + " " + breakers.shards();
        }

        /** Parses {@link #toLine()}; null if {@code line} is not one. */
        static Change parse(String line) {
            String[] parts = line.split(" ");
            if (parts.length != 5 || !parts[0].equals(PREFIX)) {
                return null;
            }
            return new Change(Long.parseLong(parts[1]), new FaultInstance.Breakers(Long.parseLong(parts[2]),
                    Integer.parseInt(parts[3]), Integer.parseInt(parts[4])));
        }
    }

    /** What a sampled change's line begins with. */
    static final String PREFIX = "BRK";

    private final Thread thread;
    private volatile boolean running = true;

    /** Starts sampling {@code breakers}, giving every change to {@code changes}. */
    BreakerWatch(Supplier<FaultInstance.Breakers> breakers, java.util.function.Consumer<Change> changes) {
        thread = new Thread(() -> {
            FaultInstance.Breakers last = null;
            while (running) {
                FaultInstance.Breakers now = breakers.get();
                if (!now.equals(last)) {
                    changes.accept(new Change(System.nanoTime(), now));
                    last = now;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
            }
        }, "fault-breaker-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The keys ({@link FaultInstance.Breakers#openKeys()}) whose breaker was open at {@code nanos}. */
    static long openKeysAt(List<Change> timeline, long nanos) {
        long open = 0;
        for (Change change : timeline) {
            if (change.nanos() > nanos) {
                break;
            }
            open = change.breakers().openKeys();
        }
        return open;
    }

    /** The most breakers open at once from {@code from} on (counting the state at {@code from}). */
    static int mostOpenFrom(List<Change> timeline, long from) {
        int most = 0;
        int current = 0;
        for (Change change : timeline) {
            if (change.nanos() <= from) {
                current = change.breakers().open();
            } else {
                most = Math.max(most, change.breakers().open());
            }
        }
        return Math.max(most, current);
    }

    /** How many breakers the instance had (the last sample's count; 0 if none). */
    static int shards(List<Change> timeline) {
        return timeline.isEmpty() ? 0 : timeline.get(timeline.size() - 1).breakers().shards();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

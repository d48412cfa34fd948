package io.chatcache.testkit.redis.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Threads that call one application instance's cache in a loop and time every call into a {@link CallLog}: either
 * writers, each owning a share of the keys and writing every key's next version in turn (1, 2, 3, ...), or
 * readers, reading random keys (and, for a share of the reads, a key nobody writes). A pause between calls keeps
 * the load from taking a whole core on a small machine. Failed calls are recorded, never rethrown; a failed write
 * still uses up its version, so versions only grow.
 *
 * <p>Runs from construction until {@link #close()}.
 */
public final class FaultLoad implements AutoCloseable {

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    private FaultLoad() {
    }

    /** The name of key number {@code i}. */
    public static String key(int i) {
        return "fault:" + i;
    }

    /**
     * Starts {@code threads} writers over keys {@code 0..keys-1}: writer {@code t} owns the keys {@code i} with
     * {@code i % threads == t}, so each key has one writer and its versions are written in order.
     *
     * @throws IllegalArgumentException if {@code keys < threads} or a count is not positive
     */
    public static FaultLoad writers(VersionedCache cache, int keys, int threads, Duration pause, CallLog log) {
        if (threads < 1 || keys < threads) {
            throw new IllegalArgumentException("need at least one writer and a key per writer, were " + threads
                    + " writers for " + keys + " keys");
        }
        FaultLoad load = new FaultLoad();
        for (int t = 0; t < threads; t++) {
            int first = t;
            load.start("fault-writer-" + t, () -> {
                long[] versions = new long[keys];
                int i = first;
                while (load.running) {
                    long version = ++versions[i];
                    long start = System.nanoTime();
                    boolean failed = false;
                    try {
                        cache.write(key(i), version);
                    } catch (RuntimeException e) {
                        failed = true;
                    }
                    log.add(new Call(Call.Kind.WRITE, i, version, start, System.nanoTime(), failed));
                    i += threads;
                    if (i >= keys) {
                        i = first;
                    }
                    pause(pause);
                }
            });
        }
        return load;
    }

    /**
     * Starts {@code threads} readers of random keys among {@code 0..keys-1}; a share {@code coldShare} (0 to 1) of
     * the reads instead asks for a key nobody writes, a fresh one each time.
     *
     * @throws IllegalArgumentException if a count is not positive or the share is not from 0 to 1
     */
    public static FaultLoad readers(VersionedCache cache, int keys, int threads, Duration pause, double coldShare,
            CallLog log) {
        if (threads < 1 || keys < 1 || !(coldShare >= 0 && coldShare <= 1)) {
            throw new IllegalArgumentException("need at least one reader and one key and a cold share from 0 to "
                    + "1, were " + threads + " readers, " + keys + " keys, share " + coldShare);
        }
        FaultLoad load = new FaultLoad();
        AtomicInteger coldReads = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            load.start("fault-reader-" + t, () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (load.running) {
                    boolean cold = random.nextDouble() < coldShare;
                    int i = cold ? coldReads.incrementAndGet() : random.nextInt(keys);
                    long start = System.nanoTime();
                    long version = Call.ABSENT;
                    boolean failed = false;
                    try {
                        OptionalLong read = cache.read(cold ? "fault:cold:" + i : key(i));
                        version = read.orElse(Call.ABSENT);
                    } catch (RuntimeException e) {
                        failed = true;
                    }
                    log.add(new Call(cold ? Call.Kind.COLD_READ : Call.Kind.READ, i, version, start,
                            System.nanoTime(), failed));
                    pause(pause);
                }
            });
        }
        return load;
    }

    private void start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private static void pause(Duration pause) {
        if (!pause.isZero()) {
            LockSupport.parkNanos(pause.toNanos());
        }
    }

    /**
     * Stops the threads and waits for their calls in flight to return (at most a minute).
     *
     * @throws IllegalStateException if a call is still in flight after a minute
     */
    @Override
    public void close() {
        running = false;
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the fault load", e);
            }
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " is still in a call " + JOIN_TIMEOUT.toSeconds()
                        + " s after the load was stopped");
            }
        }
    }
}

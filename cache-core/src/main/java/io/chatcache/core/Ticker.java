package io.chatcache.core;

/**
 * A source of monotonic time in nanoseconds, so that tests can control time without sleeping. Only
 * differences between two readings mean anything.
 */
@FunctionalInterface
public interface Ticker {
    /** The current reading, in nanoseconds. */
    long read();

    /** The system's monotonic clock ({@link System#nanoTime()}). */
    static Ticker system() {
        return System::nanoTime;
    }
}

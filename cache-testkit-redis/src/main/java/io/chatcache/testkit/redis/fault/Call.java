package io.chatcache.testkit.redis.fault;

import java.util.concurrent.TimeUnit;

/**
 * One timed call of a fault load.
 *
 * @param kind what the call was
 * @param key the key's number ({@link FaultLoad#key(int)}); for a {@link Kind#COLD_READ}, the number of the read
 * @param version the version written, or the version read ({@link #ABSENT} for a miss or a failed read)
 * @param startNanos {@link System#nanoTime()} when the call began
 * @param endNanos {@link System#nanoTime()} when it returned
 * @param failed whether it threw
 */
public record Call(Kind kind, int key, long version, long startNanos, long endNanos, boolean failed) {

    /** The version of a read that found nothing. */
    public static final long ABSENT = -1;

    /** What was called. */
    public enum Kind {
        /** A write of a key's next version. */
        WRITE,
        /** A read of a key the writers write. */
        READ,
        /** A read of a key nobody writes: a miss that has to ask the shared store every time. */
        COLD_READ
    }

    /** How long the caller waited, in nanoseconds. */
    public long latencyNanos() {
        return endNanos - startNanos;
    }

    /** Whether the caller waited at least one millisecond. */
    public boolean slow() {
        return latencyNanos() >= TimeUnit.MILLISECONDS.toNanos(1);
    }

    /** One line of text: {@code kind key version start end failed}. */
    String toLine() {
        return kind.name() + ' ' + key + ' ' + version + ' ' + startNanos + ' ' + endNanos + ' ' + (failed ? 1 : 0);
    }

    /**
     * Parses a line of {@link #toLine()}.
     *
     * @throws IllegalArgumentException naming the line if it is not one
     */
    static Call parse(String line) {
        String[] parts = line.strip().split(" ");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a call line (6 fields expected): " + line);
        }
        try {
            return new Call(Kind.valueOf(parts[0]), Integer.parseInt(parts[1]), Long.parseLong(parts[2]),
                    Long.parseLong(parts[3]), Long.parseLong(parts[4]), "1".equals(parts[5]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a call line: " + line, e);
        }
    }
}

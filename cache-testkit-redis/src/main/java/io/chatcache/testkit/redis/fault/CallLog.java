package io.chatcache.testkit.redis.fault;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The calls of a fault load, in the order they returned. A log can be written to a text file and read back, so a
 * reader running in another process can hand its calls to the process that judges them.
 *
 * <p>Thread-safe.
 */
public final class CallLog {

    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

    /** Adds one call. */
    public void add(Call call) {
        calls.add(call);
    }

    /** A copy of the calls so far. */
    public List<Call> calls() {
        return new ArrayList<>(calls);
    }

    /**
     * Writes the calls to {@code file}, one line each.
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public void writeTo(Path file) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (Call call : calls) {
                out.write(call.toLine());
                out.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the call log " + file, e);
        }
    }

    /**
     * Reads a file written by {@link #writeTo(Path)}.
     *
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if a line is not a call
     */
    public static CallLog readFrom(Path file) {
        CallLog log = new CallLog();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                if (!line.isBlank()) {
                    log.add(Call.parse(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the call log " + file, e);
        }
        return log;
    }
}

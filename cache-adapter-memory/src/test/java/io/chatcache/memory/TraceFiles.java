package io.chatcache.memory;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.provider.Arguments;

/** The LIRS traces in the repository's {@code traces} folder, parsed once per JVM. */
final class TraceFiles {

    /** Every shipped trace. */
    static final List<String> NAMES = List.of("cs", "gli", "loop", "multi1", "ps", "sprite");

    /** Parsed once per JVM: the loop trace alone has half a million accesses. */
    private static final Map<String, Trace> PARSED = new ConcurrentHashMap<>();

    private TraceFiles() {
    }

    /** One trace: the accesses as indexes into its distinct keys, so that a replay allocates no strings. */
    record Trace(int[] accesses, String[] keys) {
    }

    /** Every trace at every capacity, as arguments of a parameterised test. */
    static Stream<Arguments> withCapacities(int... capacities) {
        List<Arguments> arguments = new ArrayList<>();
        for (String name : NAMES) {
            for (int capacity : capacities) {
                arguments.add(Arguments.of(name, capacity));
            }
        }
        return arguments.stream();
    }

    static Trace trace(String name) {
        return PARSED.computeIfAbsent(name, TraceFiles::parse);
    }

    private static Trace parse(String name) {
        Path file = tracesDirectory().resolve(name + ".trace.gz");
        Map<String, Integer> indexes = new HashMap<>();
        List<String> keys = new ArrayList<>();
        int[] accesses = new int[1024];
        int count = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = reader.readLine()) != null) {
                // readLine drops "\n"; strip also drops the '\r' of the CRLF "loop" trace.
                String text = line.strip();
                if (text.isEmpty() || text.equals("*")) {
                    continue;
                }
                Integer index = indexes.get(text);
                if (index == null) {
                    index = keys.size();
                    indexes.put(text, index);
                    keys.add(text);
                }
                if (count == accesses.length) {
                    accesses = Arrays.copyOf(accesses, count * 2);
                }
                accesses[count++] = index;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + file, e);
        }
        return new Trace(Arrays.copyOf(accesses, count), keys.toArray(new String[0]));
    }

    /**
     * Finds the repository's {@code traces} folder, looked for in every folder from the working directory up
     * (Maven runs the tests in the module's folder, one below it).
     */
    static Path tracesDirectory() {
        List<Path> looked = new ArrayList<>();
        for (Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("traces");
            looked.add(candidate);
            if (Files.isRegularFile(candidate.resolve("loop.trace.gz"))) {
                return candidate;
            }
        }
        return fail("The LIRS traces are missing: no traces/loop.trace.gz in any of " + looked
                + ". They are committed in the repository's traces/ folder; is the clone complete?");
    }
}

package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheStats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the LIRS traces in the repository's {@code traces} folder through the store and through
 * an access-ordered {@link LinkedHashMap} of the same capacity, reading each key and putting it on a
 * miss. Exact LRU means the same hits, the same evictions and the same keys held at the end.
 */
class ExactLruTraceTest {

    private static final List<String> TRACES =
            List.of("cs", "gli", "loop", "multi1", "ps", "sprite");
    private static final int[] CAPACITIES = {250, 500, 1000};

    /** Parsed once per JVM: the loop trace alone has half a million accesses. */
    private static final Map<String, Trace> PARSED = new ConcurrentHashMap<>();

    static Stream<Arguments> tracesAndCapacities() {
        List<Arguments> arguments = new ArrayList<>();
        for (String trace : TRACES) {
            for (int capacity : CAPACITIES) {
                arguments.add(Arguments.of(trace, capacity));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} at capacity {1}")
    @MethodSource("tracesAndCapacities")
    void storeHitsExactlyAsOftenAsAnAccessOrderedLinkedHashMap(String traceName, int capacity) {
        Trace trace = PARSED.computeIfAbsent(traceName, ExactLruTraceTest::parse);
        assertThat(trace.accesses).as("accesses in %s", traceName).isNotEmpty();

        LinkedHashMap<String, Integer> reference = new LinkedHashMap<>(capacity, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                return size() > capacity;
            }
        };
        long referenceHits = 0;
        for (int access : trace.accesses) {
            String key = trace.keys[access];
            if (reference.get(key) != null) {
                referenceHits++;
            } else {
                reference.put(key, access);
            }
        }

        long storeHits = 0;
        try (MemoryCacheStore store = MemoryCacheStore.builder()
                .maximumSize(capacity)
                .defaultTtl(CacheStore.NO_EXPIRY)
                .cleanupInterval(Duration.ZERO)
                .build()) {
            for (int access : trace.accesses) {
                String key = trace.keys[access];
                if (store.get(key, Integer.class).isPresent()) {
                    storeHits++;
                } else {
                    store.put(key, access);
                }
            }
            CacheStats stats = store.stats();

            assertThat(storeHits).as("hits on %s at capacity %d", traceName, capacity).isEqualTo(referenceHits);
            assertThat(stats.hits()).isEqualTo(referenceHits);
            assertThat(stats.misses()).isEqualTo(trace.accesses.length - referenceHits);
            long misses = trace.accesses.length - referenceHits;
            assertThat(stats.evictions()).isEqualTo(Math.max(0, misses - capacity));
            assertThat(stats.entryCount()).isEqualTo(reference.size());
            for (Map.Entry<String, Integer> held : reference.entrySet()) {
                assertThat(store.get(held.getKey(), Integer.class)).as("key %s", held.getKey()).contains(held.getValue());
            }
        }
    }

    /** One trace: the accesses as indexes into its distinct keys, so the replay allocates no strings. */
    private record Trace(int[] accesses, String[] keys) {
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
                    accesses = java.util.Arrays.copyOf(accesses, count * 2);
                }
                accesses[count++] = index;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + file, e);
        }
        return new Trace(java.util.Arrays.copyOf(accesses, count), keys.toArray(new String[0]));
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

package io.chatcache.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The LIRS block-access traces in repository's {@code traces} folder: gzip text, one integer key per line; blank lines and
 * lines holding only {@code *} are skipped, CRLF endings are accepted.
 */
final class Traces {

    private Traces() {
    }

    /** One trace: its name and its accesses as cache keys (equal numbers share one String instance). */
    record Trace(String name, String[] keys) {
        int distinctKeys() {
            return (int) Stream.of(keys).distinct().count();
        }
    }

    /**
     * Finds the traces folder: {@code explicit} if given, else the repository's {@code traces} folder in the
     * working directory or any of its parents.
     *
     * @throws IllegalStateException naming the places looked at, when none holds traces
     */
    static Path locate(String explicit) {
        if (explicit != null) {
            Path path = Path.of(explicit).toAbsolutePath().normalize();
            if (!Files.isDirectory(path)) {
                throw new IllegalStateException("traces folder " + path + " does not exist");
            }
            return path;
        }
        List<Path> tried = new ArrayList<>();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("traces");
            tried.add(candidate);
            if (Files.isRegularFile(candidate.resolve("loop.trace.gz"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no traces folder found; pass --traces DIR. Looked at " + tried);
    }

    /**
     * Reads every {@code *.trace.gz} in {@code folder}, sorted by name.
     *
     * @throws IllegalStateException if the folder holds none
     */
    static List<Trace> readAll(Path folder) {
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".trace.gz")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no *.trace.gz files in " + folder);
        }
        return files.stream().map(Traces::read).toList();
    }

    static Trace read(Path file) {
        String name = file.getFileName().toString().replace(".trace.gz", "");
        Map<String, String> interned = new HashMap<>();
        List<String> keys = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.US_ASCII))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.equals("*")) {
                    continue;
                }
                long block = Long.parseLong(trimmed);
                String key = "block:" + block;
                keys.add(interned.computeIfAbsent(key, k -> k));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + file, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("trace " + file + " holds a line that is not a number: " + e.getMessage(), e);
        }
        return new Trace(name, keys.toArray(String[]::new));
    }
}

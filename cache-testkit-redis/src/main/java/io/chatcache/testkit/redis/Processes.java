package io.chatcache.testkit.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Runs short-lived tools (redis-cli, openssl, kill) and finds executables on the PATH. */
final class Processes {

    /** What a finished tool printed and returned. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private Processes() {
    }

    /**
     * Runs {@code command} with standard input from /dev/null, waiting at most {@code timeout}.
     *
     * @param env variables added to the inherited environment (how passwords reach redis-cli, so they
     *     never show in a process listing)
     * @throws RedisHarnessException if it cannot start or does not finish in time
     */
    static Result run(List<String> command, Map<String, String> env, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new RedisHarnessException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        AtomicReference<String> stderr = new AtomicReference<>("");
        Thread errReader = new Thread(() -> stderr.set(readAll(process.getErrorStream())),
                "chatcache-redis-stderr");
        errReader.setDaemon(true);
        errReader.start();
        AtomicReference<String> stdout = new AtomicReference<>("");
        Thread outReader = new Thread(() -> stdout.set(readAll(process.getInputStream())),
                "chatcache-redis-stdout");
        outReader.setDaemon(true);
        outReader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new RedisHarnessException(command.get(0) + " did not finish within " + timeout.toSeconds()
                        + " s (is the server paused or unreachable?)");
            }
            outReader.join(timeout.toMillis());
            errReader.join(timeout.toMillis());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RedisHarnessException("interrupted while running " + command.get(0), e);
        }
        return new Result(process.exitValue(), stdout.get(), stderr.get());
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The first executable named {@code name} on the PATH, if any. */
    static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The executable {@code name} from the PATH.
     *
     * @param installHint what to install, such as {@code "apt-get install redis-tools"}
     * @throws RedisHarnessException naming the tool and the hint if it is missing
     */
    static Path require(String name, String installHint) {
        return findOnPath(name).orElseThrow(() -> new RedisHarnessException(
                name + " is not on the PATH; install it (" + installHint + ")"));
    }

    /** Sends a signal such as {@code "STOP"} to a process with the kill command. */
    static void signal(long pid, String signal) {
        // ProcessHandle cannot send SIGSTOP/SIGCONT; the shell's kill builtin is there even without procps
        List<String> command = findOnPath("kill").isPresent()
                ? List.of("kill", "-" + signal, Long.toString(pid))
                : List.of("/bin/sh", "-c", "kill -" + signal + " " + pid);
        Result result = run(command, Map.of(), Duration.ofSeconds(10));
        if (result.exitCode() != 0) {
            throw new RedisHarnessException("kill -" + signal + " " + pid + " failed: " + result.stderr().trim());
        }
    }

    /** The last {@code lines} lines of a text file, or a note saying why there are none. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Runs every stop, even after one throws; then throws the first failure with the others suppressed.
     */
    static void stopAll(List<? extends Runnable> stops) {
        RuntimeException failure = null;
        for (Runnable stop : stops) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Deletes a directory tree, best effort: a leftover temp file must not fail a test. */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            for (int i = paths.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(paths.get(i));
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: the OS cleans temp dirs eventually
        }
    }
}

package io.chatcache.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Redis server a Redis benchmark talks to: the one named by the system property {@code chatcache.bench.redis}
 * or the environment variable {@code CHATCACHE_BENCH_REDIS} ({@code redis://host:port}), else a {@code
 * redis-server} from the PATH that this class starts on a free loopback port, without persistence, and stops on
 * {@link #close()}. It never falls back to the default port 6379: a shared server there is not ours to load.
 */
final class RedisProcess implements AutoCloseable {

    /** The system property naming an existing server. */
    static final String ADDRESS_PROPERTY = "chatcache.bench.redis";
    /** The environment variable naming an existing server. */
    static final String ADDRESS_VARIABLE = "CHATCACHE_BENCH_REDIS";

    private final String address;
    private final Process process;
    private final Path log;

    private RedisProcess(String address, Process process, Path log) {
        this.address = address;
        this.process = process;
        this.log = log;
    }

    /**
     * The given server, or a fresh {@code redis-server} on a free port.
     *
     * @throws IllegalStateException if {@code redis-server} is not on the PATH or does not start, saying what to do
     */
    static RedisProcess startOrConnect() {
        String given = System.getProperty(ADDRESS_PROPERTY, System.getenv(ADDRESS_VARIABLE));
        if (given != null && !given.isBlank()) {
            return new RedisProcess(given.strip(), null, null);
        }
        int port = freePort();
        Path log;
        Process process;
        try {
            log = Files.createTempFile("chatcache-bench-redis-" + port + "-", ".log");
            process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (" + e.getMessage() + "): the Redis benchmarks "
                    + "need redis-server on the PATH (Debian: apt-get install redis-server), or an existing server "
                    + "named by -D" + ADDRESS_PROPERTY + "=redis://host:port or " + ADDRESS_VARIABLE, e);
        }
        RedisProcess redis = new RedisProcess("redis://127.0.0.1:" + port, process, log);
        redis.awaitPong(port);
        return redis;
    }

    /** The server's address, {@code redis://host:port}. */
    String address() {
        return address;
    }

    private void awaitPong(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with status " + process.exitValue()
                        + " on port " + port + "; its log: " + readLog());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                socket.setSoTimeout(1000);
                OutputStream out = socket.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] reply = new byte[7];
                int read = in.readNBytes(reply, 0, reply.length);
                if (new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        close();
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within 10 s"
                + (last == null ? "" : " (" + last.getMessage() + ")") + "; its log: " + readLog());
    }

    private String readLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port for redis-server", e);
        }
    }

    /** Stops the server if this class started it. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // A leftover log in the temp folder is harmless.
        }
    }
}

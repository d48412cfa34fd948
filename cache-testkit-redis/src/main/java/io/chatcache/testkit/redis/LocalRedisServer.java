package io.chatcache.testkit.redis;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSocketFactory;

/**
 * A {@code redis-server} child process on 127.0.0.1, with its own temp dir (log, certificates, cluster
 * state) and persistence off; or, started with {@link #startSentinel(List)}, a Redis Sentinel
 * ({@code redis-server sentinel.conf --sentinel}) whose writable config file lives in that dir.
 */
final class LocalRedisServer extends AbstractRedisServer {
    static final String HOST = "127.0.0.1";
    static final String SERVER_INSTALL_HINT =
            "Debian/Ubuntu: apt-get install redis-server redis-tools; macOS: brew install redis";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 5;
    /** The config file of a sentinel, in its dir; Sentinel rewrites it as it learns the topology. */
    static final String SENTINEL_CONFIG = "sentinel.conf";

    /** Every server with a process or a dir to clean, for the JVM shutdown hook. */
    private static final Set<LocalRedisServer> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean tlsChecked;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LocalRedisServer::killAllLive, "chatcache-redis-cleanup"));
    }

    private final RedisServerOptions options;
    private final List<String> internalArgs;
    private final List<String> sentinelConfig;
    private final Path binary;
    private final Path dir;
    private final Path log;
    private final TlsMaterial tlsMaterial;
    private final SSLSocketFactory sslFactory;
    private final int port;
    private volatile Process process;
    private volatile Runnable afterRestart = () -> { };
    private volatile boolean paused;
    private boolean stopped;

    private LocalRedisServer(RedisServerOptions options, List<String> internalArgs, List<String> sentinelConfig,
            Path binary, Path dir, TlsMaterial tlsMaterial, int port) {
        this.options = options;
        this.internalArgs = List.copyOf(internalArgs);
        this.sentinelConfig = sentinelConfig == null ? null : List.copyOf(sentinelConfig);
        this.binary = binary;
        this.dir = dir;
        this.log = dir.resolve("redis.log");
        this.tlsMaterial = tlsMaterial;
        this.sslFactory = tlsMaterial == null ? null : tlsMaterial.socketFactory();
        this.port = port;
    }

    /**
     * Starts a server on a free port and returns once it answers.
     *
     * @param internalArgs arguments the harness adds for a purpose (cluster mode), before the user's
     * @param withBusPort whether port + 10000 must be free too (cluster nodes)
     * @throws RedisHarnessException if redis-server is missing, lacks TLS when asked for it, or does not
     *     start
     */
    static LocalRedisServer start(RedisServerOptions options, List<String> internalArgs, boolean withBusPort) {
        return start(options, internalArgs, withBusPort, null);
    }

    /**
     * Starts a Redis Sentinel on a free port, {@code redis-server <dir>/sentinel.conf --sentinel}, and
     * returns once it answers. The config file holds {@code port}, {@code bind 127.0.0.1} and {@code dir}
     * followed by {@code sentinelLines} (such as {@code sentinel monitor ...}); Sentinel rewrites it, and
     * {@link #restart()} keeps what it wrote.
     *
     * @throws RedisHarnessException if redis-server is missing or the sentinel does not start
     */
    static LocalRedisServer startSentinel(List<String> sentinelLines) {
        return start(RedisServerOptions.DEFAULTS, List.of(), false, List.copyOf(sentinelLines));
    }

    private static LocalRedisServer start(RedisServerOptions options, List<String> internalArgs,
            boolean withBusPort, List<String> sentinelConfig) {
        Path binary = Processes.findOnPath("redis-server").orElseThrow(() -> new RedisHarnessException(
                "redis-server is not on the PATH; local servers (startSingle(), cluster(), and single() without "
                        + ExternalRedisServer.VARIABLE + " or Docker) need it even when " + ExternalRedisServer.VARIABLE
                        + " is set. Install it (" + SERVER_INSTALL_HINT + ")"));
        if (options.tls()) {
            requireTlsSupport(binary);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("chatcache-redis-");
        } catch (IOException e) {
            throw new RedisHarnessException("cannot create a temp dir for redis-server: " + e.getMessage(), e);
        }
        try {
            TlsMaterial tls = options.tls() ? TlsMaterial.create(dir) : null;
            for (int attempt = 1; ; attempt++) {
                LocalRedisServer server = new LocalRedisServer(options, internalArgs, sentinelConfig, binary, dir,
                        tls, FreePorts.pick(withBusPort));
                LIVE.add(server);
                try {
                    server.launch();
                    return server;
                } catch (PortTakenException e) {
                    LIVE.remove(server);
                    if (attempt == START_ATTEMPTS) {
                        throw new RedisHarnessException("redis-server found its port taken " + START_ATTEMPTS
                                + " times in a row; last log lines:\n" + e.getMessage());
                    }
                    Files.deleteIfExists(dir.resolve("nodes.conf"));
                    Files.deleteIfExists(dir.resolve(SENTINEL_CONFIG));
                } catch (RuntimeException e) {
                    LIVE.remove(server);
                    throw e;
                }
            }
        } catch (IOException e) {
            Processes.deleteTree(dir);
            throw new RedisHarnessException("cannot prepare " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            Processes.deleteTree(dir);
            throw e;
        }
    }

    private static void requireTlsSupport(Path binary) {
        if (tlsChecked) {
            return;
        }
        // A build without TLS rejects the tls-port directive; a build with it fails on the next, bogus one.
        Processes.Result probe = Processes.run(List.of(binary.toString(), "--port", "0", "--tls-port", "1",
                "--chatcache-tls-probe", "yes"), Map.of(), Duration.ofSeconds(10));
        String output = probe.stdout() + probe.stderr();
        if (output.contains(">>> 'tls-port")) {
            throw new RedisHarnessException(binary + " was built without TLS support; install a redis-server "
                    + "built with TLS (Debian/Ubuntu's redis-server package is)");
        }
        tlsChecked = true;
    }

    private List<String> command() {
        if (sentinelConfig != null) {
            return List.of(binary.toString(), dir.resolve(SENTINEL_CONFIG).toString(), "--sentinel");
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--bind", HOST));
        if (tlsMaterial == null) {
            command.addAll(List.of("--port", Integer.toString(port)));
        } else {
            command.addAll(tlsMaterial.serverArgs(port));
        }
        command.addAll(List.of("--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
        if (options.password() != null) {
            command.addAll(List.of("--requirepass", options.password()));
        }
        command.addAll(internalArgs);
        command.addAll(options.extraArgs());
        return command;
    }

    /** Starts the process on {@link #port} and waits until it, and not some other server, answers. */
    private void launch() {
        if (sentinelConfig != null) {
            writeSentinelConfig();
        }
        ProcessBuilder builder = new ProcessBuilder(command())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new RedisHarnessException("cannot start " + binary + ": " + e.getMessage(), e);
        }
        paused = false;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                String tail = Processes.tail(log, 20);
                if (tail.contains("Address already in use")) {
                    throw new PortTakenException(tail);
                }
                throw new RedisHarnessException("redis-server on port " + port + " exited with code "
                        + process.exitValue() + " before answering; last log lines:\n" + tail);
            }
            // The pid check tells our server from another one that won a race for the port.
            Long pid = Resp.serverPid(HOST, port, sslFactory, options.password(), 500);
            if (pid != null && pid == process.pid()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                awaitExit(process);
                throw new RedisHarnessException("redis-server on port " + port + " did not answer within "
                        + START_TIMEOUT.toSeconds() + " s; last log lines:\n" + Processes.tail(log, 20));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Writes the sentinel's config file unless it exists (a restart keeps what Sentinel rewrote). */
    private void writeSentinelConfig() {
        Path file = dir.resolve(SENTINEL_CONFIG);
        if (Files.exists(file)) {
            return;
        }
        List<String> lines = new ArrayList<>(List.of("port " + port, "bind " + HOST, "dir \"" + dir + "\""));
        lines.addAll(sentinelConfig);
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new RedisHarnessException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String password() {
        return options.password();
    }

    @Override
    public boolean tls() {
        return tlsMaterial != null;
    }

    /** The options it was started with. */
    RedisServerOptions options() {
        return options;
    }

    /** The pid of the current process, or -1 if none was ever started. */
    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** The temp dir holding its log and files; deleted when it stops. */
    Path dir() {
        return dir;
    }

    @Override
    public synchronized void kill() {
        requireNotStopped();
        if (process.isAlive()) {
            process.destroyForcibly();
            awaitExit(process);
        }
        paused = false;
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (FreePorts.accepts(HOST, port)) {
            if (System.nanoTime() > deadline) {
                throw new RedisHarnessException("port " + port + " still accepts connections "
                        + STOP_TIMEOUT.toSeconds() + " s after redis-server was killed");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public synchronized void pause() {
        requireAlive("pause");
        Processes.signal(process.pid(), "STOP");
        paused = true;
    }

    @Override
    public synchronized void resume() {
        requireAlive("resume");
        if (paused) {
            Processes.signal(process.pid(), "CONT");
            paused = false;
        }
    }

    @Override
    public synchronized void restart() {
        requireNotStopped();
        if (process.isAlive()) {
            kill();
        }
        try {
            launch();
        } catch (PortTakenException e) {
            throw new RedisHarnessException("cannot restart redis-server: another process took port " + port
                    + "; last log lines:\n" + e.getMessage());
        }
        afterRestart.run();
    }

    /** Sets what {@link #restart()} waits for once the server answers, such as a cluster node's ok state. */
    void afterRestart(Runnable check) {
        this.afterRestart = check;
    }

    /** Whether it was paused with {@link #pause()} and not resumed, killed or restarted since. */
    boolean isPaused() {
        return paused;
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public String cli(String... args) {
        return RedisCli.run(HOST, port, tls(), tls() ? tlsMaterial.caCertificate() : null, null,
                options.password(), args);
    }

    @Override
    public String cliAs(String user, String password, String... args) {
        return RedisCli.run(HOST, port, tls(), tls() ? tlsMaterial.caCertificate() : null, user, password, args);
    }

    @Override
    public Path trustStore() {
        return requireTls().trustStore();
    }

    @Override
    public String trustStorePassword() {
        return requireTls().trustStorePassword();
    }

    @Override
    public Path caCertificate() {
        return requireTls().caCertificate();
    }

    private TlsMaterial requireTls() {
        if (tlsMaterial == null) {
            throw new IllegalStateException("the server at " + address() + " does not use TLS; start one with "
                    + "RedisServerOptions.builder().tls(true)");
        }
        return tlsMaterial;
    }

    /**
     * Stops the process (SIGCONT if paused, SIGTERM, then SIGKILL after 10 s) and deletes its temp dir.
     * Idempotent; later fault operations throw {@link IllegalStateException}.
     */
    @Override
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            if (process != null && process.isAlive()) {
                if (paused) {
                    Processes.signal(process.pid(), "CONT");
                    paused = false;
                }
                process.destroy();
                if (!waitFor(process, STOP_TIMEOUT)) {
                    process.destroyForcibly();
                    awaitExit(process);
                }
            }
        } finally {
            LIVE.remove(this);
            Processes.deleteTree(dir);
        }
    }

    private static void killAllLive() {
        for (LocalRedisServer server : LIVE) {
            Process process = server.process;
            if (process != null) {
                process.destroyForcibly();
            }
        }
        for (LocalRedisServer server : LIVE) {
            Process process = server.process;
            if (process != null) {
                waitFor(process, Duration.ofSeconds(2));
            }
            Processes.deleteTree(server.dir);
        }
    }

    private static void awaitExit(Process process) {
        if (!waitFor(process, STOP_TIMEOUT)) {
            throw new RedisHarnessException("redis-server pid " + process.pid() + " did not exit within "
                    + STOP_TIMEOUT.toSeconds() + " s of SIGKILL");
        }
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private void requireNotStopped() {
        if (stopped) {
            throw new IllegalStateException("the server at " + address() + " was stopped with its test class");
        }
    }

    private void requireAlive(String operation) {
        requireNotStopped();
        if (!process.isAlive()) {
            throw new IllegalStateException("cannot " + operation + " the server at " + address()
                    + ": it is not running (restart() it first)");
        }
    }

    /** The server could not bind its port; the message is the log tail. */
    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String logTail) {
            super(logTail);
        }
    }
}

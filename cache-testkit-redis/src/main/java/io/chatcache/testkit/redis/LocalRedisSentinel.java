package io.chatcache.testkit.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local master, its replica and three sentinels watching them, all {@code redis-server} processes on
 * 127.0.0.1.
 */
final class LocalRedisSentinel implements RedisSentinel {
    static final String MASTER_NAME = "chatcache-master";
    static final int SENTINELS = 3;
    static final int QUORUM = 2;
    private static final Logger LOG = LoggerFactory.getLogger(LocalRedisSentinel.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int CALL_TIMEOUT_MILLIS = 1000;
    /**
     * Data-server arguments: a full sync starts at once rather than after Redis's 5 s wait for more
     * replicas (after a failover the former master syncs from the new one too).
     */
    private static final List<String> DATA_ARGS = List.of("--repl-diskless-sync-delay", "0");
    /**
     * Shorter Sentinel periods ({@code SENTINEL DEBUG}, Redis 7): INFO every second instead of every ten,
     * hello messages every half second instead of every two. Sentinels then learn of each other, of the
     * replica and of a demoted master in about a second rather than in ten to twenty.
     */
    private static final List<String> DEBUG_PERIODS = List.of("info-period", "1000", "publish-period", "500");

    private final String masterName;
    private final List<LocalRedisServer> dataServers;
    private final List<LocalRedisServer> sentinels;
    private volatile LocalRedisServer lastMaster;
    private boolean closed;

    private LocalRedisSentinel(String masterName, LocalRedisServer master, LocalRedisServer replica,
            List<LocalRedisServer> sentinels) {
        this.masterName = masterName;
        this.dataServers = List.of(master, replica);
        this.sentinels = List.copyOf(sentinels);
        this.lastMaster = master;
    }

    /**
     * Starts the master, the replica (waiting until its link is up, so the sentinels' first look at the
     * master already shows it) and the sentinels, then waits until every sentinel names the master, knows
     * the replica with its link ok, and knows the two other sentinels.
     *
     * @throws RedisHarnessException if a process does not start or the set-up is not ready within 30 s;
     *     processes started so far are stopped
     */
    static LocalRedisSentinel start() {
        List<LocalRedisServer> started = new ArrayList<>();
        try {
            LocalRedisServer master = LocalRedisServer.start(RedisServerOptions.DEFAULTS, DATA_ARGS, false);
            started.add(master);
            List<String> replicaArgs = new ArrayList<>(DATA_ARGS);
            replicaArgs.addAll(List.of("--replicaof", master.host(), Integer.toString(master.port())));
            LocalRedisServer replica = LocalRedisServer.start(RedisServerOptions.DEFAULTS, replicaArgs, false);
            started.add(replica);
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            await(deadline, "the replica " + replica.address() + " to report master_link_status:up",
                    () -> replicationProblem(replica, master));
            List<String> lines = List.of(
                    "sentinel monitor " + MASTER_NAME + " " + master.host() + " " + master.port() + " " + QUORUM,
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                    "sentinel failover-timeout " + MASTER_NAME + " 5000");
            List<LocalRedisServer> sentinels = new ArrayList<>();
            for (int i = 0; i < SENTINELS; i++) {
                LocalRedisServer sentinel = LocalRedisServer.startSentinel(lines);
                started.add(sentinel);
                sentinels.add(sentinel);
                shortenPeriods(sentinel);
            }
            LocalRedisSentinel setup = new LocalRedisSentinel(MASTER_NAME, master, replica, sentinels);
            setup.awaitSettled(master, replica, deadline);
            return setup;
        } catch (RuntimeException e) {
            for (LocalRedisServer server : started) {
                try {
                    server.stop();
                } catch (RuntimeException stopFailure) {
                    e.addSuppressed(stopFailure);
                }
            }
            throw e;
        }
    }

    private static void shortenPeriods(LocalRedisServer sentinel) {
        List<String> command = new ArrayList<>(List.of("SENTINEL", "DEBUG"));
        command.addAll(DEBUG_PERIODS);
        Object reply = call(sentinel, command.toArray(String[]::new));
        if (!"OK".equals(reply)) {
            // Older servers lack SENTINEL DEBUG: everything still works, only on Sentinel's default periods.
            LOG.debug("SENTINEL DEBUG on {} answered {}; keeping the default periods", sentinel.address(), reply);
        }
    }

    @Override
    public String masterName() {
        return masterName;
    }

    @Override
    public List<RedisServer> sentinels() {
        return List.copyOf(sentinels);
    }

    @Override
    public List<String> sentinelAddresses() {
        return sentinels.stream().map(RedisServer::address).toList();
    }

    @Override
    public RedisServer master() {
        for (LocalRedisServer sentinel : sentinels) {
            if (!sentinel.isRunning()) {
                continue;
            }
            Integer port = masterPort(sentinel);
            for (LocalRedisServer server : dataServers) {
                if (port != null && server.port() == port) {
                    lastMaster = server;
                    return server;
                }
            }
        }
        return lastMaster;
    }

    @Override
    public RedisServer replica() {
        return other(master());
    }

    private LocalRedisServer other(RedisServer server) {
        return dataServers.get(0) == server ? dataServers.get(1) : dataServers.get(0);
    }

    @Override
    public synchronized void failover() {
        if (closed) {
            throw new IllegalStateException("the sentinel set-up was closed with its test class");
        }
        LocalRedisServer oldMaster = (LocalRedisServer) master();
        LocalRedisServer newMaster = other(oldMaster);
        for (LocalRedisServer server : dataServers) {
            if (!server.isRunning()) {
                throw new IllegalStateException("cannot fail over: " + server.address() + " is not running");
            }
        }
        LocalRedisServer asked = sentinels.stream().filter(LocalRedisServer::isRunning).findFirst()
                .orElseThrow(() -> new IllegalStateException("cannot fail over: no sentinel is running"));
        Object reply = call(asked, "SENTINEL", "FAILOVER", masterName);
        if (!"OK".equals(reply)) {
            throw new RedisHarnessException("sentinel " + asked.address() + " refused SENTINEL FAILOVER "
                    + masterName + ": " + describe(reply));
        }
        awaitSettled(newMaster, oldMaster, System.nanoTime() + READY_TIMEOUT.toNanos());
        lastMaster = newMaster;
    }

    /** Waits until {@code replica} replicates {@code master} and every running sentinel agrees. */
    private void awaitSettled(LocalRedisServer master, LocalRedisServer replica, long deadline) {
        await(deadline, master.address() + " to report role:master", () -> roleProblem(master));
        await(deadline, "the replica " + replica.address() + " to report master_link_status:up with master "
                + master.address(), () -> replicationProblem(replica, master));
        for (LocalRedisServer sentinel : sentinels) {
            if (sentinel.isRunning()) {
                await(deadline, "sentinel " + sentinel.address() + " to name master " + master.address()
                        + " with replica " + replica.address() + " and " + (SENTINELS - 1) + " other sentinels",
                        () -> sentinelProblem(sentinel, master, replica));
            }
        }
    }

    /** Polls {@code problem} (null once the condition holds) until it holds or the deadline passes. */
    private static void await(long deadline, String what, Supplier<String> problem) {
        String last = problem.get();
        while (last != null) {
            if (System.nanoTime() > deadline) {
                throw new RedisHarnessException("timed out after " + READY_TIMEOUT.toSeconds() + " s waiting for "
                        + what + "; last seen: " + last);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            last = problem.get();
        }
    }

    private static String roleProblem(LocalRedisServer server) {
        Map<String, String> info = infoReplication(server);
        return "master".equals(info.get("role")) ? null : "INFO replication " + info;
    }

    private static String replicationProblem(LocalRedisServer replica, LocalRedisServer master) {
        Map<String, String> info = infoReplication(replica);
        boolean ok = "slave".equals(info.get("role")) && Integer.toString(master.port()).equals(info.get("master_port"))
                && "up".equals(info.get("master_link_status"));
        return ok ? null : "INFO replication " + info;
    }

    private String sentinelProblem(LocalRedisServer sentinel, LocalRedisServer master, LocalRedisServer replica) {
        Integer port = masterPort(sentinel);
        if (port == null || port != master.port()) {
            return "GET-MASTER-ADDR-BY-NAME gave port " + port;
        }
        Map<String, String> state = fields(call(sentinel, "SENTINEL", "MASTER", masterName));
        if (!"master".equals(state.get("flags")) || !"1".equals(state.get("num-slaves"))
                || !Integer.toString(SENTINELS - 1).equals(state.get("num-other-sentinels"))) {
            return "SENTINEL MASTER " + state;
        }
        Object replicas = call(sentinel, "SENTINEL", "REPLICAS", masterName);
        if (replicas instanceof List<?> list) {
            for (Object entry : list) {
                Map<String, String> known = fields(entry);
                if (Integer.toString(replica.port()).equals(known.get("port")) && "slave".equals(known.get("flags"))
                        && "ok".equals(known.get("master-link-status"))) {
                    return null;
                }
            }
        }
        return "SENTINEL REPLICAS " + describe(replicas);
    }

    /** The master port {@code sentinel} names, or {@code null} if it does not answer or knows none. */
    private Integer masterPort(LocalRedisServer sentinel) {
        if (call(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName) instanceof List<?> address
                && address.size() == 2 && address.get(1) instanceof String port) {
            try {
                return Integer.valueOf(port);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Map<String, String> infoReplication(LocalRedisServer server) {
        Map<String, String> info = new HashMap<>();
        if (call(server, "INFO", "replication") instanceof String text) {
            for (String line : text.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    info.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
        }
        return info;
    }

    /** A Sentinel reply of alternating names and values, as a map; empty for anything else. */
    private static Map<String, String> fields(Object reply) {
        Map<String, String> fields = new HashMap<>();
        if (reply instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                fields.put(String.valueOf(list.get(i)), String.valueOf(list.get(i + 1)));
            }
        }
        return fields;
    }

    private static String describe(Object reply) {
        return reply instanceof Resp.Error error ? error.message() : String.valueOf(reply);
    }

    /** One command on a fresh connection; {@code null} if the server does not answer. */
    private static Object call(LocalRedisServer server, String... args) {
        try (Resp resp = Resp.connect(server.host(), server.port(), null, CALL_TIMEOUT_MILLIS)) {
            return resp.call(args);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // sentinels first, so none of them starts a failover while the data servers go down
        Processes.stopAll(processes().stream().<Runnable>map(server -> server::stop).toList());
    }

    /** Whether {@link #close()} was called. */
    synchronized boolean isClosed() {
        return closed;
    }

    /** For the harness's own tests: every process, sentinels first. */
    List<LocalRedisServer> processes() {
        List<LocalRedisServer> all = new ArrayList<>(sentinels);
        all.addAll(dataServers);
        return all;
    }

    @Override
    public String toString() {
        return "RedisSentinel[" + masterName + ", data=" + dataServers.stream().map(RedisServer::address).toList()
                + ", sentinels=" + sentinelAddresses() + "]";
    }
}

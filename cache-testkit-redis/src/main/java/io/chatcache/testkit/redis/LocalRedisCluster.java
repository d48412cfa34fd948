package io.chatcache.testkit.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Three local cluster-mode servers joined by {@code redis-cli --cluster create}. */
final class LocalRedisCluster implements RedisCluster {
    static final int MASTERS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> CLUSTER_ARGS = List.of("--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000");

    private final List<LocalRedisServer> nodes;
    private boolean closed;

    private LocalRedisCluster(List<LocalRedisServer> nodes) {
        this.nodes = List.copyOf(nodes);
        // A restarted master reports cluster_state:fail for a couple of seconds; clients need it ok.
        for (LocalRedisServer node : nodes) {
            node.afterRestart(() -> {
                if (this.nodes.stream().allMatch(LocalRedisServer::isRunning)) {
                    awaitOk(List.of(node), this.nodes.size());
                }
            });
        }
    }

    /**
     * Starts the nodes, creates the cluster and waits until every node reports {@code cluster_state:ok}
     * with all nodes known and all slots assigned.
     *
     * @throws RedisHarnessException if a node does not start, the create command fails, or the cluster is
     *     not ok within 30 s; nodes started so far are stopped
     */
    static LocalRedisCluster start() {
        List<LocalRedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < MASTERS; i++) {
                nodes.add(LocalRedisServer.start(RedisServerOptions.DEFAULTS, CLUSTER_ARGS, true));
            }
            create(nodes);
            awaitOk(nodes, nodes.size());
            return new LocalRedisCluster(nodes);
        } catch (RuntimeException e) {
            nodes.forEach(LocalRedisServer::stop);
            throw e;
        }
    }

    private static void create(List<LocalRedisServer> nodes) {
        List<String> command = new ArrayList<>(List.of(
                Processes.require("redis-cli", RedisCli.INSTALL_HINT).toString(), "--cluster", "create"));
        nodes.forEach(node -> command.add(node.host() + ":" + node.port()));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Processes.Result result = Processes.run(command, Map.of(), Duration.ofSeconds(60));
        if (result.exitCode() != 0) {
            throw new RedisHarnessException("redis-cli --cluster create failed (exit " + result.exitCode() + "): "
                    + result.stdout().trim() + "\n" + result.stderr().trim());
        }
    }

    private static void awaitOk(List<LocalRedisServer> nodes, int clusterSize) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (LocalRedisServer node : nodes) {
            String info = "";
            while (!(info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + clusterSize)
                    && info.contains("cluster_slots_assigned:16384"))) {
                if (System.nanoTime() > deadline) {
                    throw new RedisHarnessException("the cluster was not ok within " + READY_TIMEOUT.toSeconds()
                            + " s; node " + node.address() + " says:\n" + info.trim());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                info = clusterInfo(node);
            }
        }
    }

    private static String clusterInfo(LocalRedisServer node) {
        try (Resp resp = Resp.connect(node.host(), node.port(), null, 1000)) {
            return resp.call("CLUSTER", "INFO") instanceof String info ? info : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public List<RedisServer> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public List<String> addresses() {
        return nodes.stream().map(RedisServer::address).toList();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Processes.stopAll(nodes.stream().<Runnable>map(node -> node::stop).toList());
    }

    /** Whether {@link #close()} was called. */
    synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "RedisCluster" + addresses();
    }
}

package io.chatcache.testkit.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Local cluster-mode servers, started in parallel and joined by {@code redis-cli --cluster create}.
 */
final class LocalRedisCluster implements RedisCluster {
    static final int MASTERS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int CALL_TIMEOUT_MILLIS = 1000;

    private final ClusterOptions options;
    private final List<LocalRedisServer> nodes;
    /** Node id by port; a node keeps its id (nodes.conf) across restarts. */
    private final Map<Integer, String> ids;
    private boolean closed;

    private LocalRedisCluster(ClusterOptions options, List<LocalRedisServer> nodes, Map<Integer, String> ids) {
        this.options = options;
        this.nodes = List.copyOf(nodes);
        this.ids = Map.copyOf(ids);
        // A restarted node reports cluster_state:fail for a moment, and a restarted replica must sync;
        // clients need both done.
        for (LocalRedisServer node : nodes) {
            node.afterRestart(() -> {
                if (this.nodes.stream().allMatch(LocalRedisServer::isRunning)) {
                    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
                    await(deadline, node.address() + " to rejoin", () -> nodeProblem(node, false));
                }
            });
        }
    }

    /** The cluster of {@link ClusterOptions#DEFAULTS}. */
    static LocalRedisCluster start() {
        return start(ClusterOptions.DEFAULTS);
    }

    /**
     * Starts the nodes in parallel, creates the cluster and waits until every node reports
     * {@code cluster_state:ok} with all nodes known and all slots assigned, every node sees every
     * replica, and every replica's link is up with no sync in progress.
     *
     * @throws RedisHarnessException if a node does not start, the create command fails, or the cluster is
     *     not ready within 30 s; nodes started so far are stopped
     */
    static LocalRedisCluster start(ClusterOptions options) {
        List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", Long.toString(options.nodeTimeout().toMillis())));
        if (options.replicasPerMaster() > 0) {
            // A full sync at once instead of after Redis's 5 s wait for more replicas; a replica may take
            // over however long its link was down (the harness kills and pauses nodes at will).
            args.addAll(List.of("--repl-diskless-sync-delay", "0", "--cluster-replica-validity-factor", "0"));
        }
        args.addAll(options.extraArgs());
        List<LocalRedisServer> nodes = startAll(options.nodeCount(), args);
        try {
            create(nodes, options.replicasPerMaster());
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            Map<Integer, String> ids = new HashMap<>();
            for (LocalRedisServer node : nodes) {
                Object id = call(node, "CLUSTER", "MYID");
                if (!(id instanceof String text)) {
                    throw new RedisHarnessException("CLUSTER MYID on " + node.address() + " answered " + id);
                }
                ids.put(node.port(), text);
            }
            LocalRedisCluster cluster = new LocalRedisCluster(options, nodes, ids);
            for (LocalRedisServer node : nodes) {
                await(deadline, "node " + node.address() + " to be ready", () -> cluster.nodeProblem(node, true));
            }
            return cluster;
        } catch (RuntimeException e) {
            stopQuietly(nodes, e);
            throw e;
        }
    }

    /** Starts {@code count} nodes at once (start-up is mostly waiting for the process to answer). */
    private static List<LocalRedisServer> startAll(int count, List<String> args) {
        ExecutorService pool = Executors.newFixedThreadPool(count, task -> {
            Thread thread = new Thread(task, "chatcache-redis-cluster-start");
            thread.setDaemon(true);
            return thread;
        });
        List<Future<LocalRedisServer>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> LocalRedisServer.start(RedisServerOptions.DEFAULTS, args, true)));
            }
            List<LocalRedisServer> started = new ArrayList<>();
            RuntimeException failure = null;
            for (Future<LocalRedisServer> future : futures) {
                try {
                    started.add(future.get());
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime
                            : new RedisHarnessException("a cluster node did not start: " + e.getCause(), e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new RedisHarnessException("interrupted while starting cluster nodes", e);
                    break;
                }
            }
            if (failure != null) {
                // Nodes whose start was still running when interrupted stop themselves via the shutdown hook.
                stopQuietly(started, failure);
                throw failure;
            }
            return started;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void stopQuietly(List<LocalRedisServer> nodes, RuntimeException failure) {
        for (LocalRedisServer node : nodes) {
            try {
                node.stop();
            } catch (RuntimeException stopFailure) {
                failure.addSuppressed(stopFailure);
            }
        }
    }

    private static void create(List<LocalRedisServer> nodes, int replicas) {
        List<String> command = new ArrayList<>(List.of(
                Processes.require("redis-cli", RedisCli.INSTALL_HINT).toString(), "--cluster", "create"));
        nodes.forEach(node -> command.add(node.host() + ":" + node.port()));
        command.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
        Processes.Result result = Processes.run(command, Map.of(), Duration.ofSeconds(60));
        if (result.exitCode() != 0) {
            throw new RedisHarnessException("redis-cli --cluster create failed (exit " + result.exitCode() + "): "
                    + result.stdout().trim() + "\n" + result.stderr().trim());
        }
    }

    /**
     * What keeps {@code node} from being ready, or {@code null}: not ok, not knowing every node or slot,
     * or (a replica) its link down or syncing; with {@code initial}, also not yet seeing every replica.
     */
    private String nodeProblem(LocalRedisServer node, boolean initial) {
        Object info = call(node, "CLUSTER", "INFO");
        if (!(info instanceof String text && text.contains("cluster_state:ok")
                && text.contains("cluster_known_nodes:" + nodes.size() + "\r")
                && text.contains("cluster_slots_assigned:16384"))) {
            return "CLUSTER INFO: " + info;
        }
        List<NodeLine> lines = clusterNodes(node);
        NodeLine self = lines.stream().filter(NodeLine::myself).findFirst().orElse(null);
        if (self == null || self.master() && !self.servesSlots() && options.replicasPerMaster() > 0) {
            // a restarted former master holds no slots until it learns it is now a replica
            return "CLUSTER NODES says of itself: " + self;
        }
        if (initial) {
            long replicas = lines.stream().filter(NodeLine::replica).count();
            if (replicas != (long) options.masters() * options.replicasPerMaster()) {
                return "CLUSTER NODES lists " + replicas + " replicas";
            }
        }
        Map<String, String> replication = info(node, "replication");
        if ("slave".equals(replication.get("role")) && !("up".equals(replication.get("master_link_status"))
                && "0".equals(replication.get("master_sync_in_progress")))) {
            return "INFO replication: " + replication;
        }
        return null;
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
    public ClusterOptions options() {
        return options;
    }

    @Override
    public String nodeId(RedisServer node) {
        return ids.get(member(node).port());
    }

    @Override
    public int slotOf(String key) {
        Object slot = ask("CLUSTER", "KEYSLOT", key);
        if (slot instanceof Long number) {
            return number.intValue();
        }
        throw new RedisHarnessException("CLUSTER KEYSLOT answered " + describe(slot));
    }

    @Override
    public RedisServer masterOf(String key) {
        int slot = slotOf(key);
        Object reply = ask("CLUSTER", "SLOTS");
        if (reply instanceof List<?> ranges) {
            for (Object range : ranges) {
                if (range instanceof List<?> r && r.size() >= 3 && r.get(0) instanceof Long start
                        && r.get(1) instanceof Long end && start <= slot && slot <= end
                        && r.get(2) instanceof List<?> master && master.size() >= 2
                        && master.get(1) instanceof Long port) {
                    return byPort(port.intValue());
                }
            }
        }
        throw new RedisHarnessException("no master serves slot " + slot + "; CLUSTER SLOTS answered "
                + describe(reply));
    }

    @Override
    public List<RedisServer> masters() {
        return view().stream().filter(line -> line.master() && line.servesSlots())
                .sorted(Comparator.comparingInt(NodeLine::firstSlot))
                .<RedisServer>map(line -> byPort(line.port())).toList();
    }

    @Override
    public List<RedisServer> replicas() {
        Set<Integer> ports = view().stream().filter(NodeLine::replica).map(NodeLine::port)
                .collect(java.util.stream.Collectors.toSet());
        return nodes.stream().filter(node -> ports.contains(node.port())).<RedisServer>map(node -> node).toList();
    }

    @Override
    public List<RedisServer> replicasOf(RedisServer master) {
        String id = nodeId(master);
        Set<Integer> ports = view().stream().filter(line -> line.replica() && id.equals(line.masterId()))
                .map(NodeLine::port).collect(java.util.stream.Collectors.toSet());
        return nodes.stream().filter(node -> ports.contains(node.port())).<RedisServer>map(node -> node).toList();
    }

    @Override
    public RedisServer awaitFailover(RedisServer master) {
        String oldId = nodeId(master);
        List<RedisServer> candidates = replicasOf(master);
        if (candidates.isEmpty()) {
            throw new IllegalStateException("the cluster names no replica of " + master.address()
                    + " (node " + oldId + "); nothing can take over");
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        LocalRedisServer[] promoted = new LocalRedisServer[1];
        await(deadline, "a replica of " + master.address() + " to be promoted", () -> {
            promoted[0] = null;
            for (RedisServer candidate : candidates) {
                LocalRedisServer replica = (LocalRedisServer) candidate;
                if (answers(replica) && clusterNodes(replica).stream()
                        .anyMatch(line -> line.myself() && line.master() && line.servesSlots())) {
                    promoted[0] = replica;
                }
            }
            if (promoted[0] == null) {
                return "no replica of " + master.address() + " says it is a master with slots";
            }
            String newId = ids.get(promoted[0].port());
            for (LocalRedisServer node : nodes) {
                if (!answers(node) || node.port() == master.port()) {
                    continue;
                }
                Object info = call(node, "CLUSTER", "INFO");
                if (!(info instanceof String text && text.contains("cluster_state:ok"))) {
                    return node.address() + " CLUSTER INFO: " + info;
                }
                boolean named = clusterNodes(node).stream()
                        .anyMatch(line -> line.id().equals(newId) && line.master() && line.servesSlots());
                if (!named) {
                    return node.address() + " does not name " + promoted[0].address() + " master yet";
                }
            }
            return null;
        });
        return promoted[0];
    }

    @Override
    public void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (LocalRedisServer node : nodes) {
            if (answers(node)) {
                await(deadline, "node " + node.address() + " to be ready", () -> nodeProblem(node, false));
            }
        }
        await(deadline, "the nodes to agree on every node's role", this::disagreement);
    }

    /** Where an answering node's view of another differs from what that one says of itself, or null. */
    private String disagreement() {
        Map<String, NodeLine> selves = new HashMap<>();
        Map<LocalRedisServer, List<NodeLine>> views = new LinkedHashMap<>();
        for (LocalRedisServer node : nodes) {
            if (answers(node)) {
                List<NodeLine> view = clusterNodes(node);
                views.put(node, view);
                view.stream().filter(NodeLine::myself).findFirst().ifPresent(self -> selves.put(self.id(), self));
            }
        }
        for (Map.Entry<LocalRedisServer, List<NodeLine>> view : views.entrySet()) {
            for (NodeLine line : view.getValue()) {
                NodeLine self = selves.get(line.id());
                if (self != null && (self.master() != line.master() || !self.masterId().equals(line.masterId()))) {
                    return view.getKey().address() + " sees " + line + " but that node says " + self;
                }
            }
        }
        return null;
    }

    /** One node of the cluster as a line of {@code CLUSTER NODES} describes it. */
    private record NodeLine(String id, int port, Set<String> flags, String masterId, int firstSlot) {
        boolean myself() {
            return flags.contains("myself");
        }

        boolean master() {
            return flags.contains("master");
        }

        boolean replica() {
            return flags.contains("slave");
        }

        boolean servesSlots() {
            return firstSlot >= 0;
        }

        /** Parses {@code <id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <link> <slot>...}. */
        static NodeLine parse(String line) {
            String[] parts = line.trim().split(" ");
            String address = parts[1];
            int colon = address.lastIndexOf(':');
            int at = address.indexOf('@', colon);
            int port = Integer.parseInt(address.substring(colon + 1, at < 0 ? address.length() : at));
            int firstSlot = -1;
            for (int i = 8; i < parts.length; i++) {
                if (!parts[i].startsWith("[")) {
                    String start = parts[i].contains("-") ? parts[i].substring(0, parts[i].indexOf('-')) : parts[i];
                    int slot = Integer.parseInt(start);
                    firstSlot = firstSlot < 0 ? slot : Math.min(firstSlot, slot);
                }
            }
            return new NodeLine(parts[0], port, Set.of(parts[2].split(",")), parts[3], firstSlot);
        }
    }

    /** The cluster as the first answering node sees it. */
    private List<NodeLine> view() {
        Object reply = ask("CLUSTER", "NODES");
        if (!(reply instanceof String text)) {
            throw new RedisHarnessException("CLUSTER NODES answered " + describe(reply));
        }
        return parseNodes(text);
    }

    private static List<NodeLine> clusterNodes(LocalRedisServer node) {
        return call(node, "CLUSTER", "NODES") instanceof String text ? parseNodes(text) : List.of();
    }

    private static List<NodeLine> parseNodes(String text) {
        return text.lines().filter(line -> !line.isBlank()).map(NodeLine::parse).toList();
    }

    /** Asks the first running, unpaused node that answers. */
    private Object ask(String... command) {
        for (LocalRedisServer node : nodes) {
            if (answers(node)) {
                Object reply = call(node, command);
                if (reply != null && !(reply instanceof Resp.Error)) {
                    return reply;
                }
            }
        }
        throw new RedisHarnessException("no node of " + this + " answered " + String.join(" ", command));
    }

    private static boolean answers(LocalRedisServer node) {
        return node.isRunning() && !node.isPaused();
    }

    private LocalRedisServer member(RedisServer node) {
        for (LocalRedisServer member : nodes) {
            if (member == node) {
                return member;
            }
        }
        throw new IllegalArgumentException(node + " is not a node of " + this);
    }

    private LocalRedisServer byPort(int port) {
        for (LocalRedisServer node : nodes) {
            if (node.port() == port) {
                return node;
            }
        }
        throw new RedisHarnessException("the cluster names a node on port " + port + " that is not one of " + this);
    }

    /** Polls {@code problem} (null once the condition holds) until it holds or the deadline passes. */
    private static void await(long deadline, String what, Supplier<String> problem) {
        String last = problem.get();
        while (last != null) {
            if (System.nanoTime() > deadline) {
                throw new RedisHarnessException("timed out after " + READY_TIMEOUT.toSeconds() + " s waiting for "
                        + what + "; last seen: " + last.trim());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            last = problem.get();
        }
    }

    private static Map<String, String> info(LocalRedisServer node, String section) {
        Map<String, String> info = new LinkedHashMap<>();
        if (call(node, "INFO", section) instanceof String text) {
            for (String line : text.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    info.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
        }
        return info;
    }

    /** One command on a fresh connection; {@code null} if the node does not answer. */
    private static Object call(LocalRedisServer node, String... command) {
        try (Resp resp = Resp.connect(node.host(), node.port(), null, CALL_TIMEOUT_MILLIS)) {
            return resp.call(command);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String describe(Object reply) {
        return reply instanceof Resp.Error error ? error.message() : String.valueOf(reply);
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

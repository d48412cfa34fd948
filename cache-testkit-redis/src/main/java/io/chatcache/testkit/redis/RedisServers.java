package io.chatcache.testkit.redis;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives a test class real Redis servers and stops them after the class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServers redis = RedisServers.create();
 *
 * @Test
 * void answers() {
 *     RedisServer server = redis.single();                 // shared by the class
 *     RedisServer own = redis.startSingle(RedisServerOptions.builder().password("pw").build());
 *     RedisCluster cluster = redis.cluster();              // 3 masters, shared by the class
 *     RedisCluster six = redis.clusterWithReplicas();      // 3 masters + 1 replica each, shared by the class
 *     RedisCluster own = redis.startCluster(ClusterOptions.builder().nodeTimeout(Duration.ofSeconds(1)).build());
 *     RedisSentinel sentinel = redis.sentinel();           // master, replica, 3 sentinels, shared by the class
 * }
 * }</pre>
 *
 * <p>Where servers come from:
 * <ul>
 *   <li>{@link #single()}: the server named by the environment variable {@code CHATCACHE_TEST_REDIS}
 *       ({@code host:port}, {@code redis://[:password@]host:port} or {@code rediss://...}) if set; else a
 *       {@code redis:7} Testcontainers container when a Docker engine is found ({@code DOCKER_HOST} or a
 *       Docker socket file, then Testcontainers' own check); else {@code redis-server} from the PATH on a
 *       free port; else the test fails with a {@link RedisHarnessException} saying what to install.</li>
 *   <li>{@link #startSingle(RedisServerOptions)}, {@link #cluster()}, {@link #clusterWithReplicas()},
 *       {@link #startCluster(ClusterOptions)} and {@link #sentinel()}: always {@code redis-server} from the
 *       PATH (TLS, ACL and fault tests need a process the harness controls), even when
 *       {@code CHATCACHE_TEST_REDIS} is set or Docker is there; without the binary they fail saying what to
 *       install.</li>
 * </ul>
 *
 * <p>Local servers listen on 127.0.0.1 only, on random free ports (never 6379), persist nothing, and live
 * in temp dirs the harness deletes. Register the extension in a {@code static} field: it stops every server
 * it started after the class (including {@code @Nested} classes), whether its tests passed or failed; a JVM
 * shutdown hook kills leftovers if the JVM exits early. Needs {@code redis-server} and {@code redis-cli}
 * for local servers, and {@code openssl} for TLS servers.
 *
 * <p>Thread-safe: tests running in parallel may share one instance.
 */
public final class RedisServers implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private final List<AbstractRedisServer> started = new ArrayList<>();
    private final List<LocalRedisCluster> clusters = new ArrayList<>();
    private final List<LocalRedisSentinel> sentinelSetups = new ArrayList<>();
    private SharedRedisServer shared;
    private LocalRedisCluster sharedCluster;
    private LocalRedisCluster sharedReplicatedCluster;
    private LocalRedisSentinel sharedSentinel;
    private int classDepth;

    private RedisServers() {
    }

    /** A new extension that has started nothing yet; servers start on first use. */
    public static RedisServers create() {
        return new RedisServers();
    }

    /**
     * The standalone server shared by the test class, started on the first call (see the class comment for
     * where it comes from). Tests sharing it should use distinct keys. Fault operations are refused on it
     * ({@link UnsupportedOperationException}); use {@link #startSingle(RedisServerOptions)} for those.
     *
     * @return the same server on every call until the class ends
     * @throws RedisHarnessException if no Redis is available or it does not start
     */
    public synchronized RedisServer single() {
        if (shared == null) {
            shared = SingleServerSource.start();
            started.add(shared.delegate());
        }
        return shared;
    }

    /**
     * Starts a fresh local {@code redis-server} with default options, owned by the calling test.
     *
     * @see #startSingle(RedisServerOptions)
     */
    public RedisServer startSingle() {
        return startSingle(RedisServerOptions.DEFAULTS);
    }

    /**
     * Starts a fresh local {@code redis-server} on a free port with {@code options}, returning once it
     * answers. It supports every operation of {@link RedisServer}, including kill, pause and restart, and
     * is stopped after the class.
     *
     * @param options password, TLS and extra arguments
     * @return a new server on every call
     * @throws io.chatcache.core.InvalidInputException if {@code options} is {@code null}
     * @throws RedisHarnessException if {@code redis-server} (or, for TLS, {@code openssl} or TLS support)
     *     is missing, or the server does not start within 15 s
     */
    public RedisServer startSingle(RedisServerOptions options) {
        if (options == null) {
            throw new io.chatcache.core.InvalidInputException("options", "must not be null");
        }
        LocalRedisServer server = LocalRedisServer.start(options, List.of(), false);
        synchronized (this) {
            started.add(server);
        }
        return server;
    }

    /**
     * The 3-master cluster (no replicas) shared by the test class, started on the first call or after it
     * was closed; every node reports {@code cluster_state:ok} when it is returned. Always local
     * {@code redis-server} processes, whatever {@code CHATCACHE_TEST_REDIS} says.
     *
     * @throws RedisHarnessException if {@code redis-server} or {@code redis-cli} is missing or the cluster
     *     does not form within the timeouts
     */
    public synchronized RedisCluster cluster() {
        if (sharedCluster == null || sharedCluster.isClosed()) {
            sharedCluster = LocalRedisCluster.start();
            clusters.add(sharedCluster);
        }
        return sharedCluster;
    }

    /**
     * The 6-node cluster shared by the test class: three masters with one replica each and
     * {@code cluster-node-timeout} 1000 ms ({@link ClusterOptions#WITH_REPLICAS}), so a killed master's replica
     * is promoted within about 2-3 s ({@link RedisCluster#awaitFailover(RedisServer)} waits for it). Started
     * on the first call or after it was closed, nodes started in parallel; when it is returned every node
     * reports {@code cluster_state:ok} and every replica is in sync. Tests that kill nodes should rather
     * {@link #startCluster(ClusterOptions) start their own} or restore what they broke.
     *
     * @throws RedisHarnessException if {@code redis-server} or {@code redis-cli} is missing or the cluster
     *     is not ready within the timeouts
     */
    public synchronized RedisCluster clusterWithReplicas() {
        if (sharedReplicatedCluster == null || sharedReplicatedCluster.isClosed()) {
            sharedReplicatedCluster = LocalRedisCluster.start(ClusterOptions.WITH_REPLICAS);
            clusters.add(sharedReplicatedCluster);
        }
        return sharedReplicatedCluster;
    }

    /**
     * Starts a new cluster of the shape of {@code options}, owned by the calling test and stopped after the
     * class; its nodes start in parallel and it is returned once ready (see {@link RedisCluster}).
     *
     * @param options masters, replicas per master, node timeout and extra arguments
     * @return a new cluster on every call
     * @throws io.chatcache.core.InvalidInputException if {@code options} is {@code null}
     * @throws RedisHarnessException if {@code redis-server} or {@code redis-cli} is missing or the cluster
     *     is not ready within the timeouts
     */
    public RedisCluster startCluster(ClusterOptions options) {
        if (options == null) {
            throw new io.chatcache.core.InvalidInputException("options", "must not be null");
        }
        LocalRedisCluster cluster = LocalRedisCluster.start(options);
        synchronized (this) {
            clusters.add(cluster);
        }
        return cluster;
    }

    /**
     * The Sentinel set-up shared by the test class (one master, one replica, three sentinels started as
     * {@code redis-server sentinel.conf --sentinel}), started on the first call or after it was closed;
     * when it is returned the replica's link is up and every sentinel names the master, knows the replica
     * and the other sentinels. Always local {@code redis-server} processes, whatever
     * {@code CHATCACHE_TEST_REDIS} says.
     *
     * @throws RedisHarnessException if {@code redis-server} is missing or the set-up is not ready within
     *     the timeouts
     */
    public synchronized RedisSentinel sentinel() {
        if (sharedSentinel == null || sharedSentinel.isClosed()) {
            sharedSentinel = LocalRedisSentinel.start();
            sentinelSetups.add(sharedSentinel);
        }
        return sharedSentinel;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        classDepth++;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        synchronized (this) {
            classDepth--;
            if (classDepth > 0) {
                return;
            }
        }
        close();
    }

    /**
     * Stops every server, cluster and Sentinel set-up this instance started and forgets them; later calls start new ones.
     * Tries them all before throwing the first failure (the others suppressed).
     */
    @Override
    public void close() {
        List<AbstractRedisServer> servers;
        List<LocalRedisCluster> toClose;
        List<LocalRedisSentinel> setups;
        synchronized (this) {
            servers = new ArrayList<>(started);
            toClose = new ArrayList<>(clusters);
            setups = new ArrayList<>(sentinelSetups);
            started.clear();
            clusters.clear();
            sentinelSetups.clear();
            shared = null;
            sharedCluster = null;
            sharedReplicatedCluster = null;
            sharedSentinel = null;
        }
        List<Runnable> stops = new ArrayList<>();
        servers.forEach(server -> stops.add(server::stop));
        toClose.forEach(cluster -> stops.add(cluster::close));
        setups.forEach(setup -> stops.add(setup::close));
        Processes.stopAll(stops);
    }

    @Override
    public synchronized String toString() {
        return "RedisServers[servers=" + started.size() + ", clusters=" + clusters.size() + ", sentinels="
                + sentinelSetups.size() + "]";
    }

    /** For the harness's own tests: the servers this instance would stop now. */
    synchronized List<AbstractRedisServer> startedServers() {
        return List.copyOf(started);
    }

    /** For the harness's own tests: the clusters this instance would close now. */
    synchronized List<LocalRedisCluster> startedClusters() {
        return List.copyOf(clusters);
    }

    /** For the harness's own tests: the Sentinel set-ups this instance would close now. */
    synchronized List<LocalRedisSentinel> startedSentinels() {
        return List.copyOf(sentinelSetups);
    }
}

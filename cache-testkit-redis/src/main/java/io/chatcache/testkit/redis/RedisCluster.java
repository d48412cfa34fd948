package io.chatcache.testkit.redis;

import java.util.List;

/**
 * A Redis Cluster of local {@code redis-server} processes on {@code 127.0.0.1}: three masters and no
 * replicas from {@link RedisServers#cluster()}, three masters with one replica each from
 * {@link RedisServers#clusterWithReplicas()}, or the shape of a {@link ClusterOptions} from
 * {@link RedisServers#startCluster(ClusterOptions)}. When it is handed out all 16384 slots are assigned,
 * every node reports {@code cluster_state:ok} and knows every other node, and every replica's link to its
 * master is up with no sync in progress. Nodes support the fault operations of {@link RedisServer}
 * (kill, pause, resume, restart).
 *
 * <p>The questions about roles ({@link #masterOf(String)}, {@link #masters()}, {@link #replicas()},
 * {@link #replicasOf(RedisServer)}) are answered from the view of the first node, in {@link #nodes()} order,
 * that is running, not paused and answers within a second: the cluster's view as it is now, which during
 * a failover may still name a dead master.
 *
 * <p>Thread-safe. {@link RedisServers} closes it after the test class.
 */
public interface RedisCluster extends AutoCloseable {

    /** The nodes, in the order their ports were given to {@code redis-cli --cluster create}. */
    List<RedisServer> nodes();

    /**
     * The nodes' addresses ({@code "redis://127.0.0.1:PORT"}), in {@link #nodes()} order, for
     * {@code Config.useClusterServers().addNodeAddress(...)} in Redisson.
     */
    List<String> addresses();

    /** The options it was started with. */
    ClusterOptions options();

    /**
     * The node's cluster id ({@code CLUSTER MYID}), which it keeps across restarts and role changes.
     *
     * @throws IllegalArgumentException if {@code node} is not one of {@link #nodes()}
     */
    String nodeId(RedisServer node);

    /**
     * The hash slot of {@code key} ({@code CLUSTER KEYSLOT}, which honours {@code {hash tags}}).
     *
     * @throws RedisHarnessException if no node answers
     */
    int slotOf(String key);

    /**
     * The node the cluster names master of {@code key}'s slot now ({@code CLUSTER KEYSLOT} and
     * {@code CLUSTER SLOTS}). Between a master's death and its replica's promotion this is still the dead
     * master.
     *
     * @throws RedisHarnessException if no node answers or the slot has no master
     */
    RedisServer masterOf(String key);

    /**
     * The nodes the cluster names master now and that serve slots, in slot order. A killed master stays
     * here until a replica takes its slots over.
     *
     * @throws RedisHarnessException if no node answers
     */
    List<RedisServer> masters();

    /**
     * The nodes the cluster names replica now, in {@link #nodes()} order (a dead replica included).
     *
     * @throws RedisHarnessException if no node answers
     */
    List<RedisServer> replicas();

    /**
     * The nodes the cluster names replica of {@code master} now, in {@link #nodes()} order.
     *
     * @throws IllegalArgumentException if {@code master} is not one of {@link #nodes()}
     * @throws RedisHarnessException if no node answers
     */
    List<RedisServer> replicasOf(RedisServer master);

    /**
     * Waits, after {@code master} was killed or paused, until one of its replicas has been promoted: that
     * replica says it is master and serves slots, and every running, unpaused node reports
     * {@code cluster_state:ok} and names it master. Call {@link System#nanoTime()} before the fault and
     * after this returns to measure the promotion time.
     *
     * @param master the master that was killed or paused
     * @return the promoted replica
     * @throws IllegalArgumentException if {@code master} is not one of {@link #nodes()}
     * @throws IllegalStateException if the cluster names no replica of {@code master}
     * @throws RedisHarnessException if no replica is promoted within 30 s
     */
    RedisServer awaitFailover(RedisServer master);

    /**
     * Waits until every running, unpaused node reports {@code cluster_state:ok} with all slots assigned
     * and every such replica has its link to its master up with no sync in progress; for use after a
     * {@link RedisServer#restart()} or {@link RedisServer#resume()}.
     *
     * @throws RedisHarnessException if that does not happen within 30 s
     */
    void awaitReady();

    /** Stops every node and deletes their files. Idempotent. */
    @Override
    void close();
}

package io.chatcache.testkit.redis;

import java.util.List;

/**
 * A Redis cluster of three masters and no replicas, every node a local {@code redis-server} on
 * {@code 127.0.0.1}, with all 16384 slots assigned and {@code cluster_state:ok} on every node when it is
 * handed out. Nodes support the fault operations of {@link RedisServer}.
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

    /** Stops every node and deletes their files. Idempotent. */
    @Override
    void close();
}

package io.chatcache.testkit.redis;

import java.util.List;

/**
 * A Redis Sentinel set-up: one master, one replica ({@code replicaof} the master) and three sentinels
 * ({@code redis-server sentinel.conf --sentinel}) that monitor the master under {@link #masterName()} with
 * quorum 2, {@code down-after-milliseconds} 1000 and {@code failover-timeout} 5000. Every process is a
 * local {@code redis-server} on {@code 127.0.0.1} with persistence off and supports the fault operations
 * of {@link RedisServer}.
 *
 * <p>When it is handed out, the replica's link to the master is up and every sentinel names the master,
 * knows the replica (link ok) and knows the two other sentinels.
 *
 * <p>Thread-safe. {@link RedisServers} closes it after the test class.
 */
public interface RedisSentinel extends AutoCloseable {

    /** The name the sentinels monitor the master under, for {@code SENTINEL GET-MASTER-ADDR-BY-NAME}. */
    String masterName();

    /** The three sentinels, in the order they were started. */
    List<RedisServer> sentinels();

    /**
     * The sentinels' addresses ({@code "redis://127.0.0.1:PORT"}), in {@link #sentinels()} order, for
     * {@code Config.useSentinelServers().addSentinelAddress(...)} in Redisson.
     */
    List<String> sentinelAddresses();

    /**
     * The data server the sentinels name as master now (asked of the first sentinel that answers); after
     * {@link #failover()}, the former replica. If no sentinel answers, the master as of the last
     * {@code failover()} (or of the start).
     */
    RedisServer master();

    /** The data server that is not {@link #master()}. */
    RedisServer replica();

    /**
     * Runs {@code SENTINEL FAILOVER <masterName>} on the first running sentinel and returns once every
     * running sentinel names the former replica as master, that server reports {@code role:master}, and
     * the former master, which the sentinels turn into its replica, has its replication link up (the
     * sentinels do this on their own schedule, which the harness shortens with {@code SENTINEL DEBUG}
     * where the server supports it). Both data servers must be running.
     *
     * @throws RedisHarnessException if a sentinel refuses the failover (its reply is in the message) or
     *     the roles have not switched within 30 s
     * @throws IllegalStateException if it was closed
     */
    void failover();

    /** Stops the sentinels and both data servers and deletes their files. Idempotent. */
    @Override
    void close();
}

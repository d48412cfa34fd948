package io.chatcache.redis.internal;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.redis.RedisConfig;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.BaseRedisNodes;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.FailedConnectionDetector;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.config.BaseMasterSlaveServersConfig;
import org.redisson.config.ConstantDelay;
import org.redisson.config.EqualJitterDelay;
import org.redisson.config.ReadMode;
import org.redisson.config.SentinelServersConfig;
import org.redisson.config.SingleServerConfig;
import org.redisson.config.ClusterServersConfig;

import javax.net.ssl.SSLException;
import java.net.MalformedURLException;
import java.security.GeneralSecurityException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;

/** Creates Redisson clients from a {@link RedisConfig} and checks at start-up that they work. */
public final class RedissonClients {

    private RedissonClients() {
    }

    /**
     * Creates a client, connects it eagerly and PINGs the servers, so that a wrong configuration or an
     * unreachable server is reported at start-up: within {@link #startupDeadline(RedisConfig)} at most,
     * whatever Redisson does inside.
     *
     * <p>An attempt that fails because a server answered too slowly (a command of the connection's set-up,
     * such as {@code CLIENT SETNAME}, or the first PING, past the operation budget: a server still loading,
     * or a loaded host) is tried again after {@link #STARTUP_RETRY_PAUSE}, for as long as another attempt
     * fits in the start-up budget. A refused connection, refused credentials or a TLS failure is reported at
     * once: waiting would not change them.
     *
     * @throws CacheUnavailableException if the servers cannot be reached now
     * @throws CacheConfigurationException if the servers refuse the credentials or the configuration
     *     cannot be applied (a missing trust store)
     */
    public static RedissonClient connect(RedisConfig config) {
        String where = describe(config);
        long startNanos = System.nanoTime();
        long budgetMillis = startupDeadline(config).toMillis();
        while (true) {
            try {
                return attempt(config, where, startNanos);
            } catch (SlowStart slow) {
                long leftMillis = budgetMillis - elapsedMillis(startNanos);
                // Another attempt needs at least one operation budget after the pause to be worth making.
                if (leftMillis < STARTUP_RETRY_PAUSE.toMillis() + config.timeout().toMillis()) {
                    throw new CacheUnavailableException("Redis at " + where + " answered too slowly at start-up:"
                            + " commands missed the operation budget of " + seconds(config.timeout())
                            + " (REDIS_TIMEOUT) in every attempt for " + elapsedMillis(startNanos)
                            + " ms of the start-up budget of " + seconds(startupDeadline(config))
                            + " (REDIS_STARTUP_TIMEOUT); is the server loading, paused or overloaded?", slow.failure);
                }
                try {
                    Thread.sleep(STARTUP_RETRY_PAUSE.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CacheUnavailableException("interrupted while connecting to Redis at " + where, e);
                }
            }
        }
    }

    /** The pause between start-up attempts that failed because a server answered too slowly. */
    static final Duration STARTUP_RETRY_PAUSE = Duration.ofMillis(100);

    /** One start-up attempt failed on a slow answer: worth another attempt if the budget allows. */
    private static final class SlowStart extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient RuntimeException failure;

        SlowStart(RuntimeException failure) {
            super(null, null, false, false);
            this.failure = failure;
        }
    }

    private static RedissonClient attempt(RedisConfig config, String where, long startNanos) throws SlowStart {
        Config redisson = toRedissonConfig(config);
        ConnectionEvents events = new ConnectionEvents();
        redisson.setConnectionListener(events);
        Duration deadline = startupDeadline(config);
        CompletableFuture<RedissonClient> creation = new CompletableFuture<>();
        Thread creator = new Thread(() -> {
            try {
                creation.complete(Redisson.create(redisson));
            } catch (Throwable e) {
                creation.completeExceptionally(e);
            }
        }, "chatcache-redis-connect");
        creator.setDaemon(true);
        creator.start();
        RedissonClient client;
        try {
            client = creation.get(Math.max(1, deadline.toMillis() - elapsedMillis(startNanos)), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Redisson may still finish later; whatever it builds then is shut down, not leaked.
            creation.thenAccept(RedissonClient::shutdown);
            throw new CacheUnavailableException("cannot reach Redis at " + where + " within the start-up budget of "
                    + seconds(deadline) + " (REDIS_STARTUP_TIMEOUT; connect timeout " + seconds(config.connectTimeout())
                    + "); is the server running and the host, port and TLS setting right?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            creation.thenAccept(RedissonClient::shutdown);
            throw new CacheUnavailableException("interrupted while connecting to Redis at " + where, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            RuntimeException failure = startupFailure((RuntimeException) cause, config, where);
            if (isSlowAnswer(cause) && failure instanceof CacheUnavailableException) {
                throw new SlowStart(failure);
            }
            throw failure;
        }
        events.describe("Redis at " + where);
        ConnectionEvents.register(client, events);
        try {
            long leftMillis = deadline.toMillis() - elapsedMillis(startNanos);
            ping(client, config, Math.max(leftMillis, config.timeout().toMillis()));
        } catch (RuntimeException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            RuntimeException failure = startupFailure(e, config, where);
            if (isSlowAnswer(e) && failure instanceof CacheUnavailableException) {
                throw new SlowStart(failure);
            }
            throw failure;
        }
        return client;
    }

    /** Whether {@code failure} comes from a command that got no answer in time (not a refused connection). */
    static boolean isSlowAnswer(Throwable failure) {
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof RedisTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * How long start-up may take before it is abandoned: the configured start-up budget, connecting and
     * the first PING included (the PING gets at least one operation budget).
     */
    public static Duration startupDeadline(RedisConfig config) {
        return config.startupTimeout();
    }

    /**
     * Where {@code client} connects, for messages: "Redis at 127.0.0.1:6379" for a client made by
     * {@link #connect}; for a client the application built itself, which does not tell its servers,
     * "Redis (the application's RedissonClient)".
     */
    public static String where(RedissonClient client) {
        return ConnectionEvents.of(client).map(ConnectionEvents::description)
                .orElse("Redis (the application's RedissonClient)");
    }

    /** The servers of {@code config}, for messages: {@code 127.0.0.1:6379} or a list. */
    public static String describe(RedisConfig config) {
        String servers = config.addresses().size() == 1 ? strip(config.addresses().get(0))
                : config.addresses().stream().map(RedissonClients::strip).toList().toString();
        return switch (config.topology()) {
            case SINGLE -> servers;
            case CLUSTER -> "cluster " + servers;
            case SENTINEL -> "sentinel master '" + config.sentinelMaster() + "' via " + servers;
        };
    }

    private static String strip(String uri) {
        int scheme = uri.indexOf("://");
        return scheme < 0 ? uri : uri.substring(scheme + 3);
    }

    private static void ping(RedissonClient client, RedisConfig config, long timeoutMs) {
        BaseRedisNodes nodes = switch (config.topology()) {
            case SINGLE -> client.getRedisNodes(RedisNodes.SINGLE);
            case CLUSTER -> client.getRedisNodes(RedisNodes.CLUSTER);
            case SENTINEL -> client.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE);
        };
        if (!nodes.pingAll(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new CacheUnavailableException("Redis at " + describe(config) + " did not answer PING within "
                    + seconds(Duration.ofMillis(timeoutMs)));
        }
    }

    private static RuntimeException startupFailure(RuntimeException failure, RedisConfig config, String where) {
        if (failure instanceof CacheConfigurationException || failure instanceof CacheUnavailableException) {
            return failure;
        }
        if (RedisErrors.isAuthFailure(failure)) {
            return RedisErrors.credentialsRefused("Redis at " + where, config.username(), config.password() != null,
                    failure);
        }
        String root = rootMessage(failure);
        if (isTlsFailure(failure)) {
            return new CacheConfigurationException("cannot open a TLS connection to Redis at " + where + " ("
                    + root + "); check REDIS_SSL, the trust store and that the server speaks TLS", failure);
        }
        return new CacheUnavailableException("cannot reach Redis at " + where + " within "
                + seconds(config.connectTimeout()) + " per attempt (" + root + "); is the server running and"
                + " the host, port and TLS setting right?", failure);
    }

    private static boolean isTlsFailure(Throwable failure) {
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SSLException || t instanceof GeneralSecurityException
                    || t.getClass().getName().contains("CertPath")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        return RedisErrors.rootOf(failure);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /** The Redisson configuration for {@code config}; values travel as bytes through our serializer. */
    public static Config toRedissonConfig(RedisConfig config) {
        Config redisson = new Config();
        // Values are our serializer's JSON bytes; never a Redisson codec that writes class names.
        redisson.setCodec(ByteArrayCodec.INSTANCE);
        redisson.setLazyInitialization(false);
        redisson.setUsername(config.username());
        redisson.setPassword(config.password());
        redisson.setTcpKeepAlive(config.tcpKeepAlive());
        redisson.setTcpNoDelay(true);
        if (config.trustStore() != null) {
            if (!Files.isReadable(config.trustStore())) {
                throw new CacheConfigurationException("Redis trust store " + config.trustStore()
                        + " is not a readable file");
            }
            try {
                redisson.setSslTruststore(config.trustStore().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new CacheConfigurationException("Redis trust store " + config.trustStore()
                        + " cannot be named as a URL", e);
            }
            redisson.setSslTruststorePassword(config.trustStorePassword());
        }
        switch (config.topology()) {
            case SINGLE -> {
                SingleServerConfig single = redisson.useSingleServer()
                        .setAddress(config.addresses().get(0))
                        .setDatabase(config.database())
                        .setConnectionPoolSize(config.connectionPoolSize())
                        .setConnectionMinimumIdleSize(config.connectionMinimumIdleSize())
                        .setSubscriptionConnectionPoolSize(config.subscriptionConnectionPoolSize())
                        .setSubscriptionConnectionMinimumIdleSize(1);
                applyCommon(single, config);
            }
            case CLUSTER -> {
                ClusterServersConfig cluster = redisson.useClusterServers();
                cluster.setNodeAddresses(new java.util.ArrayList<>(config.addresses()));
                cluster.setScanInterval(millis(TOPOLOGY_SCAN_INTERVAL));
                applyReplicaSettings(cluster);
                cluster.setReadMode(ReadMode.MASTER)
                        .setMasterConnectionPoolSize(config.connectionPoolSize())
                        .setMasterConnectionMinimumIdleSize(config.connectionMinimumIdleSize())
                        .setSlaveConnectionPoolSize(config.connectionPoolSize())
                        .setSlaveConnectionMinimumIdleSize(config.connectionMinimumIdleSize())
                        .setSubscriptionConnectionPoolSize(config.subscriptionConnectionPoolSize())
                        .setSubscriptionConnectionMinimumIdleSize(1);
                applyCommon(cluster, config);
            }
            case SENTINEL -> {
                SentinelServersConfig sentinel = redisson.useSentinelServers()
                        .setMasterName(config.sentinelMaster())
                        .setDatabase(config.database())
                        .setCheckSentinelsList(false)
                        .setScanInterval(millis(SENTINEL_SCAN_INTERVAL));
                applyReplicaSettings(sentinel);
                sentinel.setSentinelAddresses(new java.util.ArrayList<>(config.addresses()));
                sentinel.setReadMode(ReadMode.MASTER)
                        .setMasterConnectionPoolSize(config.connectionPoolSize())
                        .setMasterConnectionMinimumIdleSize(config.connectionMinimumIdleSize())
                        .setSlaveConnectionPoolSize(config.connectionPoolSize())
                        .setSlaveConnectionMinimumIdleSize(config.connectionMinimumIdleSize())
                        .setSubscriptionConnectionPoolSize(config.subscriptionConnectionPoolSize())
                        .setSubscriptionConnectionMinimumIdleSize(1);
                applyCommon(sentinel, config);
            }
        }
        return redisson;
    }

    /**
     * Redisson's timeout per command: 90% of the operation budget, so that the timer's tick (10 ms, see
     * {@link #TIMER_TICK_HINT}) and the hand-off to the caller's thread still fit in the budget.
     */
    public static Duration commandTimeout(RedisConfig config) {
        return Duration.ofMillis(Math.max(10, config.timeout().toMillis() * 9 / 10));
    }

    /**
     * The retry delay handed to Redisson. No command is retried (retryAttempts 0), so it delays nothing;
     * Redisson sizes its timer's tick from it (the smaller of it and the command timeout, 100 ms for a
     * multiple of 100 ms), and 20 ms makes the tick 10 ms, so a timeout fires within 10 ms of its time.
     */
    static final Duration TIMER_TICK_HINT = Duration.ofMillis(20);
    /** The first reconnection attempt after a lost connection comes this soon (with jitter). */
    static final Duration RECONNECTION_BASE_DELAY = Duration.ofMillis(100);
    /**
     * Reconnection attempts back off to at most this: Redisson's default (10 s) would leave the pub/sub
     * subscription, and with it the coherence of L1 copies, down for seconds after the server is back.
     */
    static final Duration RECONNECTION_MAX_DELAY = Duration.ofSeconds(1);
    /** Unused pooled connections are closed after this long. */
    static final Duration IDLE_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How often a cluster client re-reads the topology ({@code CLUSTER NODES}, Redisson's
     * {@code scanInterval}), and how often {@link ClusterShards} re-reads the slot map. Until its scan sees a
     * replica promoted, Redisson keeps sending the failed master's slots to the dead address, so writes to
     * that shard resume at most <em>promotion time + this interval + one operation budget</em>
     * ({@code REDIS_TIMEOUT}, for a command already waiting) after a master dies: with the default 300 ms
     * budget, within 0.5 s of the promotion. The promotion itself takes Redis about
     * {@code cluster-node-timeout} plus 0.5-1 s (some 2-2.5 s with a 1 s node timeout). Measured on the
     * harness's 6-node cluster (RedisClusterFailoverTest, 5 failovers each): writes resumed 0.41-1.05 s
     * after the promotion with 1 s (one of them past a second), 0.002-0.20 s with 200 ms. A scan is one
     * small command to one node.
     */
    static final Duration TOPOLOGY_SCAN_INTERVAL = Duration.ofMillis(200);
    /**
     * How often a Sentinel client asks the sentinels which server is the master. Redisson learns of a failover
     * only by this scan (it does not listen to the sentinels' {@code +switch-master}), and until it does, an
     * instance cannot write to the promoted master or replay what it journaled meanwhile: with 1 s, HYBRID
     * served reads up to 0.6-0.8 s stale after a failover, with 250 ms 0.3-0.4 s, with 100 ms 0-0.22 s
     * (cache-bench RESULTS.md section 7). A scan is a few small {@code SENTINEL} commands to one sentinel.
     */
    static final Duration SENTINEL_SCAN_INTERVAL = Duration.ofMillis(100);
    /** How often a replica that failed is tried again, and how long it may fail before it is dropped. */
    static final Duration FAILED_REPLICA_RECONNECTION_INTERVAL = Duration.ofSeconds(1);
    static final Duration FAILED_REPLICA_CHECK_INTERVAL = Duration.ofSeconds(30);

    /**
     * Every Redisson setting that bounds a wait, set explicitly from {@code config} (nothing is inherited
     * from Redisson's defaults: its 3 s timeout times 4 attempts would hold a caller for seconds). The
     * README's "Deadlines" table lists them.
     */
    private static void applyCommon(BaseConfig<?> base, RedisConfig config) {
        base.setConnectTimeout(millis(config.connectTimeout()));
        base.setTimeout(millis(commandTimeout(config)));
        base.setRetryAttempts(0);
        base.setRetryDelay(new ConstantDelay(TIMER_TICK_HINT));
        base.setReconnectionDelay(new EqualJitterDelay(RECONNECTION_BASE_DELAY, RECONNECTION_MAX_DELAY));
        base.setSubscriptionTimeout(millis(config.connectTimeout().plus(config.timeout())));
        base.setPingConnectionInterval(millis(config.pingInterval()));
        base.setIdleConnectionTimeout(millis(IDLE_CONNECTION_TIMEOUT));
        base.setClientName("chatcache");
    }

    private static void applyReplicaSettings(BaseMasterSlaveServersConfig<?> servers) {
        servers.setFailedSlaveReconnectionInterval(millis(FAILED_REPLICA_RECONNECTION_INTERVAL));
        servers.setFailedSlaveNodeDetector(new FailedConnectionDetector(FAILED_REPLICA_CHECK_INTERVAL.toMillis()));
    }

    private static int millis(Duration duration) {
        return (int) duration.toMillis();
    }
}

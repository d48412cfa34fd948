package io.chatcache.redis.internal;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.redis.RedisConfig;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.BaseRedisNodes;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;
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
     * @throws CacheUnavailableException if the servers cannot be reached now
     * @throws CacheConfigurationException if the servers refuse the credentials or the configuration
     *     cannot be applied (a missing trust store)
     */
    public static RedissonClient connect(RedisConfig config) {
        Config redisson = toRedissonConfig(config);
        ConnectionEvents events = new ConnectionEvents();
        redisson.setConnectionListener(events);
        String where = describe(config);
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
            client = creation.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Redisson may still finish later; whatever it builds then is shut down, not leaked.
            creation.thenAccept(RedissonClient::shutdown);
            throw new CacheUnavailableException("cannot reach Redis at " + where + " within " + seconds(deadline)
                    + " (connect timeout " + seconds(config.connectTimeout()) + ", " + (config.retryAttempts() + 1)
                    + " attempts); is the server running and the host, port and TLS setting right?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            creation.thenAccept(RedissonClient::shutdown);
            throw new CacheUnavailableException("interrupted while connecting to Redis at " + where, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            throw startupFailure((RuntimeException) cause, config, where);
        }
        ConnectionEvents.register(client, events);
        try {
            ping(client, config);
        } catch (RuntimeException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            throw startupFailure(e, config, where);
        }
        return client;
    }

    /**
     * How long start-up may take before it is abandoned: every connect attempt, one command timeout for
     * the PING, and two seconds for thread and TLS set-up.
     */
    public static Duration startupDeadline(RedisConfig config) {
        return config.connectTimeout().multipliedBy(config.retryAttempts() + 1L)
                .plus(config.commandTimeout())
                .plusSeconds(2);
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

    private static void ping(RedissonClient client, RedisConfig config) {
        long timeoutMs = config.connectTimeout().toMillis() + config.commandTimeout().toMillis();
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
                        .setCheckSentinelsList(false);
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

    private static void applyCommon(BaseConfig<?> base, RedisConfig config) {
        base.setConnectTimeout(millis(config.connectTimeout()));
        base.setTimeout(millis(config.commandTimeout()));
        base.setRetryAttempts(config.retryAttempts());
        base.setRetryDelay(new ConstantDelay(config.retryDelay()));
        base.setPingConnectionInterval(millis(config.pingInterval()));
        base.setClientName("chatcache");
    }

    private static int millis(Duration duration) {
        return (int) duration.toMillis();
    }
}

package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach Redis: the topology and its addresses, credentials, database, TLS, timeouts, pool sizes,
 * keep-alive, health check, the key layout and namespace, and the JSON naming. Build one with
 * {@link #builder()} (or derive one with {@link #toBuilder()}), or read one from the environment with
 * {@link #fromEnvironment()}; every value is checked when the config is built, and a bad one throws
 * {@link CacheConfigurationException} naming the option (or the environment variable) and the accepted
 * values.
 *
 * <p>Addresses are Redis URIs ({@code redis://host:port}, or {@code rediss://host:port} with TLS); with
 * {@code tls} on every address uses {@code rediss://}. {@link #toString()} masks the password and the
 * trust store password. Instances are immutable and thread-safe; two configs with the same values are
 * {@linkplain #equals equal}. New options are added to the builder with a default, so code that builds
 * a config keeps compiling.
 *
 * <h2>Key layouts</h2>
 * <ul>
 *   <li>{@link KeyLayout#CHATCACHE} (the default): every key is {@code <namespace>:<key>}; the namespace
 *       is mandatory, so {@code clear()} and the statistics reach exactly the keys under it.</li>
 *   <li>{@link KeyLayout#REFERENCE}: the keys of the Python reference service, so that both can share
 *       one Redis during a migration. The namespace defaults to empty: keys are stored as given
 *       ({@code session:sess_123}). A namespace set explicitly still prefixes them. With an empty
 *       namespace, {@code clear()} and the statistics reach only the {@linkplain #ownedKeys() owned key
 *       families} (by default the chat families {@code session:*}, {@code user:*:sessions:*} and
 *       {@code search:*}), never another program's keys; see the README.</li>
 * </ul>
 */
public final class RedisConfig {

    /** The host when none is configured. */
    public static final String DEFAULT_HOST = "localhost";
    /** The port when none is configured. */
    public static final int DEFAULT_PORT = 6379;
    /** The namespace when none is configured. */
    public static final String DEFAULT_NAMESPACE = "chatcache";
    /** Long enough for a TLS handshake across a data centre, short enough to notice a dead server soon. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /**
     * The budget of one operation by default: 300 ms. A healthy Redis answers in well under a millisecond
     * on a LAN; a cache that makes a chat request wait longer than this is worse than a cache miss.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(300);
    /** How long start-up may take by default: 5 seconds. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(5);
    /** Command connections per server by default. */
    public static final int DEFAULT_CONNECTION_POOL_SIZE = 32;
    /** Idle command connections per server by default. */
    public static final int DEFAULT_CONNECTION_MINIMUM_IDLE_SIZE = 2;
    /** Pub/sub connections per server by default. */
    public static final int DEFAULT_SUBSCRIPTION_CONNECTION_POOL_SIZE = 8;
    /**
     * How often an idle connection is checked by default: every second, so that a connection to a server
     * that hangs or vanished (no RST) is replaced within about a second rather than at the next command.
     */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(1);
    /** The shortest operation budget accepted: 20 ms. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(20);
    /** The longest namespace accepted, in characters. */
    public static final int MAX_NAMESPACE_LENGTH = 128;
    /**
     * The key families a store with an empty namespace owns by default: those the chat manager writes in
     * the reference layout (a session and its message lists, a user's session lists, search results).
     */
    public static final List<String> DEFAULT_OWNED_KEYS = List.of("session:*", "user:*:sessions:*", "search:*");
    /** The most owned key families accepted. */
    public static final int MAX_OWNED_KEYS = 64;

    private static final String OPTION = "Redis option ";

    /** How the Redis servers are arranged. */
    public enum Topology {
        /** One server (or a proxy in front of several). */
        SINGLE,
        /** A Redis Cluster; keys are spread over the masters by hash slot. */
        CLUSTER,
        /** A master with replicas, found through Redis Sentinel. */
        SENTINEL
    }

    /**
     * How keys are laid out in Redis; see the class comment. Read from {@code REDIS_KEY_LAYOUT}
     * ({@code chatcache} or {@code reference}).
     */
    public enum KeyLayout {
        /** {@code <namespace>:<key>} with a mandatory namespace; the chat manager adds hash tags. */
        CHATCACHE,
        /**
         * The reference service's keys: the namespace may be empty (and is by default), and then
         * {@code clear()} and the statistics reach only the owned key families.
         */
        REFERENCE
    }

    private final Topology topology;
    private final List<String> addresses;
    private final String sentinelMaster;
    private final String username;
    private final String password;
    private final int database;
    private final boolean tls;
    private final Path trustStore;
    private final String trustStorePassword;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final Duration startupTimeout;
    private final int connectionPoolSize;
    private final int connectionMinimumIdleSize;
    private final int subscriptionConnectionPoolSize;
    private final boolean tcpKeepAlive;
    private final Duration pingInterval;
    private final KeyLayout keyLayout;
    private final String namespace;
    private final List<String> ownedKeys;
    private final JsonNaming jsonNaming;

    /**
     * Checks every option against the others and normalises the addresses to URIs with the scheme
     * {@code tls} implies (an address given as {@code rediss://} turns TLS on).
     */
    private RedisConfig(Builder b) {
        require(b.topology != null, "topology", "must not be null");
        require(b.addresses != null && !b.addresses.isEmpty(), "addresses", "must name at least one server");
        boolean useTls = b.tls;
        List<RedisAddress> parsed = new ArrayList<>(b.addresses.size());
        for (String address : b.addresses) {
            RedisAddress one = RedisAddress.parse(address, OPTION + "addresses");
            useTls |= one.tls();
            parsed.add(one);
        }
        List<String> uris = new ArrayList<>(parsed.size());
        for (RedisAddress address : parsed) {
            uris.add(address.uri(useTls));
        }
        this.topology = b.topology;
        this.addresses = List.copyOf(uris);
        if (topology == Topology.SINGLE) {
            require(addresses.size() == 1, "addresses",
                    "must name exactly one server for a single-server topology, was " + addresses);
        }
        if (topology == Topology.SENTINEL) {
            require(b.sentinelMaster != null && !b.sentinelMaster.isBlank(), "sentinelMaster",
                    "must name the master for a sentinel topology");
        } else {
            require(b.sentinelMaster == null, "sentinelMaster",
                    "is only for a sentinel topology, this one is " + topology);
        }
        require(b.database >= 0, "database", "must be 0 or more, was " + b.database);
        require(topology != Topology.CLUSTER || b.database == 0, "database",
                "must be 0 in a cluster (Redis Cluster has one database), was " + b.database);
        require(b.trustStore == null || useTls, "trustStore", "needs TLS: set tls(true) or use rediss:// addresses");
        require(b.connectionMinimumIdleSize <= b.connectionPoolSize,
                "connectionMinimumIdleSize", "must be from 0 to connectionPoolSize (" + b.connectionPoolSize
                        + "), was " + b.connectionMinimumIdleSize);
        String ns = b.namespace != null ? b.namespace
                : b.keyLayout == KeyLayout.REFERENCE ? "" : DEFAULT_NAMESPACE;
        requireNamespace(ns, b.keyLayout, "namespace");
        this.sentinelMaster = b.sentinelMaster;
        this.username = b.username;
        this.password = b.password;
        this.database = b.database;
        this.tls = useTls;
        this.trustStore = b.trustStore;
        this.trustStorePassword = b.trustStorePassword;
        this.connectTimeout = b.connectTimeout;
        this.timeout = b.timeout;
        this.startupTimeout = b.startupTimeout;
        this.connectionPoolSize = b.connectionPoolSize;
        this.connectionMinimumIdleSize = b.connectionMinimumIdleSize;
        this.subscriptionConnectionPoolSize = b.subscriptionConnectionPoolSize;
        this.tcpKeepAlive = b.tcpKeepAlive;
        this.pingInterval = b.pingInterval;
        this.keyLayout = b.keyLayout;
        this.namespace = ns;
        this.ownedKeys = b.ownedKeys;
        this.jsonNaming = b.jsonNaming;
    }

    /** Single server, cluster or sentinel. */
    public Topology topology() {
        return topology;
    }

    /** The server (single), the seed nodes (cluster) or the sentinels (sentinel), as URIs; immutable. */
    public List<String> addresses() {
        return addresses;
    }

    /** The master name the sentinels watch; {@code null} unless {@link Topology#SENTINEL}. */
    public String sentinelMaster() {
        return sentinelMaster;
    }

    /** The ACL user, or {@code null} for the default user. */
    public String username() {
        return username;
    }

    /** The password, or {@code null} for none. */
    public String password() {
        return password;
    }

    /** The logical database (always 0 in a cluster). */
    public int database() {
        return database;
    }

    /** Whether connections use TLS ({@code rediss://}). */
    public boolean tls() {
        return tls;
    }

    /** A JKS or PKCS#12 trust store for the server certificate, or {@code null} for the JDK's. */
    public Path trustStore() {
        return trustStore;
    }

    /** The trust store's password, or {@code null}. */
    public String trustStorePassword() {
        return trustStorePassword;
    }

    /**
     * How long opening one connection may take (in the background: callers never wait for it longer than
     * {@link #timeout()}).
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * The budget of one operation: a command (or a pipelined batch) that has no answer within it fails
     * with {@link io.chatcache.core.CacheUnavailableException}; nothing is retried. The Redisson settings
     * are derived from it (see the README's table).
     */
    public Duration timeout() {
        return timeout;
    }

    /** How long connecting at start-up may take, all attempts and the first PING included. */
    public Duration startupTimeout() {
        return startupTimeout;
    }

    /** The most command connections per server. */
    public int connectionPoolSize() {
        return connectionPoolSize;
    }

    /** The command connections per server kept open while idle. */
    public int connectionMinimumIdleSize() {
        return connectionMinimumIdleSize;
    }

    /** The most pub/sub connections per server. */
    public int subscriptionConnectionPoolSize() {
        return subscriptionConnectionPoolSize;
    }

    /** Whether TCP keep-alive is on. */
    public boolean tcpKeepAlive() {
        return tcpKeepAlive;
    }

    /** How often an idle connection is checked with PING ({@link Duration#ZERO}: never). */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** How keys are laid out; see the class comment. */
    public KeyLayout keyLayout() {
        return keyLayout;
    }

    /**
     * The prefix of every key the store writes ({@code <namespace>:<key>}); empty (keys stored as given)
     * only in the {@link KeyLayout#REFERENCE} layout.
     */
    public String namespace() {
        return namespace;
    }

    /**
     * The key families (Redis glob patterns) that {@code clear()} and the statistics reach when the
     * namespace is empty; ignored otherwise. Immutable.
     */
    public List<String> ownedKeys() {
        return ownedKeys;
    }

    /** How the property names of records and beans are written in JSON by the default serializer. */
    public JsonNaming jsonNaming() {
        return jsonNaming;
    }

    /** A builder with every option at its default: {@code redis://localhost:6379}, database 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: {@code redis://localhost:6379}, database 0, no password, namespace {@code chatcache}. */
    public static RedisConfig defaults() {
        return builder().build();
    }

    /**
     * Reads the configuration from {@link System#getenv()}; see {@link #fromEnvironment(Map)}.
     *
     * @throws CacheConfigurationException if a variable holds an invalid value (the message names it)
     */
    public static RedisConfig fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads the configuration from {@code environment}. Unset or blank variables keep their defaults.
     * <ul>
     *   <li>{@code REDIS_HOST} (default {@code localhost}), {@code REDIS_PORT} (default 6379),
     *       {@code REDIS_PASSWORD}, {@code REDIS_DB} (default 0): the reference's variables;</li>
     *   <li>{@code REDIS_USERNAME}: the ACL user;</li>
     *   <li>{@code REDIS_URL}: {@code redis[s]://[user[:password]@]host[:port][/db]}, used instead of
     *       {@code REDIS_HOST} and {@code REDIS_PORT}; {@code REDIS_USERNAME}, {@code REDIS_PASSWORD} and
     *       {@code REDIS_DB}, when set, win over the URL's parts; with {@code REDIS_CLUSTER_NODES} or the
     *       sentinel variables only its user, password, database and scheme are used;</li>
     *   <li>{@code REDIS_SSL}: {@code true} or {@code false} (default false, or true for a
     *       {@code rediss://} URL or address, which {@code false} cannot turn off);
     *       {@code REDIS_SSL_TRUSTSTORE} and {@code REDIS_SSL_TRUSTSTORE_PASSWORD} for a private
     *       certificate authority (a JKS or PKCS#12 file);</li>
     *   <li>{@code REDIS_CLUSTER_NODES}: comma-separated {@code host:port} (or URIs) of cluster nodes,
     *       which selects cluster mode;</li>
     *   <li>{@code REDIS_SENTINEL_MASTER} with {@code REDIS_SENTINEL_NODES}: the master name and the
     *       comma-separated sentinels, which select sentinel mode;</li>
     *   <li>{@code REDIS_KEY_LAYOUT}: {@code chatcache} (default) or {@code reference} (see
     *       {@link KeyLayout});</li>
     *   <li>{@code REDIS_NAMESPACE}: the key prefix (default {@code chatcache}, or empty in the reference
     *       layout), without {@code ':'};</li>
     *   <li>{@code REDIS_OWNED_KEYS}: comma-separated glob patterns of the key families that
     *       {@code clear()} and the statistics reach when the namespace is empty (default
     *       {@code session:*,user:*:sessions:*,search:*});</li>
     *   <li>{@code REDIS_JSON_NAMING}: {@code camel_case} (default) or {@code snake_case} (the
     *       reference's JSON, see {@link JsonNaming});</li>
     *   <li>{@code REDIS_TIMEOUT}: the budget of one operation (default 300 ms);
     *       {@code REDIS_CONNECT_TIMEOUT}: opening one connection (default 1 s);
     *       {@code REDIS_STARTUP_TIMEOUT}: connecting at start-up (default 5 s). Each is milliseconds
     *       ({@code 300}) or a number with the unit {@code ms} or {@code s} ({@code 300ms}, {@code 2s}).</li>
     * </ul>
     *
     * @throws CacheConfigurationException if a variable holds an invalid value, naming the variable and
     *     the accepted values
     */
    public static RedisConfig fromEnvironment(Map<String, String> environment) {
        return EnvironmentReader.read(Objects.requireNonNull(environment, "environment"));
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.topology = topology;
        builder.addresses = addresses;
        builder.sentinelMaster = sentinelMaster;
        builder.username = username;
        builder.password = password;
        builder.database = database;
        builder.tls = tls;
        builder.trustStore = trustStore;
        builder.trustStorePassword = trustStorePassword;
        builder.connectTimeout = connectTimeout;
        builder.timeout = timeout;
        builder.startupTimeout = startupTimeout;
        builder.connectionPoolSize = connectionPoolSize;
        builder.connectionMinimumIdleSize = connectionMinimumIdleSize;
        builder.subscriptionConnectionPoolSize = subscriptionConnectionPoolSize;
        builder.tcpKeepAlive = tcpKeepAlive;
        builder.pingInterval = pingInterval;
        builder.keyLayout = keyLayout;
        builder.namespace = namespace;
        builder.ownedKeys = ownedKeys;
        builder.jsonNaming = jsonNaming;
        return builder;
    }

    /** Equal when every option is equal (the secrets included). */
    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof RedisConfig that
                && topology == that.topology
                && addresses.equals(that.addresses)
                && Objects.equals(sentinelMaster, that.sentinelMaster)
                && Objects.equals(username, that.username)
                && Objects.equals(password, that.password)
                && database == that.database
                && tls == that.tls
                && Objects.equals(trustStore, that.trustStore)
                && Objects.equals(trustStorePassword, that.trustStorePassword)
                && connectTimeout.equals(that.connectTimeout)
                && timeout.equals(that.timeout)
                && startupTimeout.equals(that.startupTimeout)
                && connectionPoolSize == that.connectionPoolSize
                && connectionMinimumIdleSize == that.connectionMinimumIdleSize
                && subscriptionConnectionPoolSize == that.subscriptionConnectionPoolSize
                && tcpKeepAlive == that.tcpKeepAlive
                && pingInterval.equals(that.pingInterval)
                && keyLayout == that.keyLayout
                && namespace.equals(that.namespace)
                && ownedKeys.equals(that.ownedKeys)
                && jsonNaming == that.jsonNaming;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topology, addresses, sentinelMaster, username, password, database, tls, trustStore,
                trustStorePassword, connectTimeout, timeout, startupTimeout, connectionPoolSize,
                connectionMinimumIdleSize, subscriptionConnectionPoolSize, tcpKeepAlive, pingInterval, keyLayout,
                namespace, ownedKeys, jsonNaming);
    }

    /** The configuration with the password and the trust store password masked. */
    @Override
    public String toString() {
        return "RedisConfig[topology=" + topology
                + ", addresses=" + addresses
                + (sentinelMaster == null ? "" : ", sentinelMaster=" + sentinelMaster)
                + ", username=" + (username == null ? "(default)" : username)
                + ", password=" + mask(password)
                + ", database=" + database
                + ", tls=" + tls
                + (trustStore == null ? "" : ", trustStore=" + trustStore
                        + ", trustStorePassword=" + mask(trustStorePassword))
                + ", connectTimeout=" + connectTimeout
                + ", timeout=" + timeout
                + ", startupTimeout=" + startupTimeout
                + ", connectionPoolSize=" + connectionPoolSize
                + ", connectionMinimumIdleSize=" + connectionMinimumIdleSize
                + ", subscriptionConnectionPoolSize=" + subscriptionConnectionPoolSize
                + ", tcpKeepAlive=" + tcpKeepAlive
                + ", pingInterval=" + pingInterval
                + ", keyLayout=" + keyLayout
                + ", namespace=" + namespace
                + (namespace.isEmpty() ? ", ownedKeys=" + ownedKeys : "")
                + ", jsonNaming=" + jsonNaming + "]";
    }

    private static String mask(String secret) {
        return secret == null ? "(none)" : "****";
    }

    static void require(boolean condition, String option, String rule) {
        if (!condition) {
            throw new CacheConfigurationException(OPTION + option + " " + rule);
        }
    }

    private static void requirePositive(Duration duration, String option) {
        require(duration != null && !duration.isNegative() && !duration.isZero() && fitsMillis(duration),
                option, "must be positive and at most " + Integer.MAX_VALUE + " ms, was " + duration);
    }

    private static void requireTimeout(Duration timeout, String option) {
        requirePositive(timeout, option);
        require(timeout.compareTo(MIN_TIMEOUT) >= 0, option, "must be at least " + MIN_TIMEOUT.toMillis()
                + " ms (Redisson's timer ticks every 10 ms), was " + timeout.toMillis() + " ms");
    }

    private static boolean fitsMillis(Duration duration) {
        return duration.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) <= 0;
    }

    static void requireNamespace(String namespace, String option) {
        requireNamespace(namespace, KeyLayout.CHATCACHE, option);
    }

    /** The namespace rules; an empty namespace is allowed only in the reference layout. */
    static void requireNamespace(String namespace, KeyLayout layout, String option) {
        require(namespace != null, option, "must not be null");
        require(!namespace.isEmpty() || layout == KeyLayout.REFERENCE, option,
                "must not be empty (an empty namespace needs keyLayout(REFERENCE), which then limits clear() "
                        + "to the owned key families)");
        require(namespace.length() <= MAX_NAMESPACE_LENGTH, option,
                "must be at most " + MAX_NAMESPACE_LENGTH + " characters long, was " + namespace.length());
        require(namespace.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)),
                option, "must not hold whitespace or control characters, was '" + namespace + "'");
        // Keys are <namespace>:<key>; were "app" and "app:staging" both allowed, clear() of "app" would
        // also delete every key of "app:staging".
        require(namespace.indexOf(':') < 0, option, "must not hold ':' (it separates the namespace from the "
                + "key, and a namespace must not be a prefix of another's keys); use '-' or '.', was '"
                + namespace + "'");
    }

    /** Checks owned key families: 1 to {@link #MAX_OWNED_KEYS} non-empty glob patterns. */
    static List<String> requireOwnedKeys(List<String> patterns, String option) {
        require(patterns != null && !patterns.isEmpty(), option, "must name at least one key family");
        require(patterns.size() <= MAX_OWNED_KEYS, option,
                "must name at most " + MAX_OWNED_KEYS + " key families, named " + patterns.size());
        for (String pattern : patterns) {
            require(pattern != null && !pattern.isBlank(), option, "must not hold an empty pattern");
            require(pattern.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)),
                    option, "must not hold whitespace or control characters, was '" + pattern + "'");
            require(!pattern.chars().allMatch(c -> c == '*'), option, "must not be '*' (it would own every key "
                    + "of the database; name the families this library writes, such as session:*)");
            try {
                io.chatcache.core.KeyPattern.glob(pattern);
            } catch (RuntimeException invalid) {
                throw new CacheConfigurationException(OPTION + option + " holds an invalid glob pattern '" + pattern
                        + "': " + invalid.getMessage(), invalid);
            }
        }
        return List.copyOf(patterns);
    }

    /**
     * Builds a {@link RedisConfig}. Each setter checks its value at once; {@link #build()} checks the
     * options against each other. Not thread-safe; {@code build()} leaves the builder reusable.
     */
    public static final class Builder {
        private Topology topology = Topology.SINGLE;
        private List<String> addresses = List.of("redis://" + DEFAULT_HOST + ":" + DEFAULT_PORT);
        private String sentinelMaster;
        private String username;
        private String password;
        private int database;
        private boolean tls;
        private Path trustStore;
        private String trustStorePassword;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private int connectionPoolSize = DEFAULT_CONNECTION_POOL_SIZE;
        private int connectionMinimumIdleSize = DEFAULT_CONNECTION_MINIMUM_IDLE_SIZE;
        private int subscriptionConnectionPoolSize = DEFAULT_SUBSCRIPTION_CONNECTION_POOL_SIZE;
        private boolean tcpKeepAlive = true;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private KeyLayout keyLayout = KeyLayout.CHATCACHE;
        /** Null: the layout's default ({@code chatcache}, or empty in the reference layout). */
        private String namespace;
        private List<String> ownedKeys = DEFAULT_OWNED_KEYS;
        private JsonNaming jsonNaming = JsonNaming.CAMEL_CASE;

        private Builder() {
        }

        /** One server at {@code host:port}. */
        public Builder single(String host, int port) {
            require(host != null && !host.isBlank(), "host", "must not be empty");
            require(port >= 1 && port <= 65535, "port", "must be from 1 to 65535, was " + port);
            return single(RedisAddress.of(host, port).uri(false));
        }

        /** One server at {@code address}: {@code host:port}, {@code redis://host:port} or {@code rediss://host:port}. */
        public Builder single(String address) {
            RedisAddress.parse(address, OPTION + "address");
            this.topology = Topology.SINGLE;
            this.addresses = List.of(address);
            this.sentinelMaster = null;
            return this;
        }

        /**
         * A Redis Cluster reached through {@code nodes} (any subset of its nodes: the rest is
         * discovered), each {@code host:port} or a URI.
         */
        public Builder cluster(List<String> nodes) {
            require(nodes != null && !nodes.isEmpty(), "clusterNodes", "must name at least one node");
            nodes.forEach(node -> RedisAddress.parse(node, OPTION + "clusterNodes"));
            this.topology = Topology.CLUSTER;
            this.addresses = List.copyOf(nodes);
            this.sentinelMaster = null;
            return this;
        }

        /** A Redis Cluster reached through {@code nodes}; see {@link #cluster(List)}. */
        public Builder cluster(String... nodes) {
            require(nodes != null, "clusterNodes", "must name at least one node");
            return cluster(List.of(nodes));
        }

        /** The master named {@code master}, found through the sentinels at {@code sentinels}. */
        public Builder sentinel(String master, List<String> sentinels) {
            require(master != null && !master.isBlank(), "sentinelMaster", "must not be empty");
            require(sentinels != null && !sentinels.isEmpty(), "sentinelNodes", "must name at least one sentinel");
            sentinels.forEach(node -> RedisAddress.parse(node, OPTION + "sentinelNodes"));
            this.topology = Topology.SENTINEL;
            this.addresses = List.copyOf(sentinels);
            this.sentinelMaster = master;
            return this;
        }

        /**
         * One server from a URL {@code redis[s]://[user[:password]@]host[:port][/db]}: sets the address,
         * TLS for {@code rediss}, and the user, password and database when the URL holds them.
         */
        public Builder url(String url) {
            RedisUrl parsed = RedisUrl.parse(url, OPTION + "url");
            single(parsed.address().uri(parsed.address().tls()));
            if (parsed.address().tls()) {
                tls = true;
            }
            if (parsed.username() != null) {
                username = parsed.username();
            }
            if (parsed.password() != null) {
                password = parsed.password();
            }
            if (parsed.database() != null) {
                database(parsed.database());
            }
            return this;
        }

        /** The ACL user ({@code null} for the default user). */
        public Builder username(String username) {
            require(username == null || !username.isEmpty(), "username", "must not be empty (use null for the default user)");
            this.username = username;
            return this;
        }

        /** The password ({@code null} for none). */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** The logical database, 0 or more (default 0; a cluster has only 0). */
        public Builder database(int database) {
            require(database >= 0, "database", "must be 0 or more, was " + database);
            this.database = database;
            return this;
        }

        /** Whether to use TLS ({@code rediss://}) for every connection (default false). */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** A trust store (JKS or PKCS#12) holding the certificate authority of the servers; needs TLS. */
        public Builder trustStore(Path trustStore, String password) {
            require(trustStore != null, "trustStore", "must not be null");
            this.trustStore = trustStore;
            this.trustStorePassword = password;
            return this;
        }

        /**
         * How long opening one connection may take (default 1 s). Connections are opened in the
         * background; a command never waits for one longer than {@link #timeout}.
         */
        public Builder connectTimeout(Duration timeout) {
            requirePositive(timeout, "connectTimeout");
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * The budget of one operation, at least {@link RedisConfig#MIN_TIMEOUT} (default 300 ms): a command or a
         * pipelined batch without an answer within it fails with
         * {@link io.chatcache.core.CacheUnavailableException}, and nothing is retried (a cache miss costs
         * less than a retry on a sick server). Operations that scan ({@code clear}, pattern deletes,
         * statistics) are several commands, each with this budget.
         */
        public Builder timeout(Duration timeout) {
            requireTimeout(timeout, "timeout");
            this.timeout = timeout;
            return this;
        }

        /** How long connecting at start-up may take, all attempts and the first PING included (default 5 s). */
        public Builder startupTimeout(Duration timeout) {
            requirePositive(timeout, "startupTimeout");
            this.startupTimeout = timeout;
            return this;
        }

        /** The most command connections per server (default 32). */
        public Builder connectionPoolSize(int size) {
            require(size >= 1, "connectionPoolSize", "must be at least 1, was " + size);
            this.connectionPoolSize = size;
            return this;
        }

        /** The command connections per server kept open while idle (default 2). */
        public Builder connectionMinimumIdleSize(int size) {
            require(size >= 0, "connectionMinimumIdleSize", "must be 0 or more, was " + size);
            this.connectionMinimumIdleSize = size;
            return this;
        }

        /** The most pub/sub connections per server (default 8). */
        public Builder subscriptionConnectionPoolSize(int size) {
            require(size >= 1, "subscriptionConnectionPoolSize", "must be at least 1, was " + size);
            this.subscriptionConnectionPoolSize = size;
            return this;
        }

        /** Whether TCP keep-alive is on (default true). */
        public Builder tcpKeepAlive(boolean keepAlive) {
            this.tcpKeepAlive = keepAlive;
            return this;
        }

        /** How often idle connections are checked with PING (default 1 s; {@link Duration#ZERO} turns it off). */
        public Builder pingInterval(Duration interval) {
            require(interval != null && !interval.isNegative() && fitsMillis(interval), "pingInterval",
                    "must be zero (off) or positive, was " + interval);
            this.pingInterval = interval;
            return this;
        }

        /**
         * The key prefix: the store keeps {@code key} as {@code <namespace>:key} (default {@code chatcache},
         * or empty in the {@link KeyLayout#REFERENCE} layout). It must not hold {@code ':'}, whitespace or
         * control characters; it may be empty (keys stored as given) only in the reference layout.
         */
        public Builder namespace(String namespace) {
            requireNamespace(namespace, KeyLayout.REFERENCE, "namespace");
            this.namespace = namespace;
            return this;
        }

        /**
         * The key layout (default {@link KeyLayout#CHATCACHE}). {@link KeyLayout#REFERENCE} makes the
         * namespace default to empty, so that keys are those of the Python reference service.
         */
        public Builder keyLayout(KeyLayout layout) {
            require(layout != null, "keyLayout", "must not be null");
            this.keyLayout = layout;
            return this;
        }

        /**
         * The key families, as Redis glob patterns, that {@code clear()} and the statistics reach when the
         * namespace is empty (default {@link RedisConfig#DEFAULT_OWNED_KEYS}). Name every family this
         * library writes in the shared database (memoizer prefixes such as {@code expensive_calc:*}
         * included) and none that another program writes alone. {@code *} is refused.
         */
        public Builder ownedKeys(List<String> patterns) {
            this.ownedKeys = requireOwnedKeys(patterns, "ownedKeys");
            return this;
        }

        /** The owned key families; see {@link #ownedKeys(List)}. */
        public Builder ownedKeys(String... patterns) {
            require(patterns != null, "ownedKeys", "must name at least one key family");
            return ownedKeys(List.of(patterns));
        }

        /**
         * How the default serializer names JSON properties (default {@link JsonNaming#CAMEL_CASE});
         * {@link JsonNaming#SNAKE_CASE} writes and reads the reference service's JSON. A serializer given to
         * a store's builder ignores this.
         */
        public Builder jsonNaming(JsonNaming naming) {
            require(naming != null, "jsonNaming", "must not be null");
            this.jsonNaming = naming;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws CacheConfigurationException if options conflict (a trust store without TLS, a database
         *     other than 0 in a cluster, more idle connections than the pool holds, an empty namespace in
         *     the {@code chatcache} layout)
         */
        public RedisConfig build() {
            return new RedisConfig(this);
        }
    }
}

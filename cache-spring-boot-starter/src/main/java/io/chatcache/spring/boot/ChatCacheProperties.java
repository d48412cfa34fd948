package io.chatcache.spring.boot;

import io.chatcache.chat.CacheBackend;
import io.chatcache.core.EvictionPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code chatcache.*} properties. Each one left unset falls back to the environment variable the
 * service reads ({@code CACHE_BACKEND}, {@code REDIS_HOST}, ...; see the README), then to the service's
 * default: a property set in {@code application.yml} (or anywhere in Spring's environment) wins over the
 * variable.
 */
@ConfigurationProperties(prefix = "chatcache")
public class ChatCacheProperties {

    /** Whether to auto-configure the cache at all. */
    private boolean enabled = true;
    /** The backend: memory, redis or hybrid (CACHE_BACKEND; default memory). */
    private CacheBackend backend;
    /** The TTL of writes that give none, whole seconds (CACHE_DEFAULT_TTL; default 1 h). */
    private Duration defaultTtl;
    /** The bound on in-memory entries: MEMORY, and L1 of HYBRID (CACHE_MAX_MEMORY_SIZE; default 1000). */
    private Long maxMemorySize;
    /** How often the memory store sweeps expired entries, whole seconds, 0 for never (CACHE_CLEANUP_INTERVAL; default 5 min). */
    private Duration cleanupInterval;
    /** HYBRID: the longest an entry lives in L1, whatever its Redis TTL (default 5 min). */
    private Duration l1TtlCeiling;
    /** What the memory store evicts when full: lru or adaptive (CACHE_EVICTION_POLICY; default lru). */
    private EvictionPolicy evictionPolicy;
    /**
     * Whether values must survive the serializer (written and read back) before they are stored, so that what
     * works on memory works on Redis (default: on for memory, off for redis and hybrid).
     */
    private Boolean checkValues;
    private final Breaker breaker = new Breaker();
    private final Redis redis = new Redis();
    private final Spring spring = new Spring();
    private final Metrics metrics = new Metrics();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public CacheBackend getBackend() {
        return backend;
    }

    public void setBackend(CacheBackend backend) {
        this.backend = backend;
    }

    public Duration getDefaultTtl() {
        return defaultTtl;
    }

    public void setDefaultTtl(Duration defaultTtl) {
        this.defaultTtl = defaultTtl;
    }

    public Long getMaxMemorySize() {
        return maxMemorySize;
    }

    public void setMaxMemorySize(Long maxMemorySize) {
        this.maxMemorySize = maxMemorySize;
    }

    public Duration getCleanupInterval() {
        return cleanupInterval;
    }

    public void setCleanupInterval(Duration cleanupInterval) {
        this.cleanupInterval = cleanupInterval;
    }

    public Duration getL1TtlCeiling() {
        return l1TtlCeiling;
    }

    public void setL1TtlCeiling(Duration l1TtlCeiling) {
        this.l1TtlCeiling = l1TtlCeiling;
    }

    public EvictionPolicy getEvictionPolicy() {
        return evictionPolicy;
    }

    public void setEvictionPolicy(EvictionPolicy evictionPolicy) {
        this.evictionPolicy = evictionPolicy;
    }

    public Boolean getCheckValues() {
        return checkValues;
    }

    public void setCheckValues(Boolean checkValues) {
        this.checkValues = checkValues;
    }

    public Breaker getBreaker() {
        return breaker;
    }

    public Redis getRedis() {
        return redis;
    }

    public Spring getSpring() {
        return spring;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** REDIS and HYBRID: the circuit breaker in front of Redis. */
    public static class Breaker {
        /** Consecutive Redis failures or timeouts that open the breaker (default 3). */
        private Integer failureThreshold;
        /** How long the open breaker keeps calls off Redis before one probe (default 1 s). */
        private Duration openDuration;

        public Integer getFailureThreshold() {
            return failureThreshold;
        }

        public void setFailureThreshold(Integer failureThreshold) {
            this.failureThreshold = failureThreshold;
        }

        public Duration getOpenDuration() {
            return openDuration;
        }

        public void setOpenDuration(Duration openDuration) {
            this.openDuration = openDuration;
        }
    }

    /** Redis, for the redis and hybrid backends. */
    public static class Redis {
        /** Server host (REDIS_HOST; default localhost). */
        private String host;
        /** Server port (REDIS_PORT; default 6379). */
        private Integer port;
        /** ACL user name (REDIS_USERNAME; default the default user). */
        private String username;
        /** Password (REDIS_PASSWORD). Never logged. */
        private String password;
        /** Database number, 0 in a cluster (REDIS_DB; default 0). */
        private Integer db;
        /** redis[s]://[user[:password]@]host[:port][/db] instead of host and port (REDIS_URL). */
        private String url;
        /** TLS (REDIS_SSL; default false, true for rediss://). */
        private Boolean ssl;
        /** Trust store (JKS or PKCS#12) with the CA of the server's certificate (REDIS_SSL_TRUSTSTORE; default the JDK's). */
        private String truststore;
        /** Password of the trust store (REDIS_SSL_TRUSTSTORE_PASSWORD). */
        private String truststorePassword;
        /** Cluster mode: the seed nodes as host:port (REDIS_CLUSTER_NODES). */
        private List<String> clusterNodes = new ArrayList<>();
        /** Key prefix and bus channel prefix, no ':' (REDIS_NAMESPACE; default chatcache, empty in the reference layout). */
        private String namespace;
        /** Key layout: chatcache, or reference for the Python reference service's keys (REDIS_KEY_LAYOUT; default chatcache). */
        private String keyLayout;
        /** Key families clear() and the statistics reach when the namespace is empty (REDIS_OWNED_KEYS; default session:*, user:*:sessions:*, search:*). */
        private List<String> ownedKeys = new ArrayList<>();
        /** JSON property naming: camel_case, or snake_case for the reference service's JSON (REDIS_JSON_NAMING; default camel_case). */
        private String jsonNaming;
        /** Deadline of every Redis command, whole milliseconds, at least 20 ms (REDIS_TIMEOUT; default 300 ms). */
        private Duration timeout;
        /** Deadline of opening one connection, whole milliseconds (REDIS_CONNECT_TIMEOUT; default 1 s). */
        private Duration connectTimeout;
        /** How long start-up waits for Redis in REDIS mode, whole milliseconds (REDIS_STARTUP_TIMEOUT; default 5 s). */
        private Duration startupTimeout;
        private final Sentinel sentinel = new Sentinel();

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public Integer getPort() {
            return port;
        }

        public void setPort(Integer port) {
            this.port = port;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public Integer getDb() {
            return db;
        }

        public void setDb(Integer db) {
            this.db = db;
        }

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public Boolean getSsl() {
            return ssl;
        }

        public void setSsl(Boolean ssl) {
            this.ssl = ssl;
        }

        public String getTruststore() {
            return truststore;
        }

        public void setTruststore(String truststore) {
            this.truststore = truststore;
        }

        public String getTruststorePassword() {
            return truststorePassword;
        }

        public void setTruststorePassword(String truststorePassword) {
            this.truststorePassword = truststorePassword;
        }

        public List<String> getClusterNodes() {
            return clusterNodes;
        }

        public void setClusterNodes(List<String> clusterNodes) {
            this.clusterNodes = clusterNodes;
        }

        public String getNamespace() {
            return namespace;
        }

        public void setNamespace(String namespace) {
            this.namespace = namespace;
        }

        public String getKeyLayout() {
            return keyLayout;
        }

        public void setKeyLayout(String keyLayout) {
            this.keyLayout = keyLayout;
        }

        public List<String> getOwnedKeys() {
            return ownedKeys;
        }

        public void setOwnedKeys(List<String> ownedKeys) {
            this.ownedKeys = ownedKeys;
        }

        public String getJsonNaming() {
            return jsonNaming;
        }

        public void setJsonNaming(String jsonNaming) {
            this.jsonNaming = jsonNaming;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getStartupTimeout() {
            return startupTimeout;
        }

        public void setStartupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
        }

        public Sentinel getSentinel() {
            return sentinel;
        }

        @Override
        public String toString() {
            return "Redis[host=" + host + ", port=" + port + ", password=" + (password == null ? "none" : "****") + "]";
        }
    }

    /** Sentinel mode. */
    public static class Sentinel {
        /** The master's name (REDIS_SENTINEL_MASTER). */
        private String master;
        /** The sentinels, as redis://host:port (REDIS_SENTINEL_NODES). */
        private List<String> nodes = new ArrayList<>();

        public String getMaster() {
            return master;
        }

        public void setMaster(String master) {
            this.master = master;
        }

        public List<String> getNodes() {
            return nodes;
        }

        public void setNodes(List<String> nodes) {
            this.nodes = nodes;
        }
    }

    /** Spring's cache abstraction ({@code @Cacheable}) on the service. */
    public static class Spring {
        /** Whether null results are cached (as a marker). */
        private boolean allowNullValues = true;
        /** Whether cache names not configured below get a cache (default TTL, type Object) on first use. */
        private boolean dynamic = true;
        /** The TTL of caches without one (default the service's default TTL). */
        private Duration defaultTtl;
        /** Caches by name: each name is a key prefix with its own TTL and value type. */
        private Map<String, CacheSpec> caches = new LinkedHashMap<>();

        public boolean isAllowNullValues() {
            return allowNullValues;
        }

        public void setAllowNullValues(boolean allowNullValues) {
            this.allowNullValues = allowNullValues;
        }

        public boolean isDynamic() {
            return dynamic;
        }

        public void setDynamic(boolean dynamic) {
            this.dynamic = dynamic;
        }

        public Duration getDefaultTtl() {
            return defaultTtl;
        }

        public void setDefaultTtl(Duration defaultTtl) {
            this.defaultTtl = defaultTtl;
        }

        public Map<String, CacheSpec> getCaches() {
            return caches;
        }

        public void setCaches(Map<String, CacheSpec> caches) {
            this.caches = caches;
        }
    }

    /** One Spring cache. */
    public static class CacheSpec {
        /** Its TTL (default chatcache.spring.default-ttl). */
        private Duration ttl;
        /** The class its values are read as with Redis (default Object: JSON maps, lists and scalars). */
        private Class<?> valueType;

        public Duration getTtl() {
            return ttl;
        }

        public void setTtl(Duration ttl) {
            this.ttl = ttl;
        }

        public Class<?> getValueType() {
            return valueType;
        }

        public void setValueType(Class<?> valueType) {
            this.valueType = valueType;
        }
    }

    /** Micrometer meters, when a MeterRegistry bean exists. */
    public static class Metrics {
        /** Whether to bind the service's and the Spring caches' meters. */
        private boolean enabled = true;
        /** The cache tag of the service's own meters (every read through the service, Spring caches included). */
        private String cacheName = "chatcache";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getCacheName() {
            return cacheName;
        }

        public void setCacheName(String cacheName) {
            this.cacheName = cacheName;
        }
    }
}

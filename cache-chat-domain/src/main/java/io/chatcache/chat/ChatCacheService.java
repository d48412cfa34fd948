package io.chatcache.chat;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheException;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheStoreProvider;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.EvictionPolicy;
import io.chatcache.core.ExpiringStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.LoadLeases;
import io.chatcache.core.LogText;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.ReservedValueReads;
import io.chatcache.core.SerializationException;
import io.chatcache.core.Serializer;
import io.chatcache.core.StoreSettings;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache of a chat back end: the reference's {@code ChatCacheService}, over an in-process store
 * ({@link CacheBackend#MEMORY}), a Redis server ({@link CacheBackend#REDIS}) or both
 * ({@link CacheBackend#HYBRID}).
 *
 * <pre>{@code
 * try (ChatCacheService cache = ChatCacheService.builder()
 *         .backend(CacheBackend.HYBRID)
 *         .maxMemorySize(1000)
 *         .defaultTtl(Duration.ofHours(1))
 *         .redis("localhost", 6379, null)
 *         .build()) {
 *     cache.set("user:123", profile, Duration.ofMinutes(30));
 *     Optional<UserProfile> cached = cache.get("user:123", UserProfile.class);
 * }
 * }</pre>
 *
 * <h2>Names: this service and the port</h2>
 * The service keeps the reference service's names; the port it runs on ({@link CacheStore}, which the
 * memory, Redis and hybrid stores and stores of your own implement) keeps the names of Java's collections
 * and caches. Both load with {@code getOrLoad}. The whole mapping:
 * <table>
 *   <caption>Service call and the port call it makes</caption>
 *   <tr><th>{@code ChatCacheService}</th><th>{@code CacheStore}</th></tr>
 *   <tr><td>{@link #get(String, Class)}, {@link #typed(ValueType)}{@code .get}</td>
 *       <td>{@link CacheStore#get(String, ValueType)}</td></tr>
 *   <tr><td>{@link #set(String, Object, Duration)}</td><td>{@link CacheStore#put(String, Object, Duration)}</td></tr>
 *   <tr><td>{@link #delete(String)}</td><td>{@link CacheStore#delete(String)}</td></tr>
 *   <tr><td>{@link #clear()}</td><td>{@link CacheStore#clear()}</td></tr>
 *   <tr><td>{@link #invalidatePattern(String)}</td><td>{@link CacheStore#deleteMatching(KeyPattern)}</td></tr>
 *   <tr><td>{@link #getOrLoad(String, Class, Supplier, Duration)}, {@code typed(...).getOrLoad}</td>
 *       <td>{@link CacheStore#getOrLoad(String, ValueType, Supplier, Duration)}</td></tr>
 *   <tr><td>{@link #getStats()} (per backend)</td><td>{@link CacheStore#stats()} (one store)</td></tr>
 *   <tr><td>{@link #registerInvalidationCallback(String, Consumer)}</td>
 *       <td>{@link CacheStore#addRemovalListener(io.chatcache.core.RemovalListener)}</td></tr>
 * </table>
 * Reads take a {@code Class}; a generic type ({@code List<ChatMessage>}) goes through {@link #typed(ValueType)}.
 *
 * <h2>Keys, values and absence</h2>
 * Keys follow {@link CacheStore}: non-empty strings of at most {@link CacheInputs#MAX_KEY_LENGTH}
 * characters. Values are never {@code null}; absence is an empty {@link Optional} (or the default
 * passed to {@link #get(String, Class, Object)}). An expired entry is absent. Bad arguments throw
 * {@link InvalidInputException} before anything changes.
 *
 * <h2>Failures</h2>
 * A cache failure never loses the caller's data. {@link CacheBackend#HYBRID} handles Redis failures
 * itself (it serves from memory). {@link CacheBackend#REDIS} puts the same circuit breaker and bulkhead
 * in front of Redis as the hybrid store (three consecutive failures, timeouts or answers slower than
 * 300 ms open it for a second; at most 64 callers wait on Redis at once), so that a hung Redis costs the
 * first callers one operation budget each and the others nothing. With it, this service catches the store's
 * failures ({@link CacheUnavailableException} and any other {@link CacheException} but the two below): a
 * read that fails reads as a miss, a write or delete that fails is skipped (a failed delete leaves the
 * entry in Redis until its TTL ends), the failure is counted in {@link #failures()} and logged once
 * until Redis answers again. Two failures still reach the caller, because retrying cannot fix them: a
 * value the Redis serializer cannot write ({@link SerializationException} from {@link #set}) and a
 * configuration Redis refuses, such as missing ACL permissions ({@link CacheConfigurationException}).
 *
 * <p>Instances are thread-safe. {@link #close()} releases what the service opened; stores handed in to
 * the builder are never closed by it.
 */
public final class ChatCacheService implements AutoCloseable {

    /** The reference's {@code max_memory_size}: 1000 entries. */
    public static final long DEFAULT_MAX_MEMORY_SIZE = StoreSettings.DEFAULT_MAXIMUM_SIZE;
    /** The reference's {@code default_ttl}: one hour. */
    public static final Duration DEFAULT_TTL = StoreSettings.DEFAULT_TTL;
    /** The artifact that provides the {@code "redis"} store. */
    public static final String REDIS_ARTIFACT = "io.chatcache:cache-adapter-redis";
    /** The artifact that provides the {@code "memory"} store. */
    public static final String MEMORY_ARTIFACT = "io.chatcache:cache-adapter-memory";

    /**
     * The value that marks a key as known absent when {@linkplain Builder#negativeTtl negative caching} is on: a
     * string no application stores ({@link #set} refuses it), which every store and serializer carries as an
     * ordinary string. Reads through this service never return it: {@link #get} reports such an entry as a
     * miss, {@code getOrLoad} as the cached absence ({@code null}).
     */
    public static final String ABSENT_MARKER = "\u0000chatcache:absent";

    /** The largest {@link Builder#ttlJitter} fraction: TTLs are spread by at most +/-50 %. */
    public static final double MAX_TTL_JITTER = 0.5;

    /**
     * The default {@linkplain Builder#loadLease load lease}: five seconds, the longest a caller waits for another
     * instance's load of the same key before loading itself.
     */
    public static final Duration DEFAULT_LOAD_LEASE = Duration.ofSeconds(5);

    /** How often a caller waiting for another instance's load looks for its value. */
    static final Duration LEASE_POLL_INTERVAL = Duration.ofMillis(20);

    /** Threads of the refresh executor the service makes when none is handed in. */
    static final int REFRESH_THREADS = 2;

    /** Refreshes the service's own refresh executor queues at most; past it, refreshes are refused and counted. */
    static final int REFRESH_QUEUE = 1000;

    /** TTLs above this (some 1000 years) are not jittered: their milliseconds would overflow. */
    private static final Duration JITTER_LIMIT = Duration.ofDays(365_000);

    /** What a lookup of the load path returns for a key cached as absent. */
    private static final Object CACHED_ABSENT = new Object();

    /** The key {@link #probeRedis()} reads; never written. */
    public static final String PROBE_KEY = "chatcache-probe:never-written";

    private static final Logger LOG = LoggerFactory.getLogger(ChatCacheService.class);

    private final CacheBackend backend;
    private final Duration defaultTtl;
    /** The chat manager's key layout, from {@code REDIS_KEY_LAYOUT} of the Redis settings. */
    private final ChatKeyLayout keyLayout;
    private final CacheStore store;
    private final Supplier<Map<String, CacheStats>> stats;
    private final BooleanSupplier redisAvailable;
    private final List<AutoCloseable> owned;
    private final LongSupplier cleanup;
    private final LongSupplier degraded;
    private final boolean guardFailures;
    private final ValueCheck valueCheck;
    /** How long a loader's absence is cached; null when negative caching is off. */
    private final Duration negativeTtl;
    private final double ttlJitter;
    /** Uniform numbers in [0, 1) for the TTL jitter. */
    private final DoubleSupplier jitterSource;
    private final SingleFlight loads = new SingleFlight();
    /** The TTL of load leases, and the longest a caller waits for another instance's load. */
    private final Duration leaseTtl;
    /** The refresh executor handed in; null for the service's own, made on first use. */
    private final Executor handedRefreshExecutor;
    private volatile ExecutorService ownRefreshExecutor;
    /** Keys whose background refresh is queued or running on this instance. */
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final LongAdder leasesAcquired = new LongAdder();
    private final LongAdder loadedElsewhere = new LongAdder();
    private final LongAdder leaseWaitsExpired = new LongAdder();
    private final LongAdder leaseUnavailable = new LongAdder();
    private final LongAdder refreshes = new LongAdder();
    private final LongAdder refreshFailures = new LongAdder();
    private final AtomicBoolean leaseFailing = new AtomicBoolean();
    private final LongAdder failures = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** REDIS: the last statistics Redis gave, reported while it cannot be asked. */
    private volatile Map<String, CacheStats> lastStats = Map.of("redis", CacheStats.EMPTY);

    private ChatCacheService(Wiring wiring, Duration defaultTtl, ValueCheck valueCheck, ChatKeyLayout keyLayout,
                             Duration negativeTtl, double ttlJitter, DoubleSupplier jitterSource, Duration leaseTtl,
                             Executor refreshExecutor) {
        this.leaseTtl = leaseTtl;
        this.handedRefreshExecutor = refreshExecutor;
        this.valueCheck = valueCheck;
        this.negativeTtl = negativeTtl;
        this.ttlJitter = ttlJitter;
        this.jitterSource = jitterSource;
        this.backend = wiring.backend();
        this.defaultTtl = defaultTtl;
        this.keyLayout = keyLayout;
        this.store = wiring.store();
        this.stats = wiring.stats();
        this.owned = wiring.owned();
        this.cleanup = wiring.cleanup();
        this.degraded = wiring.degraded();
        this.guardFailures = wiring.backend() == CacheBackend.REDIS;
        this.redisAvailable = switch (wiring.backend()) {
            case MEMORY -> () -> false;
            case REDIS -> () -> !failing.get() && wiring.redisAvailable().getAsBoolean();
            case HYBRID -> wiring.redisAvailable();
        };
    }

    /** The key layout of a {@link ChatCacheManager} over this service made without one. */
    ChatKeyLayout keyLayout() {
        return keyLayout;
    }

    /** A builder with the reference's defaults: MEMORY, 1000 entries, one hour. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A service configured by the process environment; see {@link #fromEnvironment(Map)}.
     *
     * @throws CacheConfigurationException if a variable is invalid or an adapter is missing
     * @throws CacheUnavailableException if {@code CACHE_BACKEND=redis} and Redis cannot be reached
     */
    public static ChatCacheService fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * A service configured by {@code environment}:
     * <ul>
     *   <li>{@code CACHE_BACKEND}: {@code memory} (the default), {@code redis} or {@code hybrid}, any case;</li>
     *   <li>{@code CACHE_DEFAULT_TTL}: the default TTL in whole seconds, positive (default 3600);</li>
     *   <li>{@code CACHE_MAX_MEMORY_SIZE}: the in-memory entry bound, positive (default 1000);</li>
     *   <li>{@code CACHE_CLEANUP_INTERVAL}: how often the memory store sweeps expired entries, in whole
     *       seconds, {@code 0} for never (default 300); ignored by the redis backend;</li>
     *   <li>{@code CACHE_EVICTION_POLICY}: what the memory store evicts when full, {@code lru} (the default)
     *       or {@code adaptive} (frequency-aware, see {@link EvictionPolicy}); ignored by the redis
     *       backend;</li>
     *   <li>{@code REDIS_HOST}, {@code REDIS_PORT}, {@code REDIS_PASSWORD}, {@code REDIS_DB} and the other
     *       {@code REDIS_*} variables of the Redis adapter, for the redis and hybrid backends.</li>
     * </ul>
     * An absent or blank variable takes its default.
     *
     * @throws CacheConfigurationException if a variable is invalid (the message names the variable, its
     *     value and the accepted values) or the backend's adapter is not on the class path
     * @throws CacheUnavailableException if {@code CACHE_BACKEND=redis} and Redis cannot be reached
     */
    public static ChatCacheService fromEnvironment(Map<String, String> environment) {
        return fromEnvironment(environment, AdapterLookup.SERVICE_LOADER);
    }

    static ChatCacheService fromEnvironment(Map<String, String> environment,
                                            Function<String, Optional<CacheStoreProvider>> adapters) {
        return builderFromEnvironment(environment).adapters(adapters).build();
    }

    /**
     * A builder preset from {@code environment} as {@link #fromEnvironment(Map)} reads it, for callers that add
     * options the environment has no variable for (such as {@link Builder#l1TtlCeiling}); the options it set
     * (backend, default TTL, memory size, cleanup interval, Redis settings) cannot be set again.
     *
     * @throws CacheConfigurationException if a variable is invalid (the message names it, its value and the
     *     accepted values)
     */
    public static Builder builderFromEnvironment(Map<String, String> environment) {
        CacheInputs.requireNonNull(environment, "environment");
        EnvironmentSettings settings = EnvironmentSettings.parse(environment);
        Builder builder = builder()
                .backend(settings.backend())
                .defaultTtl(settings.defaultTtl())
                .maxMemorySize(settings.maxMemorySize())
                .redisEnvironment(environment);
        if (settings.cleanupInterval() != null && settings.backend() != CacheBackend.REDIS) {
            builder.cleanupInterval(settings.cleanupInterval());
        }
        if (settings.evictionPolicy() != null && settings.backend() != CacheBackend.REDIS) {
            builder.evictionPolicy(settings.evictionPolicy());
        }
        return builder;
    }

    /**
     * Whether {@link #set} checks values against a serializer before storing them (see
     * {@link Builder#checkValues(boolean)}).
     */
    public boolean checksValues() {
        return valueCheck.enabled();
    }

    /** The configured backend. */
    public CacheBackend backend() {
        return backend;
    }

    /** The TTL of {@link #set(String, Object)} and {@link #getOrLoad(String, Class, Supplier)}. */
    public Duration defaultTtl() {
        return defaultTtl;
    }

    /**
     * How long {@code getOrLoad} caches a loader's absence ({@code null}); empty when negative caching is off
     * (the default). See {@link Builder#negativeTtl(Duration)}.
     */
    public Optional<Duration> negativeTtl() {
        return Optional.ofNullable(negativeTtl);
    }

    /**
     * The fraction by which the TTL of every write of this service is randomised, up or down; 0 (the default)
     * for none. See {@link Builder#ttlJitter(double)}.
     */
    public double ttlJitter() {
        return ttlJitter;
    }

    /**
     * Returns the value under {@code key} if present, unexpired and readable as {@code type}. For a generic
     * type ({@code List<ChatMessage>}) read through {@link #typed(ValueType)}.
     *
     * @throws InvalidInputException if the key or type is invalid
     */
    public <T> Optional<T> get(String key, Class<T> type) {
        return read(key, ValueType.of(CacheInputs.requireNonNull(type, "type")));
    }

    /**
     * Returns the value under {@code key}, or {@code defaultValue} (which may be {@code null}) if it is
     * absent, expired or not readable as {@code type}: the reference's {@code get(key, default)}.
     */
    public <T> T get(String key, Class<T> type, T defaultValue) {
        return get(key, type).orElse(defaultValue);
    }

    /**
     * This service seen through {@code type}, which may be generic ({@code ValueType.listOf(ChatMessage.class)}):
     * {@code get}, {@code set} and {@code getOrLoad} without a type argument. The view is cheap and
     * thread-safe; keep it in a field.
     *
     * @throws InvalidInputException if {@code type} is null
     */
    public <V> TypedCache<V> typed(ValueType<V> type) {
        return new View<>(this, CacheInputs.requireNonNull(type, "type"));
    }

    /**
     * Stores {@code value} under {@code key} for the {@linkplain #defaultTtl() default TTL}, replacing
     * any earlier value.
     *
     * @throws InvalidInputException if the key is invalid or the value is null
     * @throws SerializationException if the Redis serializer cannot write the value
     */
    public void set(String key, Object value) {
        set(key, value, defaultTtl);
    }

    /**
     * Stores {@code value} under {@code key} for {@code ttl} ({@link CacheStore#NO_EXPIRY} for no
     * expiry), replacing any earlier value and its TTL. With a {@linkplain Builder#ttlJitter TTL jitter} the
     * entry lives {@code ttl} randomised by up to that fraction either way ({@code NO_EXPIRY} stays as it is).
     *
     * @throws InvalidInputException if the key, value or TTL is invalid, or the value is {@link #ABSENT_MARKER}
     * @throws SerializationException if the Redis serializer cannot write the value
     */
    public void set(String key, Object value, Duration ttl) {
        CacheInputs.requireKey(key);
        CacheInputs.requireValue(value);
        CacheInputs.requireTtl(ttl);
        write(key, value, ttl, ttlJitter);
    }

    /** {@link #set} after its checks, with the jitter of the call. */
    private void write(String key, Object value, Duration ttl, double jitter) {
        if (ABSENT_MARKER.equals(value)) {
            throw new InvalidInputException("value", "is the reserved ChatCacheService.ABSENT_MARKER, which marks "
                    + "keys cached as absent; it cannot be stored as a value");
        }
        valueCheck.check(value);
        Duration written = jittered(ttl, jitter);
        guarded("set", () -> {
            store.put(key, value, written);
            puts.increment();
            return null;
        }, () -> null);
    }

    /**
     * Removes the entry under {@code key}; fires the matching {@linkplain #registerInvalidationCallback
     * invalidation callbacks}.
     *
     * @return whether an unexpired entry was removed ({@code false} also when Redis could not be reached)
     */
    public boolean delete(String key) {
        CacheInputs.requireKey(key);
        return guarded("delete", () -> store.delete(key), () -> false);
    }

    /** Removes every entry (with Redis: of this cache's namespace only): the reference's {@code clear_all_cache}. */
    public void clear() {
        guarded("clear", () -> {
            store.clear();
            return null;
        }, () -> null);
    }

    /**
     * Removes every entry whose key matches {@code pattern}, a Redis glob ({@code user:123:*}); build
     * patterns around user text with {@link KeyPattern#escape(String)}.
     *
     * @return how many entries were removed (0 when Redis could not be reached)
     * @throws InvalidInputException if the pattern is malformed
     */
    public long invalidatePattern(String pattern) {
        return invalidatePattern(KeyPattern.glob(pattern));
    }

    /** As {@link #invalidatePattern(String)}, for a parsed pattern. */
    public long invalidatePattern(KeyPattern pattern) {
        CacheInputs.requireNonNull(pattern, "pattern");
        return guarded("invalidatePattern", () -> store.deleteMatching(pattern), () -> 0L);
    }

    /**
     * Calls {@code callback} with the key of every entry matching {@code pattern} (a Redis glob) that is
     * deleted, invalidated by pattern or cleared on this instance's store: the reference's
     * {@code register_invalidation_callback}.
     *
     * <p>Expiry, eviction and replacement by a new value do <em>not</em> fire it: the callback is for
     * data that was removed on purpose ("when user data is deleted"). With Redis the store reports only
     * the keys it removed itself; with {@link CacheBackend#HYBRID} that includes entries this instance
     * dropped because another instance invalidated them, as the hybrid store reports them. The callback
     * runs on the thread that removed the entry, after the removal, and must be quick; an exception it
     * throws is logged and swallowed.
     *
     * @return a subscription; closing it stops the callback
     * @throws InvalidInputException if the pattern is malformed or the callback is null
     */
    public Subscription registerInvalidationCallback(String pattern, Consumer<String> callback) {
        KeyPattern glob = KeyPattern.glob(pattern);
        CacheInputs.requireNonNull(callback, "callback");
        return store.addRemovalListener((key, cause) -> {
            if ((cause == RemovalCause.EXPLICIT || cause == RemovalCause.CLEARED) && glob.matches(key)) {
                try {
                    callback.accept(key);
                } catch (RuntimeException e) {
                    LOG.warn("Invalidation callback for pattern {} failed on key {}", LogText.escape(glob.pattern()),
                            LogText.escape(key), e);
                }
            }
        });
    }

    /**
     * Returns the value under {@code key}, or loads it with {@code loader} and stores it for the
     * {@linkplain #defaultTtl() default TTL}. See {@link #getOrLoad(String, Class, Supplier, Duration)}.
     */
    public <T> T getOrLoad(String key, Class<T> type, Supplier<? extends T> loader) {
        return getOrLoad(key, type, loader, defaultTtl);
    }

    /**
     * Returns the value under {@code key}, or loads it with {@code loader}, stores it for {@code ttl} and
     * returns it. For a generic type load through {@link #typed(ValueType)}.
     *
     * <p>At most one load per key runs at a time in this service: callers that miss while a load of the
     * same key is running wait for it and receive its value (across JVMs, each instance loads once).
     * If the loader throws, every waiting caller receives that exception and nothing is stored; the next
     * call loads again. A {@code null} from the loader means "absent": it is returned to every waiting caller;
     * without {@linkplain Builder#negativeTtl negative caching} (the default) nothing is stored, so the next
     * call loads again; with it, the absence is stored ({@link #ABSENT_MARKER}) for the negative TTL, and until
     * then this method returns {@code null} without calling a loader, while {@link #get} reports a miss;
     * {@link #set} or {@link #delete} of the key replace or remove it as any entry. The value's TTL and the
     * negative TTL are both randomised by the {@linkplain Builder#ttlJitter TTL jitter}, if set. If storing the loaded value fails (Redis unreachable, a value
     * the serializer cannot write or larger than the store accepts), the value is still returned and the
     * failure logged.
     *
     * @throws InvalidInputException if the key, type, loader or TTL is invalid
     * @throws IllegalStateException if the loader itself calls {@code getOrLoad} for the same key on its
     *     thread (it would wait for itself forever); nothing is stored then
     */
    public <T> T getOrLoad(String key, Class<T> type, Supplier<? extends T> loader, Duration ttl) {
        return load(key, ValueType.of(CacheInputs.requireNonNull(type, "type")), loader,
                LoadOptions.ttl(CacheInputs.requireTtl(ttl)));
    }

    /**
     * As {@link #getOrLoad(String, Class, Supplier, Duration)}, with {@code options} (the TTL, the lease,
     * refresh-ahead, negative caching and jitter of this call; see {@link LoadOptions}).
     *
     * <h4>One load across instances (REDIS and HYBRID)</h4>
     * When the key misses and the store offers {@link LoadLeases} (Redis does; MEMORY has none), the one caller of
     * this instance that loads first takes a short lease on the key in Redis ({@link Builder#loadLease}, default
     * {@link #DEFAULT_LOAD_LEASE}). Holding it, it looks once more (another instance may have just stored the
     * value), loads, stores and releases the lease; a loader's exception reaches the caller and the lease is
     * released. A caller of another instance that finds the lease held waits for the value, looking every
     * {@code 20 ms}, and returns it as soon as it is stored; if the lease ends first (its holder released it
     * without storing, or died) it takes the lease itself; after the lease TTL at most it loads by itself, so a dead
     * holder never blocks anyone for longer. When Redis cannot be asked for the lease (down, breaker open) the load
     * goes ahead coordinated within this instance only. A {@code null} from the loader is shared across instances
     * only with negative caching (else nothing is stored for the others to find, and they load themselves). See
     * {@link #loadCounters()}. {@link LoadOptions#withoutLease()} skips the lease.
     *
     * <h4>Refresh-ahead</h4>
     * With {@link LoadOptions#refreshAhead(Duration)}, the read looks at the entry's remaining TTL
     * ({@link CacheStore#getEntry}; on HYBRID an L1 copy with more than the threshold left answers without Redis,
     * as it never outlives its Redis entry, and only a shorter-lived or missing copy asks Redis); a value with the threshold or less left is returned at once, and one
     * background reload of the key (at most one per key at a time on this instance, and with the lease one across
     * instances) runs on the {@linkplain Builder#refreshExecutor refresh executor}, storing the new value. A reload
     * that fails keeps the old value until its TTL ends and is counted; a reload that answers {@code null} stores
     * the absence with negative caching, else leaves the old value. {@link #close()} stops refreshing.
     *
     * @throws InvalidInputException if the key, type, loader or options are invalid, or the refresh-ahead
     *     threshold is not shorter than the TTL
     * @throws IllegalStateException if the loader itself calls {@code getOrLoad} for the same key on its thread
     */
    public <T> T getOrLoad(String key, Class<T> type, Supplier<? extends T> loader, LoadOptions options) {
        return load(key, ValueType.of(CacheInputs.requireNonNull(type, "type")), loader, options);
    }

    /**
     * Returns the values under {@code keys} (in their order, each once; keys without a value are left out),
     * reading what is cached in one bulk read (one round trip on Redis, which also finds the keys cached as
     * absent: see {@link Builder#negativeTtl}) and loading the rest
     * with one call of {@code bulkLoader}, which gets the missing keys only (never called when nothing is
     * missing). The loaded values are stored for {@code ttl} with one {@link CacheStore#putAll} (one entry at a
     * time with a {@linkplain Builder#ttlJitter TTL jitter}, so that each gets its own TTL). A key the loader
     * leaves out of its map (or maps to {@code null}) is absent: left out of the result and, with
     * {@linkplain Builder#negativeTtl negative caching}, stored as absent, so the next call does not ask the
     * loader for it until the negative TTL ends. Entries the loader adds for keys it was not asked for are
     * ignored; a {@code null} map counts as an empty one.
     *
     * <p>Unlike {@link #getOrLoad(String, Class, Supplier, Duration)}, bulk loads are not coordinated: two
     * concurrent calls missing the same key both load it. An exception from the loader reaches the caller and
     * nothing is stored; values the store refuses (see {@code getOrLoad}) are returned uncached and logged.
     *
     * @throws InvalidInputException if the keys (null, or containing an invalid key), type, loader or TTL are
     *     invalid
     */
    public <T> Map<String, T> getOrLoadAll(Collection<String> keys, Class<T> type,
                                           Function<? super Set<String>, ? extends Map<String, ? extends T>> bulkLoader,
                                           Duration ttl) {
        CacheInputs.requireNonNull(keys, "keys");
        keys.forEach(CacheInputs::requireKey);
        ValueType<T> valueType = ValueType.of(CacheInputs.requireNonNull(type, "type"));
        CacheInputs.requireNonNull(bulkLoader, "bulkLoader");
        CacheInputs.requireTtl(ttl);
        Set<String> wanted = new LinkedHashSet<>(keys);
        Map<String, CacheEntry<Object>> cached = guarded("getAll", () -> readAllForLoad(wanted, valueType),
                Map::of);
        Set<String> missing = new LinkedHashSet<>();
        Set<String> absent = new LinkedHashSet<>();
        for (String key : wanted) {
            CacheEntry<Object> entry = cached.get(key);
            if (entry == null) {
                missing.add(key);
            } else if (ABSENT_MARKER.equals(entry.value())) {
                // As in lookup: a hit with negative caching on, or to a type that holds the marker.
                (negativeTtl != null || valueType.isInstance(ABSENT_MARKER) ? absent : missing).add(key);
            }
        }
        hits.add(wanted.size() - missing.size());
        misses.add(missing.size());
        Map<String, T> loaded = new HashMap<>();
        if (!missing.isEmpty()) {
            Map<String, ? extends T> answer = bulkLoader.apply(Collections.unmodifiableSet(new LinkedHashSet<>(missing)));
            if (answer != null) {
                for (String key : missing) {
                    T value = answer.get(key);
                    if (value != null) {
                        loaded.put(key, value);
                    }
                }
            }
            storeAllLoaded(loaded, ttl);
            if (negativeTtl != null) {
                for (String key : missing) {
                    if (!loaded.containsKey(key)) {
                        storeAbsent(key, negativeTtl, ttlJitter);
                    }
                }
            }
        }
        Map<String, T> result = new LinkedHashMap<>();
        for (String key : wanted) {
            T value = loaded.containsKey(key) ? loaded.get(key)
                    : absent.contains(key) || missing.contains(key) ? null : cachedValue(cached.get(key));
            if (value != null) {
                result.put(key, value);
            }
        }
        return result;
    }

    private void storeAllLoaded(Map<String, ?> loaded, Duration ttl) {
        if (loaded.isEmpty()) {
            return;
        }
        if (ttlJitter != 0 || loaded.size() == 1) {
            loaded.forEach((key, value) -> storeLoaded(key, value, ttl, ttlJitter));
            return;
        }
        Map<String, Object> checked = new LinkedHashMap<>();
        loaded.forEach((key, value) -> {
            try {
                if (ABSENT_MARKER.equals(value)) {
                    throw new InvalidInputException("value", "is the reserved ChatCacheService.ABSENT_MARKER");
                }
                valueCheck.check(value);
                checked.put(key, value);
            } catch (SerializationException | InvalidInputException e) {
                LOG.warn("Loaded value for key {} could not be cached; returning it uncached: {}", LogText.escape(key),
                        LogText.escape(e.getMessage()));
            }
        });
        try {
            guarded("putAll", () -> {
                store.putAll(checked, ttl);
                puts.add(checked.size());
                return null;
            }, () -> null);
        } catch (SerializationException | InvalidInputException e) {
            LOG.warn("Loaded values for {} keys could not be cached; returning them uncached: {}", checked.size(),
                    LogText.escape(e.getMessage()));
        }
    }

    private <T> Optional<T> read(String key, ValueType<T> type) {
        CacheInputs.requireKey(key);
        Optional<T> found = guarded("get", () -> store.get(key, type), Optional::empty);
        if (found.isPresent() && ABSENT_MARKER.equals(found.get())) {
            // A key cached as absent, read as String or Object: a miss to a plain read.
            found = Optional.empty();
        }
        (found.isPresent() ? hits : misses).increment();
        return found;
    }

    /**
     * The load path's read: the value, {@link #CACHED_ABSENT} for a key cached as absent (a hit), or empty. With
     * refresh-ahead, a value that is due starts its background refresh.
     *
     * <p>One read finds the value or the {@link #ABSENT_MARKER}: the stores' {@link ReservedValueReads} compare
     * what they hold with the marker before decoding it as {@code type}, so a negative hit is a clean hit. Read
     * as {@code type} alone, the marker would be a value of the wrong type to the store (a miss counted as an
     * error, which {@link #counters()} reports as a failure, and a warning from Redis), and a second read as a
     * string would be needed to find it. The capability lives in core, JDK-only and ignorant of what the string
     * means (the marker stays this service's concept); a store without it (one handed in) is read as before:
     * as {@code type}, then as a string ({@link ReservedValueReads#read}).
     *
     * @param count whether the read counts as a hit or miss (a waiter's repeated looks do not)
     */
    private <T> Optional<Object> lookup(String key, ValueType<T> type, Plan<T> plan, boolean count) {
        Duration threshold = plan.refreshAhead();
        Optional<CacheEntry<Object>> entry = guarded("getEntry",
                () -> readForLoad(key, type, threshold == null ? Duration.ZERO : threshold), Optional::empty);
        Optional<Object> result;
        if (entry.isEmpty()) {
            result = Optional.empty();
        } else if (ABSENT_MARKER.equals(entry.get().value())) {
            // A cached absence: a hit with negative caching on, or to a type that holds the marker (String,
            // Object); without negative caching a call for another type loads over it, as it always did.
            result = plan.negativeTtl() != null || type.isInstance(ABSENT_MARKER) ? Optional.of(CACHED_ABSENT)
                    : Optional.empty();
        } else {
            CacheEntry<Object> found = entry.get();
            if (threshold != null && !found.neverExpires() && found.remainingTtl().compareTo(threshold) <= 0) {
                refreshInBackground(key, plan);
            }
            result = Optional.of(found.value());
        }
        if (count) {
            (result.isPresent() ? hits : misses).increment();
        }
        return result;
    }

    /**
     * One read of the load path (see {@link #lookup}): on HYBRID, an L1 copy with more than {@code fresherThan}
     * left answers without asking Redis ({@link HybridCacheStore#readForLoad}; {@link Duration#ZERO} for any
     * live copy), elsewhere the store's entry with its remaining TTL.
     */
    private <T> Optional<CacheEntry<Object>> readForLoad(String key, ValueType<T> type, Duration fresherThan) {
        return store instanceof HybridCacheStore hybrid ? hybrid.readForLoad(key, type, ABSENT_MARKER, fresherThan)
                : ReservedValueReads.read(store, key, type, ABSENT_MARKER);
    }

    /**
     * The bulk load path's one read (see {@link #getOrLoadAll}): every key's value or {@link #ABSENT_MARKER} in
     * one bulk read ({@link ReservedValueReads#getEntriesOrReserved}; one round trip on Redis, one per shard on a
     * sharded L2), so a cached absence is a clean hit, as in {@link #readForLoad}. A store without the
     * capability is read as {@code type}, then once more as a string ({@link ReservedValueReads#readAll}).
     */
    private <T> Map<String, CacheEntry<Object>> readAllForLoad(Set<String> keys, ValueType<T> type) {
        return store instanceof HybridCacheStore hybrid ? hybrid.readAllForLoad(keys, type, ABSENT_MARKER)
                : ReservedValueReads.readAll(store, keys, type, ABSENT_MARKER);
    }

    /** A cached value of the bulk read, not the marker: of the caller's type (the store checked it). */
    @SuppressWarnings("unchecked")
    private static <T> T cachedValue(CacheEntry<Object> entry) {
        return entry == null ? null : (T) entry.value();
    }

    /** One load's resolved options. */
    private record Plan<T>(ValueType<T> type, Supplier<? extends T> loader, Duration ttl, boolean lease,
                           Duration refreshAhead, Duration negativeTtl, double jitter) {
    }

    private <T> Plan<T> plan(ValueType<T> type, Supplier<? extends T> loader, LoadOptions options) {
        CacheInputs.requireNonNull(loader, "loader");
        CacheInputs.requireNonNull(options, "options");
        Duration ttl = options.ttlOrNull() != null ? options.ttlOrNull() : defaultTtl;
        Duration refreshAhead = options.refreshAheadOrNull();
        if (refreshAhead != null && refreshAhead.compareTo(ttl) >= 0) {
            throw new InvalidInputException("refreshAhead", "must be shorter than the TTL (" + ttl + "), was "
                    + refreshAhead + ": every read would refresh");
        }
        return new Plan<>(type, loader, ttl, options.lease(), refreshAhead, options.negativeTtlOr(negativeTtl),
                options.ttlJitterOr(ttlJitter));
    }

    private <T> T load(String key, ValueType<T> type, Supplier<? extends T> loader, LoadOptions options) {
        CacheInputs.requireKey(key);
        Plan<T> plan = plan(type, loader, options);
        Object result = loads.run(key, () -> lookup(key, type, plan, true), () -> loadShared(key, plan),
                type.rawType());
        return result == null || result == CACHED_ABSENT ? null : type.cast(result);
    }

    /**
     * The load of this instance's single flight: across instances through the lease when the store offers one
     * (see {@link #getOrLoad(String, Class, Supplier, LoadOptions)}), else at once. Returns the value, or null for
     * absence.
     */
    private <T> Object loadShared(String key, Plan<T> plan) {
        LoadLeases leases = plan.lease() ? store.capability(LoadLeases.class).orElse(null) : null;
        if (leases == null) {
            return loadAndStore(key, plan);
        }
        long deadline = System.nanoTime() + leaseTtl.toNanos();
        while (true) {
            Optional<LoadLeases.Lease> lease = tryLease(leases, key);
            if (lease == null) {
                return loadAndStore(key, plan);
            }
            if (lease.isPresent()) {
                try {
                    // The value may have been stored (and the lease released) since this caller looked.
                    Optional<Object> stored = lookup(key, plan.type(), plan, false);
                    if (stored.isPresent()) {
                        loadedElsewhere.increment();
                        return shared(stored.get());
                    }
                    leasesAcquired.increment();
                    return loadAndStore(key, plan);
                } finally {
                    release(leases, lease.get());
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                leaseWaitsExpired.increment();
                return loadAndStore(key, plan);
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, LEASE_POLL_INTERVAL.toNanos()));
            } catch (InterruptedException e) {
                // Waiting is abandoned, not the load: the caller still gets its value.
                Thread.currentThread().interrupt();
                return loadAndStore(key, plan);
            }
            Optional<Object> stored = lookup(key, plan.type(), plan, false);
            if (stored.isPresent()) {
                loadedElsewhere.increment();
                return shared(stored.get());
            }
        }
    }

    /** What the single flight hands its waiters for a value found in the store: the value, or null for absence. */
    private static Object shared(Object found) {
        return found == CACHED_ABSENT ? null : found;
    }

    /** The lease on {@code key}: taken, held elsewhere (empty), or null when Redis cannot be asked. */
    private Optional<LoadLeases.Lease> tryLease(LoadLeases leases, String key) {
        try {
            Optional<LoadLeases.Lease> lease = leases.tryAcquire(key, leaseTtl);
            if (leaseFailing.compareAndSet(true, false)) {
                LOG.info("Load leases answer again; loads are coordinated across instances again");
            }
            return lease;
        } catch (CacheException e) {
            leaseFailed(e);
            return null;
        }
    }

    private void release(LoadLeases leases, LoadLeases.Lease lease) {
        try {
            leases.release(lease);
        } catch (CacheException e) {
            // The lease ends with its TTL; others wait at most that long.
            leaseFailed(e);
        } catch (RuntimeException e) {
            // A store closed under a refresh that outlived the service: the lease ends with its TTL.
            LOG.debug("Releasing the lease of key {} failed", LogText.escape(lease.key()), e);
        }
    }

    private void leaseFailed(CacheException e) {
        leaseUnavailable.increment();
        if (guardFailures) {
            failures.increment();
        }
        if (leaseFailing.compareAndSet(false, true)) {
            LOG.warn("Load leases unavailable: loads are coordinated within this instance only until Redis answers: "
                    + "{}", LogText.escape(e.getMessage()));
        }
    }

    /** Loads, stores the value (or the absence) and returns it. */
    private <T> Object loadAndStore(String key, Plan<T> plan) {
        T loaded = plan.loader().get();
        if (loaded != null) {
            storeLoaded(key, loaded, plan.ttl(), plan.jitter());
        } else if (plan.negativeTtl() != null) {
            storeAbsent(key, plan.negativeTtl(), plan.jitter());
        }
        return loaded;
    }

    /** Starts the background refresh of {@code key} unless one is queued or running on this instance. */
    private <T> void refreshInBackground(String key, Plan<T> plan) {
        if (closed.get() || !refreshing.add(key)) {
            return;
        }
        try {
            refreshExecutor().execute(() -> {
                try {
                    refresh(key, plan);
                } finally {
                    refreshing.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.remove(key);
            if (!closed.get()) {
                refreshFailures.increment();
                LOG.warn("Refresh of key {} refused by the refresh executor; the value stays until its TTL ends",
                        LogText.escape(key));
            }
        }
    }

    /** One background refresh: under the lease when the store offers one; a failure keeps the old value. */
    private <T> void refresh(String key, Plan<T> plan) {
        if (closed.get()) {
            return;
        }
        LoadLeases leases = plan.lease() ? store.capability(LoadLeases.class).orElse(null) : null;
        Optional<LoadLeases.Lease> lease = leases == null ? Optional.empty() : tryLease(leases, key);
        if (lease != null && leases != null && lease.isEmpty()) {
            // Another instance is loading or refreshing the key: its value is the refresh.
            return;
        }
        try {
            if (refreshedMeanwhile(key, plan)) {
                // Another instance's refresh (or a write) stored a fresh value after the read that asked for this
                // one: with a busy refresh executor, refreshes queued on several instances would otherwise reload
                // the key one after the other, each under the lease.
                return;
            }
            T loaded = plan.loader().get();
            if (closed.get()) {
                return;
            }
            if (loaded != null) {
                storeLoaded(key, loaded, plan.ttl(), plan.jitter());
            } else if (plan.negativeTtl() != null) {
                storeAbsent(key, plan.negativeTtl(), plan.jitter());
            }
            refreshes.increment();
        } catch (RuntimeException e) {
            if (closed.get()) {
                // Stopped by close(): not a failure of the reload.
                return;
            }
            refreshFailures.increment();
            LOG.warn("Refresh of key {} failed; the old value stays until its TTL ends: {}", LogText.escape(key),
                    LogText.escape(String.valueOf(e)));
        } finally {
            if (lease != null && lease.isPresent()) {
                release(leases, lease.get());
            }
        }
    }

    /**
     * Whether the key's entry now has more than the refresh threshold left (or never expires): then it was stored
     * since the read that found it due, and reloading it again is a second load of the same expiry.
     */
    private <T> boolean refreshedMeanwhile(String key, Plan<T> plan) {
        Optional<CacheEntry<T>> entry = guarded("getEntry", () -> store.getEntry(key, plan.type()), Optional::empty);
        return entry.isPresent()
                && (entry.get().neverExpires() || entry.get().remainingTtl().compareTo(plan.refreshAhead()) > 0);
    }

    /** The refresh executor: the one handed in, or the service's own, made on first use. */
    private Executor refreshExecutor() {
        if (handedRefreshExecutor != null) {
            return handedRefreshExecutor;
        }
        ExecutorService own = ownRefreshExecutor;
        if (own == null) {
            synchronized (refreshing) {
                own = ownRefreshExecutor;
                if (own == null) {
                    AtomicInteger threads = new AtomicInteger();
                    ThreadPoolExecutor pool = new ThreadPoolExecutor(REFRESH_THREADS, REFRESH_THREADS, 30,
                            TimeUnit.SECONDS, new LinkedBlockingQueue<>(REFRESH_QUEUE), runnable -> {
                                Thread thread = new Thread(runnable, "chatcache-refresh-" + threads.incrementAndGet());
                                thread.setDaemon(true);
                                return thread;
                            });
                    pool.allowCoreThreadTimeOut(true);
                    own = pool;
                    ownRefreshExecutor = own;
                    if (closed.get()) {
                        own.shutdownNow();
                    }
                }
            }
        }
        return own;
    }

    /**
     * Counters of the load path since the service was built: leases and refresh-ahead (see
     * {@link LoadCounters}). Cheap: never asks Redis.
     */
    public LoadCounters loadCounters() {
        return new LoadCounters(leasesAcquired.sum(), loadedElsewhere.sum(), leaseWaitsExpired.sum(),
                leaseUnavailable.sum(), refreshes.sum(), refreshFailures.sum());
    }

    /** The TTL of load leases and the longest wait for another instance's load; see {@link Builder#loadLease}. */
    public Duration loadLease() {
        return leaseTtl;
    }

    /** {@code ttl} randomised by the jitter fraction; as it is without jitter, for no expiry and huge TTLs. */
    Duration jittered(Duration ttl) {
        return jittered(ttl, ttlJitter);
    }

    private Duration jittered(Duration ttl, double jitter) {
        if (jitter == 0 || ttl.compareTo(JITTER_LIMIT) > 0) {
            return ttl;
        }
        long millis = ttl.toMillis();
        long delta = Math.round(millis * jitter * (2 * jitterSource.getAsDouble() - 1));
        return Duration.ofMillis(Math.max(1, millis + delta));
    }

    /**
     * Statistics per backend name: {@code {"memory"}} for MEMORY, {@code {"redis"}} for REDIS,
     * {@code {"memory", "redis"}} (L1 and L2) for HYBRID, in that order. The map is an immutable snapshot.
     * While Redis cannot be asked, its figures are the last it gave (zeros if it never answered).
     */
    public Map<String, CacheStats> getStats() {
        if (!guardFailures) {
            return stats.get();
        }
        Map<String, CacheStats> answered = guarded("stats", stats, () -> null);
        if (answered == null) {
            return lastStats;
        }
        lastStats = answered;
        return answered;
    }

    /** The backend, whether Redis is available and the statistics: the reference's {@code get_cache_info()}. */
    public CacheInfo info() {
        // Statistics first: asking Redis for them is what may show it gone (or back).
        Map<String, CacheStats> current = getStats();
        return new CacheInfo(backend, redisAvailable.getAsBoolean(), current);
    }

    /**
     * Counters for monitoring: hits, misses and puts through this service, the memory store's size and
     * evictions, failures, and whether Redis is in use. Cheap: never asks Redis (see {@link CacheCounters}).
     */
    public CacheCounters counters() {
        long entries = 0;
        long evictions = 0;
        long failed = failures.sum();
        if (backend != CacheBackend.REDIS) {
            // The memory store's statistics, or the hybrid store's combined view (L1's size and evictions,
            // L2 and bus failures in its errors): neither asks Redis.
            CacheStats local = store.stats();
            entries = local.entryCount();
            evictions = local.evictions();
            failed = local.errors();
        }
        return new CacheCounters(backend, hits.sum(), misses.sum(), puts.sum(), entries, evictions, failed,
                redisAvailable.getAsBoolean());
    }

    /**
     * Counters of Redis's circuit breaker and, for HYBRID, of its invalidation bus and L1 coherence (see
     * {@link L2Counters}); empty for MEMORY, and when the store is not one this library built. Cheap: never asks
     * Redis.
     */
    public Optional<L2Counters> l2Counters() {
        if (store instanceof HybridCacheStore hybrid) {
            return Optional.of(hybrid.l2Counters());
        }
        if (store instanceof GuardedStore guarded) {
            return Optional.of(guarded.counters());
        }
        return Optional.empty();
    }

    /**
     * Asks Redis once and tells whether it is in use, for a health check: REDIS and HYBRID read a key that
     * is never written ({@value #PROBE_KEY}; a miss in the store statistics, not in {@link #counters()}),
     * so a Redis that stopped answering is noticed even when no other call reaches it; HYBRID then reports
     * whether its L2 is in use (its circuit breaker opens after consecutive failures, so a single failed
     * probe does not yet show Redis gone). Never throws for a Redis failure; always {@code false} for MEMORY.
     */
    public boolean probeRedis() {
        if (backend == CacheBackend.MEMORY) {
            return false;
        }
        guarded("probe", () -> store.get(PROBE_KEY, ValueType.of(String.class)), Optional::empty);
        return redisAvailable.getAsBoolean();
    }

    /**
     * Removes the expired entries the in-memory store still holds (MEMORY, and L1 of HYBRID) now, rather
     * than at its next periodic cleanup: the reference's {@code memory_cache.cleanup_expired()}. Expired
     * entries are absent to reads either way; this frees their memory. Redis expires entries itself.
     *
     * @return how many entries were removed; 0 for REDIS, and for a memory store of your own that does not
     *     offer {@link ExpiringStore} (through {@link CacheStore#capability(Class)})
     */
    public long cleanupExpired() {
        return cleanup.getAsLong();
    }

    /**
     * How many operations were answered without Redis (a miss or a memory-only read, a skipped or
     * memory-only write) because Redis failed, refused the command, answered too slowly, or was kept off
     * by the circuit breaker or the bulkhead. Always 0 for MEMORY; for HYBRID the same count as
     * {@link HybridCacheStore#l2Failures()}.
     */
    public long failures() {
        return failures.sum() + degraded.getAsLong();
    }

    /** Releases the stores and connections this service opened. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (refreshing) {
            if (ownRefreshExecutor != null) {
                ownRefreshExecutor.shutdownNow();
            }
        }
        List<AutoCloseable> reversed = new ArrayList<>(owned);
        Collections.reverse(reversed);
        for (AutoCloseable resource : reversed) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed", resource.getClass().getSimpleName(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "ChatCacheService[backend=" + backend + ", defaultTtl=" + defaultTtl + "]";
    }

    /** How many {@code getOrLoad} loads are running; for tests. */
    int inFlightLoads() {
        return loads.running();
    }

    /** How many {@code getOrLoad} callers wait for a load of this instance that another caller runs; for tests. */
    int loadWaiters() {
        return loads.waiting();
    }

    /** How many background refreshes are queued or running; for tests. */
    int refreshesInFlight() {
        return refreshing.size();
    }

    private void storeLoaded(String key, Object value, Duration ttl, double jitter) {
        try {
            write(key, value, ttl, jitter);
        } catch (SerializationException | InvalidInputException e) {
            // The key and TTL were checked before loading, so only the value can be refused (too large
            // for the store): the caller still gets what it loaded.
            LOG.warn("Loaded value for key {} could not be cached; returning it uncached: {}", LogText.escape(key),
                    LogText.escape(e.getMessage()));
        }
    }

    private void storeAbsent(String key, Duration negative, double jitter) {
        Duration ttl = jittered(negative, jitter);
        try {
            guarded("set", () -> {
                store.put(key, ABSENT_MARKER, ttl);
                puts.increment();
                return null;
            }, () -> null);
        } catch (SerializationException | InvalidInputException e) {
            LOG.warn("Absence of key {} could not be cached: {}", LogText.escape(key), LogText.escape(e.getMessage()));
        }
    }

    private <R> R guarded(String operation, Supplier<R> call, Supplier<R> fallback) {
        if (!guardFailures) {
            return call.get();
        }
        try {
            R result = call.get();
            if (failing.compareAndSet(true, false)) {
                LOG.info("Redis answers again; cache operations use it again");
            }
            return result;
        } catch (CacheUnavailableException e) {
            // Whose fault a failure is was decided once, by the GuardedStore's L2Gateway (as for the hybrid's
            // L2): Redis's failures and refusals arrive here as CacheUnavailableException, while what
            // retrying cannot fix (SerializationException, CacheConfigurationException, bad input) passes
            // through to the caller untouched.
            failures.increment();
            if (failing.compareAndSet(false, true)) {
                LOG.warn("Redis unavailable during {}: reads miss and writes are skipped until it answers: {}",
                        operation, LogText.escape(e.getMessage()));
            }
            return fallback.get();
        }
    }

    /** The {@link TypedCache} of {@link #typed(ValueType)}. */
    private record View<V>(ChatCacheService service, ValueType<V> type) implements TypedCache<V> {

        @Override
        public Optional<V> get(String key) {
            return service.read(key, type);
        }

        @Override
        public V get(String key, V defaultValue) {
            return service.read(key, type).orElse(defaultValue);
        }

        @Override
        public void set(String key, V value) {
            service.set(key, value);
        }

        @Override
        public void set(String key, V value, Duration ttl) {
            service.set(key, value, ttl);
        }

        @Override
        public V getOrLoad(String key, Supplier<? extends V> loader) {
            return service.load(key, type, loader, LoadOptions.defaults());
        }

        @Override
        public V getOrLoad(String key, Supplier<? extends V> loader, Duration ttl) {
            return service.load(key, type, loader, LoadOptions.ttl(ttl));
        }

        @Override
        public V getOrLoad(String key, Supplier<? extends V> loader, LoadOptions options) {
            return service.load(key, type, loader, options);
        }

        @Override
        public String toString() {
            return "TypedCache[" + type + "]";
        }
    }

    /** What a backend is made of once opened. */
    record Wiring(CacheBackend backend, CacheStore store, Supplier<Map<String, CacheStats>> stats,
                  BooleanSupplier redisAvailable, LongSupplier cleanup, List<AutoCloseable> owned,
                  LongSupplier degraded) {
    }

    /** How to clean up expired entries of {@code memory}: through {@link ExpiringStore} if it offers it. */
    static LongSupplier cleanupOf(CacheStore memory) {
        return memory.capability(ExpiringStore.class).<LongSupplier>map(expiring -> expiring::cleanupExpired)
                .orElse(() -> 0);
    }

    /**
     * Options of a {@link ChatCacheService}, mirroring the reference's constructor. Each option may be
     * set once (a second call throws {@link IllegalStateException} naming the first value, except the
     * Redis settings, which merge);
     * {@link #build()} checks that the options fit together and leaves the builder reusable.
     */
    public static final class Builder {
        private CacheBackend backend;
        private Long maxMemorySize;
        private Duration defaultTtl;
        private final Map<String, String> redisEnvironment = new TreeMap<>();
        private CacheStore memoryStore;
        private CacheStore l2Store;
        private InvalidationBus invalidationBus;
        private Duration l1TtlCeiling;
        private Integer breakerFailureThreshold;
        private Duration breakerOpenDuration;
        private Duration cleanupInterval;
        private Serializer serializer;
        private EvictionPolicy evictionPolicy;
        private Boolean checkValues;
        private Duration negativeTtl;
        private Double ttlJitter;
        private DoubleSupplier jitterSource;
        private Duration loadLease;
        private Executor refreshExecutor;
        private Function<String, Optional<CacheStoreProvider>> adapters = AdapterLookup.SERVICE_LOADER;

        private Builder() {
        }

        /** The backend; default {@link CacheBackend#MEMORY}. */
        public Builder backend(CacheBackend backend) {
            CacheInputs.requireNonNull(backend, "backend");
            CacheInputs.requireUnset("backend", this.backend);
            this.backend = backend;
            return this;
        }

        /** The bound on in-memory entries (MEMORY, and L1 of HYBRID); default 1000, at least 1. */
        public Builder maxMemorySize(long maxMemorySize) {
            CacheInputs.requireAtLeastOne(maxMemorySize, "maxMemorySize");
            CacheInputs.requireUnset("maxMemorySize", this.maxMemorySize);
            this.maxMemorySize = maxMemorySize;
            return this;
        }

        /** The TTL of writes that give none; default one hour; positive or {@link CacheStore#NO_EXPIRY}. */
        public Builder defaultTtl(Duration defaultTtl) {
            CacheInputs.requireTtl(defaultTtl);
            CacheInputs.requireUnset("defaultTtl", this.defaultTtl);
            this.defaultTtl = defaultTtl;
            return this;
        }

        /**
         * The Redis server, as the reference's {@code redis_config} / {@code init_redis_cache(host, port,
         * password)}: sets {@code REDIS_HOST}, {@code REDIS_PORT} and, if not null, {@code REDIS_PASSWORD}
         * of the Redis settings. The Redis adapter checks them when the service is built.
         */
        public Builder redis(String host, int port, String password) {
            CacheInputs.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new InvalidInputException("host", "must not be blank");
            }
            if (port < 1 || port > 65535) {
                throw new InvalidInputException("port", "must be 1 to 65535, was " + port);
            }
            redisEnvironment.put("REDIS_HOST", host);
            redisEnvironment.put("REDIS_PORT", Integer.toString(port));
            if (password != null) {
                redisEnvironment.put("REDIS_PASSWORD", password);
            }
            return this;
        }

        /**
         * Redis settings as environment variables ({@code REDIS_HOST}, {@code REDIS_PORT},
         * {@code REDIS_PASSWORD}, {@code REDIS_DB}, {@code REDIS_URL}, ...; see the Redis adapter).
         * Variables not starting with {@code REDIS_} are ignored. Merges with earlier Redis settings, the
         * later value of a variable winning.
         */
        public Builder redisEnvironment(Map<String, String> environment) {
            CacheInputs.requireNonNull(environment, "environment");
            environment.forEach((name, value) -> {
                if (name != null && name.startsWith("REDIS_") && value != null) {
                    redisEnvironment.put(name, value);
                }
            });
            return this;
        }

        /**
         * A store of your own for MEMORY, or as L1 of HYBRID, instead of the memory adapter's. The service
         * does not close it; {@link #maxMemorySize} does not apply to it.
         */
        public Builder memoryStore(CacheStore store) {
            CacheInputs.requireNonNull(store, "memoryStore");
            CacheInputs.requireUnset("memoryStore", this.memoryStore);
            this.memoryStore = store;
            return this;
        }

        /**
         * A shared store of your own (usually a Redis store you built) for REDIS, or as L2 of HYBRID,
         * instead of one opened from the Redis settings. The service does not close it.
         */
        public Builder l2Store(CacheStore store) {
            CacheInputs.requireNonNull(store, "l2Store");
            CacheInputs.requireUnset("l2Store", this.l2Store);
            this.l2Store = store;
            return this;
        }

        /**
         * The bus that keeps the L1 stores of HYBRID instances coherent, with {@link #l2Store}. Without it,
         * a handed-in L2 runs without a bus (right for a single instance only). The service does not
         * close it. Give each service a bus of its own: messages carrying the bus's instance id are taken
         * as the service's own and ignored, so two services on one bus would miss each other's changes.
         */
        public Builder invalidationBus(InvalidationBus bus) {
            CacheInputs.requireNonNull(bus, "invalidationBus");
            CacheInputs.requireUnset("invalidationBus", this.invalidationBus);
            this.invalidationBus = bus;
            return this;
        }

        /**
         * HYBRID: the longest an entry lives in the in-memory L1, whatever its TTL in Redis. It bounds how
         * long an instance can serve a stale copy if an invalidation message is lost unnoticed. Default
         * five minutes ({@link HybridCacheStore.Builder#DEFAULT_L1_TTL_CEILING}).
         */
        public Builder l1TtlCeiling(Duration ceiling) {
            CacheInputs.requireTtl(ceiling);
            CacheInputs.requireUnset("l1TtlCeiling", this.l1TtlCeiling);
            this.l1TtlCeiling = ceiling;
            return this;
        }

        /**
         * REDIS and HYBRID: the circuit breaker in front of Redis: it opens after {@code failureThreshold} consecutive
         * Redis failures or timeouts (default {@link HybridCacheStore.Builder#DEFAULT_FAILURE_THRESHOLD}) and then
         * keeps calls off Redis for {@code openDuration} (default {@link HybridCacheStore.Builder#DEFAULT_OPEN_DURATION})
         * before one probe call.
         *
         * @throws InvalidInputException if the threshold is below 1 or the duration not positive
         */
        public Builder breaker(int failureThreshold, Duration openDuration) {
            CacheInputs.requireAtLeastOne(failureThreshold, "failureThreshold");
            CacheInputs.requirePositive(openDuration, "openDuration");
            CacheInputs.requireUnset("breaker", this.breakerFailureThreshold);
            this.breakerFailureThreshold = failureThreshold;
            this.breakerOpenDuration = openDuration;
            return this;
        }

        /**
         * MEMORY and HYBRID: how often the memory store the service builds sweeps its expired entries
         * (expired entries are never served either way; the sweep frees their memory). Default five
         * minutes, as the reference; {@link Duration#ZERO} for never. Whole seconds.
         *
         * @throws InvalidInputException if null, negative or not a whole number of seconds
         */
        public Builder cleanupInterval(Duration interval) {
            CacheInputs.requireNonNull(interval, "cleanupInterval");
            if (interval.isNegative() || interval.getNano() != 0) {
                throw new InvalidInputException("cleanupInterval", "must be a whole number of seconds, 0 or more "
                        + "(Duration.ZERO disables the cleanup), was " + interval);
            }
            CacheInputs.requireUnset("cleanupInterval", this.cleanupInterval);
            this.cleanupInterval = interval;
            return this;
        }

        /**
         * REDIS and HYBRID: how the Redis store the service opens turns values into bytes (default: the
         * Redis adapter's {@code JacksonSerializer.create()}). The hook for Jackson modules of your own,
         * without this module depending on Jackson, also with the environment: <pre>{@code
         * ChatCacheService.builderFromEnvironment(System.getenv())
         *         .serializer(JacksonSerializer.builder().addModule(new MyModule()).build())
         *         .build();
         * }</pre>
         * MEMORY: the serializer of the value check ({@link #checkValues}), so that it checks what your Redis
         * configuration would write. Not with a handed-in {@link #l2Store}, which has its own.
         */
        public Builder serializer(Serializer serializer) {
            CacheInputs.requireNonNull(serializer, "serializer");
            CacheInputs.requireUnset("serializer", this.serializer);
            this.serializer = serializer;
            return this;
        }

        /**
         * MEMORY and HYBRID: the eviction policy of the memory store the service builds (the L1 of HYBRID):
         * {@link EvictionPolicy#LRU} by default, or {@link EvictionPolicy#ADAPTIVE}, frequency-aware.
         *
         * @throws InvalidInputException if null
         */
        public Builder evictionPolicy(EvictionPolicy policy) {
            CacheInputs.requireNonNull(policy, "evictionPolicy");
            CacheInputs.requireUnset("evictionPolicy", this.evictionPolicy);
            this.evictionPolicy = policy;
            return this;
        }

        /**
         * Whether {@link ChatCacheService#set} (and the values {@code getOrLoad} stores) first checks that the
         * value survives the serializer, written and read back as its own type, and refuses it with
         * {@link SerializationException} if not. Default: on for {@link CacheBackend#MEMORY}, off for REDIS and
         * HYBRID (Redis serializes every write anyway).
         *
         * <p>It closes the gap between the memory store, which keeps any object, and Redis, which keeps only
         * what the serializer can write and read: code that works on MEMORY in development then works on Redis
         * in production. The serializer is {@link #serializer} if set, else the Redis adapter's default
         * ({@code JacksonSerializer.create()}) when the adapter is on the class path; without either the default
         * check is skipped, and {@code checkValues(true)} fails the build. The cost is one write and one read
         * through the serializer per {@code set}, some 20 times an unchecked MEMORY {@code set} for a small record
         * with Jackson (cache-bench's {@code ServiceSetBenchmark}); reads never pay it. The check does not copy: the memory store still keeps (and returns) the instance given, see
         * {@link CacheStore} on sharing.
         */
        public Builder checkValues(boolean check) {
            CacheInputs.requireUnset("checkValues", this.checkValues);
            this.checkValues = check;
            return this;
        }

        /**
         * Turns on negative caching: when a {@code getOrLoad} loader (also of {@link TypedCache} and the
         * {@link Memoizer}) returns {@code null}, the key is stored as absent ({@link ChatCacheService#ABSENT_MARKER})
         * for {@code ttl}, so that a row missing in the database is not looked up on every request. Keep it short
         * (seconds to a minute): until it ends, a row added to the database stays unseen unless the key is
         * {@linkplain ChatCacheService#set set} or {@linkplain ChatCacheService#delete deleted}. Default: off.
         *
         * <p>{@code getOrLoad} finds the marker in the same single read that finds a value ({@code getOrLoadAll}
         * in the same single bulk read that finds the values): the stores this
         * library builds recognise it before decoding ({@link io.chatcache.core.ReservedValueReads}), so a cached
         * absence is a clean hit (no store error, no failure, nothing logged). A store of your own without that
         * capability is read as the type and then once more as a string (in bulk for {@code getOrLoadAll}), and
         * counts the first read as an error.
         * A plain {@code get} of such a key as another type still reads a miss that the store counts as an error
         * in its statistics (a value not of the requested type).
         *
         * @throws InvalidInputException if {@code ttl} is null, not positive, or {@link CacheStore#NO_EXPIRY}
         */
        public Builder negativeTtl(Duration ttl) {
            requireNegativeTtl(ttl);
            CacheInputs.requireUnset("negativeTtl", this.negativeTtl);
            this.negativeTtl = ttl;
            return this;
        }

        /**
         * REDIS and HYBRID: the TTL of the lease a load takes so that one instance loads a key while the others wait
         * (see {@link ChatCacheService#getOrLoad(String, Class, Supplier, LoadOptions)}), which is also the longest
         * a caller waits for another instance's load before loading itself. Make it longer than a typical load and
         * as short as a caller may wait. Default {@link ChatCacheService#DEFAULT_LOAD_LEASE}.
         *
         * @throws InvalidInputException if {@code ttl} is null, not positive, or {@link CacheStore#NO_EXPIRY}
         */
        public Builder loadLease(Duration ttl) {
            LoadLeases.requireLeaseTtl(ttl);
            CacheInputs.requireUnset("loadLease", this.loadLease);
            this.loadLease = ttl;
            return this;
        }

        /**
         * Where the background reloads of refresh-ahead ({@link LoadOptions#refreshAhead}) run. Default: the
         * service's own pool of {@value ChatCacheService#REFRESH_THREADS} daemon threads (made on first use, at
         * most {@value ChatCacheService#REFRESH_QUEUE} refreshes queued), stopped by {@link ChatCacheService#close()}.
         * An executor handed in is not shut down by the service; after {@code close()} the service gives it no more
         * work and a refresh still running stores nothing.
         *
         * @throws InvalidInputException if null
         */
        public Builder refreshExecutor(Executor executor) {
            CacheInputs.requireNonNull(executor, "refreshExecutor");
            CacheInputs.requireUnset("refreshExecutor", this.refreshExecutor);
            this.refreshExecutor = executor;
            return this;
        }

        /**
         * Randomises the TTL of every write of the service ({@code set}, loaded values and cached absences) by up
         * to {@code fraction} either way, uniformly: with {@code 0.1} an entry given one hour lives 54 to 66
         * minutes, so that entries written together do not all expire (and reload) together. {@code NO_EXPIRY}
         * is never changed. Default 0 (off).
         *
         * @throws InvalidInputException if {@code fraction} is not in [0, {@link ChatCacheService#MAX_TTL_JITTER}]
         */
        public Builder ttlJitter(double fraction) {
            requireJitter(fraction);
            CacheInputs.requireUnset("ttlJitter", this.ttlJitter);
            this.ttlJitter = fraction;
            return this;
        }

        /** Where the jitter's uniform numbers in [0, 1) come from; a seam for tests. */
        Builder jitterSource(DoubleSupplier source) {
            this.jitterSource = CacheInputs.requireNonNull(source, "jitterSource");
            return this;
        }

        /** How adapters are found by name; a seam for tests. */
        Builder adapters(Function<String, Optional<CacheStoreProvider>> adapters) {
            this.adapters = CacheInputs.requireNonNull(adapters, "adapters");
            return this;
        }

        /**
         * Opens the stores and returns the service.
         *
         * @throws CacheConfigurationException if options conflict, the Redis settings are invalid or the
         *     backend's adapter is not on the class path (the message names the artifact to add)
         * @throws CacheUnavailableException if the backend is REDIS and Redis cannot be reached
         */
        public ChatCacheService build() {
            CacheBackend chosen = backend == null ? CacheBackend.MEMORY : backend;
            long size = maxMemorySize == null ? DEFAULT_MAX_MEMORY_SIZE : maxMemorySize;
            Duration ttl = defaultTtl == null ? DEFAULT_TTL : defaultTtl;
            if (chosen == CacheBackend.MEMORY && (l2Store != null || invalidationBus != null)) {
                throw new CacheConfigurationException("l2Store and invalidationBus are for the REDIS and HYBRID "
                        + "backends; the backend is MEMORY");
            }
            if (chosen == CacheBackend.REDIS && memoryStore != null) {
                throw new CacheConfigurationException("memoryStore is for the MEMORY and HYBRID backends; "
                        + "the backend is REDIS");
            }
            if (chosen == CacheBackend.REDIS && invalidationBus != null) {
                throw new CacheConfigurationException("invalidationBus is for the HYBRID backend; "
                        + "the backend is REDIS");
            }
            if (chosen == CacheBackend.MEMORY && breakerFailureThreshold != null) {
                throw new CacheConfigurationException("breaker is for the REDIS and HYBRID backends; the backend is "
                        + chosen);
            }
            if (chosen != CacheBackend.HYBRID && l1TtlCeiling != null) {
                throw new CacheConfigurationException("l1TtlCeiling is for the HYBRID backend; the backend is "
                        + chosen);
            }
            if (invalidationBus != null && l2Store == null) {
                throw new CacheConfigurationException("invalidationBus needs l2Store: a bus is handed in with "
                        + "the L2 store it belongs to");
            }
            if (cleanupInterval != null && (chosen == CacheBackend.REDIS || memoryStore != null)) {
                throw new CacheConfigurationException("cleanupInterval is for the memory store the service builds "
                        + "(MEMORY, or L1 of HYBRID); " + (memoryStore != null
                        ? "a handed-in memoryStore has its own" : "the backend is REDIS"));
            }
            if (evictionPolicy != null && (chosen == CacheBackend.REDIS || memoryStore != null)) {
                throw new CacheConfigurationException("evictionPolicy is for the memory store the service builds "
                        + "(MEMORY, or L1 of HYBRID); " + (memoryStore != null
                        ? "a handed-in memoryStore has its own" : "the backend is REDIS"));
            }
            Map<String, String> memoryEnvironment = new HashMap<>();
            if (cleanupInterval != null) {
                memoryEnvironment.put(EnvironmentSettings.CACHE_CLEANUP_INTERVAL,
                        Long.toString(cleanupInterval.getSeconds()));
            }
            if (evictionPolicy != null) {
                memoryEnvironment.put(EvictionPolicy.VARIABLE, evictionPolicy.name());
            }
            StoreSettings memorySettings = new StoreSettings(size, ttl, Map.copyOf(memoryEnvironment));
            if (serializer != null && l2Store != null) {
                throw new CacheConfigurationException("serializer is for the Redis store the service opens (REDIS, "
                        + "or L2 of HYBRID) and the value check; a handed-in l2Store has its own");
            }
            ValueCheck valueCheck = valueCheck(chosen);
            StoreSettings redisSettings = new StoreSettings(size, ttl, redisEnvironment, serializer);
            ChatKeyLayout keyLayout = ChatKeyLayout.fromEnvironment(redisEnvironment);
            Wiring wiring = switch (chosen) {
                case MEMORY -> ServiceWiring.memory(this, memorySettings);
                case REDIS -> ServiceWiring.redis(this, redisSettings);
                case HYBRID -> ServiceWiring.hybrid(this, memorySettings, redisSettings);
            };
            DoubleSupplier source = jitterSource != null ? jitterSource
                    : () -> ThreadLocalRandom.current().nextDouble();
            return new ChatCacheService(wiring, ttl, valueCheck, keyLayout, negativeTtl,
                    ttlJitter == null ? 0 : ttlJitter, source, loadLease == null ? DEFAULT_LOAD_LEASE : loadLease,
                    refreshExecutor);
        }

        private ValueCheck valueCheck(CacheBackend chosen) {
            boolean check = checkValues != null ? checkValues : chosen == CacheBackend.MEMORY;
            if (!check) {
                return ValueCheck.NONE;
            }
            Serializer through = serializer != null ? serializer
                    : adapters.apply("redis").flatMap(CacheStoreProvider::defaultSerializer).orElse(null);
            if (through == null && Boolean.TRUE.equals(checkValues)) {
                throw new CacheConfigurationException("checkValues(true) needs a serializer: set serializer(...) "
                        + "or add " + REDIS_ARTIFACT + " (its JacksonSerializer is the default)");
            }
            return ValueCheck.through(through);
        }

        CacheStore handedMemoryStore() {
            return memoryStore;
        }

        Duration breakerOpenDurationOrDefault() {
            return breakerOpenDuration == null ? HybridCacheStore.Builder.DEFAULT_OPEN_DURATION : breakerOpenDuration;
        }

        int breakerFailureThresholdOrDefault() {
            return breakerFailureThreshold == null ? HybridCacheStore.Builder.DEFAULT_FAILURE_THRESHOLD
                    : breakerFailureThreshold;
        }

        CacheStore handedL2Store() {
            return l2Store;
        }

        InvalidationBus handedBus() {
            return invalidationBus;
        }

        Duration l1TtlCeilingOrNull() {
            return l1TtlCeiling;
        }

        Integer breakerFailureThresholdOrNull() {
            return breakerFailureThreshold;
        }

        Duration breakerOpenDurationOrNull() {
            return breakerOpenDuration;
        }

        /** Opens the memory store, or takes the handed-in one; the list collects what must be closed. */
        CacheStore openMemory(StoreSettings settings, List<AutoCloseable> owned) {
            if (memoryStore != null) {
                return memoryStore;
            }
            ProvidedStore provided = provider("memory", MEMORY_ARTIFACT).open(settings);
            owned.add(provided);
            return provided.store();
        }

        /** The Redis provider, or a configuration error naming the artifact. */
        CacheStoreProvider redisProvider() {
            return provider("redis", REDIS_ARTIFACT);
        }

        private CacheStoreProvider provider(String name, String artifact) {
            return adapters.apply(name).orElseThrow(() -> new CacheConfigurationException(
                    "no \"" + name + "\" cache store on the class path: the " + (backend == null
                            ? CacheBackend.MEMORY : backend) + " backend needs the dependency " + artifact
                            + " (add it to your build, runtime scope is enough)"));
        }
    }

    /** Checks a negative TTL: positive and not {@link CacheStore#NO_EXPIRY}. */
    static Duration requireNegativeTtl(Duration ttl) {
        CacheInputs.requirePositive(ttl, "negativeTtl");
        if (ttl.equals(CacheStore.NO_EXPIRY)) {
            throw new InvalidInputException("negativeTtl", "must expire: an absence cached forever would hide "
                    + "a row added later");
        }
        return ttl;
    }

    /** Checks a jitter fraction: in [0, {@link #MAX_TTL_JITTER}]. */
    static double requireJitter(double fraction) {
        if (!(fraction >= 0 && fraction <= MAX_TTL_JITTER)) {
            throw new InvalidInputException("ttlJitter", "must be from 0 to " + MAX_TTL_JITTER + ", was " + fraction);
        }
        return fraction;
    }

    /** An immutable, ordered snapshot map. */
    static Map<String, CacheStats> ordered(String firstName, CacheStats first, String secondName, CacheStats second) {
        Map<String, CacheStats> map = new LinkedHashMap<>();
        map.put(firstName, first);
        map.put(secondName, second);
        return Collections.unmodifiableMap(map);
    }
}

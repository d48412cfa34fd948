package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.LoadLeases;
import io.chatcache.core.LogText;
import io.chatcache.core.PublishingStore;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.ReservedValueReads;
import io.chatcache.core.SerializationException;
import io.chatcache.core.Serializer;
import io.chatcache.core.Sharding;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;
import io.chatcache.redis.internal.ClusterShards;
import io.chatcache.redis.internal.RedisErrors;
import io.chatcache.redis.internal.RedissonClients;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RBucket;
import org.redisson.api.RBucketAsync;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RType;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * A {@link CacheStore} on Redis, through Redisson. Values are stored as the {@link Serializer}'s bytes
 * (plain UTF-8 JSON with the default {@link JacksonSerializer}) under the key {@code <namespace>:<key>}
 * (or {@code <key>} as given, with the empty namespace of the {@link RedisConfig.KeyLayout#REFERENCE
 * reference layout}), with the TTL set in the same command ({@code SET key value PX ttl}), so any other
 * client can read them and Redis holds the expiry.
 *
 * <h2>What a caller may rely on</h2>
 * <ul>
 *   <li>{@link #clear()} and {@link #deleteMatching} touch only this store's namespace: they SCAN (on
 *       every master of a cluster) for {@code <namespace>:<pattern>} and UNLINK what they find in
 *       batches of {@value #SCAN_BATCH}. They never use the KEYS command or a database-wide flush.
 *       They are not atomic: keys written while they run may survive. With an empty namespace (the
 *       reference layout) {@link #clear()} and {@link #stats()} reach only the owned key families
 *       ({@link Builder#ownedKeys(List)}, by default {@code session:*}, {@code user:*:sessions:*} and
 *       {@code search:*}), one SCAN per family, so keys of other programs in the same database are never
 *       touched; a key this store writes outside those families is then left by {@link #clear()} (reach
 *       it with {@link #deleteMatching}).</li>
 *   <li>{@link #putAll} sends one pipelined batch and is not atomic; {@link #getAll} is one round trip
 *       (below).</li>
 *   <li>Every read is one atomic round trip: {@link #get} and {@link #getEntry} run a short Lua script,
 *       {@link #getAll} and {@link #getEntries} run it once for all keys (on a single server or Sentinel; in a cluster once
 *       per key, pipelined): it reads the remaining TTL ({@code PTTL}) and
 *       the value's length ({@code STRLEN}), and the value only when it is not longer than
 *       {@link Builder#maxValueBytes(long)}. A longer value, planted by another client, is never sent:
 *       it reads as a miss, counts as an error in {@link #stats()} and is logged once per key. The ACL
 *       user thus needs {@code EVAL}/{@code EVALSHA} besides {@code GET}, {@code PTTL} and
 *       {@code STRLEN}.</li>
 *   <li>A value whose bytes exceed {@link Builder#maxValueBytes(long)} is refused with
 *       {@link InvalidInputException} before anything is written; a value the serializer cannot write
 *       throws {@link SerializationException}. In both cases the old value stays.</li>
 *   <li>Stored bytes that cannot be read as the requested type (written by another program, an old
 *       schema, a non-string key) read as a miss, count as an error in {@link #stats()} and are logged
 *       once per key (the first {@value #MAX_LOGGED_KEYS} keys; the key escaped, no part of the value);
 *       the caller never sees an exception.</li>
 *   <li>A server that cannot be reached or does not answer in time throws
 *       {@link io.chatcache.core.CacheUnavailableException} after the configured command timeout and
 *       retries; the store recovers by itself when the server is back. Refused credentials and a user
 *       the ACL does not allow on a key throw {@link CacheConfigurationException} naming the user and
 *       the key (retrying does not help).</li>
 *   <li>In a Redis Cluster the store offers {@link Sharding} through {@link #capability(Class)}: a key's
 *       shard is the master that serves its slot, named {@code slots-<lowest slot of that master>} (stable
 *       across a failover, as a {@link RedisInvalidationBus} on the same namespace names it), from the
 *       slot map of its client: read with {@code CLUSTER SLOTS} when the first store or bus on that client
 *       is built and re-read every 200 ms on one thread shared by all the stores and buses on the client,
 *       so that a store and a bus on one client name a key's shard alike at every moment (the thread
 *       stops when the last of them is closed, or when the client is shut down). On a single server or
 *       Sentinel it offers none: everything is one shard.</li>
 *   <li>{@link LoadLeases}: the lease on a key is the string key {@code <namespace>:<NUL>lease:<key>}, where
 *       {@code <NUL>} is the character U+0000 (or {@code <NUL>lease:<key>} with an empty namespace), taken with {@code SET ... NX PX} holding a random
 *       token and released by a Lua compare-and-delete. The NUL character keeps lease keys apart from every
 *       key an application writes in practice (as {@code ChatCacheService.ABSENT_MARKER} does for values)
 *       while keeping them inside the namespace, so an ACL that allows {@code ~<namespace>:*} allows them too.
 *       They are deliberately hidden: {@link #clear()}, {@link #deleteMatching} and {@link #stats()} skip them
 *       (they end with their own short TTL), and no removal listener hears of them.</li>
 *   <li>Removal listeners hear {@link RemovalCause#EXPLICIT} for {@link #delete} and for each key
 *       {@link #deleteMatching} removes, {@link RemovalCause#CLEARED} for each key {@link #clear()}
 *       removes. Redis does not tell clients of expiry, eviction or overwrites, so those are never
 *       reported.</li>
 * </ul>
 *
 * <p>Build one with {@link #builder()}, from a {@link RedisConfig} (the store owns the client it creates
 * and shuts it down on {@link #close()}) or from a {@link RedissonClient} of yours (never closed by the
 * store). Instances are thread-safe.
 */
public final class RedisCacheStore implements CacheStore, PublishingStore, LoadLeases, ReservedValueReads {

    /** The default TTL of {@link #put(String, Object)}: one hour, as in the reference. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /**
     * The default largest value, in serialised bytes: 512 KiB. Redis strings may hold 512 MiB, but a value
     * that large blocks the server and the network for every reader; a chat cache holds sessions and
     * message pages, which stay far below this.
     */
    public static final long DEFAULT_MAX_VALUE_BYTES = 512 * 1024;
    /** Keys per SCAN page and per UNLINK batch (a tuning constant, not API). */
    static final int SCAN_BATCH = 500;
    /** How many distinct unreadable keys are logged one by one before the store stops logging them. */
    static final int MAX_LOGGED_KEYS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(RedisCacheStore.class);
    /**
     * Reads, for each key, its remaining TTL and, when its value is not longer than ARGV[1] bytes, the
     * value; else only its length. One atomic round trip that never sends an oversized value over the
     * network; a non-string key fails in STRLEN with WRONGTYPE. Replies two entries per key:
     * {@code -2, 0} for a missing key, {@code ttl, length} (an integer) for an oversized value,
     * {@code ttl, value} otherwise.
     */
    private static final String BOUNDED_GET = String.join("\n",
            "local limit = tonumber(ARGV[1])",
            "local out = {}",
            "for i, key in ipairs(KEYS) do",
            "  local ttl = redis.call('PTTL', key)",
            "  out[2 * i - 1] = ttl",
            "  if ttl == -2 then",
            "    out[2 * i] = 0",
            "  else",
            "    local length = redis.call('STRLEN', key)",
            "    if length > limit then out[2 * i] = length else out[2 * i] = redis.call('GET', key) end",
            "  end",
            "end",
            "return out");
    /** Deletes KEYS[1] only if it holds ARGV[1]: a lease released by its holder alone. */
    private static final String RELEASE_LEASE = String.join("\n",
            "if redis.call('GET', KEYS[1]) == ARGV[1] then",
            "  return redis.call('DEL', KEYS[1])",
            "end",
            "return 0");
    /** What comes between the store's prefix and a key in the Redis key of the key's lease. */
    static final String LEASE_INFIX = "\u0000lease:";
    /** Redis refuses expiry times that overflow its clock; a century is "forever" for a cache. */
    private static final Duration LONGEST_TTL = Duration.ofDays(36_500);

    private final RedissonClient client;
    private final boolean ownsClient;
    private final String namespace;
    /** The SCAN patterns of clear() and stats(): the namespace, or the owned families if it is empty. */
    private final List<String> ownedMatches;
    private final String prefix;
    private final String escapedPrefix;
    /** The start of every lease key of this store: {@code <prefix><NUL>lease:}. */
    private final String leasePrefix;
    private final Serializer serializer;
    private final Duration defaultTtl;
    private final long maxValueBytes;
    /** {@link #maxValueBytes} as the script argument (the client's codec writes bytes). */
    private final byte[] maxValueBytesArgument;
    private final String where;
    private final String user;
    /** This store's share of the client's slot map, or null outside a cluster. */
    private final ClusterShards.Handle shardsHandle;
    /** The client's slot map (shared with the other stores and buses on the client), or null outside a cluster. */
    private final ClusterShards clusterShards;
    /** {@link #clusterShards} for keys without the namespace prefix, or null outside a cluster. */
    private final Sharding keySharding;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final List<RemovalListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> loggedUnreadableKeys = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean unreadableLogFull = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisCacheStore(Builder builder, RedissonClient client, boolean ownsClient, String where, String user) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.namespace = builder.namespace();
        this.prefix = namespace.isEmpty() ? "" : namespace + ":";
        this.escapedPrefix = KeyPattern.escape(prefix);
        this.leasePrefix = prefix + LEASE_INFIX;
        this.ownedMatches = namespace.isEmpty() ? builder.ownedKeys() : List.of(escapedPrefix + "*");
        this.serializer = builder.serializer();
        this.defaultTtl = builder.defaultTtl;
        this.maxValueBytes = builder.maxValueBytes;
        this.maxValueBytesArgument = Long.toString(maxValueBytes).getBytes(StandardCharsets.US_ASCII);
        this.where = where;
        this.user = user;
        if (client.getConfig().isClusterConfig()) {
            Duration deadline = builder.config != null ? builder.config.timeout()
                    : Duration.ofMillis(Math.max(100, client.getConfig().useClusterServers().getTimeout() * 10L / 9));
            this.shardsHandle = ClusterShards.acquire(client, deadline);
            this.clusterShards = shardsHandle.shards();
            this.keySharding = clusterShards.withPrefix(prefix);
        } else {
            this.shardsHandle = null;
            this.clusterShards = null;
            this.keySharding = null;
        }
    }

    /** A builder; give it a {@link RedisConfig} or a {@link RedissonClient}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A store on the servers of {@code config}, with the defaults otherwise; shorthand for
     * {@code builder().config(config).build()}.
     *
     * @throws io.chatcache.core.CacheUnavailableException if Redis cannot be reached now
     * @throws CacheConfigurationException if Redis refuses the credentials
     */
    public static RedisCacheStore create(RedisConfig config) {
        return builder().config(config).build();
    }

    /**
     * The namespace: every key of this store is {@code <namespace>:<key>} in Redis; empty (keys stored as
     * given) only in the reference layout.
     */
    public String namespace() {
        return namespace;
    }

    /** The Redis key under which {@code key} is stored: {@code <namespace>:<key>}, or {@code key}. */
    String redisKey(String key) {
        return prefix + CacheInputs.requireKey(key);
    }

    /**
     * Offers {@link Sharding} in a Redis Cluster (a key's shard, as the class comment says), besides what
     * the store is ({@link PublishingStore}); on a single server or Sentinel no {@link Sharding}.
     *
     * @throws InvalidInputException if {@code capability} is null
     */
    @Override
    public <C> Optional<C> capability(Class<C> capability) {
        CacheInputs.requireNonNull(capability, "capability");
        if (capability == Sharding.class && keySharding != null) {
            return Optional.of(capability.cast(keySharding));
        }
        return CacheStore.super.capability(capability);
    }

    /** For tests: the cluster's slot map, or null outside a cluster. */
    ClusterShards clusterShards() {
        return clusterShards;
    }

    @Override
    public <T> Optional<T> get(String key, ValueType<T> type) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        ensureOpen();
        return readBounded(key, type).map(CacheEntry::value);
    }

    /** Reads the value and its remaining TTL ({@code PTTL}) in one atomic round trip. */
    @Override
    public <T> Optional<CacheEntry<T>> getEntry(String key, ValueType<T> type) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        ensureOpen();
        return readBounded(key, type);
    }

    /**
     * Like {@link #getEntry} (one round trip), except that a stored value whose bytes are exactly those the
     * serializer writes for {@code reserved} is a hit returned as {@code reserved}, without decoding it as
     * {@code type}: not an unreadable value (a miss, an error and a warning).
     */
    @Override
    public <T> Optional<CacheEntry<Object>> getEntryOrReserved(String key, ValueType<T> type, String reserved) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        CacheInputs.requireNonNull(reserved, "reserved");
        ensureOpen();
        return readBounded(key, type, reserved).map(ReservedValueReads::widen);
    }

    /** Reads one key with {@link #BOUNDED_GET}: a miss if absent, unreadable or over maxValueBytes. */
    private <T> Optional<CacheEntry<T>> readBounded(String key, ValueType<T> type) {
        return readBounded(key, type, null);
    }

    /**
     * {@link #readBounded(String, ValueType)}, where a value serialised exactly as {@code reserved} (null for none)
     * is returned as that string: the caller of this form takes the value as an {@code Object}.
     */
    private <T> Optional<CacheEntry<T>> readBounded(String key, ValueType<T> type, String reserved) {
        List<Object> reply;
        try {
            reply = client.getScript(ByteArrayCodec.INSTANCE).eval(redisKey(key), RScript.Mode.READ_ONLY,
                    BOUNDED_GET, RScript.ReturnType.LIST, List.of(redisKey(key)), maxValueBytesArgument);
        } catch (RuntimeException e) {
            if (isWrongType(e)) {
                return unreadable(key, type, e);
            }
            throw failure(e, "GET+PTTL", key);
        }
        return decodeBounded(key, reply, 0, type, reserved);
    }

    /**
     * Decodes the key at {@code index} of a {@link #BOUNDED_GET} reply, recognising {@code reserved} (null for
     * none).
     */
    private <T> Optional<CacheEntry<T>> decodeBounded(String key, List<Object> reply, int index, ValueType<T> type,
                                                      String reserved) {
        long remainingMillis = ((Number) reply.get(2 * index)).longValue();
        Object valueOrLength = reply.get(2 * index + 1);
        if (remainingMillis == -2) {
            misses.increment();
            return Optional.empty();
        }
        if (valueOrLength instanceof Number length) {
            return oversized(key, type, length.longValue());
        }
        Optional<T> decoded = reserved != null && isReserved((byte[]) valueOrLength, reserved)
                ? Optional.of(reservedAsT(reserved)) : decode(key, (byte[]) valueOrLength, type);
        Duration remaining = remainingMillis < 0 ? NO_EXPIRY : Duration.ofMillis(Math.max(1, remainingMillis));
        return decoded.map(value -> new CacheEntry<>(value, remaining));
    }

    @Override
    public void put(String key, Object value) {
        put(key, value, defaultTtl);
    }

    @Override
    public void put(String key, Object value, Duration ttl) {
        CacheInputs.requireKey(key);
        CacheInputs.requireValue(value);
        CacheInputs.requireTtl(ttl);
        ensureOpen();
        byte[] bytes = encode(key, value);
        try {
            if (neverExpires(ttl)) {
                bucket(key).set(bytes);
            } else {
                bucket(key).set(bytes, pxTtl(ttl));
            }
        } catch (RuntimeException e) {
            throw failure(e, "SET", key);
        }
    }

    /**
     * True for a {@link RedisInvalidationBus} on this store's own client, when that client talks to one
     * server (single or Sentinel): then the write and the message go out in one pipelined batch. In a
     * cluster the two would go to different masters at once, so the store writes first and the caller
     * publishes after.
     */
    @Override
    public boolean publishesOn(InvalidationBus bus) {
        return bus instanceof RedisInvalidationBus redisBus && redisBus.carriesWritesOf(client);
    }

    /**
     * Writes the value ({@code SET ... PX}) and publishes the key's invalidation on {@code bus} in one
     * pipelined batch, one round trip: Redis runs the write, then the {@code PUBLISH}. The batch is the
     * bus's, so the message keeps its place in the bus's order; writes from several threads share
     * batches.
     *
     * @throws IllegalArgumentException if {@link #publishesOn} is false for {@code bus}
     * @throws io.chatcache.core.CacheUnavailableException if Redis cannot be reached; the write and the
     *     message may or may not have happened
     */
    @Override
    public Invalidation putAndPublish(String key, Object value, Duration ttl, InvalidationBus bus) {
        CacheInputs.requireKey(key);
        CacheInputs.requireValue(value);
        CacheInputs.requireTtl(ttl);
        CacheInputs.requireNonNull(bus, "bus");
        if (!publishesOn(bus)) {
            throw new IllegalArgumentException("this RedisCacheStore cannot publish on " + bus
                    + "; check publishesOn(bus) first");
        }
        ensureOpen();
        byte[] bytes = encode(key, value);
        String redisKey = redisKey(key);
        boolean forever = neverExpires(ttl);
        Duration px = forever ? null : pxTtl(ttl);
        CompletableFuture<Invalidation> sent = ((RedisInvalidationBus) bus).publishAfter(pipeline -> {
            RBucketAsync<byte[]> bucket = pipeline.getBucket(redisKey, ByteArrayCodec.INSTANCE);
            return forever ? bucket.setAsync(bytes) : bucket.setAsync(bytes, px);
        }, redisKey, Invalidation.Kind.KEY, key);
        try {
            return sent.join();
        } catch (CompletionException e) {
            errors.increment();
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    @Override
    public boolean delete(String key) {
        CacheInputs.requireKey(key);
        ensureOpen();
        boolean removed;
        try {
            removed = bucket(key).unlink();
        } catch (RuntimeException e) {
            throw failure(e, "UNLINK", key);
        }
        if (removed) {
            notifyRemoval(key, RemovalCause.EXPLICIT);
        }
        return removed;
    }

    /**
     * Takes the lease on {@code key}: {@code SET <namespace>:<NUL>lease:<key> <random token> NX PX <ttl>}, one
     * round trip with the store's command deadline.
     */
    @Override
    public Optional<Lease> tryAcquire(String key, Duration ttl) {
        CacheInputs.requireKey(key);
        LoadLeases.requireLeaseTtl(ttl);
        ensureOpen();
        String token = UUID.randomUUID().toString();
        boolean taken;
        try {
            taken = client.getBucket(leaseKey(key), StringCodec.INSTANCE).setIfAbsent(token, pxTtl(ttl));
        } catch (RuntimeException e) {
            throw leaseFailure(e, "SET NX PX (lease)", key);
        }
        return taken ? Optional.of(new Lease(key, token, ttl)) : Optional.empty();
    }

    /** Releases the lease with a Lua compare-and-delete: one round trip with the store's command deadline. */
    @Override
    public boolean release(Lease lease) {
        CacheInputs.requireNonNull(lease, "lease");
        ensureOpen();
        String leaseKey = leaseKey(lease.key());
        Long deleted;
        try {
            deleted = client.getScript(StringCodec.INSTANCE).eval(leaseKey, RScript.Mode.READ_WRITE, RELEASE_LEASE,
                    RScript.ReturnType.LONG, List.of(leaseKey), lease.token());
        } catch (RuntimeException e) {
            throw leaseFailure(e, "EVAL (lease release)", lease.key());
        }
        return deleted != null && deleted > 0;
    }

    /** The Redis key of the lease on {@code key}. */
    String leaseKey(String key) {
        return leasePrefix + CacheInputs.requireKey(key);
    }

    private RuntimeException leaseFailure(RuntimeException e, String operation, String key) {
        errors.increment();
        return RedisErrors.translate(e, operation, leaseKey(key), where, user);
    }

    /** Whether {@code redisKey} is one of this store's lease keys, which scans skip. */
    private boolean isLease(String redisKey) {
        return redisKey.startsWith(leasePrefix);
    }

    @Override
    public long deleteMatching(KeyPattern pattern) {
        CacheInputs.requireNonNull(pattern, "pattern");
        ensureOpen();
        return scanAndUnlink(escapedPrefix + pattern.pattern(), RemovalCause.EXPLICIT, "deleteMatching");
    }

    @Override
    public void clear() {
        ensureOpen();
        for (String match : ownedMatches) {
            scanAndUnlink(match, RemovalCause.CLEARED, "clear");
        }
    }

    @Override
    public <T> Map<String, T> getAll(Collection<String> keys, ValueType<T> type) {
        Map<String, T> found = new LinkedHashMap<>();
        readAllBounded("getAll", keys, type, null).forEach((key, entry) -> found.put(key, entry.value()));
        return found;
    }

    /**
     * Reads every key with its remaining TTL ({@code PTTL}) in one round trip, bounded by
     * {@link Builder#maxValueBytes(long)} as {@link #getAll} is.
     */
    @Override
    public <T> Map<String, CacheEntry<T>> getEntries(Collection<String> keys, ValueType<T> type) {
        return readAllBounded("getEntries", keys, type, null);
    }

    /**
     * Like {@link #getEntries} (one round trip), except that a stored value whose bytes are exactly those the
     * serializer writes for {@code reserved} is a hit returned as {@code reserved}, without decoding it as
     * {@code type}, as {@link #getEntryOrReserved} does for one key.
     */
    @Override
    public <T> Map<String, CacheEntry<Object>> getEntriesOrReserved(Collection<String> keys, ValueType<T> type,
                                                                    String reserved) {
        CacheInputs.requireNonNull(reserved, "reserved");
        Map<String, CacheEntry<Object>> found = new LinkedHashMap<>();
        readAllBounded("getEntries", keys, type, reserved)
                .forEach((key, entry) -> found.put(key, ReservedValueReads.widen(entry)));
        return found;
    }

    /**
     * Reads the keys with {@link #BOUNDED_GET}: one script run for all keys on one server; in a cluster, where
     * keys live in different slots, one per key in a pipelined batch. Absent, unreadable and oversized values
     * are missing from the result. A value serialised exactly as {@code reserved} (null for none) is returned as
     * that string: the caller of that form takes the values as {@code Object}s.
     */
    private <T> Map<String, CacheEntry<T>> readAllBounded(String operation, Collection<String> keys,
            ValueType<T> type, String reserved) {
        CacheInputs.requireNonNull(keys, "keys");
        CacheInputs.requireNonNull(type, "type");
        keys.forEach(CacheInputs::requireKey);
        ensureOpen();
        Set<String> distinct = new LinkedHashSet<>(keys);
        Map<String, CacheEntry<T>> found = new LinkedHashMap<>();
        if (distinct.isEmpty()) {
            return found;
        }
        boolean oneRun = !client.getConfig().isClusterConfig();
        RBatch batch = oneRun ? null : client.createBatch(BatchOptions.defaults());
        RScriptAsync script = oneRun ? null : batch.getScript(ByteArrayCodec.INSTANCE);
        Map<String, RFuture<List<Object>>> replies = new LinkedHashMap<>();
        List<Object> all = null;
        try {
            if (oneRun) {
                List<Object> redisKeys = new ArrayList<>(distinct.size());
                distinct.forEach(key -> redisKeys.add(redisKey(key)));
                all = client.getScript(ByteArrayCodec.INSTANCE).eval(redisKeys.get(0).toString(),
                        RScript.Mode.READ_ONLY, BOUNDED_GET, RScript.ReturnType.LIST, redisKeys, maxValueBytesArgument);
            } else {
                for (String key : distinct) {
                    replies.put(key, script.evalAsync(redisKey(key), RScript.Mode.READ_ONLY, BOUNDED_GET,
                            RScript.ReturnType.LIST, List.of(redisKey(key)), maxValueBytesArgument));
                }
                batch.execute();
            }
        } catch (RuntimeException e) {
            if (!isWrongType(e)) {
                throw failure(e, "GET+PTTL (" + operation + " of " + distinct.size() + ")", null);
            }
            // A foreign non-string key in the namespace fails the whole pipeline; read one by one so
            // that only that key reads as a miss.
            for (String key : distinct) {
                readBounded(key, type, reserved).ifPresent(entry -> found.put(key, entry));
            }
            return found;
        }
        int index = 0;
        for (String key : distinct) {
            Optional<CacheEntry<T>> entry = all != null ? decodeBounded(key, all, index, type, reserved)
                    : decodeBounded(key, result(replies.get(key)), 0, type, reserved);
            entry.ifPresent(e -> found.put(key, e));
            index++;
        }
        return found;
    }

    @Override
    public void putAll(Map<String, ?> entries, Duration ttl) {
        CacheInputs.requireNonNull(entries, "entries");
        CacheInputs.requireTtl(ttl);
        entries.forEach((key, value) -> {
            CacheInputs.requireKey(key);
            CacheInputs.requireValue(value);
        });
        ensureOpen();
        if (entries.isEmpty()) {
            return;
        }
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        entries.forEach((key, value) -> encoded.put(key, encode(key, value)));
        RBatch batch = client.createBatch(BatchOptions.defaults());
        boolean forever = neverExpires(ttl);
        Duration px = forever ? null : pxTtl(ttl);
        encoded.forEach((key, bytes) -> {
            RBucketAsync<byte[]> bucket = batch.getBucket(redisKey(key), ByteArrayCodec.INSTANCE);
            if (forever) {
                bucket.setAsync(bytes);
            } else {
                bucket.setAsync(bytes, px);
            }
        });
        try {
            batch.execute();
        } catch (RuntimeException e) {
            throw failure(e, "SET (batch of " + encoded.size() + ")", null);
        }
    }

    @Override
    public Subscription addRemovalListener(RemovalListener listener) {
        CacheInputs.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * The statistics. Hits, misses and errors are counted by this client since it was built (other
     * clients' reads are not included). The entry count and total size are measured now: the namespace
     * (with an empty namespace: each owned key family, a key counted for the first family it matches)
     * is SCANned (on every master) for string keys and their lengths are read with pipelined STRLEN, so
     * the cost grows with the number of keys in the namespace (about one round trip per
     * {@value #SCAN_BATCH} keys per master) — call it for monitoring, not on every request. Evictions
     * and expirations happen inside Redis and are reported as 0.
     *
     * @throws io.chatcache.core.CacheUnavailableException if Redis cannot be reached to measure
     */
    @Override
    public CacheStats stats() {
        ensureOpen();
        long[] entriesAndBytes = new long[2];
        try {
            List<KeyPattern> earlier = new ArrayList<>();
            for (String match : ownedMatches) {
                Iterator<String> keys = client.getKeys().getKeys(KeysScanOptions.defaults()
                        .pattern(match).chunkSize(SCAN_BATCH).type(RType.OBJECT)).iterator();
                List<String> chunk = new ArrayList<>(SCAN_BATCH);
                while (keys.hasNext()) {
                    String next = keys.next();
                    if (!isLease(next) && earlier.stream().noneMatch(family -> family.matches(next))) {
                        chunk.add(next);
                    }
                    if (chunk.size() == SCAN_BATCH) {
                        measure(chunk, entriesAndBytes);
                    }
                }
                measure(chunk, entriesAndBytes);
                earlier.add(KeyPattern.glob(match));
            }
        } catch (RuntimeException e) {
            throw failure(e, "SCAN+STRLEN", null);
        }
        long entries = entriesAndBytes[0];
        long bytes = entriesAndBytes[1];
        return new CacheStats(hits.sum(), misses.sum(), entries, bytes, 0, 0, errors.sum());
    }

    /** Adds the string lengths of {@code chunk} (pipelined STRLEN) to the counts, then empties it. */
    private void measure(List<String> chunk, long[] entriesAndBytes) {
        if (chunk.isEmpty()) {
            return;
        }
        RBatch batch = client.createBatch(BatchOptions.defaults());
        List<RFuture<Long>> lengths = new ArrayList<>(chunk.size());
        for (String redisKey : chunk) {
            lengths.add(batch.getBucket(redisKey, ByteArrayCodec.INSTANCE).sizeAsync());
        }
        batch.execute();
        for (RFuture<Long> length : lengths) {
            long size = result(length);
            if (size > 0) {
                entriesAndBytes[0]++;
                entriesAndBytes[1] += size;
            }
        }
        chunk.clear();
    }

    /**
     * Gives back this store's share of the client's slot map (in a cluster; the refresh stops when no store
     * or bus on the client uses it any more) and shuts the client down if this store created it; a client
     * handed in is left open. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (shardsHandle != null) {
                shardsHandle.close();
            }
            if (ownsClient) {
                client.shutdown();
            }
        }
    }

    @Override
    public String toString() {
        return "RedisCacheStore[namespace=" + namespace + ", " + where + "]";
    }

    private RBucket<byte[]> bucket(String key) {
        return client.getBucket(redisKey(key), ByteArrayCodec.INSTANCE);
    }

    private byte[] encode(String key, Object value) {
        byte[] bytes;
        try {
            bytes = serializer.serialize(value);
        } catch (SerializationException e) {
            errors.increment();
            throw new SerializationException("cannot store key '" + LogText.escape(key) + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            errors.increment();
            throw new SerializationException("cannot store key '" + LogText.escape(key) + "': the serializer failed on a value of type "
                    + value.getClass().getName() + ": " + e, e);
        }
        if (bytes.length > maxValueBytes) {
            throw new InvalidInputException("value", "for key '" + LogText.escape(key) + "' (" + value.getClass().getName()
                    + ") serialises to " + bytes.length + " bytes, more than this store's maxValueBytes ("
                    + maxValueBytes + "); nothing was written");
        }
        return bytes;
    }

    /**
     * Whether {@code bytes} are what the serializer writes for {@code reserved}; then it is a hit. Compared as
     * bytes, so a value of any other type is never decoded twice, and nothing is decoded for the reserved one.
     */
    private boolean isReserved(byte[] bytes, String reserved) {
        byte[] expected = serializer.serialize(reserved);
        if (!Arrays.equals(bytes, expected)) {
            return false;
        }
        hits.increment();
        return true;
    }

    /** {@code reserved} where a {@code T} is expected: only for the reserved-aware reads, which take an Object. */
    @SuppressWarnings("unchecked")
    private static <T> T reservedAsT(String reserved) {
        return (T) reserved;
    }

    private <T> Optional<T> decode(String key, byte[] bytes, ValueType<T> type) {
        if (bytes == null) {
            misses.increment();
            return Optional.empty();
        }
        T value;
        try {
            value = serializer.deserialize(bytes, type);
        } catch (RuntimeException e) {
            return unreadable(key, type, e);
        }
        hits.increment();
        return Optional.of(value);
    }

    private <T, R> Optional<R> unreadable(String key, ValueType<T> type, Throwable cause) {
        return unreadable(key, type, RedisErrors.describeRedacted(cause));
    }

    /** A value longer than maxValueBytes, seen by its length alone: never read, a miss and an error. */
    private <T, R> Optional<R> oversized(String key, ValueType<T> type, long length) {
        return unreadable(key, type, "the value is " + length + " bytes, more than this store's maxValueBytes ("
                + maxValueBytes + "), so it was not read");
    }

    private <T, R> Optional<R> unreadable(String key, ValueType<T> type, String why) {
        misses.increment();
        errors.increment();
        if (loggedUnreadableKeys.size() < MAX_LOGGED_KEYS) {
            if (loggedUnreadableKeys.add(key)) {
                LOG.warn("Redis key '{}' cannot be read as {}; reading it as a miss (logged once per key): {}",
                        LogText.escape(redisKey(key)), type.type().getTypeName(), LogText.escape(why));
            }
        } else if (unreadableLogFull.compareAndSet(false, true)) {
            LOG.warn("more than {} unreadable Redis keys in namespace '{}'; further ones are counted in stats()"
                    + " but not logged", MAX_LOGGED_KEYS, namespace);
        }
        return Optional.empty();
    }

    private long scanAndUnlink(String match, RemovalCause cause, String operation) {
        long removed = 0;
        try {
            Iterator<String> keys = client.getKeys().getKeys(
                    KeysScanOptions.defaults().pattern(match).chunkSize(SCAN_BATCH)).iterator();
            List<String> chunk = new ArrayList<>(SCAN_BATCH);
            while (keys.hasNext()) {
                String next = keys.next();
                if (!isLease(next)) {
                    chunk.add(next);
                }
                if (!chunk.isEmpty() && (chunk.size() == SCAN_BATCH || !keys.hasNext())) {
                    removed += unlinkAll(chunk, cause);
                    chunk.clear();
                }
            }
        } catch (RuntimeException e) {
            throw failure(e, operation + " (SCAN MATCH " + match + " + UNLINK)", null);
        }
        return removed;
    }

    /** UNLINKs each key on its own node (keys of one batch may live in different cluster slots). */
    private long unlinkAll(List<String> redisKeys, RemovalCause cause) {
        RBatch batch = client.createBatch(BatchOptions.defaults());
        List<RFuture<Boolean>> replies = new ArrayList<>(redisKeys.size());
        for (String redisKey : redisKeys) {
            replies.add(batch.getBucket(redisKey, ByteArrayCodec.INSTANCE).unlinkAsync());
        }
        batch.execute();
        long removed = 0;
        for (int i = 0; i < redisKeys.size(); i++) {
            if (Boolean.TRUE.equals(result(replies.get(i)))) {
                removed++;
                notifyRemoval(redisKeys.get(i).substring(prefix.length()), cause);
            }
        }
        return removed;
    }

    private void notifyRemoval(String key, RemovalCause cause) {
        for (RemovalListener listener : listeners) {
            try {
                listener.onRemoval(key, cause);
            } catch (RuntimeException e) {
                LOG.warn("removal listener {} failed for key '{}' ({})", listener, LogText.escape(key), cause, e);
            }
        }
    }

    private RuntimeException failure(RuntimeException e, String operation, String key) {
        errors.increment();
        return RedisErrors.translate(e, operation, key == null ? null : redisKey(key), where, user);
    }

    /** The reply of a batched command, which {@link RBatch#execute()} has completed. */
    private static <V> V result(RFuture<V> reply) {
        return reply.toCompletableFuture().join();
    }

    private static boolean isWrongType(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("WRONGTYPE")) {
                return true;
            }
        }
        return false;
    }

    private static boolean neverExpires(Duration ttl) {
        return ttl.equals(NO_EXPIRY) || ttl.compareTo(LONGEST_TTL) > 0;
    }

    /** PX takes whole milliseconds; a sub-millisecond TTL is rounded up so the entry is not immortal. */
    private static Duration pxTtl(Duration ttl) {
        Duration millis = Duration.ofMillis(ttl.toMillis());
        return millis.equals(ttl) && !millis.isZero() ? ttl : millis.plusMillis(1);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this RedisCacheStore (namespace " + namespace + ") is closed");
        }
    }

    /**
     * Builds a {@link RedisCacheStore}. Give exactly one of {@link #config(RedisConfig)} and
     * {@link #client(RedissonClient)}. Each setter checks its value at once; not thread-safe.
     */
    public static final class Builder {
        private RedisConfig config;
        private RedissonClient client;
        private String namespace;
        private RedisConfig.KeyLayout keyLayout;
        private List<String> ownedKeys;
        private Serializer serializer;
        private Duration defaultTtl = DEFAULT_TTL;
        private long maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
        private UnaryOperator<RedisCacheStore> onBuild = UnaryOperator.identity();

        private Builder() {
        }

        /** What {@link RedisConnection} does with the store it hands out (keeps it to close it). */
        Builder onBuild(UnaryOperator<RedisCacheStore> hook) {
            this.onBuild = hook;
            return this;
        }

        /** Connect with {@code config}; the store owns the client it creates and closes it. */
        public Builder config(RedisConfig config) {
            this.config = requireOption(config, "config");
            return this;
        }

        /** Use {@code client}; the store never closes it. */
        public Builder client(RedissonClient client) {
            this.client = requireOption(client, "client");
            return this;
        }

        /**
         * The key prefix (default: the config's namespace, or with a client {@code chatcache}, or empty in
         * the reference layout). Empty (keys stored as given) only with
         * {@link #keyLayout(RedisConfig.KeyLayout) keyLayout(REFERENCE)}.
         */
        public Builder namespace(String namespace) {
            RedisConfig.requireNamespace(namespace, RedisConfig.KeyLayout.REFERENCE, "namespace");
            this.namespace = namespace;
            return this;
        }

        /** The key layout (default: the config's, or {@link RedisConfig.KeyLayout#CHATCACHE} with a client). */
        public Builder keyLayout(RedisConfig.KeyLayout layout) {
            this.keyLayout = requireOption(layout, "keyLayout");
            return this;
        }

        /**
         * The key families that {@link RedisCacheStore#clear()} and {@link RedisCacheStore#stats()} reach when
         * the namespace is empty (default: the config's, or {@link RedisConfig#DEFAULT_OWNED_KEYS}); see
         * {@link RedisConfig.Builder#ownedKeys(List)}.
         */
        public Builder ownedKeys(List<String> patterns) {
            this.ownedKeys = RedisConfig.requireOwnedKeys(patterns, "ownedKeys");
            return this;
        }

        /**
         * How values become bytes (default: {@link JacksonSerializer} with the config's
         * {@link RedisConfig#jsonNaming()}, or {@link JacksonSerializer#create()} with a client).
         */
        public Builder serializer(Serializer serializer) {
            this.serializer = requireOption(serializer, "serializer");
            return this;
        }

        /** The TTL of {@link RedisCacheStore#put(String, Object)} (default one hour). */
        public Builder defaultTtl(Duration ttl) {
            try {
                this.defaultTtl = CacheInputs.requireTtl(ttl);
            } catch (InvalidInputException e) {
                throw new CacheConfigurationException("RedisCacheStore option defaultTtl " + e.rule(), e);
            }
            return this;
        }

        /** The largest serialised value accepted, in bytes (default 512 KiB). */
        public Builder maxValueBytes(long bytes) {
            if (bytes < 1) {
                throw new CacheConfigurationException(
                        "RedisCacheStore option maxValueBytes must be at least 1, was " + bytes);
            }
            this.maxValueBytes = bytes;
            return this;
        }

        /**
         * Builds the store. With a config it connects now and PINGs the servers. In a cluster (either way)
         * it reads the slot map ({@code CLUSTER SLOTS}) within the operation budget, unless a store or bus
         * open on the same client already does.
         *
         * @throws CacheConfigurationException if neither or both of config and client are given, or
         *     Redis refuses the credentials
         * @throws io.chatcache.core.CacheUnavailableException if Redis cannot be reached within the
         *     connect timeout, or no cluster master tells its slot map within the operation budget
         */
        public RedisCacheStore build() {
            RedisConfig.requireNamespace(namespace(), layout(), "namespace");
            if ((config == null) == (client == null)) {
                throw new CacheConfigurationException("RedisCacheStore needs exactly one of config(RedisConfig)"
                        + " and client(RedissonClient), was " + (config == null ? "neither" : "both"));
            }
            if (client != null) {
                return onBuild.apply(new RedisCacheStore(this, client, false, RedissonClients.where(client),
                        client.getConfig().getUsername()));
            }
            RedissonClient created = RedissonClients.connect(config);
            try {
                return new RedisCacheStore(this, created, true, "Redis at " + RedissonClients.describe(config),
                        config.username());
            } catch (RuntimeException e) {
                created.shutdown();
                throw e;
            }
        }

        RedisConfig.KeyLayout layout() {
            return keyLayout != null ? keyLayout : config != null ? config.keyLayout() : RedisConfig.KeyLayout.CHATCACHE;
        }

        String namespace() {
            return namespace != null ? namespace
                    : config != null && (keyLayout == null || keyLayout == config.keyLayout()) ? config.namespace()
                    : layout() == RedisConfig.KeyLayout.REFERENCE ? "" : RedisConfig.DEFAULT_NAMESPACE;
        }

        List<String> ownedKeys() {
            return ownedKeys != null ? ownedKeys : config != null ? config.ownedKeys() : RedisConfig.DEFAULT_OWNED_KEYS;
        }

        Serializer serializer() {
            return serializer != null ? serializer
                    : config != null && config.jsonNaming() != JsonNaming.CAMEL_CASE
                            ? JacksonSerializer.forNaming(config.jsonNaming()) : JacksonSerializer.create();
        }

        private static <V> V requireOption(V value, String option) {
            if (value == null) {
                throw new CacheConfigurationException("RedisCacheStore option " + option + " must not be null");
            }
            return value;
        }
    }
}

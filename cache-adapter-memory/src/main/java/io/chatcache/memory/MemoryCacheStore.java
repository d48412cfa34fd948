package io.chatcache.memory;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheException;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.EvictionPolicy;
import io.chatcache.core.ExpiringStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.LogText;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.ReservedValueReads;
import io.chatcache.core.Subscription;
import io.chatcache.core.Ticker;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread-safe, in-memory {@link CacheStore} with least-recently-used eviction and per-entry time to
 * live: the L1 of the hybrid store, or a cache on its own.
 *
 * <pre>{@code
 * MemoryCacheStore store = MemoryCacheStore.builder()
 *         .maximumSize(10_000)
 *         .defaultTtl(Duration.ofMinutes(30))
 *         .build();
 * }</pre>
 *
 * <h2>What it keeps</h2>
 * Values are kept by reference, never copied or serialised: a caller that changes a value after putting
 * it changes the cached value. The store holds at most {@code maximumSize} entries (default 1,000) and,
 * if {@code maximumWeightBytes} is set, at most that many estimated bytes (see {@link Weigher}); a put
 * that goes over a bound evicts entries (the least recently used, under the default policy) until it is met.
 * A single value heavier than {@code maximumWeightBytes} is refused with {@link InvalidInputException}, and
 * the store is left as it was.
 *
 * <h2>Eviction order</h2>
 * The {@linkplain Builder#evictionPolicy(EvictionPolicy) eviction policy} is {@link EvictionPolicy#LRU} by
 * default, described here. {@link EvictionPolicy#ADAPTIVE} is frequency-aware instead (W-TinyLFU with an
 * adaptive window): a new entry is admitted only if it is used more often than the entry it would replace,
 * so that scans and loops larger than the cache do not flush what is used often; TTLs, bounds, removal causes
 * and statistics behave the same under both.
 *
 * <p>While one thread uses it (whichever thread that is), the store evicts exactly what an access-ordered
 * {@link java.util.LinkedHashMap} with the same capacity would: a hit or a put moves the key to the
 * most-recent end, and a miss (absent, expired or of the wrong type) moves nothing. Once several threads
 * have used it, the order is approximate: reads are recorded in lossy buffers, a read that loses a race
 * may not refresh its entry, and while the store is at most half full reads are not recorded at all (no
 * eviction is near; entries then keep the order of their last write).
 *
 * <h2>Expiry</h2>
 * An entry expires when its TTL has elapsed on the store's {@link Ticker}: from then on it reads as a
 * miss. Expired entries are removed when a read finds them, when they reach the eviction end of the
 * list, by {@link #cleanupExpired()}, and by a periodic cleanup (every 5 minutes by default) that runs
 * on one daemon thread shared by all stores until {@link #close()}. TTLs of more than about 146 years
 * count as {@link CacheStore#NO_EXPIRY}.
 *
 * <h2>Statistics</h2>
 * {@link #stats()}: hits, misses, entries, estimated total bytes (by the {@link Weigher}), evictions,
 * expirations, and errors (reads that found a value not of the requested type). Expired entries still
 * held count in the entries and bytes.
 *
 * <h2>Removal listeners</h2>
 * Listeners are told of every entry that leaves, with the cause: {@code EXPLICIT} (delete,
 * deleteMatching), {@code REPLACED} (a put over a live entry), {@code EXPIRED} (an expired entry
 * removed for any reason, including a delete, a replacement or a clear), {@code EVICTED} and
 * {@code CLEARED}. They run after the change, on the thread that made it, outside any lock.
 *
 * <p>Thread-safe: reads and puts over existing keys take no store-wide lock; adding and removing entries
 * take one short lock.
 */
public final class MemoryCacheStore implements CacheStore, ExpiringStore, ReservedValueReads {

    /** The default entry bound: the reference's {@code max_memory_size}. */
    public static final long DEFAULT_MAXIMUM_SIZE = 1000;
    /** The default time to live: one hour. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** The default interval of the periodic expiry cleanup: five minutes. */
    public static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(MemoryCacheStore.class);

    /** TTLs from about 146 years up are treated as no expiry, which keeps tick arithmetic clear of overflow. */
    private static final Duration LONGEST_TTL = Duration.ofNanos(1L << 62);
    /** What {@link #ttlNanos} answers for no expiry: no shorter TTL can be it. */
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    /*
     * Concurrency design.
     *
     * The map (a ConcurrentHashMap) answers lookups without a lock. The access order lives in an intrusive
     * doubly linked list threaded through the nodes. The list, the size and weight totals, and every
     * structural change of the map (a node added or removed) are guarded by one lock, the eviction lock,
     * so that map and list always hold the same nodes.
     *
     * Reads never take that lock: they record the node in a striped lossy ReadBuffer (see there) and
     * return. Recorded reads are replayed into the list, oldest first, whenever someone holds the lock:
     * every locked write drains them before it links its node or picks victims, and a reader whose stripe
     * is full drains them itself. One thread's reads sit in one stripe, in order, and are always replayed
     * before the next eviction decision, so a single thread gets exact LRU order (its reader waits for the
     * lock when its stripe is full, which only the periodic cleanup can make it do). Once several threads
     * use the store, a reader never waits: a read is dropped on a lost CAS, or on a full stripe while
     * another thread holds the lock. That only makes recency approximate; it never breaks the map or the
     * bounds.
     *
     * A put over a live key of the same weight does not take the lock either: it swaps the value (and
     * deadline) into the node under the node's own monitor and records the put like a read, since both
     * move the entry to the most-recent end. Retiring a node takes the same monitor and nulls its value, so
     * a put can never revive a removed node; readers treat a null value as absent. Only puts of new keys,
     * of a changed weight or kind of expiry, removals and evictions take the lock, for a few pointer moves.
     *
     * A put that switches between "expires" and "never expires" needs the other kind of node (see Node).
     * It swaps the new node into the map with one ConcurrentHashMap.replace before it retires the old one,
     * so the key is never missing from the map; a reader that holds the old node and finds it retired
     * looks the key up again and reads the new node. So every replacing write is atomic to readers: they
     * see the old entry or the new one, never neither (a delete never misses the key, and getOrLoad
     * never loads because of a replacement).
     *
     * Recording is the main cost of a read. While one thread uses the store it always records (exactness);
     * once several threads have used it and it is at most half full, it records nothing, as Caffeine skips
     * its read buffer until its sketch is needed: no eviction is near, and under concurrency order is a
     * hint anyway.
     *
     * Listener calls are collected under the lock and made after it is released.
     */

    private final ConcurrentHashMap<String, Node> map;
    private final ReentrantLock evictionLock = new ReentrantLock();
    /** Head of the access-order list: {@code sentinel.next} is the eldest entry, {@code sentinel.prev} the newest. */
    private final Node sentinel = new Node();
    private final ReadBuffer readBuffer = new ReadBuffer();
    /** Made once, so that draining allocates nothing: one per policy, so that LRU's replay has no branch. */
    private final Consumer<Node> replayer;
    /** The adaptive policy's regions and sketch; null under LRU, whose order is {@link #sentinel}'s list. */
    private final AdaptivePolicy<Node> policy;
    /** The store's side of the adaptive policy's evictions; null under LRU. */
    private final PolicyEviction policyEviction;

    private final long maximumSize;
    private final long maximumWeight;
    private final Duration defaultTtl;
    private final Ticker ticker;
    private final Weigher weigher;

    /** The id of the only thread that has read or written so far (0 before the first). */
    private volatile long soleUserId;
    /** Whether more than one thread has read or written. */
    private volatile boolean sharedByThreads;
    /** Whether an entry with a deadline was ever stored; set under the lock, never cleared. */
    private volatile boolean holdsDeadlines;
    /** Whether the store holds at most half its bounds; written under the lock, read without. */
    private volatile boolean belowHalf = true;

    /** Guarded by {@link #evictionLock}. */
    private long size;
    private long totalWeight;
    private long evictions;

    // LongAdders, because reads on many threads update them and must not contend on one cache line.
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder errors = new LongAdder();
    /** Also counted by puts that replace an expired entry in place, outside the lock. */
    private final LongAdder expirations = new LongAdder();

    private final CopyOnWriteArrayList<ListenerRegistration> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Load> loads = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> cleanup;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MemoryCacheStore(Builder builder) {
        this.maximumSize = builder.maximumSize == Builder.UNSET ? DEFAULT_MAXIMUM_SIZE : builder.maximumSize;
        this.maximumWeight = builder.maximumWeightBytes == Builder.UNSET ? Long.MAX_VALUE : builder.maximumWeightBytes;
        this.defaultTtl = builder.defaultTtl == null ? DEFAULT_TTL : builder.defaultTtl;
        this.ticker = builder.ticker == null ? Ticker.system() : builder.ticker;
        this.weigher = builder.weigher == null ? Weigher.estimating() : builder.weigher;
        if (builder.evictionPolicy == EvictionPolicy.ADAPTIVE) {
            // Seeded from a per-thread random generator: unpredictable per store, as the sketch's salt must be.
            long seed = builder.policySeed != null ? builder.policySeed : ThreadLocalRandom.current().nextLong();
            this.policy = new AdaptivePolicy<>(maximumSize, maximumSize, seed, Node::new);
            this.policyEviction = new PolicyEviction();
            this.replayer = this::replayAdaptive;
        } else {
            this.policy = null;
            this.policyEviction = null;
            this.replayer = this::replayRead;
        }
        // Not presized from maximumSize: a large bound must not cost a large empty table.
        this.map = new ConcurrentHashMap<>();
        Duration interval = builder.cleanupInterval == null ? DEFAULT_CLEANUP_INTERVAL : builder.cleanupInterval;
        this.cleanup = interval.isZero() ? null : CleanupScheduler.schedule(this, interval);
    }

    /** A builder with every option at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A store with the defaults: 1,000 entries, TTL one hour, cleanup every five minutes, system clock. */
    public static MemoryCacheStore create() {
        return builder().build();
    }

    // ---------------------------------------------------------------------------------------------
    // Reads

    /**
     * Returns the value under {@code key} if present, unexpired and an instance of {@code type}'s raw
     * type. A hit makes the entry the most recently used. A value of another type reads as a miss and
     * counts as an error in {@link #stats()}.
     *
     * @throws InvalidInputException if the key or type is invalid
     */
    @Override
    public <T> Optional<T> get(String key, ValueType<T> type) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        Object value = lookup(key, type, false, null);
        // Checked against the raw type in lookup; generic arguments cannot be checked at run time.
        @SuppressWarnings("unchecked")
        T typed = (T) value;
        return Optional.ofNullable(typed);
    }

    /**
     * Like {@link #get(String, ValueType)}, with the entry's remaining time to live on the store's ticker
     * ({@link CacheStore#NO_EXPIRY} for an entry that never expires).
     */
    @Override
    public <T> Optional<CacheEntry<T>> getEntry(String key, ValueType<T> type) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        @SuppressWarnings("unchecked")
        CacheEntry<T> entry = (CacheEntry<T>) lookup(key, type, true, null);
        return Optional.ofNullable(entry);
    }

    /**
     * Like {@link #getEntry}, except that a stored value equal to {@code reserved} is a hit returned as is,
     * whatever {@code type} is, rather than a value of the wrong type (a miss and an error).
     */
    @Override
    public <T> Optional<CacheEntry<Object>> getEntryOrReserved(String key, ValueType<T> type, String reserved) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        CacheInputs.requireNonNull(reserved, "reserved");
        @SuppressWarnings("unchecked")
        CacheEntry<Object> entry = (CacheEntry<Object>) lookup(key, type, true, reserved);
        return Optional.ofNullable(entry);
    }

    /**
     * The hot path: one map lookup, an expiry check, a type check and a buffered access record; no lock,
     * no allocation. Returns the value (or, with {@code withTtl}, a {@link CacheEntry}), or null on a miss.
     * A value equal to {@code reserved} (null for none) passes the type check.
     */
    private Object lookup(String key, ValueType<?> type, boolean withTtl, String reserved) {
        Node node = map.get(key);
        // A put over the key writes the value, then its deadline. Reading the deadline on both sides of
        // the value pairs them safely: an old value is never judged by the deadline of the value that
        // replaces it (which would serve an expired value as a hit). Equal readings mean the value is
        // the deadline's own, or the next one whose put is still in progress (then judged by the
        // deadline it replaces, as if read just before that put). Unequal ones mean a put in between.
        Object value;
        long expiresAt;
        while (true) {
            if (node == null) {
                misses.increment();
                return null;
            }
            long before;
            do {
                before = node.expiresAt();
                value = node.value;
                expiresAt = node.expiresAt();
            } while (before != expiresAt);
            if (value != null) {
                break;
            }
            // Retired after the map lookup: removed (a miss), or replaced by a node of the other kind,
            // which the map already holds.
            node = replacementOf(node);
        }
        long now = 0;
        if (node.expires()) {
            now = ticker.read();
            if (now - expiresAt >= 0) {
                removeIfExpired(node);
                misses.increment();
                return null;
            }
        }
        if (!type.isInstance(value) && (reserved == null || !reserved.equals(value))) {
            errors.increment();
            misses.increment();
            return null;
        }
        recordRead(node);
        hits.increment();
        if (!withTtl) {
            return value;
        }
        // At least a nanosecond: the entry was live when read, even if the clock has moved since.
        Duration remaining = node.expires() ? Duration.ofNanos(Math.max(1, expiresAt - now)) : NO_EXPIRY;
        return new CacheEntry<>(value, remaining);
    }

    /**
     * The node that took the place of {@code retired} in the map, or null if none did (the key was
     * removed, or is being removed: a node is retired before it leaves the map, and its replacement is
     * in the map before it is retired).
     */
    private Node replacementOf(Node retired) {
        Node current = map.get(retired.key);
        return current == retired ? null : current;
    }

    private void recordRead(Node node) {
        if (!tracksRecency() || readBuffer.offer(node) != ReadBuffer.FULL) {
            return;
        }
        if (sharedByThreads) {
            // isLocked first, so that a reader does not bounce the lock's cache line with a failing CAS
            // while another thread drains; tryLock, never lock, so that a reader never waits behind a
            // writer just to reorder a list. If the lock is busy, this read goes unrecorded.
            if (evictionLock.isLocked() || !evictionLock.tryLock()) {
                return;
            }
        } else {
            // The sole user waits: the only other holder can be the periodic cleanup, briefly, and
            // dropping the read would break the exact order promised to a single thread.
            evictionLock.lock();
        }
        try {
            // The buffered reads first: this read happened after them.
            readBuffer.drainTo(replayer);
            replayer.accept(node);
        } finally {
            evictionLock.unlock();
        }
    }

    /**
     * Whether accesses must be recorded now. Always while a single thread uses the store, which is what
     * keeps its order exact. Once several threads have used it, order is approximate anyway, and then,
     * like Caffeine, the store does not record accesses while it is less than half full: no eviction is
     * near, and recording is the main cost of a read. Entries keep the order in which they were written
     * meanwhile.
     */
    private boolean tracksRecency() {
        if (!sharedByThreads) {
            long me = Thread.currentThread().getId();
            long sole = soleUserId;
            if (sole == me) {
                return true;
            }
            if (sole == 0) {
                // Racy on purpose: two first users that both claim end up seeing each other next time.
                soleUserId = me;
                return true;
            }
            sharedByThreads = true;
        }
        return !belowHalf;
    }

    /**
     * The time for expiry checks under the lock. A store that has never held a deadline does not read
     * the clock at all: no entry can have expired, and a clock read is a good part of a put's cost. Read
     * under the lock because {@link #holdsDeadlines} is set under it, before the first deadline is stored.
     */
    private long nowUnderLock() {
        return holdsDeadlines ? ticker.read() : 0;
    }

    /** Keeps {@link #belowHalf} current; called under the lock after the size or the weight changed. */
    private void sizeChanged() {
        boolean below = size <= maximumSize / 2 && totalWeight <= maximumWeight / 2;
        if (below != belowHalf) {
            belowHalf = below;
        }
    }

    /** Applies one recorded read. Caller holds the lock. */
    private void replayRead(Node node) {
        // A node removed since it was read has left the list; its read no longer matters.
        if (node.isLinked()) {
            moveToTail(node);
        }
    }

    /** Applies one recorded read under the adaptive policy (which ignores nodes removed meanwhile). */
    private void replayAdaptive(Node node) {
        policy.onAccess(node);
    }

    private void removeIfExpired(Node node) {
        List<Removal> removals = newRemovals();
        long now = ticker.read();
        evictionLock.lock();
        try {
            // Only if no put or delete has beaten us to it.
            if (map.get(node.key) == node) {
                retire(node, RemovalCause.EXPIRED, now, true, removals);
            }
        } finally {
            evictionLock.unlock();
        }
        notifyListeners(removals);
    }

    // ---------------------------------------------------------------------------------------------
    // Writes

    /** Stores {@code value} for the default TTL. See {@link #put(String, Object, Duration)}. */
    @Override
    public void put(String key, Object value) {
        put(key, value, defaultTtl);
    }

    /**
     * Stores {@code value} under {@code key} for {@code ttl}, as the most recently used entry, replacing
     * any earlier value (listeners hear {@code REPLACED}, or {@code EXPIRED} if it had expired) and
     * evicting entries (the least recently used, under the default policy) if a bound is exceeded.
     *
     * @throws InvalidInputException if the key, value or TTL is invalid, or the value alone weighs more
     *     than {@code maximumWeightBytes}; nothing is changed
     */
    @Override
    public void put(String key, Object value, Duration ttl) {
        CacheInputs.requireKey(key);
        CacheInputs.requireValue(value);
        CacheInputs.requireTtl(ttl);
        long ttlNanos = ttlNanos(ttl);
        write(key, value, ttlNanos, weigh(key, value));
    }

    /**
     * Stores several entries with one TTL, all or nothing as far as input goes: every key, value and
     * weight (against {@code maximumWeightBytes}) and the TTL are checked before the first entry is
     * written, so a refused call changes nothing. The entries are then written one by one, each as
     * {@link #put(String, Object, Duration)} would (readers may see some written before others), so
     * that together they may evict each other if they exceed a bound.
     *
     * @throws InvalidInputException if the map, a key, a value or the TTL is invalid, or a value alone
     *     weighs more than {@code maximumWeightBytes}; nothing is changed
     */
    @Override
    public void putAll(Map<String, ?> entries, Duration ttl) {
        CacheInputs.requireNonNull(entries, "entries");
        CacheInputs.requireTtl(ttl);
        long ttlNanos = ttlNanos(ttl);
        List<String> keys = new ArrayList<>(entries.size());
        List<Object> values = new ArrayList<>(entries.size());
        int[] weights = new int[entries.size()];
        entries.forEach((key, value) -> {
            CacheInputs.requireKey(key);
            CacheInputs.requireValue(value);
            // Weighed now, so that a value too heavy for the bound is refused before anything is written.
            weights[keys.size()] = weigh(key, value);
            keys.add(key);
            values.add(value);
        });
        for (int i = 0; i < keys.size(); i++) {
            write(keys.get(i), values.get(i), ttlNanos, weights[i]);
        }
    }

    /**
     * Reads several keys, each as {@link #get(String, ValueType)} does (and counted the same way), after
     * checking them all. Absent keys are missing from the result; a key given twice is read once.
     *
     * @throws InvalidInputException if the collection, a key or the type is invalid; nothing is read
     */
    @Override
    public <T> Map<String, T> getAll(Collection<String> keys, ValueType<T> type) {
        CacheInputs.requireNonNull(keys, "keys");
        CacheInputs.requireNonNull(type, "type");
        for (String key : keys) {
            CacheInputs.requireKey(key);
        }
        Map<String, T> found = new LinkedHashMap<>();
        for (String key : keys) {
            if (!found.containsKey(key)) {
                @SuppressWarnings("unchecked")
                T value = (T) lookup(key, type, false, null);
                if (value != null) {
                    found.put(key, value);
                }
            }
        }
        return found;
    }

    /** A put whose input has been checked: nothing can refuse it any more. */
    private void write(String key, Object value, long ttlNanos, int weight) {
        boolean expires = ttlNanos != NO_DEADLINE;
        // The clock is read only when a deadline needs it: System.nanoTime() is a good part of a put's cost.
        long expiresAt = expires ? ticker.read() + ttlNanos : Node.NEVER;
        Node existing = map.get(key);
        if (existing == null || !replaceInPlace(existing, value, expires, expiresAt, weight)) {
            List<Removal> removals = newRemovals();
            evictionLock.lock();
            try {
                putLocked(key, value, expires, expiresAt, weight, removals);
            } finally {
                evictionLock.unlock();
            }
            notifyListeners(removals);
        }
        // After the write, not before: a load that stores before the write is overwritten by it, and one
        // that checks after it finds the entry changed (storeLoaded) and does not store. Marking the load
        // before the write would let it return its value unstored while the key still reads as absent,
        // so that the next getOrLoad loads again (not linearizable; found by Lincheck).
        supersedeLoad(key);
    }

    /**
     * The structural part of a put: links a new node, changes the existing one, or replaces it with one of
     * the other kind. Caller holds the lock.
     */
    private void putLocked(String key, Object value, boolean expires, long expiresAt, int weight,
            List<Removal> removals) {
        if (expires) {
            holdsDeadlines = true;
        }
        long now = nowUnderLock();
        // Reads recorded so far happened before this put; replay them before choosing victims.
        readBuffer.drainTo(replayer);
        Node current = map.get(key);
        if (current == null) {
            Node node = Node.create(key, value, expires, expiresAt, weight);
            map.put(key, node);
            size++;
            totalWeight += weight;
            if (policy == null) {
                linkLast(node);
            } else {
                policy.onAdd(node, size);
            }
            sizeChanged();
        } else if (current.expires() == expires) {
            boolean expired;
            synchronized (current) {
                expired = current.isExpiredAt(now);
                // The value first, then its deadline: see lookup.
                current.value = value;
                if (expires) {
                    current.setExpiresAt(expiresAt);
                }
                totalWeight += weight - current.weight();
                current.weight(weight);
            }
            sizeChanged();
            noteReplaced(key, expired, removals);
            if (policy == null) {
                moveToTail(current);
            } else {
                policy.onAccess(current);
            }
        } else {
            replaceNode(current, Node.create(key, value, expires, expiresAt, weight), now, removals);
        }
        evictIfNeeded(now, removals);
    }

    /**
     * Puts {@code node} in the place of {@code current}, a node of the other kind: first in the map (one
     * atomic replace, so that the key is never missing from it), then retires {@code current}, holding
     * its monitor throughout so that no put can write into it once it has left the map. A reader that
     * still holds {@code current} then sees it retired and looks the key up again. Caller holds the lock.
     */
    private void replaceNode(Node current, Node node, long now, List<Removal> removals) {
        boolean expired;
        synchronized (current) {
            expired = current.isExpiredAt(now);
            map.replace(current.key, current, node);
            current.value = null;
        }
        if (policy == null) {
            unlink(current);
            linkLast(node);
        } else {
            policy.onReplace(current, node);
            policy.onAccess(node);
        }
        totalWeight += node.weight() - current.weight();
        sizeChanged();
        noteReplaced(current.key, expired, removals);
    }

    /** Counts and notes the replacement of an entry, reported as expired if it was. */
    private void noteReplaced(String key, boolean expired, List<Removal> removals) {
        if (expired) {
            expirations.increment();
        }
        noteRemoval(key, expired ? RemovalCause.EXPIRED : RemovalCause.REPLACED, removals);
    }

    /**
     * The fast path of a put over a live key: the node takes the new value where it is, holding only its
     * own monitor, and the put is recorded as an access (which moves the entry to the most-recent end when
     * replayed, as a put must). Only when the weight is unchanged, because totals change under the lock.
     *
     * @return false if the node was retired meanwhile or its weight or kind do not fit: take the slow path
     */
    private boolean replaceInPlace(Node node, Object value, boolean expires, long expiresAt, int weight) {
        if (node.weight() != weight || node.expires() != expires) {
            return false;
        }
        boolean expired = false;
        synchronized (node) {
            if (node.value == null || node.weight() != weight) {
                return false;
            }
            // The value first, then its deadline: see lookup.
            if (expires) {
                expired = node.isExpiredAt(ticker.read());
                node.value = value;
                node.setExpiresAt(expiresAt);
            } else {
                node.value = value;
            }
        }
        recordRead(node);
        List<Removal> removals = newRemovals();
        noteReplaced(node.key, expired, removals);
        notifyListeners(removals);
        return true;
    }

    /**
     * Removes the entry under {@code key}; listeners hear {@code EXPLICIT}, or {@code EXPIRED} if it had
     * expired.
     *
     * @return whether an unexpired entry was removed
     * @throws InvalidInputException if the key is invalid
     */
    @Override
    public boolean delete(String key) {
        CacheInputs.requireKey(key);
        // Even when there is nothing to remove: a load running now may have read what this delete invalidates.
        supersedeLoad(key);
        if (!map.containsKey(key)) {
            return false;
        }
        boolean removedLive = false;
        List<Removal> removals = newRemovals();
        evictionLock.lock();
        try {
            long now = nowUnderLock();
            Node node = map.get(key);
            if (node != null) {
                removedLive = !retire(node, RemovalCause.EXPLICIT, now, false, removals);
            }
        } finally {
            evictionLock.unlock();
        }
        notifyListeners(removals);
        return removedLive;
    }

    /**
     * Removes every entry whose key matches {@code pattern}. Entries put while it runs may be kept.
     *
     * @return how many unexpired entries were removed (expired ones are removed too, and not counted)
     * @throws InvalidInputException if the pattern is null
     */
    @Override
    public long deleteMatching(KeyPattern pattern) {
        CacheInputs.requireNonNull(pattern, "pattern");
        if (!loads.isEmpty()) {
            loads.forEach((key, load) -> {
                if (pattern.matches(key)) {
                    load.superseded = true;
                }
            });
        }
        // Matched outside the lock: a regex per key is the slow part, and writers need not wait for it.
        List<Node> matching = new ArrayList<>();
        for (Node node : map.values()) {
            if (pattern.matches(node.key)) {
                matching.add(node);
            }
        }
        if (matching.isEmpty()) {
            return 0;
        }
        long removedLive = 0;
        List<Removal> removals = newRemovals();
        evictionLock.lock();
        try {
            long now = nowUnderLock();
            for (Node node : matching) {
                if (map.get(node.key) == node && !retire(node, RemovalCause.EXPLICIT, now, false, removals)) {
                    removedLive++;
                }
            }
        } finally {
            evictionLock.unlock();
        }
        notifyListeners(removals);
        return removedLive;
    }

    /** Removes every entry; listeners hear {@code CLEARED} (or {@code EXPIRED}) for each. */
    @Override
    public void clear() {
        loads.forEach((key, load) -> load.superseded = true);
        List<Removal> removals = newRemovals();
        evictionLock.lock();
        try {
            long now = nowUnderLock();
            // Replayed, not dropped, so that listeners hear of the entries eldest first, as LRU has them.
            readBuffer.drainTo(replayer);
            if (policy == null) {
                for (Node node = sentinel.next; node != sentinel; node = sentinel.next) {
                    retire(node, RemovalCause.CLEARED, now, false, removals);
                }
            } else {
                for (Node node : map.values()) {
                    retire(node, RemovalCause.CLEARED, now, false, removals);
                }
            }
        } finally {
            evictionLock.unlock();
        }
        notifyListeners(removals);
    }

    /**
     * Removes every expired entry now, as the periodic cleanup does; listeners hear {@code EXPIRED}.
     *
     * @return how many entries were removed
     */
    @Override
    public long cleanupExpired() {
        if (!holdsDeadlines) {
            return 0;
        }
        long now = ticker.read();
        // Found without the lock, so a cleanup that finds nothing (the usual case) never delays anyone.
        List<Node> expired = null;
        for (Node node : map.values()) {
            if (node.isExpiredAt(now)) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(node);
            }
        }
        if (expired == null) {
            return 0;
        }
        long removed = 0;
        List<Removal> removals = newRemovals();
        evictionLock.lock();
        try {
            for (Node node : expired) {
                if (map.get(node.key) == node && retire(node, RemovalCause.EXPIRED, now, true, removals)) {
                    removed++;
                }
            }
        } finally {
            evictionLock.unlock();
        }
        notifyListeners(removals);
        return removed;
    }

    /**
     * Returns the value under {@code key}, or loads, stores and returns it, loading at most once per key
     * at a time in this store: callers that arrive while a load of the key runs wait for it and get its
     * result, or its exception (the same instance, unwrapped). A {@code null} from the loader is
     * returned to every waiting caller and nothing is stored; a loader that throws stores nothing.
     *
     * <p>A write of the key while the loader runs wins over the load: after a {@code put}, {@code delete},
     * {@code deleteMatching} or {@code clear} that reaches the key, the loaded value is still returned to
     * the callers of this load but not stored, since it may have been read before that write.
     *
     * <p>A loader must not call {@code getOrLoad} for the same key (that fails with
     * {@link IllegalStateException} rather than deadlock); loaders of different keys that wait for each
     * other on different threads deadlock, as they would with any lock.
     *
     * @throws InvalidInputException if the key, type, loader or TTL is invalid
     * @throws CacheException if interrupted while waiting for another caller's load (the interrupt
     *     flag is set again)
     */
    @Override
    public <T> T getOrLoad(String key, ValueType<T> type, Supplier<? extends T> loader, Duration ttl) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        CacheInputs.requireNonNull(loader, "loader");
        CacheInputs.requireTtl(ttl);
        while (true) {
            Optional<T> cached = get(key, type);
            if (cached.isPresent()) {
                return cached.get();
            }
            Load mine = new Load(Thread.currentThread());
            Load running = loads.putIfAbsent(key, mine);
            if (running == null) {
                return load(key, type, loader, ttl, mine);
            }
            if (running.owner == Thread.currentThread()) {
                throw new IllegalStateException("getOrLoad for key " + key
                        + " was called again by its own loader; a loader must not load its own key");
            }
            Object result = await(key, running);
            if (result == null) {
                return null;
            }
            if (type.isInstance(result)) {
                return type.cast(result);
            }
            // Loaded by a caller that asked for another type: not ours to return, so try again.
        }
    }

    private <T> T load(String key, ValueType<T> type, Supplier<? extends T> loader, Duration ttl, Load mine) {
        try {
            // A load that finished between our miss and our registration has stored its value: use it.
            Node node = map.get(key);
            Object current = null;
            long expiresAt = Node.NEVER;
            boolean live = false;
            while (node != null) {
                // The deadline on both sides of the value, as in lookup.
                long before;
                do {
                    before = node.expiresAt();
                    current = node.value;
                    expiresAt = node.expiresAt();
                } while (before != expiresAt);
                if (current != null) {
                    live = !node.expires() || ticker.read() - expiresAt < 0;
                    break;
                }
                // Retired: removed, or replaced by a node of the other kind (see lookup).
                node = replacementOf(node);
            }
            if (live && type.isInstance(current)) {
                T value = type.cast(current);
                mine.result.complete(value);
                return value;
            }
            T loaded = loader.get();
            if (loaded != null) {
                storeLoaded(key, loaded, ttl, mine, current == null ? null : node, current, expiresAt);
            }
            mine.result.complete(loaded);
            return loaded;
        } catch (Throwable e) {
            // Throwable, not just unchecked ones: a loader written in another JVM language (or with a
            // sneaky throw) can throw a checked exception, and the callers waiting for it must not hang.
            mine.result.completeExceptionally(e);
            throw e;
        } finally {
            // After the put, so that a caller arriving now finds the value instead of loading again.
            loads.remove(key, mine);
        }
    }

    /**
     * Stores a loaded value, unless the key was written while the loader ran: a delete, deleteMatching or
     * clear since the load registered, or a put that completed since (each marks it superseded), or any
     * change of the entry the load saw when it started (other than its removal by eviction or expiry),
     * which a put in progress makes. A value loaded before a write may predate it, so the write wins.
     * The check and the store are one step under the lock and the monitor of the current node, which every
     * writer of the key needs too.
     */
    private void storeLoaded(String key, Object value, Duration ttl, Load mine, Node seen, Object seenValue,
            long seenExpiresAt) {
        CacheInputs.requireValue(value);
        long ttlNanos = ttlNanos(ttl);
        boolean expires = ttlNanos != NO_DEADLINE;
        int weight = weigh(key, value);
        long expiresAt = expires ? ticker.read() + ttlNanos : Node.NEVER;
        List<Removal> removals = newRemovals();
        evictionLock.lock();
        try {
            Node current = map.get(key);
            // Absent now although seen: evicted or expired meanwhile (a delete would have superseded us).
            if (mine.superseded || (current != null && current != seen)) {
                return;
            }
            if (current == null) {
                putLocked(key, value, expires, expiresAt, weight, removals);
            } else {
                synchronized (current) {
                    // The deadline too: a put of the same value object renews it.
                    if (current.value != seenValue || current.expiresAt() != seenExpiresAt) {
                        return;
                    }
                    putLocked(key, value, expires, expiresAt, weight, removals);
                }
            }
        } finally {
            evictionLock.unlock();
        }
        notifyListeners(removals);
    }

    /** Marks the load of {@code key} in progress, if any, as superseded by a write: it must not store. */
    private void supersedeLoad(String key) {
        if (!loads.isEmpty()) {
            Load load = loads.get(key);
            if (load != null) {
                load.superseded = true;
            }
        }
    }

    private static Object await(String key, Load running) {
        try {
            return running.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheException("interrupted while waiting for the load of key " + key, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new CacheException("the load of key " + key + " failed", cause);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Listeners, statistics, lifecycle

    /**
     * Registers a listener for entries leaving this store. A listener that throws is logged (with its
     * stack trace the first time, briefly after) and does not stop the others or the operation.
     *
     * @throws InvalidInputException if the listener is null
     */
    @Override
    public Subscription addRemovalListener(RemovalListener listener) {
        CacheInputs.requireNonNull(listener, "listener");
        ListenerRegistration registration = new ListenerRegistration(listener);
        listeners.add(registration);
        return () -> listeners.remove(registration);
    }

    /**
     * A snapshot of the statistics. {@code totalSizeBytes} is the sum of the {@link Weigher}'s estimates
     * of the entries held (expired ones not yet removed included).
     */
    @Override
    public CacheStats stats() {
        long entries;
        long bytes;
        long evicted;
        long expired;
        evictionLock.lock();
        try {
            entries = size;
            bytes = totalWeight;
            evicted = evictions;
            expired = expirations.sum();
        } finally {
            evictionLock.unlock();
        }
        return new CacheStats(hits.sum(), misses.sum(), entries, bytes, evicted, expired, errors.sum());
    }

    /**
     * Stops the periodic cleanup. The entries stay readable and writable; expired ones are then removed
     * only when found or by {@link #cleanupExpired()}. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && cleanup != null) {
            cleanup.cancel(false);
        }
    }

    /**
     * For tests: whether the eviction policy's books balance with the store's (always true under LRU, whose
     * list is checked by the LRU tests).
     */
    boolean policyIsConsistent() {
        evictionLock.lock();
        try {
            readBuffer.drainTo(replayer);
            return policy == null || policy.isConsistentWith(size);
        } finally {
            evictionLock.unlock();
        }
    }

    /** Whether the periodic cleanup is scheduled (it is until {@link #close()}, unless disabled). */
    boolean isCleanupScheduled() {
        return cleanup != null && !cleanup.isDone();
    }

    @Override
    public String toString() {
        return "MemoryCacheStore[maximumSize=" + maximumSize
                + (maximumWeight == Long.MAX_VALUE ? "" : ", maximumWeightBytes=" + maximumWeight)
                + ", defaultTtl=" + defaultTtl + (policy == null ? "" : ", evictionPolicy=ADAPTIVE")
                + (closed.get() ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------------------------------------
    // The access-order list and removal bookkeeping; all under the eviction lock.

    private void linkLast(Node node) {
        Node last = sentinel.prev;
        node.prev = last;
        node.next = sentinel;
        last.next = node;
        sentinel.prev = node;
    }

    private void moveToTail(Node node) {
        if (sentinel.prev == node) {
            return;
        }
        node.prev.next = node.next;
        node.next.prev = node.prev;
        linkLast(node);
    }

    private void unlink(Node node) {
        node.prev.next = node.next;
        node.next.prev = node.prev;
        node.prev = null;
        node.next = null;
    }

    private void evictIfNeeded(long now, List<Removal> removals) {
        if (policy != null) {
            policyEviction.now = now;
            policyEviction.removals = removals;
            policy.evict(policyEviction);
            policyEviction.removals = null;
            return;
        }
        while (size > maximumSize || totalWeight > maximumWeight) {
            Node eldest = sentinel.next;
            if (eldest == sentinel) {
                break;
            }
            retire(eldest, RemovalCause.EVICTED, now, false, removals);
        }
    }

    /**
     * Removes a node from the store: marks it retired (so no put revives it), takes it out of the map
     * and the list, updates the counters, and notes the removal for the listeners. An expired entry is
     * reported (and counted) as expired, whatever removed it. Caller holds the lock and has checked that
     * the map holds this node.
     *
     * @param onlyIfExpired retire only if the entry is expired (a put may have renewed it meanwhile)
     * @return whether the entry was expired (with {@code onlyIfExpired}: whether it was retired)
     */
    private boolean retire(Node node, RemovalCause cause, long now, boolean onlyIfExpired, List<Removal> removals) {
        boolean expired;
        synchronized (node) {
            expired = node.isExpiredAt(now);
            if (onlyIfExpired && !expired) {
                return false;
            }
            node.value = null;
        }
        map.remove(node.key, node);
        if (policy == null) {
            unlink(node);
        } else {
            policy.onRemove(node);
        }
        size--;
        totalWeight -= node.weight();
        sizeChanged();
        RemovalCause reported = expired ? RemovalCause.EXPIRED : cause;
        if (reported == RemovalCause.EXPIRED) {
            expirations.increment();
        } else if (reported == RemovalCause.EVICTED) {
            evictions++;
        }
        noteRemoval(node.key, reported, removals);
        return expired;
    }

    /** A list for the removals of one operation, or null when nobody listens (then nothing is noted). */
    private List<Removal> newRemovals() {
        return listeners.isEmpty() ? null : new ArrayList<>(2);
    }

    private void noteRemoval(String key, RemovalCause cause, List<Removal> removals) {
        if (removals != null) {
            removals.add(new Removal(key, cause));
        }
    }

    private void notifyListeners(List<Removal> removals) {
        if (removals == null || removals.isEmpty()) {
            return;
        }
        for (Removal removal : removals) {
            for (ListenerRegistration registration : listeners) {
                registration.notify(removal.key, removal.cause);
            }
        }
    }

    private int weigh(String key, Object value) {
        long weight = weigher.weigh(key, value);
        if (weight < 0) {
            throw new InvalidInputException("value",
                    "must have a weight of at least 0, but the weigher gave " + weight + " for key " + key);
        }
        if (weight > maximumWeight) {
            throw new InvalidInputException("value", "weighs an estimated " + weight
                    + " bytes, more than maximumWeightBytes (" + maximumWeight + "), so it is not stored");
        }
        return (int) Math.min(Node.MAXIMUM_WEIGHT, weight);
    }

    /**
     * The TTL in nanoseconds, or {@link #NO_DEADLINE}. A deadline is the ticker reading plus this; it
     * wraps like {@code System.nanoTime()} may, which is fine because expiry compares differences, and
     * any {@code long} is a valid deadline (see {@link Node#expires()}).
     */
    private static long ttlNanos(Duration ttl) {
        if (ttl == NO_EXPIRY || ttl.compareTo(LONGEST_TTL) >= 0) {
            return NO_DEADLINE;
        }
        return ttl.toNanos();
    }

    /** The store's side of an adaptive eviction; its fields are set under the lock before each use. */
    private final class PolicyEviction implements AdaptivePolicy.Eviction<Node> {
        long now;
        List<Removal> removals;

        @Override
        public boolean overBound() {
            return size > maximumSize || totalWeight > maximumWeight;
        }

        @Override
        public boolean isDead(Node node) {
            return node.isExpiredAt(now);
        }

        @Override
        public void evict(Node node) {
            retire(node, RemovalCause.EVICTED, now, false, removals);
        }
    }

    /** A removal to report once the lock is released. */
    private record Removal(String key, RemovalCause cause) {
    }

    /** One load in progress, and who runs it (to refuse a loader that loads its own key). */
    private static final class Load {
        final Thread owner;
        final CompletableFuture<Object> result = new CompletableFuture<>();
        /** Set by a write of the key while the load runs: its value may be older than that write. */
        volatile boolean superseded;

        Load(Thread owner) {
            this.owner = owner;
        }
    }

    /** A listener and whether it has failed before, so a failing listener logs its stack trace once. */
    private static final class ListenerRegistration {
        private final RemovalListener listener;
        private volatile boolean failedBefore;

        ListenerRegistration(RemovalListener listener) {
            this.listener = listener;
        }

        void notify(String key, RemovalCause cause) {
            try {
                listener.onRemoval(key, cause);
            } catch (Exception e) {
                // Exception, not only RuntimeException: a listener in another JVM language can throw a
                // checked one, and it must not stop the other listeners or the operation either.
                if (!failedBefore) {
                    failedBefore = true;
                    LOG.warn("A removal listener failed on key {} ({}); it stays registered", LogText.escape(key), cause, e);
                } else {
                    LOG.debug("A removal listener failed again on key {} ({}): {}", LogText.escape(key), cause,
                            LogText.escape(e.toString()));
                }
            }
        }
    }

    /**
     * Options of a {@link MemoryCacheStore}. Each option is checked when set (the message names it) and
     * may be set once; {@link #build()} can be called again for another store with the same options.
     * Not thread-safe.
     */
    public static final class Builder {
        static final long UNSET = -1;

        private long maximumSize = UNSET;
        private long maximumWeightBytes = UNSET;
        private Duration defaultTtl;
        private Duration cleanupInterval;
        private Ticker ticker;
        private Weigher weigher;
        private EvictionPolicy evictionPolicy;
        private Long policySeed;

        private Builder() {
        }

        /**
         * The most entries the store holds (default {@value MemoryCacheStore#DEFAULT_MAXIMUM_SIZE}).
         *
         * @throws InvalidInputException if below 1
         * @throws IllegalStateException if already set
         */
        public Builder maximumSize(long maximumSize) {
            CacheInputs.requireUnset("maximumSize", this.maximumSize == UNSET ? null : this.maximumSize);
            CacheInputs.requireAtLeastOne(maximumSize, "maximumSize");
            this.maximumSize = maximumSize;
            return this;
        }

        /**
         * The most estimated bytes the store holds, by the {@link #weigher(Weigher)} (default: no byte
         * bound). A value heavier than this on its own is refused by {@code put}.
         *
         * @throws InvalidInputException if below 1
         * @throws IllegalStateException if already set
         */
        public Builder maximumWeightBytes(long maximumWeightBytes) {
            CacheInputs.requireUnset("maximumWeightBytes",
                    this.maximumWeightBytes == UNSET ? null : this.maximumWeightBytes);
            CacheInputs.requireAtLeastOne(maximumWeightBytes, "maximumWeightBytes");
            this.maximumWeightBytes = maximumWeightBytes;
            return this;
        }

        /**
         * The TTL of {@link MemoryCacheStore#put(String, Object)} (default one hour); may be
         * {@link CacheStore#NO_EXPIRY}.
         *
         * @throws InvalidInputException if null, zero or negative
         * @throws IllegalStateException if already set
         */
        public Builder defaultTtl(Duration defaultTtl) {
            CacheInputs.requireUnset("defaultTtl", this.defaultTtl);
            if (defaultTtl == null) {
                throw new InvalidInputException("defaultTtl", "must not be null (use CacheStore.NO_EXPIRY for no expiry)");
            }
            if (defaultTtl.isZero() || defaultTtl.isNegative()) {
                throw new InvalidInputException("defaultTtl", "must be positive (or CacheStore.NO_EXPIRY), was " + defaultTtl);
            }
            this.defaultTtl = defaultTtl;
            return this;
        }

        /**
         * How often the shared cleanup thread removes this store's expired entries (default five
         * minutes); {@link Duration#ZERO} for never (expired entries then leave when found, evicted or
         * cleaned up by {@link MemoryCacheStore#cleanupExpired()}).
         *
         * @throws InvalidInputException if null or negative
         * @throws IllegalStateException if already set
         */
        public Builder cleanupInterval(Duration cleanupInterval) {
            CacheInputs.requireUnset("cleanupInterval", this.cleanupInterval);
            if (cleanupInterval == null) {
                throw new InvalidInputException("cleanupInterval", "must not be null (use Duration.ZERO to disable the cleanup)");
            }
            if (cleanupInterval.isNegative()) {
                throw new InvalidInputException("cleanupInterval", "must not be negative, was " + cleanupInterval);
            }
            this.cleanupInterval = cleanupInterval;
            return this;
        }

        /**
         * The clock of expiry (default {@link Ticker#system()}); tests pass a manual one.
         *
         * @throws InvalidInputException if null
         * @throws IllegalStateException if already set
         */
        public Builder ticker(Ticker ticker) {
            CacheInputs.requireUnset("ticker", this.ticker);
            this.ticker = CacheInputs.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * The estimate of an entry's bytes (default {@link Weigher#estimating()}).
         *
         * @throws InvalidInputException if null
         * @throws IllegalStateException if already set
         */
        public Builder weigher(Weigher weigher) {
            CacheInputs.requireUnset("weigher", this.weigher);
            this.weigher = CacheInputs.requireNonNull(weigher, "weigher");
            return this;
        }

        /**
         * Which entry leaves when the store is full (default {@link EvictionPolicy#LRU}, exact while one
         * thread uses the store). {@link EvictionPolicy#ADAPTIVE} is frequency-aware and resists scans and
         * loops; it adds a frequency sketch of 10 bytes per entry of {@code maximumSize} (whole 64-byte blocks),
         * which starts at most 128 KiB with the first entry and doubles as the store fills.
         *
         * @throws InvalidInputException if null
         * @throws IllegalStateException if already set
         */
        public Builder evictionPolicy(EvictionPolicy evictionPolicy) {
            CacheInputs.requireUnset("evictionPolicy", this.evictionPolicy);
            this.evictionPolicy = CacheInputs.requireNonNull(evictionPolicy, "evictionPolicy");
            return this;
        }

        /** Fixes the adaptive policy's salt and coin, for tests that compare it with the bare policy. */
        Builder policySeed(long seed) {
            this.policySeed = seed;
            return this;
        }

        /** A new store with these options; the builder stays usable. */
        public MemoryCacheStore build() {
            return new MemoryCacheStore(this);
        }
    }
}

package io.chatcache.chat;

import io.chatcache.chat.L2Gateway.Timing;
import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheException;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.LogText;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.PublishingStore;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.SerializationException;
import io.chatcache.core.Subscription;
import io.chatcache.core.Ticker;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A two-level {@link CacheStore}: a fast in-process L1 (usually the memory store) in front of a shared
 * L2 (usually Redis), kept coherent across application instances by an {@link InvalidationBus}.
 *
 * <h2>Reads and writes</h2>
 * <ul>
 *   <li>A read is served from L1 if it holds the key; otherwise from L2, and an L2 hit is copied into
 *       L1 for no longer than the L2 entry still lives and no longer than the {@linkplain
 *       Builder#l1TtlCeiling L1 TTL ceiling}.</li>
 *   <li>A write, delete, pattern delete or clear goes to L2 first, then to L1, then is published on the
 *       bus with {@link InvalidationBus#publishAsync}: the call returns once L2 has the change (one round
 *       trip), and the message follows, in order with this instance's other messages. Where the L2 store
 *       can carry the bus's messages ({@link PublishingStore}: Redis on one server), a {@code put} sends
 *       the write and its message together, in one round trip. Only such changes publish; copying an L2
 *       hit into L1 publishes nothing.</li>
 *   <li>Messages from other instances drop the matching L1 entries; an instance ignores its own.</li>
 *   <li>A read that fetched a value from L2 does not copy it into L1 if the key was written or
 *       invalidated while the read was in flight (the fill race), so an invalidation that overtakes a
 *       read is never undone by it.</li>
 *   <li>Coherence is a state: after anything that may have cost this instance an
 *       invalidation (an L2 failure or outage, a bus disconnect or reconnect, a gap in a publisher's
 *       sequence numbers, its own {@linkplain Builder#heartbeatInterval heartbeat} not coming back), L1
 *       neither serves nor is filled while L2 answers: reads go to L2. Once a heartbeat this instance
 *       published afterwards has come back through the bus, L1 is dropped once and serves again. While L2
 *       cannot be used (the breaker is open), L1 serves: it is all the instance has, and while L2 does not
 *       answer nobody can change it, so L1 misses nothing that L2 holds. Once L2 answers again other instances'
 *       writes reach it at once, so L1 stops serving as soon as this instance's background probe finds L2
 *       back (within about a {@linkplain Builder#probeInterval probe interval}).</li>
 * </ul>
 * {@link #getAll} and {@link #putAll} use L2's bulk calls (one round trip for Redis) with L1 in front;
 * {@code getAll} does not copy L2 hits into L1, because the bulk read does not tell their remaining
 * TTLs.
 *
 * <h2>When L2 is down or slow</h2>
 * A circuit breaker guards L2: after {@linkplain Builder#failureThreshold a number} of
 * consecutive failures, timeouts ({@link CacheUnavailableException} from L2) or {@linkplain
 * Builder#slowCallThreshold slow answers} it opens, and callers' calls do not go to L2 for {@linkplain
 * Builder#openDuration a while}; then one call probes it. Meanwhile a background probe reads L2 every
 * {@linkplain Builder#probeInterval probe interval} (100 ms), one probe at a time: an instance finds L2 back
 * within about an interval of its return, whether callers come or not. A {@linkplain Builder#maxConcurrentL2Calls
 * bulkhead} bounds how many callers wait on L2 at once; the others are served as while L2 is down. Until
 * a probe succeeds,
 * callers see no exception: reads are served from L1 (a miss if L1 lacks the key), writes and deletes go
 * to L1 only, and nothing is published. Every operation answered without L2 is counted
 * ({@link #l2Failures()}, also in {@link #stats()} errors), and the outage logged once. Writes made while L2 is down are seen by this instance only. When L2 answers again,
 * L1 is dropped (it missed the other instances' invalidations, and holds values L2 lacks), and the keys
 * this instance wrote or deleted meanwhile are deleted from L2 and published, so that no instance
 * serves the values those changes replaced (past 10,000 keys or patterns, L2
 * is cleared instead). The values written during the outage thus leave the cache — the cache only,
 * never the caller's data. A single failed call below the breaker's threshold is repaired the same way
 * at the next L2 success. {@link #isL2Available()} tells whether L2 is in use.
 * Exceptions from L2 that retrying cannot fix ({@link io.chatcache.core.SerializationException},
 * {@link InvalidInputException}, {@link CacheConfigurationException}) reach the caller as the port says
 * and do not count against L2. Any other {@link io.chatcache.core.CacheException} (L2 answered but
 * refused the command, as Redis does when out of memory) does not reach the caller either: the call is
 * served as if L2 were down for it (and journaled), counted in errors and logged once, but the breaker is
 * not told, since L2 answered.
 *
 * <p>Built with {@link Builder#l2Connector}, the store starts even when L2 is unreachable (L1 only) and
 * connects in the background; a wrong password or a malformed address fails {@link Builder#build()}.
 *
 * <h2>Staleness bounds</h2>
 * Between instances the store is eventually coherent, not linearizable: another instance may serve its
 * L1 copy of a key for as long as the invalidation takes to reach it (normally a pub/sub hop). A message lost silently shows as a gap at its
 * publisher's next heartbeat: the copy may be served for about one and a half heartbeat intervals (the
 * reorder grace is half an interval) plus a bus round trip. After an L2 outage or a bus disconnect, no L1
 * copy is served while L2 answers until the bus proves it delivers. While L2 is down, instances do not see
 * each other's changes at all; the recovery repairs that. {@link #close()} applies to L2 what is still
 * journaled within {@linkplain Builder#closeTimeout a bound}; what it cannot apply
 * ({@link #unappliedAtClose()}) stays in L2 until its TTL ends, and in other instances' L1 for at most the
 * L1 TTL ceiling.
 *
 * <h2>Removal listeners</h2>
 * {@link #addRemovalListener} reports each key removed on behalf of a caller once: a {@link #delete} as
 * {@link RemovalCause#EXPLICIT}; each key removed by {@link #deleteMatching} as {@code EXPLICIT} (the
 * keys L2 reports removing, and those L1 held); each key removed by {@link #clear()} as
 * {@link RemovalCause#CLEARED}; each L1 entry dropped for another instance's change as {@code EXPLICIT}
 * (as {@code CLEARED} for its clear). Evictions and expirations of L1 copies, and L1 drops for lost
 * messages, L2 recovery or a pattern with {@code ?} or {@code [} (which Redis matches byte by byte, so
 * L1 is dropped whole after one), are not reported: the key still lives in L2. Replacements are not reported.
 *
 * <h2>Ownership</h2>
 * Closing the hybrid store closes L1 and the {@link ProvidedStore} it opened through the connector. An
 * L2 store and bus handed in with {@link Builder#l2} and {@link Builder#bus} belong to the caller, who
 * closes them after the hybrid store.
 *
 * <p>Thread-safe.
 */
public final class HybridCacheStore implements CacheStore {

    private static final Logger LOG = LoggerFactory.getLogger(HybridCacheStore.class);

    /**
     * How many keys (and, separately, patterns) changed while L2 is out of use are remembered for
     * deletion from L2 on recovery; past it, L2 is cleared on recovery instead.
     */
    static final int MAX_JOURNALED_CHANGES = 10_000;

    /** What the background probe reads: any answer, even of a value of another type, shows L2 is up. */
    private static final String PROBE_KEY = "chat-cache:l2-probe";
    private static final ValueType<String> PROBE_TYPE = ValueType.of(String.class);

    private final CacheStore l1;
    private final Duration l1TtlCeiling;
    private final Duration defaultTtl;
    private final Duration reconnectInterval;
    private final L2Gateway gateway;
    private final FillGuard guard = new FillGuard();
    /**
     * Changes made outside this instance's own L1 writes: other instances' invalidations, L1 drops for
     * lost messages or recovery, journal replays. An L1-only write that sees one undoes itself, because
     * the change may be newer than its value; its own concurrent local writes and deletes do not count.
     */
    private final FillGuard outsideChanges = new FillGuard();
    /** Null when the store has no L2 at all (L1 only): then there is nothing to replay. */
    private final OutageJournal journal;
    private final Object linkLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Subscription l1Subscription;

    private volatile L2Link link;
    /** Bumped whenever L2 comes back; an L1-only write that sees it move undoes itself. */
    private final AtomicLong recoveries = new AtomicLong();
    private final Coherence coherence;
    /**
     * Whether the latest L2 call failed: until one answers again (or the breaker opens), L1 is not trusted
     * back, since a probe of the bus alone says nothing about L2 (below the breaker's threshold L2 may be
     * failing with the breaker still closed).
     */
    private volatile boolean lastL2CallFailed;
    private final Duration heartbeatInterval;
    private final Duration closeTimeout;
    /** Applies the journal to L2 on recovery and at close; null without L2 (nothing to replay). */
    private final JournalReplayer replayer;
    /** The connector's retries, the heartbeats and the L2 probe: one thread, created on first use. */
    private final BackgroundTasks background = new BackgroundTasks();
    private final Duration probeInterval;
    /** The connector's retry schedule while L2 has not been reached; guarded by linkLock. */
    private Future<?> connectorRetries;
    private final CopyOnWriteArrayList<RemovalListener> removalListeners = new CopyOnWriteArrayList<>();
    /** The keys that L1 or L2 report removing during a call of this thread that wants to report them. */
    private final ThreadLocal<Set<String>> collectedRemovals = new ThreadLocal<>();

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder publishFailures = new LongAdder();
    private final LongAdder invalidationsSent = new LongAdder();
    private final LongAdder invalidationsReceived = new LongAdder();
    private final LongAdder l1Drops = new LongAdder();
    /** Calls made while there was no L2 connection at all: answered without it. */
    private final LongAdder unconnected = new LongAdder();
    private final AtomicBoolean publishFailureLogged = new AtomicBoolean();
    private final AtomicBoolean connectorFailureLogged = new AtomicBoolean();
    private volatile CacheStats lastL2Stats = CacheStats.EMPTY;
    /** Test hook: runs after an L2 read and before its value is copied into L1. */
    private volatile Consumer<String> beforeFillHook;

    private HybridCacheStore(Builder builder) {
        this.l1 = builder.l1;
        this.l1TtlCeiling = orDefault(builder.l1TtlCeiling, Builder.DEFAULT_L1_TTL_CEILING);
        this.defaultTtl = orDefault(builder.defaultTtl, Builder.DEFAULT_TTL);
        this.reconnectInterval = orDefault(builder.reconnectInterval, Builder.DEFAULT_RECONNECT_INTERVAL);
        this.gateway = new L2Gateway("L2 cache",
                builder.failureThreshold == null ? Builder.DEFAULT_FAILURE_THRESHOLD : builder.failureThreshold,
                orDefault(builder.openDuration, Builder.DEFAULT_OPEN_DURATION),
                orDefault(builder.slowCallThreshold, Builder.DEFAULT_SLOW_CALL_THRESHOLD),
                builder.maxConcurrentL2Calls == null ? Builder.DEFAULT_MAX_CONCURRENT_L2_CALLS
                        : builder.maxConcurrentL2Calls,
                builder.ticker == null ? Ticker.system() : builder.ticker);
        this.journal = builder.l2 != null || builder.l2Connector != null
                ? new OutageJournal(MAX_JOURNALED_CHANGES) : null;
        this.heartbeatInterval = orDefault(builder.heartbeatInterval, Builder.DEFAULT_HEARTBEAT_INTERVAL);
        this.closeTimeout = orDefault(builder.closeTimeout, Builder.DEFAULT_CLOSE_TIMEOUT);
        this.probeInterval = orDefault(builder.probeInterval, Builder.DEFAULT_PROBE_INTERVAL);
        this.replayer = journal == null ? null
                : new JournalReplayer(journal, new ReplayHooks(), closeTimeout, l1TtlCeiling);
        this.coherence = new Coherence(new CoherenceHooks(), heartbeatInterval);
        this.l1Subscription = l1.addRemovalListener(this::collectRemoval);
    }

    /** A builder with every option at its default; {@link Builder#l1} is required. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- reads

    /**
     * Returns the value from L1, or else from L2 (copying it into L1). While L2 is unavailable, only L1
     * is consulted and a key it lacks reads as absent; no exception is thrown for L2's absence.
     *
     * @throws InvalidInputException if the key or type breaks the input rules
     */
    @Override
    public <T> Optional<T> get(String key, ValueType<T> type) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        boolean l1First = trustL1();
        if (l1First) {
            Optional<T> local = l1.get(key, type);
            if (local.isPresent()) {
                hits.increment();
                return local;
            }
        }
        L2Gateway.Result<Optional<CacheEntry<T>>> remote = readL2(key, type);
        Optional<T> found = remote.answered() ? remote.value().map(CacheEntry::value)
                : l1First ? Optional.empty() : l1.get(key, type);
        (found.isPresent() ? hits : misses).increment();
        return found;
    }

    /**
     * Like {@link #get}, with the remaining TTL. While L2 is in use, the entry is read from L2, whose
     * remaining TTL is the true one (an L1 copy may be cut short by the ceiling); while L2 is
     * unavailable, from L1, reporting the L1 copy's remaining TTL.
     */
    @Override
    public <T> Optional<CacheEntry<T>> getEntry(String key, ValueType<T> type) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        L2Gateway.Result<Optional<CacheEntry<T>>> remote = readL2(key, type);
        Optional<CacheEntry<T>> entry = remote.answered() ? remote.value() : l1.getEntry(key, type);
        if (entry.isEmpty()) {
            misses.increment();
        } else {
            hits.increment();
        }
        return entry;
    }

    /** Reads L2 and fills L1 on a hit. */
    private <T> L2Gateway.Result<Optional<CacheEntry<T>>> readL2(String key, ValueType<T> type) {
        long stamp = guard.stamp(key);
        long startNanos = System.nanoTime();
        L2Gateway.Result<Optional<CacheEntry<T>>> entry = callL2(link, Timing.SINGLE, store -> store.getEntry(key, type));
        if (entry.answered() && entry.value().isPresent()) {
            fillL1(key, entry.value().get(), stamp, startNanos);
        }
        return entry;
    }

    /**
     * Copies an L2 hit into L1 unless the key changed since {@code stamp} was taken (before the L2
     * read). The check is repeated after the put, because an invalidation can land between the first
     * check and the put: it bumps the stamp before it deletes from L1, so either its delete comes after
     * our put, or our second check sees its bump and we delete the copy ourselves.
     */
    private <T> void fillL1(String key, CacheEntry<T> entry, long stamp, long startNanos) {
        Consumer<String> hook = beforeFillHook;
        if (hook != null) {
            hook.accept(key);
        }
        Duration ttl = l1Ttl(entry.remainingTtl(), startNanos);
        // A suspicion bumps the guard, so a fill that began before it fails the second check below.
        if (ttl == null || !coherence.coherent() || !guard.unchangedSince(key, stamp)) {
            return;
        }
        l1.put(key, entry.value(), ttl);
        if (!guard.unchangedSince(key, stamp)) {
            l1.delete(key);
        }
    }

    /**
     * Reads L1 first, then the keys L1 lacks from L2 in one bulk call. L2 hits are not copied into L1
     * (the bulk read does not tell their remaining TTLs). Absent keys are missing from the result.
     *
     * @throws InvalidInputException if the collection, a key or the type breaks the input rules
     */
    @Override
    public <T> Map<String, T> getAll(Collection<String> keys, ValueType<T> type) {
        CacheInputs.requireNonNull(keys, "keys");
        keys.forEach(CacheInputs::requireKey);
        CacheInputs.requireNonNull(type, "type");
        Set<String> distinct = new LinkedHashSet<>(keys);
        Map<String, T> local = trustL1() ? l1.getAll(distinct, type) : Map.of();
        Set<String> missing = new LinkedHashSet<>();
        for (String key : distinct) {
            if (!local.containsKey(key)) {
                missing.add(key);
            }
        }
        Map<String, T> remote = Map.of();
        if (!missing.isEmpty()) {
            L2Gateway.Result<Map<String, T>> answer = callL2(link, Timing.SINGLE, store -> store.getAll(missing, type));
            if (answer.answered()) {
                remote = answer.value();
            }
        }
        Map<String, T> found = new LinkedHashMap<>();
        for (String key : distinct) {
            T value = local.get(key);
            if (value == null) {
                value = remote.get(key);
            }
            if (value != null) {
                found.put(key, value);
            }
        }
        hits.add(found.size());
        misses.add(distinct.size() - found.size());
        return found;
    }

    // ---------------------------------------------------------------- writes

    /**
     * Stores the value with the {@linkplain Builder#defaultTtl default TTL}; see
     * {@link #put(String, Object, Duration)}.
     */
    @Override
    public void put(String key, Object value) {
        put(key, value, defaultTtl);
    }

    /**
     * Stores the value in L2, then in L1 (for at most the L1 TTL ceiling), then tells the other
     * instances. While L2 is unavailable the value goes to L1 only, without an exception: this instance
     * sees it, the others do not, and it leaves L1 when L2 comes back. If another instance's change to
     * the key (or an L1 drop) arrives while this write is under way, it may be the newer one, so the key
     * is dropped from L1 instead.
     *
     * @throws InvalidInputException if the key, value or TTL breaks the input rules
     * @throws io.chatcache.core.SerializationException if L2 cannot write the value; nothing changes
     */
    @Override
    public void put(String key, Object value, Duration ttl) {
        CacheInputs.requireKey(key);
        CacheInputs.requireValue(value);
        CacheInputs.requireTtl(ttl);
        long recovery = recoveries.get();
        long stamp = guard.stamp(key);
        long outsideStamp = outsideChanges.stamp(key);
        long startNanos = System.nanoTime();
        L2Link l2 = link;
        L2Gateway.Result<L2Write> written = callL2(l2, Timing.SINGLE, store -> putInL2(store, l2.bus(), key, value, ttl));
        if (written.answered()) {
            putL1AfterL2(key, value, ttl, stamp, startNanos);
            if (written.value() == L2Write.WRITTEN) {
                publish(l2, Invalidation.Kind.KEY, key);
            } else {
                invalidationsSent.increment();
            }
        } else {
            putL1Only(key, value, ttl, recovery, outsideStamp);
        }
    }

    /**
     * Stores the entries in L2 with one bulk call, then in L1, then publishes one message per key.
     * Every key and value is checked before anything is written. While L2 is unavailable the entries
     * go to L1 only, as with {@link #put(String, Object, Duration)}.
     *
     * @throws InvalidInputException if the map, a key, a value or the TTL breaks the input rules
     */
    @Override
    public void putAll(Map<String, ?> entries, Duration ttl) {
        CacheInputs.requireNonNull(entries, "entries");
        CacheInputs.requireTtl(ttl);
        entries.forEach((key, value) -> {
            CacheInputs.requireKey(key);
            CacheInputs.requireValue(value);
        });
        if (entries.isEmpty()) {
            return;
        }
        Map<String, Object> copy = new LinkedHashMap<>(entries);
        long recovery = recoveries.get();
        Map<String, Long> stamps = new HashMap<>();
        copy.keySet().forEach(key -> stamps.put(key, guard.stamp(key)));
        Map<String, Long> outsideStamps = new HashMap<>();
        copy.keySet().forEach(key -> outsideStamps.put(key, outsideChanges.stamp(key)));
        long startNanos = System.nanoTime();
        L2Link l2 = link;
        if (callL2(l2, Timing.SINGLE, store -> {
            store.putAll(copy, ttl);
            return L2Write.WRITTEN;
        }).answered()) {
            copy.forEach((key, value) -> putL1AfterL2(key, value, ttl, stamps.get(key), startNanos));
            copy.keySet().forEach(key -> publish(l2, Invalidation.Kind.KEY, key));
        } else {
            copy.forEach((key, value) -> putL1Only(key, value, ttl, recovery, outsideStamps.get(key)));
        }
    }

    /**
     * Puts a value just written to L2 into L1, unless something else changed the key since
     * {@code stampBefore} (taken before the L2 write): then the order of the two changes in L2 is
     * unknown, so L1 drops the key and the next read asks L2.
     */
    private void putL1AfterL2(String key, Object value, Duration ttl, long stampBefore, long startNanos) {
        boolean sole = guard.bumpAndCheckSole(key, stampBefore);
        Duration l1Ttl = l1Ttl(ttl, startNanos);
        if (sole && l1Ttl != null && coherence.coherent()) {
            l1.put(key, value, l1Ttl);
            if (!guard.unchangedSince(key, stampBefore + 1)) {
                l1.delete(key);
            }
        } else {
            l1.delete(key);
        }
    }

    /**
     * Puts a value that did not reach L2 into L1 and journals its key. If a change from outside this
     * instance's own writes covered the key since {@code outsideStampBefore} (taken before the L2
     * attempt) — another instance's write heard over the bus, a journal replay run by another call —
     * that change may be newer, so L1 drops the key instead. The check is repeated after the put, as for
     * fills, so such a change landing during the put is not undone by it.
     */
    private void putL1Only(String key, Object value, Duration ttl, long recoveryBefore, long outsideStampBefore) {
        if (journal != null) {
            journal.key(key);
        }
        guard.bump(key);
        if (!outsideChanges.unchangedSince(key, outsideStampBefore)) {
            l1.delete(key);
            return;
        }
        l1.put(key, value, capped(ttl));
        // L2 came back while we wrote (the L1 drop of the recovery may have run before our put, and this
        // value is not in L2), or the key changed from outside meanwhile.
        if (recoveries.get() != recoveryBefore || !outsideChanges.unchangedSince(key, outsideStampBefore)) {
            l1.delete(key);
        }
    }

    /**
     * Removes the key from L2 and L1 and tells the other instances; while L2 is unavailable, from L1
     * only (the L2 entry stays). Reported to removal listeners as {@link RemovalCause#EXPLICIT} when
     * something was removed.
     *
     * @return whether either level held an unexpired entry
     * @throws InvalidInputException if the key breaks the input rules
     */
    @Override
    public boolean delete(String key) {
        CacheInputs.requireKey(key);
        L2Link l2 = link;
        L2Gateway.Result<Boolean> inL2 = callL2(l2, Timing.SINGLE, store -> store.delete(key));
        guard.bump(key);
        boolean inL1 = l1.delete(key);
        if (inL2.answered()) {
            publish(l2, Invalidation.Kind.KEY, key);
        } else if (journal != null) {
            journal.key(key);
        }
        boolean removed = (inL2.answered() && inL2.value()) || inL1;
        if (removed) {
            fire(Set.of(key), RemovalCause.EXPLICIT);
        }
        return removed;
    }

    /**
     * Removes the matching keys from L2 and L1 and tells the other instances; while L2 is unavailable,
     * from L1 only.
     *
     * @return how many entries L2 removed, or L1 when L2 was not used
     * @throws InvalidInputException if the pattern is null
     */
    @Override
    public long deleteMatching(KeyPattern pattern) {
        CacheInputs.requireNonNull(pattern, "pattern");
        Set<String> removed = new LinkedHashSet<>();
        L2Link l2 = link;
        L2Gateway.Result<Long> inL2;
        long inL1;
        Set<String> outer = collectedRemovals.get();
        collectedRemovals.set(removed);
        try {
            inL2 = callL2(l2, Timing.SCAN, store -> store.deleteMatching(pattern));
            guard.bumpAll();
            inL1 = l1.deleteMatching(pattern);
            if (inL2.answered() && matchesBytewiseInL2(pattern.pattern())) {
                dropL1();
            }
        } finally {
            restoreCollector(outer);
        }
        if (inL2.answered()) {
            publish(l2, Invalidation.Kind.PATTERN, pattern.pattern());
        } else if (journal != null) {
            journal.pattern(pattern);
        }
        fire(removed, RemovalCause.EXPLICIT);
        return inL2.answered() ? inL2.value() : inL1;
    }

    /**
     * Removes every entry from L2 (for Redis: its namespace) and L1 and tells the other instances;
     * while L2 is unavailable, from L1 only.
     */
    @Override
    public void clear() {
        Set<String> removed = new LinkedHashSet<>();
        L2Link l2 = link;
        L2Gateway.Result<L2Write> clearedL2;
        Set<String> outer = collectedRemovals.get();
        collectedRemovals.set(removed);
        try {
            clearedL2 = callL2(l2, Timing.SCAN, store -> {
                store.clear();
                return L2Write.WRITTEN;
            });
            guard.bumpAll();
            l1.clear();
        } finally {
            restoreCollector(outer);
        }
        if (clearedL2.answered()) {
            publish(l2, Invalidation.Kind.CLEAR, "");
        } else if (journal != null) {
            journal.clear();
        }
        fire(removed, RemovalCause.CLEARED);
    }

    // ---------------------------------------------------------------- listeners and stats

    /**
     * Registers a listener for keys removed on behalf of callers, on this instance or by another
     * instance's change; see the class description for which removals are reported.
     */
    @Override
    public Subscription addRemovalListener(RemovalListener listener) {
        CacheInputs.requireNonNull(listener, "listener");
        removalListeners.add(listener);
        return () -> removalListeners.remove(listener);
    }

    /**
     * The combined view: hits (from L1 or L2) and misses counted by this store; entry count, size,
     * evictions and expirations of L1; errors of L1 plus the L2 failures and bus publish failures this
     * store saw.
     */
    @Override
    public CacheStats stats() {
        CacheStats local = l1.stats();
        return new CacheStats(hits.sum(), misses.sum(), local.entryCount(), local.totalSizeBytes(),
                local.evictions(), local.expirations(),
                local.errors() + l2Failures() + publishFailures.sum());
    }

    /** L1's own statistics. */
    public CacheStats l1Stats() {
        return l1.stats();
    }

    /**
     * L2's own statistics, with the L2 failures this store saw added to its errors. While L2 is
     * unavailable, the last figures L2 gave (zeros if it never answered); L2 is not called then. For
     * Redis this scans the namespace: call it for monitoring, not per request.
     */
    public CacheStats l2Stats() {
        // Only while L2 is in use: monitoring must neither probe a failed L2 nor count as a failed operation.
        if (isL2Available()) {
            L2Gateway.Result<CacheStats> answered = callL2(link, Timing.SCAN, CacheStore::stats);
            if (answered.answered()) {
                lastL2Stats = answered.value();
            }
        }
        CacheStats last = lastL2Stats;
        return new CacheStats(last.hits(), last.misses(), last.entryCount(), last.totalSizeBytes(),
                last.evictions(), last.expirations(), last.errors() + l2Failures());
    }

    /**
     * How many operations were answered without L2 because it failed, refused the command, was kept
     * off by the circuit breaker or the bulkhead, or was not connected yet: reads served from L1 (or
     * missed), writes that reached L1 only.
     */
    public long l2Failures() {
        return gateway.failures() + gateway.skips() + unconnected.sum();
    }

    /**
     * The breaker's state, invalidations sent and received, whole-L1 drops and the round trip of this
     * instance's heartbeats through the bus: a snapshot, cheap to take, that never asks L2.
     */
    public L2Counters l2Counters() {
        return new L2Counters(L2Counters.of(gateway.state()), invalidationsSent.sum(),
                invalidationsReceived.sum(), l1Drops.sum(), coherence.heartbeatRoundTrips(),
                Duration.ofNanos(coherence.heartbeatRoundTripNanos()),
                Duration.ofNanos(coherence.lastHeartbeatRoundTripNanos()));
    }

    /**
     * Whether L2 is in use: connected, and its circuit breaker closed. False while the store runs on L1
     * only (L2 not reached yet, or failing, or waiting for a probe to show it answers again).
     */
    public boolean isL2Available() {
        return link != null && gateway.closed();
    }

    /**
     * Closes L1 and what this store opened through its connector, and stops the background connector.
     * An L2 store and bus handed in are left open. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        L2Link l2;
        synchronized (linkLock) {
            background.close();
            l2 = link;
            link = null;
        }
        try {
            if (replayer != null) {
                replayer.flushAtClose(l2);
            }
        } finally {
            try {
                if (l2 != null) {
                    l2.close();
                }
            } finally {
                try {
                    l1Subscription.close();
                } finally {
                    l1.close();
                }
            }
        }
    }

    /**
     * How many invalidations made while L2 was out of use {@link #close()} could not apply to L2 (L2 still
     * unreachable, or not within the close timeout). 0 until the store is closed.
     */
    public long unappliedAtClose() {
        return replayer == null ? 0 : replayer.unappliedAtClose();
    }

    @Override
    public String toString() {
        return "HybridCacheStore[l2Available=" + isL2Available() + ", l1TtlCeiling=" + l1TtlCeiling + "]";
    }

    // ---------------------------------------------------------------- L2 and its breaker

    /**
     * Calls L2 through the gateway (breaker, bulkhead, triage); once L2 answers, takes it back into use
     * after an outage, or replays what a failed call left in the journal.
     */
    private <R> L2Gateway.Result<R> callL2(L2Link l2, Timing timing, Function<CacheStore, R> call) {
        if (l2 == null) {
            if (journal != null) {
                unconnected.increment();
            }
            return L2Gateway.Result.skipped(L2Gateway.Skip.NOT_CONNECTED);
        }
        L2Gateway.Result<R> result = gateway.call(l2.store(), timing, call);
        afterL2Call(l2, result);
        return result;
    }

    /**
     * What any L2 call's outcome does to the store: a failure makes L1 suspect; an answer takes L2 back into use
     * after an outage, or replays what a failed call left in the journal.
     */
    private void afterL2Call(L2Link l2, L2Gateway.Result<?> result) {
        if (result.skipped() == L2Gateway.Skip.UNAVAILABLE) {
            lastL2CallFailed = true;
            // Whatever else failed meanwhile may include this instance's subscription.
            coherence.suspect("an L2 call failed");
        } else if (result.answered()) {
            lastL2CallFailed = false;
        }
        if (result.answered() && (result.reopened() || replayer.hasPending())) {
            // The L1 drop and the replay are not the caller's removals: a pattern delete or clear that
            // happens to be the call finding L2 back must not report what they remove as its own.
            Set<String> outer = collectedRemovals.get();
            collectedRemovals.remove();
            try {
                if (result.reopened()) {
                    LOG.info("L2 cache answers again; dropping L1, which may have missed invalidations");
                    recovered(l2);
                } else {
                    replayer.replay(l2);
                }
            } finally {
                restoreCollector(outer);
            }
        }
    }

    /**
     * The background probe, every {@linkplain Builder#probeInterval probe interval}: while L2 is out of use (the
     * breaker open) or the journal holds changes not yet applied, one single-key read of L2 through the gateway.
     * When L2 answers, the store takes it back into use at once (L1 dropped and suspect until the bus proves
     * itself, the journal replayed) instead of waiting for a caller after the open duration: an idle instance
     * applies its journal, and a busy one stops serving L1 as soon as L2 answers again.
     */
    private void probe() {
        L2Link l2 = link;
        if (l2 == null || closed.get() || (gateway.closed() && !lastL2CallFailed && !replayer.hasPending())) {
            return;
        }
        afterL2Call(l2, gateway.probe(l2.store(), store -> store.getEntry(PROBE_KEY, PROBE_TYPE)));
    }

    /**
     * Takes L2 back into use: drops L1 (it missed invalidations, and may hold values L2 lacks), then
     * replays the journal.
     */
    private void recovered(L2Link l2) {
        recoveries.incrementAndGet();
        dropL1();
        // Invalidations published while L2 was away may not have reached this instance, and the bus may
        // still be re-subscribing: L1 waits for the bus's proof.
        coherence.suspect("L2 answers again after an outage");
        replayer.replay(l2);
    }

    /** What replaying the journal does to this store beside L2. */
    private final class ReplayHooks implements JournalReplayer.Target {
        @Override
        public void publish(L2Link l2, Invalidation.Kind kind, String target) {
            HybridCacheStore.this.publish(l2, kind, target);
        }

        @Override
        public void forgetKey(String key) {
            guard.bump(key);
            outsideChanges.bump(key);
            l1.delete(key);
        }

        @Override
        public void dropL1() {
            HybridCacheStore.this.dropL1();
        }

        @Override
        public void failed(CacheUnavailableException e) {
            gateway.failed(e);
        }
    }

    /** What a write did in L2. */
    private enum L2Write {
        /** Written; the invalidation is still to be published. */
        WRITTEN,
        /** Written, and the invalidation published with it in the same round trip. */
        WRITTEN_AND_PUBLISHED
    }

    /**
     * Writes to L2 and, where the L2 store can carry the bus's messages ({@link PublishingStore}), publishes
     * in the same round trip.
     */
    private static L2Write putInL2(CacheStore store, InvalidationBus bus, String key, Object value, Duration ttl) {
        if (bus != null && store instanceof PublishingStore publishing && publishing.publishesOn(bus)) {
            try {
                publishing.putAndPublish(key, value, ttl, bus);
                return L2Write.WRITTEN_AND_PUBLISHED;
            } catch (IllegalStateException closed) {
                // The bus (or the store) was closed: write as if there were no shared batch; a closed store
                // throws again below, and the publish that follows counts a closed bus as a failed publish.
            }
        }
        store.put(key, value, ttl);
        return L2Write.WRITTEN;
    }

    /**
     * Tells the other instances, without waiting for the bus: the change is already in L2, and the bus
     * keeps its messages in order. A failure is counted and logged once, never the caller's problem:
     * peers' L1 copies age out by the ceiling, and the sequence gap makes them drop L1 at the next message.
     */
    private void publish(L2Link l2, Invalidation.Kind kind, String target) {
        InvalidationBus bus = l2.bus();
        if (bus == null) {
            return;
        }
        try {
            bus.publishAsync(kind, target).whenComplete((sent, failure) -> {
                if (failure == null) {
                    published();
                } else {
                    publishFailed(failure);
                }
            });
        } catch (RuntimeException e) {
            publishFailed(e);
        }
    }

    private void published() {
        invalidationsSent.increment();
        if (publishFailureLogged.get() && publishFailureLogged.compareAndSet(true, false)) {
            LOG.info("Invalidation bus publishes again");
        }
    }

    private void publishFailed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        publishFailures.increment();
        if (publishFailureLogged.compareAndSet(false, true)) {
            LOG.warn("Invalidation bus cannot publish ({}); other instances may serve their L1 copies "
                    + "for up to {}", LogText.escape(cause.getMessage()), l1TtlCeiling);
        }
    }

    // ---------------------------------------------------------------- invalidations from the bus

    private void onInvalidation(InvalidationBus bus, Invalidation invalidation) {
        if (closed.get()) {
            return;
        }
        if (invalidation.isFrom(bus.instanceId())) {
            coherence.ownMessage(invalidation);
            return;
        }
        coherence.othersMessage(invalidation);
        if (invalidation.kind() == Invalidation.Kind.HEARTBEAT) {
            return;
        }
        invalidationsReceived.increment();
        Set<String> removed = new LinkedHashSet<>();
        Set<String> outer = collectedRemovals.get();
        collectedRemovals.set(removed);
        try {
            switch (invalidation.kind()) {
                case KEY -> {
                    guard.bump(invalidation.target());
                    outsideChanges.bump(invalidation.target());
                    if (l1.delete(invalidation.target())) {
                        removed.add(invalidation.target());
                    }
                }
                case PATTERN -> {
                    guard.bumpAll();
                    outsideChanges.bumpAll();
                    l1.deleteMatching(KeyPattern.glob(invalidation.target()));
                    if (matchesBytewiseInL2(invalidation.target())) {
                        dropL1();
                    }
                }
                case CLEAR -> {
                    guard.bumpAll();
                    outsideChanges.bumpAll();
                    l1.clear();
                }
                case HEARTBEAT -> {
                    // Carries only its sequence number, checked above.
                }
            }
        } finally {
            restoreCollector(outer);
        }
        fire(removed, invalidation.kind() == Invalidation.Kind.CLEAR ? RemovalCause.CLEARED : RemovalCause.EXPLICIT);
    }

    private void onBusEvent(InvalidationListener.BusEvent event) {
        if (closed.get()) {
            return;
        }
        switch (event) {
            // While L2 is down too (the usual reason), L1 still serves: it is all this instance has.
            case DISCONNECTED -> coherence.suspect("the invalidation bus disconnected");
            case RECONNECTED -> {
                coherence.forgetOrigins();
                coherence.suspect("the invalidation bus reconnected; messages may have been lost meanwhile");
                // The server answers again, most likely: find out now rather than at the next probe.
                background.soon("L2 probe", this::probe);
            }
        }
    }

    /** Whether L1 may serve: the store is coherent, or L2 cannot be used (then L1 is all there is). */
    private boolean trustL1() {
        return coherence.coherent() || link == null || !gateway.closed();
    }

    /** What {@link Coherence} may do to this store. */
    private final class CoherenceHooks implements Coherence.Store {
        @Override
        public void dropL1() {
            HybridCacheStore.this.dropL1();
        }

        @Override
        public void invalidateFills() {
            guard.bumpAll();
        }

        @Override
        public boolean publishHeartbeat(String target) {
            L2Link l2 = link;
            if (l2 == null || l2.bus() == null || closed.get()) {
                return false;
            }
            try {
                l2.bus().publishAsync(Invalidation.Kind.HEARTBEAT, target);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }

        @Override
        public boolean l2Available() {
            return link != null && gateway.closed() && !lastL2CallFailed;
        }
    }

    /** Drops every L1 copy without reporting it: the keys still live in L2. */
    private void dropL1() {
        l1Drops.increment();
        Set<String> outer = collectedRemovals.get();
        collectedRemovals.remove();
        try {
            guard.bumpAll();
            outsideChanges.bumpAll();
            l1.clear();
        } finally {
            restoreCollector(outer);
        }
    }

    /**
     * Whether Redis may match {@code glob} against other keys than L1 does: Redis matches {@code ?} and
     * {@code [...]} against single bytes of the UTF-8 key, L1 against characters, so for a key with a
     * non-ASCII character ("user:\u00e9" and "user:??") the two disagree. L1 cannot list its keys to
     * apply Redis's rule, so after such a pattern it is dropped whole. A {@code *} or a literal matches
     * alike either way.
     */
    static boolean matchesBytewiseInL2(String glob) {
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- removal reporting

    private void collectRemoval(String key, RemovalCause cause) {
        if (cause == RemovalCause.EXPLICIT || cause == RemovalCause.CLEARED) {
            Set<String> collector = collectedRemovals.get();
            if (collector != null) {
                collector.add(key);
            }
        }
    }

    private void restoreCollector(Set<String> outer) {
        if (outer == null) {
            collectedRemovals.remove();
        } else {
            collectedRemovals.set(outer);
        }
    }

    private void fire(Set<String> keys, RemovalCause cause) {
        if (keys.isEmpty() || removalListeners.isEmpty()) {
            return;
        }
        for (String key : keys) {
            for (RemovalListener listener : removalListeners) {
                try {
                    listener.onRemoval(key, cause);
                } catch (RuntimeException e) {
                    LOG.warn("Removal listener {} failed for key {}", listener, LogText.escape(key), e);
                }
            }
        }
    }

    // ---------------------------------------------------------------- connecting L2

    private void start(Builder builder) {
        if (builder.l2 != null) {
            install(builder.l2, builder.bus, null);
            return;
        }
        if (builder.l2Connector == null) {
            return;
        }
        Supplier<ProvidedStore> connector = builder.l2Connector;
        try {
            install(connect(connector));
        } catch (CacheUnavailableException e) {
            // A fresh instance has nothing of its own in L1 yet; what it writes before L2 is reached
            // is journaled and replayed.
            LOG.warn("L2 cache unreachable at start-up ({}); serving from L1 only, retrying every {}",
                    LogText.escape(e.getMessage()), reconnectInterval);
            synchronized (linkLock) {
                connectorRetries = background.every(reconnectInterval, reconnectInterval, "L2 connector",
                        () -> retryConnect(connector));
            }
        }
    }

    private static ProvidedStore connect(Supplier<ProvidedStore> connector) {
        ProvidedStore provided = connector.get();
        if (provided == null) {
            throw new CacheConfigurationException("l2Connector returned null; it must return an open store "
                    + "or throw CacheUnavailableException");
        }
        return provided;
    }

    private void retryConnect(Supplier<ProvidedStore> connector) {
        if (closed.get()) {
            return;
        }
        ProvidedStore provided;
        try {
            provided = connect(connector);
        } catch (CacheUnavailableException e) {
            LOG.debug("L2 cache still unreachable: {}", LogText.escape(e.getMessage()));
            return;
        } catch (RuntimeException e) {
            // close() interrupts a connection attempt; that failure is nobody's concern.
            if (!closed.get() && connectorFailureLogged.compareAndSet(false, true)) {
                LOG.error("Connecting to the L2 cache failed; still serving from L1 only and retrying", e);
            }
            return;
        }
        L2Link installed;
        synchronized (linkLock) {
            if (closed.get()) {
                provided.close();
                return;
            }
            try {
                installed = install(provided);
            } catch (RuntimeException e) {
                // Thrown out of a scheduled task it would end the retries silently.
                if (connectorFailureLogged.compareAndSet(false, true)) {
                    LOG.error("Taking up the L2 cache failed; still serving from L1 only and retrying", e);
                }
                return;
            }
            connectorRetries.cancel(false);
        }
        // Values written while L2 was out of reach are not in L2, and L1 missed every invalidation.
        LOG.info("L2 cache connected; dropping L1, which may hold values written while L2 was out of reach");
        recovered(installed);
    }

    /** Takes up what the connector opened; closes it if that fails. */
    private L2Link install(ProvidedStore provided) {
        try {
            return install(provided.store(), provided.invalidationBus().orElse(null), provided);
        } catch (RuntimeException e) {
            provided.close();
            throw e;
        }
    }

    private L2Link install(CacheStore store, InvalidationBus bus, ProvidedStore owned) {
        Subscription removals = store.addRemovalListener(this::collectRemoval);
        Subscription messages = null;
        try {
            if (bus != null) {
                messages = bus.subscribe(new InvalidationListener() {
                    @Override
                    public void onInvalidation(Invalidation invalidation) {
                        HybridCacheStore.this.onInvalidation(bus, invalidation);
                    }

                    @Override
                    public void onBusEvent(BusEvent event) {
                        HybridCacheStore.this.onBusEvent(event);
                    }
                });
            }
        } catch (RuntimeException e) {
            removals.close();
            throw e;
        }
        gateway.reset();
        L2Link installed = new L2Link(store, bus, owned, messages, removals);
        link = installed;
        if (bus != null) {
            startCoherence();
        }
        background.every(probeInterval, probeInterval, "L2 probe", this::probe);
        return installed;
    }

    /** Heartbeats every interval, and while suspect a probe every quarter interval. */
    private void startCoherence() {
        coherence.busAttached();
        Duration tick = Duration.ofNanos(Math.max(heartbeatInterval.toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(10)));
        background.every(Duration.ZERO, tick, "coherence check", coherence::tick);
    }

    private Duration capped(Duration ttl) {
        return ttl.compareTo(l1TtlCeiling) <= 0 ? ttl : l1TtlCeiling;
    }

    /**
     * The TTL of an L1 copy of an L2 entry that had {@code l2Ttl} left when the L2 call started: what
     * is left of it now, at most the ceiling; null if nothing is left. Counting from the start of the
     * call keeps the copy from outliving the L2 entry by the call's duration.
     */
    private Duration l1Ttl(Duration l2Ttl, long startNanos) {
        if (l2Ttl.equals(NO_EXPIRY)) {
            return l1TtlCeiling;
        }
        Duration left = l2Ttl.minusNanos(System.nanoTime() - startNanos);
        if (left.isNegative() || left.isZero()) {
            return null;
        }
        return capped(left);
    }

    private static Duration orDefault(Duration value, Duration fallback) {
        return value == null ? fallback : value;
    }

    // ---------------------------------------------------------------- test seams

    /** Turns the fill-race guard off, so that a test can show it detects the race. Never in production. */
    void setFillGuardEnabled(boolean enabled) {
        guard.setEnabled(enabled);
    }

    /** Runs {@code hook} with the key after each L2 read and before its value is copied into L1. */
    void setBeforeFillHook(Consumer<String> hook) {
        this.beforeFillHook = hook;
    }

    CircuitBreaker.State breakerState() {
        return gateway.state();
    }

    /** Whether L1 serves and is filled (false while the store waits for the bus's proof). */
    boolean isL1Coherent() {
        return coherence.coherent();
    }

    /** How often the store stopped trusting L1. */
    long coherenceSuspicions() {
        return coherence.suspicions();
    }

    /** Hands {@code message} to the store as if its bus had delivered it. */
    void deliverForTest(Invalidation message) {
        L2Link l2 = link;
        onInvalidation(l2.bus(), message);
    }

    // ---------------------------------------------------------------- builder

    /**
     * Options of a {@link HybridCacheStore}. Each option may be set once; a second call throws
     * {@link IllegalStateException} naming the earlier value. Values are checked when set
     * ({@link InvalidInputException} naming the option); combinations when {@link #build()} is called.
     * {@code build()} leaves the builder reusable. Not thread-safe.
     */
    public static final class Builder {

        /** Default {@link #l1TtlCeiling}: five minutes. */
        public static final Duration DEFAULT_L1_TTL_CEILING = Duration.ofMinutes(5);
        /** Default {@link #reconnectInterval}: five seconds. */
        public static final Duration DEFAULT_RECONNECT_INTERVAL = Duration.ofSeconds(5);
        /**
         * Default {@link #failureThreshold}: three consecutive failures. With the Redis adapter's default
         * budget (300 ms) the breaker opens within a second of a hang even for a single calling thread.
         */
        public static final int DEFAULT_FAILURE_THRESHOLD = 3;
        /** Default {@link #openDuration}: one second between probes of a failed L2. */
        public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(1);
        /**
         * Default {@link #slowCallThreshold}: 300 ms, the Redis adapter's default operation budget (a call
         * that answers later than that is failing its caller).
         */
        public static final Duration DEFAULT_SLOW_CALL_THRESHOLD = Duration.ofMillis(300);
        /** Default {@link #maxConcurrentL2Calls}: 64 callers waiting on L2 at once. */
        public static final int DEFAULT_MAX_CONCURRENT_L2_CALLS = 64;
        /** Default {@link #heartbeatInterval}: one second. */
        public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
        /** Default {@link #closeTimeout}: two seconds. */
        public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(2);
        /** Default {@link #probeInterval}: 100 ms. */
        public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(100);
        /** Default {@link #defaultTtl}: one hour, the reference's. */
        public static final Duration DEFAULT_TTL = Duration.ofHours(1);

        private CacheStore l1;
        private CacheStore l2;
        private InvalidationBus bus;
        private Supplier<ProvidedStore> l2Connector;
        private Duration reconnectInterval;
        private Duration l1TtlCeiling;
        private Integer failureThreshold;
        private Duration openDuration;
        private Duration slowCallThreshold;
        private Integer maxConcurrentL2Calls;
        private Duration heartbeatInterval;
        private Duration closeTimeout;
        private Duration probeInterval;
        private Duration defaultTtl;
        private Ticker ticker;

        private Builder() {
        }

        /** The in-process L1, usually the "memory" provider's store. Required. The hybrid store closes it. */
        public Builder l1(CacheStore l1) {
            requireUnset("l1", this.l1);
            this.l1 = CacheInputs.requireNonNull(l1, "l1");
            return this;
        }

        /**
         * A connected L2 store. It stays the caller's: the hybrid store never closes it. Without
         * {@code l2} or {@link #l2Connector} the hybrid store is L1 only.
         */
        public Builder l2(CacheStore l2) {
            requireUnset("l2", this.l2);
            this.l2 = CacheInputs.requireNonNull(l2, "l2");
            return this;
        }

        /**
         * The bus that the instances sharing {@link #l2} use. Optional: without one, the store assumes it
         * is the only instance. It stays the caller's. Give each hybrid store a bus of its own: the store
         * ignores every message carrying the bus's {@linkplain InvalidationBus#instanceId() instance id}
         * as its own, so two stores on one bus would never hear of each other's changes.
         */
        public Builder bus(InvalidationBus bus) {
            requireUnset("bus", this.bus);
            this.bus = CacheInputs.requireNonNull(bus, "bus");
            return this;
        }

        /**
         * Opens L2 and its bus, in place of {@link #l2} and {@link #bus}. Called in {@link #build()}: if
         * it throws {@link CacheUnavailableException}, the store starts on L1 only and calls it again
         * every {@link #reconnectInterval} on a daemon thread until it succeeds, then uses L2 and drops
         * L1. A {@link CacheConfigurationException} (a wrong password, a malformed address) is thrown
         * from {@code build()}. What it opens belongs to the hybrid store, which closes it.
         */
        public Builder l2Connector(Supplier<ProvidedStore> connector) {
            requireUnset("l2Connector", this.l2Connector);
            this.l2Connector = CacheInputs.requireNonNull(connector, "l2Connector");
            return this;
        }

        /** How often to retry an {@link #l2Connector} that failed at start-up. Default five seconds. */
        public Builder reconnectInterval(Duration interval) {
            requireUnset("reconnectInterval", this.reconnectInterval);
            this.reconnectInterval = requirePositive(interval, "reconnectInterval");
            return this;
        }

        /**
         * The longest an entry lives in L1, whatever its TTL in L2. Invalidations travel by pub/sub,
         * which may lose a message without either side noticing; the ceiling bounds how long a copy
         * can then stay stale. Shorter means fresher but more L2 reads. Default five minutes;
         * {@link CacheStore#NO_EXPIRY} removes the bound.
         */
        public Builder l1TtlCeiling(Duration ceiling) {
            requireUnset("l1TtlCeiling", this.l1TtlCeiling);
            this.l1TtlCeiling = requirePositive(ceiling, "l1TtlCeiling");
            return this;
        }

        /**
         * How many consecutive L2 failures, timeouts or slow calls open the circuit breaker. Default three.
         *
         * @throws InvalidInputException if below 1
         */
        public Builder failureThreshold(int threshold) {
            requireUnset("failureThreshold", this.failureThreshold);
            if (threshold < 1) {
                throw new InvalidInputException("failureThreshold", "must be at least 1, was " + threshold);
            }
            this.failureThreshold = threshold;
            return this;
        }

        /**
         * How long the open breaker keeps callers' calls off L2 before one of them probes it. Default one second.
         * The background probe ({@link #probeInterval}) does not wait for it and usually finds L2 back sooner.
         */
        public Builder openDuration(Duration duration) {
            requireUnset("openDuration", this.openDuration);
            this.openDuration = requirePositive(duration, "openDuration");
            return this;
        }

        /**
         * How long a single-key L2 call may take before it counts as a failure for the circuit breaker,
         * even though its answer is used. Default 300 ms (the Redis adapter's default budget); set it to
         * the L2's own deadline ({@code REDIS_TIMEOUT}) if that is longer. Scans ({@code clear},
         * {@code deleteMatching}, {@link #l2Stats}) are not timed.
         */
        public Builder slowCallThreshold(Duration threshold) {
            requireUnset("slowCallThreshold", this.slowCallThreshold);
            this.slowCallThreshold = requirePositive(threshold, "slowCallThreshold");
            return this;
        }

        /**
         * The bulkhead: how many callers may wait on L2 at once. Further callers do not wait: they are
         * answered from L1 (a write goes to L1 only and is journaled), as while L2 is down, so that a hung
         * L2 cannot hold every request thread. Default 64.
         *
         * @throws InvalidInputException if below 1
         */
        public Builder maxConcurrentL2Calls(int calls) {
            requireUnset("maxConcurrentL2Calls", this.maxConcurrentL2Calls);
            if (calls < 1) {
                throw new InvalidInputException("maxConcurrentL2Calls", "must be at least 1, was " + calls);
            }
            this.maxConcurrentL2Calls = calls;
            return this;
        }

        /**
         * How often this instance publishes a heartbeat on the bus (a message that carries its sequence
         * number and invalidates nothing). A message another instance lost shows as a gap at the next
         * heartbeat, so a lost invalidation is noticed within about one interval even on a quiet key; and an
         * instance that does not hear its own heartbeat back suspends L1. While suspended, probes go out
         * every quarter interval. Default one second.
         */
        public Builder heartbeatInterval(Duration interval) {
            requireUnset("heartbeatInterval", this.heartbeatInterval);
            this.heartbeatInterval = requirePositive(interval, "heartbeatInterval");
            return this;
        }

        /**
         * How long {@link HybridCacheStore#close()} may spend applying to L2 the invalidations made while L2
         * was out of use. Default two seconds.
         */
        public Builder closeTimeout(Duration timeout) {
            requireUnset("closeTimeout", this.closeTimeout);
            this.closeTimeout = requirePositive(timeout, "closeTimeout");
            return this;
        }

        /**
         * How often a background probe reads L2 while it is out of use (the breaker open) or while invalidations
         * made without it wait to be applied. Each probe is one single-key read, bounded by L2's own deadline
         * (the Redis adapter's 300 ms budget by default), one at a time on the store's background thread: against
         * a hung server a probe goes out every interval plus that budget, against a refusing one every interval.
         * It does not wait out the {@link #openDuration}: it takes the breaker's half-open turn as soon as it
         * comes, and a success closes the breaker, drops L1 (which then neither serves nor is filled until the bus
         * has proved it delivers) and applies the journal. So an idle instance applies the invalidations it
         * journaled within about an interval of L2's return, and a busy one stops serving its L1 as soon as L2
         * answers (after which other instances' writes reach L2 at once). Default 100 ms.
         */
        public Builder probeInterval(Duration interval) {
            requireUnset("probeInterval", this.probeInterval);
            this.probeInterval = requirePositive(interval, "probeInterval");
            return this;
        }

        /** The TTL of {@link HybridCacheStore#put(String, Object)}. Default one hour. */
        public Builder defaultTtl(Duration ttl) {
            requireUnset("defaultTtl", this.defaultTtl);
            this.defaultTtl = requirePositive(ttl, "defaultTtl");
            return this;
        }

        /** The circuit breaker's clock. Default the system's; tests pass a manual one. */
        public Builder ticker(Ticker ticker) {
            requireUnset("ticker", this.ticker);
            this.ticker = CacheInputs.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Builds the store. With an {@link #l2Connector}, calls it first (see there).
         *
         * @throws IllegalStateException if {@link #l1} is missing, or {@link #l2} and
         *     {@link #l2Connector} are both set, or {@link #bus} is set without {@link #l2}
         * @throws CacheConfigurationException if the connector reports a configuration error; nothing
         *     handed in is closed then
         */
        public HybridCacheStore build() {
            if (l1 == null) {
                throw new IllegalStateException("l1 must be set: the in-process store in front of L2");
            }
            if (l2 != null && l2Connector != null) {
                throw new IllegalStateException("l2 and l2Connector must not both be set: hand in a connected "
                        + "L2 or a way to connect one");
            }
            if (bus != null && l2 == null) {
                throw new IllegalStateException("bus must be set together with l2 (an l2Connector's store "
                        + "brings its own bus)");
            }
            HybridCacheStore store = new HybridCacheStore(this);
            try {
                store.start(this);
            } catch (RuntimeException | Error e) {
                store.l1Subscription.close();
                throw e;
            }
            return store;
        }

        private static void requireUnset(String option, Object current) {
            if (current != null) {
                throw new IllegalStateException(option + " was already set to " + current);
            }
        }

        private static Duration requirePositive(Duration value, String option) {
            if (value == null) {
                throw new InvalidInputException(option, "must not be null");
            }
            if (value.isNegative() || value.isZero()) {
                throw new InvalidInputException(option, "must be positive, was " + value);
            }
            return value;
        }
    }
}

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
import io.chatcache.core.LoadLeases;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.PublishingStore;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.ReservedValueReads;
import io.chatcache.core.SerializationException;
import io.chatcache.core.Sharding;
import io.chatcache.core.Subscription;
import io.chatcache.core.Ticker;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * {@code getAll} reads the L1 misses with their remaining TTLs ({@link CacheStore#getEntries}) and copies the
 * L2 hits into L1 under the same rules as a single read (the fill race, coherence, the TTL ceiling).
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
 * <h2>Sharded L2 (Redis Cluster): faults isolated per shard</h2>
 * Where L2 offers {@link Sharding} (a Redis Cluster: one shard per master, its id kept across a failover), all of
 * the above holds <em>per shard</em> unless {@linkplain Builder#isolateShards isolation} is turned off; a single
 * server or Sentinel is one shard, and everything is as described above.
 * <ul>
 *   <li><b>Breaker and bulkhead per shard.</b> A single-key call goes through its key's shard's breaker and
 *       bulkhead (each of {@linkplain Builder#maxConcurrentL2Calls the configured size}); {@link #getAll} and
 *       {@link #putAll} make one bulk call per shard, and a shard that fails falls back alone. So a failed master
 *       makes only its own keys go to L1 only; writes to the other shards keep reaching L2 and are neither
 *       journaled nor replayed. A shard's state is created on its first call and discarded when the shard leaves
 *       the topology (its journal moves to the shards that now hold its keys).</li>
 *   <li><b>Journal and replay per shard.</b> A change that reached L1 only is journaled under its key's shard,
 *       and replayed when <em>that</em> shard answers again (a call on it, or the background probe, which reads a
 *       key of each shard that is open, failed last or holds a journal), on the store's background thread: a
 *       replay never holds up a caller, and a call on another shard never triggers it.</li>
 *   <li><b>Pattern deletes and clears</b> touch every shard, so they go to L2 once, through a gateway of their
 *       own whose failures open no shard's breaker. If the call fails (which shard failed is unknown), it is
 *       journaled under every shard; if it answers while some shard's breaker is not closed, under those shards.
 *       A journaled pattern or clear is applied once every shard's breaker is closed again (it touches every
 *       shard); the keys in the same journal do not wait for it.</li>
 *   <li><b>Coherence per shard.</b> An L2 failure on a shard makes only that shard's keys suspect: L1 neither
 *       serves nor is filled for them (their reads go to L2), while the other shards' L1 copies keep serving.
 *       Where the bus is sharded too (one channel per shard, as the Redis adapter's cluster bus), so are a
 *       channel's disconnect and reconnect, a gap in a publisher's sequence on it (sequences are kept per
 *       publisher and channel) and this instance's heartbeat not coming back on it; the proof that ends the
 *       suspicion is an own heartbeat sent after it that came back on that shard's channel, and then only that
 *       shard's L1 copies are dropped. Events of the whole bus, or of a bus that is not sharded, still make every
 *       key suspect. Any suspicion makes every in-flight L1 fill fail (one global fill guard: suspicions are rare,
 *       and per-shard guards would cost every read a shard lookup). While nothing is suspect a read checks one
 *       volatile count, as without shards.</li>
 *   <li><b>Counters.</b> {@link #l2Failures()} and {@link #stats()} add up every shard; {@link #l2Counters()}
 *       gives the worst shard's breaker state, the number of shards and of open ones; {@link #l2Breakers()} each
 *       shard's. {@link #isL2Available()} is true only while every shard's breaker is closed.</li>
 * </ul>
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
 * Closing the hybrid store closes the {@link ProvidedStore} it opened through the connector, and nothing else:
 * as everywhere in the library, stores handed in (L1 with {@link Builder#l1}, L2 and the bus with
 * {@link Builder#l2} and {@link Builder#bus}) belong to the caller, who closes them after the hybrid store.
 *
 * <p>Thread-safe.
 */
public final class HybridCacheStore implements CacheStore {

    /**
     * How many keys (and, separately, patterns) changed while L2 is out of use are remembered for
     * deletion from L2 on recovery; past it, L2 is cleared on recovery instead.
     */
    static final int MAX_JOURNALED_CHANGES = 10_000;

    private final CacheStore l1;
    private final SingleFlight loads = new SingleFlight();
    private final Duration defaultTtl;
    private final Duration l1TtlCeiling;
    private final Duration heartbeatInterval;
    private final Duration probeInterval;
    private final Duration closeTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Subscription l1Subscription;

    // The collaborators, one per concern (all package-private):
    /** The removal listeners, and which removals are a caller's. */
    private final RemovalReporter removals = new RemovalReporter();
    /** This instance's invalidations on the bus. */
    private final BusPublisher publisher;
    /** What goes into L1 and when it must come out: the fill race, outside changes, TTL ceiling. */
    private final L1Copies copies;
    /** Whether L1 may serve (the bus proved it delivers), the heartbeats and the sequence check. */
    private final Coherence coherence;
    /**
     * L2 calls through a gateway per shard (breaker, bulkhead, slow-call rule, triage), what their outcome means
     * (suspicion, recovery, replay of the shard's outage journal), and the probe.
     */
    private final L2Access l2;
    /** Other instances' invalidations and the bus's connection events. */
    private final InvalidationReceiver receiver;
    /** The connector's retries, the heartbeats and the L2 probe: one thread, created on first use. */
    private final BackgroundTasks background = new BackgroundTasks();
    /** Takes up or opens L2 (retrying in the background) and holds the link until close. */
    private final L2Connector connector;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private volatile CacheStats lastL2Stats = CacheStats.EMPTY;
    /** Whether the bus has a channel per shard of L2's (then its shard events and messages concern one shard). */
    private volatile boolean busSharded;

    private HybridCacheStore(Builder builder) {
        this.l1 = builder.l1;
        this.l1TtlCeiling = orDefault(builder.l1TtlCeiling, Builder.DEFAULT_L1_TTL_CEILING);
        this.defaultTtl = orDefault(builder.defaultTtl, Builder.DEFAULT_TTL);
        this.heartbeatInterval = orDefault(builder.heartbeatInterval, Builder.DEFAULT_HEARTBEAT_INTERVAL);
        this.probeInterval = orDefault(builder.probeInterval, Builder.DEFAULT_PROBE_INTERVAL);
        this.closeTimeout = orDefault(builder.closeTimeout, Builder.DEFAULT_CLOSE_TIMEOUT);
        int failureThreshold = builder.failureThreshold == null ? Builder.DEFAULT_FAILURE_THRESHOLD
                : builder.failureThreshold;
        Duration openDuration = orDefault(builder.openDuration, Builder.DEFAULT_OPEN_DURATION);
        Duration slowCallThreshold = orDefault(builder.slowCallThreshold, Builder.DEFAULT_SLOW_CALL_THRESHOLD);
        int maxConcurrentL2Calls = builder.maxConcurrentL2Calls == null ? Builder.DEFAULT_MAX_CONCURRENT_L2_CALLS
                : builder.maxConcurrentL2Calls;
        Ticker ticker = builder.ticker == null ? Ticker.system() : builder.ticker;
        this.publisher = new BusPublisher(l1TtlCeiling);
        this.coherence = new Coherence(new CoherenceHooks(), heartbeatInterval);
        this.copies = new L1Copies(l1, l1TtlCeiling, coherence::coherent, removals);
        this.connector = new L2Connector(new ConnectorHooks(), background);
        this.l2 = new L2Access(
                name -> new L2Gateway(name, failureThreshold, openDuration, slowCallThreshold, maxConcurrentL2Calls,
                        ticker),
                builder.l2 != null || builder.l2Connector != null,
                builder.isolateShards == null || builder.isolateShards,
                MAX_JOURNALED_CHANGES, copies, coherence, removals, connector::link, new AccessHooks(),
                (journal, gateway) -> new JournalReplayer(journal,
                        L2Access.replayTarget(publisher, copies, gateway::failed,
                                e -> scanFailed(gateway, e)),
                        closeTimeout, l1TtlCeiling, this::scansAllowed));
        this.receiver = new InvalidationReceiver(coherence, copies, removals, closed::get,
                () -> background.soon("L2 probe", l2::probe));
        this.l1Subscription = l1.addRemovalListener(removals::collect);
    }

    /** A replayed pattern delete or clear failed: the scans' own gateway counts it on a sharded L2. */
    private void scanFailed(L2Gateway shardGateway, CacheUnavailableException e) {
        (l2.sharded() ? l2.scans() : shardGateway).failed(e);
    }

    /** Whether a journaled pattern delete or clear may be replayed now. */
    private boolean scansAllowed() {
        return l2.scansAllowed();
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
        boolean l1First = trustL1(key);
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
        (entry.isPresent() ? hits : misses).increment();
        return entry;
    }

    /**
     * The load path's read ({@code ChatCacheService.getOrLoad}): {@link #get} with the remaining TTL, where a
     * stored value equal to {@code reserved} is a hit on that string whatever {@code type} is (through
     * {@link ReservedValueReads}, on L1 and on L2 where they offer it: one read, no error counted), and where an
     * L1 copy answers only with more than {@code fresherThan} left ({@link Duration#ZERO}: any live copy, as
     * {@code get}).
     *
     * <p>For refresh-ahead, {@code fresherThan} is the refresh threshold: where L1 may serve the key (as for
     * {@code get}: its shard coherent, or L2 unusable for it) and its copy has more than the threshold left (or
     * never expires), that copy answers and L2 is not asked. An L1 copy never outlives its L2 entry
     * ({@link L1Copies#fill} caps it at the L2 entry's remaining TTL and at the ceiling), so L2 then has more
     * than the threshold left too and no refresh is due; the remaining TTL reported is the copy's, at most the
     * true one. Otherwise (no L1 copy, one with the threshold or less left, or L1 suspect) L2 is read for the
     * entry and its true remaining TTL, filling L1 as {@code get} does; while L2 is unavailable, L1's copy.
     */
    <T> Optional<CacheEntry<Object>> readForLoad(String key, ValueType<T> type, String reserved,
                                                 Duration fresherThan) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        CacheInputs.requireNonNull(reserved, "reserved");
        CacheInputs.requireNonNull(fresherThan, "fresherThan");
        boolean l1First = trustL1(key);
        Optional<CacheEntry<Object>> local = Optional.empty();
        if (l1First) {
            local = ReservedValueReads.read(l1, key, type, reserved);
            if (local.isPresent()
                    && (local.get().neverExpires() || local.get().remainingTtl().compareTo(fresherThan) > 0)) {
                hits.increment();
                return local;
            }
        }
        long stamp = copies.readStamp(key);
        long startNanos = System.nanoTime();
        L2Gateway.Result<Optional<CacheEntry<Object>>> remote = l2.call(connector.link(), key, Timing.SINGLE,
                store -> ReservedValueReads.read(store, key, type, reserved));
        if (remote.answered() && remote.value().isPresent()) {
            copies.fill(key, remote.value().get(), stamp, startNanos);
        }
        Optional<CacheEntry<Object>> found = remote.answered() ? remote.value()
                : l1First ? local : ReservedValueReads.read(l1, key, type, reserved);
        (found.isPresent() ? hits : misses).increment();
        return found;
    }

    /** Reads L2 and fills L1 on a hit (unless the key changed meanwhile, see {@link L1Copies#fill}). */
    private <T> L2Gateway.Result<Optional<CacheEntry<T>>> readL2(String key, ValueType<T> type) {
        long stamp = copies.readStamp(key);
        long startNanos = System.nanoTime();
        L2Gateway.Result<Optional<CacheEntry<T>>> entry =
                l2.call(connector.link(), key, Timing.SINGLE, store -> store.getEntry(key, type));
        if (entry.answered() && entry.value().isPresent()) {
            copies.fill(key, entry.value().get(), stamp, startNanos);
        }
        return entry;
    }

    /**
     * Returns the value under {@code key} (L1, then L2), or loads it with {@code loader} and stores it as
     * {@link #put(String, Object, Duration)} does. At most one load per key runs at a time in this store,
     * through the same {@link SingleFlight} as {@code ChatCacheService.getOrLoad}: callers that miss while a
     * load runs wait for it and share its value or exception. A {@code null} is returned and not stored.
     *
     * @throws InvalidInputException if the key, type, loader or TTL breaks the input rules
     * @throws IllegalStateException if the loader asks for its own key again
     */
    @Override
    public <T> T getOrLoad(String key, ValueType<T> type, Supplier<? extends T> loader, Duration ttl) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        CacheInputs.requireNonNull(loader, "loader");
        CacheInputs.requireTtl(ttl);
        return loads.run(key, () -> get(key, type), () -> {
            T loaded = loader.get();
            if (loaded != null) {
                put(key, loaded, ttl);
            }
            return loaded;
        }, type.rawType());
    }

    /**
     * Reads L1 first, then the keys L1 lacks from L2 in one bulk call with their remaining TTLs (on a sharded L2,
     * one per shard, each through its shard's breaker; a shard that does not answer falls back alone, to L1), and
     * copies each L2 hit into L1 as {@link #get} does (not if the key changed while the read was in flight, not
     * while L1 is suspect, for no longer than the L2 entry lives nor than the L1 TTL ceiling). Absent keys are
     * missing from the result.
     *
     * @throws InvalidInputException if the collection, a key or the type breaks the input rules
     */
    @Override
    public <T> Map<String, T> getAll(Collection<String> keys, ValueType<T> type) {
        CacheInputs.requireNonNull(keys, "keys");
        keys.forEach(CacheInputs::requireKey);
        CacheInputs.requireNonNull(type, "type");
        Set<String> distinct = new LinkedHashSet<>(keys);
        L2Link link = connector.link();
        Set<String> trusted = trustedInL1(distinct, link);
        Map<String, T> local = trusted.isEmpty() ? Map.of() : l1.getAll(trusted, type);
        Set<String> missing = new LinkedHashSet<>(distinct);
        missing.removeAll(local.keySet());
        Map<String, T> remote = new HashMap<>();
        if (!missing.isEmpty()) {
            for (Map.Entry<L2Access.Shard, List<String>> group : l2.groups(missing).entrySet()) {
                List<String> part = group.getValue();
                L2Gateway.Result<Map<String, CacheEntry<T>>> answer = readAllL2(link, group.getKey(), part, type);
                if (answer.answered()) {
                    answer.value().forEach((key, entry) -> remote.put(key, entry.value()));
                } else {
                    // Without L2, L1 is all there is for these keys (as for get).
                    List<String> untried = new ArrayList<>(part);
                    untried.removeAll(trusted);
                    if (!untried.isEmpty()) {
                        remote.putAll(l1.getAll(untried, type));
                    }
                }
            }
        }
        Map<String, T> found = new LinkedHashMap<>();
        for (String key : distinct) {
            T value = local.containsKey(key) ? local.get(key) : remote.get(key);
            if (value != null) {
                found.put(key, value);
            }
        }
        hits.add(found.size());
        misses.add(distinct.size() - found.size());
        return found;
    }

    /**
     * Like {@link #getEntry} for several keys: while L2 is in use, the entries are read from L2 in one bulk
     * call (one per shard of a sharded L2; its hits copied into L1, as {@link #getAll} does); while L2 (or a
     * shard) is unavailable, from L1.
     *
     * @throws InvalidInputException if the collection, a key or the type breaks the input rules
     */
    @Override
    public <T> Map<String, CacheEntry<T>> getEntries(Collection<String> keys, ValueType<T> type) {
        CacheInputs.requireNonNull(keys, "keys");
        keys.forEach(CacheInputs::requireKey);
        CacheInputs.requireNonNull(type, "type");
        Set<String> distinct = new LinkedHashSet<>(keys);
        if (distinct.isEmpty()) {
            return new LinkedHashMap<>();
        }
        L2Link link = connector.link();
        Map<String, CacheEntry<T>> read = new HashMap<>();
        for (Map.Entry<L2Access.Shard, List<String>> group : l2.groups(distinct).entrySet()) {
            L2Gateway.Result<Map<String, CacheEntry<T>>> remote =
                    readAllL2(link, group.getKey(), group.getValue(), type);
            read.putAll(remote.answered() ? remote.value() : l1.getEntries(group.getValue(), type));
        }
        Map<String, CacheEntry<T>> found = new LinkedHashMap<>();
        for (String key : distinct) {
            CacheEntry<T> entry = read.get(key);
            if (entry != null) {
                found.put(key, entry);
            }
        }
        hits.add(found.size());
        misses.add(distinct.size() - found.size());
        return found;
    }

    /** The keys of {@code distinct} that L1 may serve now: all of them unless something is suspect. */
    private Set<String> trustedInL1(Set<String> distinct, L2Link link) {
        if (coherence.coherent() || link == null) {
            return distinct;
        }
        Set<String> trusted = new LinkedHashSet<>();
        for (String key : distinct) {
            if (trustL1(key)) {
                trusted.add(key);
            }
        }
        return trusted;
    }

    /**
     * The bulk load path's read ({@code ChatCacheService.getOrLoadAll}): {@link #getAll} with the remaining TTLs,
     * where a stored value equal to {@code reserved} is a hit on that string whatever {@code type} is (through
     * {@link ReservedValueReads}, on L1 and on L2 where they offer it: one bulk read per shard, no error
     * counted). As {@code getAll}: L1 first for the keys it may serve, then the rest from L2 in one call per
     * shard, each hit copied into L1; a shard that does not answer falls back alone, to L1.
     */
    <T> Map<String, CacheEntry<Object>> readAllForLoad(Collection<String> keys, ValueType<T> type,
                                                       String reserved) {
        CacheInputs.requireNonNull(keys, "keys");
        keys.forEach(CacheInputs::requireKey);
        CacheInputs.requireNonNull(type, "type");
        CacheInputs.requireNonNull(reserved, "reserved");
        Set<String> distinct = new LinkedHashSet<>(keys);
        L2Link link = connector.link();
        Set<String> trusted = trustedInL1(distinct, link);
        Map<String, CacheEntry<Object>> local = trusted.isEmpty() ? Map.of()
                : ReservedValueReads.readAll(l1, trusted, type, reserved);
        Set<String> missing = new LinkedHashSet<>(distinct);
        missing.removeAll(local.keySet());
        Map<String, CacheEntry<Object>> remote = new HashMap<>();
        if (!missing.isEmpty()) {
            for (Map.Entry<L2Access.Shard, List<String>> group : l2.groups(missing).entrySet()) {
                List<String> part = group.getValue();
                L2Gateway.Result<Map<String, CacheEntry<Object>>> answer = readAllL2(link, group.getKey(), part,
                        store -> ReservedValueReads.readAll(store, part, type, reserved));
                if (answer.answered()) {
                    remote.putAll(answer.value());
                } else {
                    // Without L2, L1 is all there is for these keys (as for getAll).
                    List<String> untried = new ArrayList<>(part);
                    untried.removeAll(trusted);
                    if (!untried.isEmpty()) {
                        remote.putAll(ReservedValueReads.readAll(l1, untried, type, reserved));
                    }
                }
            }
        }
        Map<String, CacheEntry<Object>> found = new LinkedHashMap<>();
        for (String key : distinct) {
            CacheEntry<Object> entry = local.containsKey(key) ? local.get(key) : remote.get(key);
            if (entry != null) {
                found.put(key, entry);
            }
        }
        hits.add(found.size());
        misses.add(distinct.size() - found.size());
        return found;
    }

    /** {@link #readL2} for several keys of one shard in one L2 call: each hit fills L1 under the same rules. */
    private <T> L2Gateway.Result<Map<String, CacheEntry<T>>> readAllL2(L2Link link, L2Access.Shard shard,
            List<String> keys, ValueType<T> type) {
        return readAllL2(link, shard, keys, store -> store.getEntries(keys, type));
    }

    /** {@link #readAllL2(L2Link, L2Access.Shard, List, ValueType)} with the bulk read {@code read} of L2. */
    private <V> L2Gateway.Result<Map<String, CacheEntry<V>>> readAllL2(L2Link link, L2Access.Shard shard,
            List<String> keys, Function<CacheStore, Map<String, CacheEntry<V>>> read) {
        Map<String, Long> stamps = new HashMap<>();
        keys.forEach(key -> stamps.put(key, copies.readStamp(key)));
        long startNanos = System.nanoTime();
        L2Gateway.Result<Map<String, CacheEntry<V>>> entries = l2.call(link, shard, Timing.SINGLE, read);
        if (entries.answered()) {
            entries.value().forEach((key, entry) -> copies.fill(key, entry, stamps.get(key), startNanos));
        }
        return entries;
    }

    /**
     * Whether L1 may serve {@code key}: its shard is coherent, or L2 cannot be used for it (then L1 is all there
     * is). One volatile read while nothing is suspect.
     */
    private boolean trustL1(String key) {
        return coherence.coherent(key) || connector.link() == null || !l2.closedFor(key);
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
        L1Copies.WriteStamp before = copies.writeStamp(key);
        L2Link link = connector.link();
        L2Gateway.Result<BusPublisher.L2Write> written = l2.call(link, key, Timing.SINGLE,
                store -> BusPublisher.putInL2(store, link.bus(), key, value, ttl));
        if (written.answered()) {
            copies.afterL2Write(key, value, ttl, before);
            publisher.afterWrite(link, written.value(), key);
        } else {
            l2.journalKey(key);
            copies.withoutL2(key, value, ttl, before);
        }
    }

    /**
     * Stores the entries in L2 with one bulk call (on a sharded L2, one per shard, each through its shard's
     * breaker), then in L1, then publishes one message per key. Every key and value is checked before anything
     * is written. While L2 (or a shard) is unavailable its entries go to L1 only, as with
     * {@link #put(String, Object, Duration)}.
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
        Map<String, L1Copies.WriteStamp> stamps = new HashMap<>();
        copy.keySet().forEach(key -> stamps.put(key, copies.writeStamp(key)));
        L2Link link = connector.link();
        Map<L2Access.Shard, List<String>> groups = l2.groups(copy.keySet());
        for (Map.Entry<L2Access.Shard, List<String>> group : groups.entrySet()) {
            Map<String, Object> part = copy;
            if (groups.size() > 1) {
                part = new LinkedHashMap<>();
                for (String key : group.getValue()) {
                    part.put(key, copy.get(key));
                }
            }
            Map<String, Object> entriesOfShard = part;
            L2Gateway.Result<BusPublisher.L2Write> written = l2.call(link, group.getKey(), Timing.SINGLE, store -> {
                store.putAll(entriesOfShard, ttl);
                return BusPublisher.L2Write.WRITTEN;
            });
            if (written.answered()) {
                entriesOfShard.forEach((key, value) -> copies.afterL2Write(key, value, ttl, stamps.get(key)));
                entriesOfShard.keySet().forEach(key -> publisher.publish(link, Invalidation.Kind.KEY, key));
            } else {
                entriesOfShard.forEach((key, value) -> {
                    l2.journalKey(key);
                    copies.withoutL2(key, value, ttl, stamps.get(key));
                });
            }
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
        L2Link link = connector.link();
        L2Gateway.Result<Boolean> inL2 = l2.call(link, key, Timing.SINGLE, store -> store.delete(key));
        boolean inL1 = copies.delete(key);
        if (inL2.answered()) {
            publisher.publish(link, Invalidation.Kind.KEY, key);
        } else {
            l2.journalKey(key);
        }
        boolean removed = (inL2.answered() && inL2.value()) || inL1;
        if (removed) {
            removals.fire(Set.of(key), RemovalCause.EXPLICIT);
        }
        return removed;
    }

    /**
     * Removes the matching keys from L2 and L1 and tells the other instances; while L2 is unavailable,
     * from L1 only. On a sharded L2 the pattern goes to L2 once, for every shard; where it may have missed a
     * shard it is journaled under that shard (see the class description).
     *
     * @return how many entries L2 removed, or L1 when L2 was not used
     * @throws InvalidInputException if the pattern is null
     */
    @Override
    public long deleteMatching(KeyPattern pattern) {
        CacheInputs.requireNonNull(pattern, "pattern");
        L2Link link = connector.link();
        RemovalReporter.Collected<PatternDeleted> deleted = removals.collecting(() -> {
            L2Gateway.Result<Long> inL2 = l2.callScan(link, store -> store.deleteMatching(pattern));
            long inL1 = copies.deleteMatching(pattern);
            if (inL2.answered() && L1Copies.matchesBytewiseInL2(pattern.pattern())) {
                copies.dropAll();
            }
            return new PatternDeleted(inL2, inL1);
        });
        boolean answered = deleted.result().inL2().answered();
        if (answered) {
            publisher.publish(link, Invalidation.Kind.PATTERN, pattern.pattern());
        }
        l2.journalPattern(pattern, answered);
        removals.fire(deleted.removed(), RemovalCause.EXPLICIT);
        return deleted.result().count();
    }

    /** What a pattern delete did: L2's answer (or why there is none), and how many keys L1 held. */
    private record PatternDeleted(L2Gateway.Result<Long> inL2, long inL1) {
        /** What the caller is told: L2's count, or L1's when L2 was not used. */
        long count() {
            return inL2.answered() ? inL2.value() : inL1;
        }
    }

    /**
     * Removes every entry from L2 (for Redis: its namespace) and L1 and tells the other instances;
     * while L2 is unavailable, from L1 only.
     */
    @Override
    public void clear() {
        L2Link link = connector.link();
        RemovalReporter.Collected<L2Gateway.Result<BusPublisher.L2Write>> cleared = removals.collecting(() -> {
            L2Gateway.Result<BusPublisher.L2Write> inL2 = l2.callScan(link, store -> {
                store.clear();
                return BusPublisher.L2Write.WRITTEN;
            });
            copies.clear();
            return inL2;
        });
        boolean answered = cleared.result().answered();
        if (answered) {
            publisher.publish(link, Invalidation.Kind.CLEAR, "");
        }
        l2.journalClear(answered);
        removals.fire(cleared.removed(), RemovalCause.CLEARED);
    }

    // ---------------------------------------------------------------- listeners and stats

    /**
     * Registers a listener for keys removed on behalf of callers, on this instance or by another
     * instance's change; see the class description for which removals are reported.
     */
    @Override
    public Subscription addRemovalListener(RemovalListener listener) {
        CacheInputs.requireNonNull(listener, "listener");
        return removals.add(listener);
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
                local.errors() + l2Failures() + publisher.failures());
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
            L2Gateway.Result<CacheStats> answered = l2.callScan(connector.link(), CacheStore::stats);
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
     * missed), writes that reached L1 only. The background probe's calls are not operations and do not
     * count.
     */
    public long l2Failures() {
        return l2.failures() + l2.skips() + l2.unconnected();
    }

    /**
     * The breaker's state (on a sharded L2 the worst shard's, with how many shards there are and how many are
     * open), invalidations sent and received, L1 drops and the round trip of this instance's heartbeats
     * through the bus: a snapshot, cheap to take, that never asks L2.
     */
    public L2Counters l2Counters() {
        return new L2Counters(L2Counters.of(l2.worstState()), publisher.sent(), receiver.received(),
                copies.drops(), coherence.heartbeatRoundTrips(),
                Duration.ofNanos(coherence.heartbeatRoundTripNanos()),
                Duration.ofNanos(coherence.lastHeartbeatRoundTripNanos()),
                l2.shardCount(), l2.openShards(), copies.shardDrops());
    }

    /**
     * The state of each shard's circuit breaker, by shard id ({@link io.chatcache.core.Sharding#shards()}), in
     * the order L2 names its shards; one entry with the id {@code ""} while L2 is not sharded or
     * {@linkplain Builder#isolateShards isolation} is off. A snapshot that never asks L2.
     */
    public Map<String, L2Counters.Breaker> l2Breakers() {
        Map<String, L2Counters.Breaker> breakers = new LinkedHashMap<>();
        l2.states().forEach((shard, state) -> breakers.put(shard, L2Counters.of(state)));
        return breakers;
    }

    /**
     * Whether L2 is in use: connected, and its circuit breaker closed (on a sharded L2: every shard's). False
     * while the store runs on L1 only for some keys (L2 not reached yet, or failing, or waiting for a probe to
     * show it answers again).
     */
    public boolean isL2Available() {
        return connector.link() != null && l2.allClosed();
    }

    /**
     * {@link LoadLeases}: L2's load leases, each call through the L2 gateway of the key's shard like any L2 call, when this store has
     * an L2 and the L2 (once connected) offers them. A lease call the gateway keeps off L2 (breaker open, bulkhead
     * full, not connected yet) or that L2 fails throws {@link CacheUnavailableException}, and the caller
     * coordinates within its own process. Other capabilities: as any store, of this object itself.
     */
    @Override
    public <C> Optional<C> capability(Class<C> capability) {
        if (capability == LoadLeases.class) {
            L2Link link = connector.link();
            boolean offered = link == null ? l2.hasL2() : link.store().capability(LoadLeases.class).isPresent();
            return offered ? Optional.of(capability.cast(leases)) : Optional.empty();
        }
        return CacheStore.super.capability(capability);
    }

    /** L2's leases through {@link L2Access}: see {@link #capability}. */
    private final LoadLeases leases = new GatedLeases("L2 cache", new GatedLeases.Caller() {
        @Override
        public <R> L2Gateway.Result<R> call(String key, java.util.function.Function<CacheStore, R> call) {
            return l2.call(connector.link(), key, Timing.SINGLE, call);
        }
    });

    /**
     * Closes what this store opened through its connector (never L1, nor an L2 store or bus handed in), and stops the background thread
     * (connector, heartbeats, probe), after applying to L2 what is still journaled (within the
     * {@linkplain Builder#closeTimeout close timeout}). An L2 store and bus handed in are left open.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        L2Link last = connector.close();
        try {
            long deadline = System.nanoTime() + closeTimeout.toNanos();
            for (L2Access.Shard shard : l2.journaled()) {
                if (shard.replayer != null) {
                    shard.replayer.flushAtClose(last, deadline);
                }
            }
        } finally {
            try {
                if (last != null) {
                    last.close();
                }
            } finally {
                // L1 is handed in, so it stays open: whoever opened it closes it.
                l1Subscription.close();
            }
        }
    }

    /**
     * How many invalidations made while L2 was out of use {@link #close()} could not apply to L2 (L2 still
     * unreachable, or not within the close timeout). 0 until the store is closed.
     */
    public long unappliedAtClose() {
        long unapplied = 0;
        for (L2Access.Shard shard : l2.journaled()) {
            if (shard.replayer != null) {
                unapplied += shard.replayer.unappliedAtClose();
            }
        }
        return unapplied;
    }

    @Override
    public String toString() {
        return "HybridCacheStore[l2Available=" + isL2Available() + ", l1TtlCeiling=" + l1TtlCeiling + "]";
    }

    // ---------------------------------------------------------------- what the collaborators may do

    private void start(Builder builder) {
        if (builder.l2 != null) {
            connector.takeUp(builder.l2, builder.bus);
        } else if (builder.l2Connector != null) {
            connector.connect(builder.l2Connector,
                    orDefault(builder.reconnectInterval, Builder.DEFAULT_RECONNECT_INTERVAL));
        }
    }

    /** What the {@link L2Connector} does to this store when it takes up a link. */
    private final class ConnectorHooks implements L2Connector.Owner {
        @Override
        public InvalidationListener listenerFor(InvalidationBus bus) {
            return receiver.on(bus);
        }

        @Override
        public RemovalListener removalCollector() {
            return removals::collect;
        }

        @Override
        public void installed(L2Link link) {
            l2.linked(link);
            busSharded = l2.sharded() && link.bus() != null && link.bus().capability(Sharding.class).isPresent();
            if (link.bus() != null) {
                // Heartbeats every interval, and while suspect a probe of the bus every quarter interval.
                coherence.busAttached();
                background.every(Duration.ZERO, Duration.ofNanos(Math.max(heartbeatInterval.toNanos() / 4,
                        TimeUnit.MILLISECONDS.toNanos(10))), "coherence check", coherence::tick);
            }
            background.every(probeInterval, probeInterval, "L2 probe", l2::probe);
        }

        @Override
        public void connectedLate(L2Link link) {
            l2.connectedLate(link);
        }
    }

    /** What {@link L2Access} may do to this store. */
    private final class AccessHooks implements L2Access.Owner {
        @Override
        public void soon(String what, Runnable task) {
            background.soon(what, task);
        }

        @Override
        public void shardingChanged(Sharding sharding) {
            copies.trackShards(sharding == null ? null : sharding::shardOf);
        }
    }

    /** What {@link Coherence} may do to this store. */
    private final class CoherenceHooks implements Coherence.Store {
        @Override
        public void dropL1() {
            copies.dropAll();
        }

        @Override
        public void dropShard(String shard) {
            copies.dropShard(shard);
        }

        @Override
        public String shardOf(String key) {
            return l2.shardIdOf(key);
        }

        @Override
        public Set<String> shards() {
            return l2.shardIds();
        }

        @Override
        public boolean busSharded() {
            return busSharded;
        }

        @Override
        public void invalidateFills() {
            copies.invalidateFills();
        }

        @Override
        public boolean publishHeartbeat(String target) {
            return !closed.get() && BusPublisher.heartbeat(connector.link(), target);
        }

        @Override
        public boolean l2Available(String shard) {
            return connector.link() != null && l2.answering(shard);
        }
    }

    private static Duration orDefault(Duration value, Duration fallback) {
        return value == null ? fallback : value;
    }

    // ---------------------------------------------------------------- test seams

    /** Turns the fill-race guard off, so that a test can show it detects the race. Never in production. */
    void setFillGuardEnabled(boolean enabled) {
        copies.setFillGuardEnabled(enabled);
    }

    /** Runs {@code hook} with the key after each L2 read and before its value is copied into L1. */
    void setBeforeFillHook(Consumer<String> hook) {
        copies.setBeforeFillHook(hook);
    }

    /** The breaker's state; on a sharded L2 the worst shard's. */
    CircuitBreaker.State breakerState() {
        return l2.worstState();
    }

    /** Whether L1 may serve and be filled for {@code key}. */
    boolean isL1Coherent(String key) {
        return coherence.coherent(key);
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
        receiver.receive(connector.link().bus(), message);
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
        private Boolean isolateShards;

        private Builder() {
        }

        /**
         * The in-process L1, usually the "memory" provider's store. Required. It stays the caller's, as every
         * store handed in: the hybrid store never closes it.
         */
        public Builder l1(CacheStore l1) {
            CacheInputs.requireUnset("l1", this.l1);
            this.l1 = CacheInputs.requireNonNull(l1, "l1");
            return this;
        }

        /**
         * A connected L2 store. It stays the caller's: the hybrid store never closes it. Without
         * {@code l2} or {@link #l2Connector} the hybrid store is L1 only.
         */
        public Builder l2(CacheStore l2) {
            CacheInputs.requireUnset("l2", this.l2);
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
            CacheInputs.requireUnset("bus", this.bus);
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
            CacheInputs.requireUnset("l2Connector", this.l2Connector);
            this.l2Connector = CacheInputs.requireNonNull(connector, "l2Connector");
            return this;
        }

        /** How often to retry an {@link #l2Connector} that failed at start-up. Default five seconds. */
        public Builder reconnectInterval(Duration interval) {
            CacheInputs.requireUnset("reconnectInterval", this.reconnectInterval);
            this.reconnectInterval = CacheInputs.requirePositive(interval, "reconnectInterval");
            return this;
        }

        /**
         * The longest an entry lives in L1, whatever its TTL in L2. Invalidations travel by pub/sub,
         * which may lose a message without either side noticing; the ceiling bounds how long a copy
         * can then stay stale. Shorter means fresher but more L2 reads. Default five minutes;
         * {@link CacheStore#NO_EXPIRY} removes the bound.
         */
        public Builder l1TtlCeiling(Duration ceiling) {
            CacheInputs.requireUnset("l1TtlCeiling", this.l1TtlCeiling);
            this.l1TtlCeiling = CacheInputs.requirePositive(ceiling, "l1TtlCeiling");
            return this;
        }

        /**
         * How many consecutive L2 failures, timeouts or slow calls open the circuit breaker. Default three.
         *
         * @throws InvalidInputException if below 1
         */
        public Builder failureThreshold(int threshold) {
            CacheInputs.requireUnset("failureThreshold", this.failureThreshold);
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
            CacheInputs.requireUnset("openDuration", this.openDuration);
            this.openDuration = CacheInputs.requirePositive(duration, "openDuration");
            return this;
        }

        /**
         * How long a single-key L2 call may take before it counts as a failure for the circuit breaker,
         * even though its answer is used. Default 300 ms (the Redis adapter's default budget); set it to
         * the L2's own deadline ({@code REDIS_TIMEOUT}) if that is longer. Scans ({@code clear},
         * {@code deleteMatching}, {@link #l2Stats}) are not timed.
         */
        public Builder slowCallThreshold(Duration threshold) {
            CacheInputs.requireUnset("slowCallThreshold", this.slowCallThreshold);
            this.slowCallThreshold = CacheInputs.requirePositive(threshold, "slowCallThreshold");
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
            CacheInputs.requireUnset("maxConcurrentL2Calls", this.maxConcurrentL2Calls);
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
            CacheInputs.requireUnset("heartbeatInterval", this.heartbeatInterval);
            this.heartbeatInterval = CacheInputs.requirePositive(interval, "heartbeatInterval");
            return this;
        }

        /**
         * How long {@link HybridCacheStore#close()} may spend applying to L2 the invalidations made while L2
         * was out of use. Default two seconds.
         */
        public Builder closeTimeout(Duration timeout) {
            CacheInputs.requireUnset("closeTimeout", this.closeTimeout);
            this.closeTimeout = CacheInputs.requirePositive(timeout, "closeTimeout");
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
            CacheInputs.requireUnset("probeInterval", this.probeInterval);
            this.probeInterval = CacheInputs.requirePositive(interval, "probeInterval");
            return this;
        }

        /** The TTL of {@link HybridCacheStore#put(String, Object)}. Default one hour. */
        public Builder defaultTtl(Duration ttl) {
            CacheInputs.requireUnset("defaultTtl", this.defaultTtl);
            this.defaultTtl = CacheInputs.requirePositive(ttl, "defaultTtl");
            return this;
        }

        /**
         * Whether faults are isolated per shard where L2 is sharded (it offers {@link Sharding}: a Redis Cluster).
         * Default {@code true}: each shard (master) has its own circuit breaker, bulkhead (each of
         * {@link #maxConcurrentL2Calls}), outage journal and coherence state, so a failed shard falls back alone
         * while the others keep reading and writing L2 and serving their L1 copies; see the class description.
         * {@code false}: one breaker, journal and coherence state for every key, as for a single server (a fault
         * in one shard makes every key fall back); kept to compare the two. Without a sharded L2 the option
         * changes nothing.
         */
        public Builder isolateShards(boolean isolate) {
            CacheInputs.requireUnset("isolateShards", this.isolateShards);
            this.isolateShards = isolate;
            return this;
        }

        /** The circuit breaker's clock. Default the system's; tests pass a manual one. */
        public Builder ticker(Ticker ticker) {
            CacheInputs.requireUnset("ticker", this.ticker);
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
                store.background.close();
                store.l1Subscription.close();
                throw e;
            }
            return store;
        }
    }
}

package io.chatcache.chat;

import io.chatcache.chat.L2Gateway.Result;
import io.chatcache.chat.L2Gateway.Timing;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.LogText;
import io.chatcache.core.Sharding;
import io.chatcache.core.ValueType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hybrid store's way to L2 and back after an outage, per shard: every call goes through its shard's
 * {@link L2Gateway} (breaker, bulkhead, triage); what a call's outcome means for the store is decided here: a
 * failure makes the shard's L1 copies suspect; an answer after the shard's outage takes it back into use (its L1
 * copies dropped and suspect until the bus proves itself, its {@link OutageJournal} replayed); an answer while
 * the shard's journal holds changes replays it. The {@linkplain #probe background probe} does the same without a
 * caller. Changes that did not reach L2 are journaled here, under their key's shard.
 *
 * <p><b>Shards.</b> Where L2 offers {@link Sharding} (a Redis Cluster) and isolation is on, each shard (master)
 * has a gateway, a journal and a "latest call failed" flag of its own, created on the shard's first call and
 * discarded when the shard vanishes from {@link Sharding#shards()} (a resharding; its journal moves to the
 * shards that now hold its keys). Otherwise everything is one shard, {@link #WHOLE}, and the behaviour is that
 * of a single breaker. With shards:
 * <ul>
 *   <li>A single-key call goes through its key's shard; a bulk call's keys are {@linkplain #groups grouped} by
 *       shard, one call per group.</li>
 *   <li>Pattern deletes, clears and statistics touch every shard in one L2 call: they go through a gateway of
 *       their own ({@link #callScan}), whose failures open no shard's breaker and make no shard suspect.
 *       Their journaling is {@linkplain #journalPattern attributed} per shard.</li>
 *   <li>A shard's journal is replayed on the store's background thread, never on a caller's: so a replay
 *       against a shard that is still half-dead holds up nobody. Its patterns and clears run only while every
 *       shard's breaker is closed (they touch every shard); its keys at once.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
final class L2Access {

    /** Logged under the hybrid store's name: that is where operators look. */
    private static final Logger LOG = LoggerFactory.getLogger(HybridCacheStore.class);

    /** The id of the only shard of an L2 that is not sharded (or when isolation is off). */
    static final String WHOLE = "";

    /** What the background probe reads: any answer, even of a value of another type, shows L2 is up. */
    private static final String PROBE_KEY = "chat-cache:l2-probe";
    /** How many suffixed probe keys are tried to find one that maps to a given shard. */
    private static final int PROBE_KEY_ATTEMPTS = 100_000;
    private static final ValueType<String> PROBE_TYPE = ValueType.of(String.class);

    /** Makes a gateway, named for the log lines ("L2 cache", "L2 cache shard slots-0"). */
    interface Gateways {
        L2Gateway create(String name);
    }

    /** What this class needs from the store beside L2. */
    interface Owner {
        /** Runs {@code task} on the store's background thread, soon. */
        void soon(String what, Runnable task);

        /** L2's shards were taken up ({@code null}: not sharded): coherence and L1 follow. */
        void shardingChanged(Sharding sharding);
    }

    /** One shard's failure state: its breaker and bulkhead, its journal, whether its latest call failed. */
    static final class Shard {
        final String id;
        final L2Gateway gateway;
        /** Null when the store has no L2 at all (L1 only): then there is nothing to journal or replay. */
        final OutageJournal journal;
        final JournalReplayer replayer;
        /**
         * Whether the shard's latest L2 call failed: until one answers again (or the breaker opens), its L1 copies
         * are not trusted back, since a probe of the bus alone says nothing about L2 (below the breaker's threshold
         * L2 may be failing with the breaker still closed).
         */
        volatile boolean lastCallFailed;
        final AtomicBoolean replayQueued = new AtomicBoolean();
        /** A key of this shard for the background probe; found on first use. */
        volatile String probeKey;

        Shard(String id, L2Gateway gateway, OutageJournal journal, JournalReplayer replayer) {
            this.id = id;
            this.gateway = gateway;
            this.journal = journal;
            this.replayer = replayer;
        }

        /** Whether the shard answers: its breaker closed and its latest call not failed. */
        boolean answering() {
            return gateway.closed() && !lastCallFailed;
        }

        boolean hasPending() {
            return journal != null && journal.hasPending();
        }
    }

    private final Gateways gateways;
    private final BiFunction<OutageJournal, L2Gateway, JournalReplayer> replayers;
    private final boolean hasL2;
    private final boolean isolate;
    private final int maxJournaled;
    private final L1Copies copies;
    private final Coherence coherence;
    private final RemovalReporter reporter;
    private final Owner owner;
    /** The current link, null until L2 is reached and after close. */
    private final Supplier<L2Link> link;
    /** The only shard while L2 is not sharded; with shards, the journal of what changed before L2 was reached. */
    private final Shard whole;
    /** With shards: the shards seen so far, by id. */
    private final Map<String, Shard> shards = new ConcurrentHashMap<>();
    /** With shards: pattern deletes, clears and statistics, which touch every shard. */
    private final L2Gateway scans;
    /** L2's shards, null while it is not sharded (or isolation is off). */
    private volatile Sharding sharding;
    /** Calls made while there was no L2 connection at all: answered without it. */
    private final LongAdder unconnected = new LongAdder();
    /** Counts of discarded shards' gateways, so that the totals never shrink. */
    private final LongAdder retiredFailures = new LongAdder();
    private final LongAdder retiredSkips = new LongAdder();

    L2Access(Gateways gateways, boolean hasL2, boolean isolate, int maxJournaled, L1Copies copies,
            Coherence coherence, RemovalReporter reporter, Supplier<L2Link> link, Owner owner,
            BiFunction<OutageJournal, L2Gateway, JournalReplayer> replayers) {
        this.gateways = gateways;
        this.hasL2 = hasL2;
        this.isolate = isolate;
        this.maxJournaled = maxJournaled;
        this.copies = copies;
        this.coherence = coherence;
        this.reporter = reporter;
        this.link = link;
        this.owner = owner;
        this.replayers = replayers;
        this.whole = newShard(WHOLE, "L2 cache");
        this.scans = gateways.create("L2 cache (pattern deletes, clears, statistics)");
    }

    private Shard newShard(String id, String name) {
        L2Gateway gateway = gateways.create(name);
        if (!hasL2) {
            return new Shard(id, gateway, null, null);
        }
        OutageJournal journal = new OutageJournal(maxJournaled);
        return new Shard(id, gateway, journal, replayers.apply(journal, gateway));
    }

    // ---------------------------------------------------------------- shards

    /** A link was taken up: forget outages, and learn whether L2 is sharded. */
    void linked(L2Link l2) {
        whole.gateway.reset();
        whole.lastCallFailed = false;
        shards.values().forEach(shard -> {
            shard.gateway.reset();
            shard.lastCallFailed = false;
        });
        Sharding found = isolate ? l2.store().capability(Sharding.class).orElse(null) : null;
        sharding = found;
        if (found != null && whole.hasPending()) {
            // What changed before L2 was reached goes to the journals of the shards that hold it.
            redistribute(whole.journal.take(), found);
        }
        owner.shardingChanged(found);
    }

    /** Whether L2 is sharded and isolation is on: more than one breaker. */
    boolean sharded() {
        return sharding != null;
    }

    /** The shard id of {@code key}: {@link #WHOLE} unless L2 is sharded. */
    String shardIdOf(String key) {
        Sharding s = sharding;
        return s == null ? WHOLE : s.shardOf(key);
    }

    /** The ids of L2's shards now; empty unless sharded. */
    Set<String> shardIds() {
        Sharding s = sharding;
        return s == null ? Set.of() : s.shards();
    }

    /** The shard of {@code key}, created on first use. */
    Shard shardOf(String key) {
        Sharding s = sharding;
        return s == null ? whole : shard(s, s.shardOf(key));
    }

    private Shard shard(Sharding s, String id) {
        Shard found = shards.get(id);
        if (found != null) {
            return found;
        }
        synchronized (shards) {
            found = shards.get(id);
            if (found == null) {
                if (shards.size() >= s.shards().size()) {
                    discardVanished(s);
                }
                found = newShard(id, "L2 cache shard " + LogText.escape(id));
                shards.put(id, found);
            }
            return found;
        }
    }

    /** Groups {@code keys} by shard, in the keys' order. */
    Map<Shard, List<String>> groups(Collection<String> keys) {
        Sharding s = sharding;
        if (s == null) {
            return Map.of(whole, List.copyOf(keys));
        }
        Map<Shard, List<String>> groups = new LinkedHashMap<>();
        for (String key : keys) {
            groups.computeIfAbsent(shard(s, s.shardOf(key)), any -> new ArrayList<>()).add(key);
        }
        return groups;
    }

    /** Shards that left the topology: their state goes, their journal to the shards that now hold its keys. */
    private void discardVanished(Sharding s) {
        Set<String> current = s.shards();
        List<Shard> gone = new ArrayList<>();
        synchronized (shards) {
            shards.values().removeIf(shard -> {
                if (current.contains(shard.id)) {
                    return false;
                }
                gone.add(shard);
                return true;
            });
        }
        for (Shard shard : gone) {
            retiredFailures.add(shard.gateway.failures());
            retiredSkips.add(shard.gateway.skips());
            if (shard.hasPending()) {
                redistribute(shard.journal.take(), s);
            }
            LOG.info("L2 cache shard {} is gone from the topology; its state is discarded", LogText.escape(shard.id));
        }
    }

    /** Journals {@code replay} again under the shards that hold its keys now; patterns and clears under every shard. */
    private void redistribute(OutageJournal.Replay replay, Sharding s) {
        if (replay.clear()) {
            s.shards().forEach(id -> shard(s, id).journal.clear());
            return;
        }
        for (KeyPattern pattern : replay.patterns()) {
            s.shards().forEach(id -> shard(s, id).journal.pattern(pattern));
        }
        for (String key : replay.keys()) {
            shard(s, s.shardOf(key)).journal.key(key);
        }
    }

    // ---------------------------------------------------------------- calls

    /** Whether the store has an L2 at all (handed in or to connect to), connected or not. */
    boolean hasL2() {
        return hasL2;
    }

    /** Calls L2 through {@code key}'s shard; once the shard answers, takes it back into use or replays its journal. */
    <R> Result<R> call(L2Link l2, String key, Timing timing, Function<CacheStore, R> call) {
        if (l2 == null) {
            return notConnected();
        }
        return call(l2, shardOf(key), timing, call);
    }

    /** Calls L2 through {@code shard} (a group of a bulk call). */
    <R> Result<R> call(L2Link l2, Shard shard, Timing timing, Function<CacheStore, R> call) {
        if (l2 == null) {
            return notConnected();
        }
        Result<R> result = shard.gateway.call(l2.store(), timing, call);
        after(l2, shard, result, false);
        return result;
    }

    /**
     * Calls L2 for something that touches every shard (a pattern delete, a clear, statistics). Not sharded: as
     * any call. Sharded: through the scans' own gateway, whose outcome moves no shard's breaker or coherence.
     */
    <R> Result<R> callScan(L2Link l2, Function<CacheStore, R> call) {
        if (l2 == null) {
            return notConnected();
        }
        if (sharding == null) {
            return call(l2, whole, Timing.SCAN, call);
        }
        return scans.call(l2.store(), Timing.SCAN, call);
    }

    private <R> Result<R> notConnected() {
        if (hasL2) {
            unconnected.increment();
        }
        return Result.skipped(L2Gateway.Skip.NOT_CONNECTED);
    }

    /**
     * The background probe: for each shard that is out of use (its breaker open), holds journaled changes or
     * whose latest call failed, one single-key read of a key of that shard through its gateway. When the shard
     * answers, the store takes it back into use at once instead of waiting for a caller after the open duration:
     * an idle instance applies its journal, and a busy one stops serving the shard's L1 copies as soon as it
     * answers again. Runs on the store's background thread, so replays it triggers run there too.
     */
    void probe() {
        L2Link l2 = link.get();
        if (l2 == null) {
            return;
        }
        Sharding s = sharding;
        if (s == null) {
            probe(l2, whole, PROBE_KEY);
            return;
        }
        if (shards.size() > s.shards().size() || !s.shards().containsAll(shards.keySet())) {
            discardVanished(s);
        }
        for (Shard shard : shards.values()) {
            if (needsProbe(shard)) {
                String key = probeKey(s, shard);
                if (key != null) {
                    probe(l2, shard, key);
                }
            }
        }
    }

    private static boolean needsProbe(Shard shard) {
        return !shard.gateway.closed() || shard.lastCallFailed || shard.hasPending();
    }

    private void probe(L2Link l2, Shard shard, String key) {
        if (!needsProbe(shard)) {
            return;
        }
        after(l2, shard, shard.gateway.probe(l2.store(), store -> store.getEntry(key, PROBE_TYPE)), true);
    }

    /** A key that maps to {@code shard}: "chat-cache:l2-probe:i" for the first such i. */
    private static String probeKey(Sharding s, Shard shard) {
        String known = shard.probeKey;
        if (known != null && s.shardOf(known).equals(shard.id)) {
            return known;
        }
        for (int i = 0; i < PROBE_KEY_ATTEMPTS; i++) {
            String candidate = PROBE_KEY + ":" + i;
            if (s.shardOf(candidate).equals(shard.id)) {
                shard.probeKey = candidate;
                return candidate;
            }
        }
        return null;
    }

    /** L2 was reached for the first time after start-up failed: L1 holds values L2 lacks. */
    void connectedLate(L2Link l2) {
        LOG.info("L2 cache connected; dropping L1, which may hold values written while L2 was out of reach");
        reporter.uncollected(() -> {
            copies.recovered();
            coherence.suspect("L2 answers again after an outage");
        });
        replayAll(l2);
    }

    // ---------------------------------------------------------------- journal

    /** A change of {@code key} reached L1 only: delete it from L2 when its shard is back. */
    void journalKey(String key) {
        if (hasL2) {
            // Before L2 is reached its sharding is unknown: the whole journal is split up when it is.
            shardOf(key).journal.key(key);
        }
    }

    /**
     * A pattern delete: journaled where it may not have reached L2. Not sharded: when L2 did not answer (as
     * always). Sharded, the call went to L2 once for every shard: if it did not answer, under every shard (which
     * one failed is unknown); if it answered, under each shard whose breaker is not closed, since such a shard
     * may have answered for others only or been skipped by its own calls, and replaying a delete costs only a
     * miss. A journaled pattern is applied once every shard is back (it touches every shard).
     */
    void journalPattern(KeyPattern pattern, boolean answered) {
        for (Shard shard : journalTargets(answered)) {
            shard.journal.pattern(pattern);
        }
    }

    /** A clear: journaled as {@link #journalPattern} says. */
    void journalClear(boolean answered) {
        for (Shard shard : journalTargets(answered)) {
            shard.journal.clear();
        }
    }

    private List<Shard> journalTargets(boolean answered) {
        if (!hasL2) {
            return List.of();
        }
        Sharding s = sharding;
        if (s == null) {
            return answered ? List.of() : List.of(whole);
        }
        List<Shard> targets = new ArrayList<>();
        for (String id : s.shards()) {
            Shard shard = shard(s, id);
            if (!answered || !shard.gateway.closed()) {
                targets.add(shard);
            }
        }
        return targets;
    }

    // ---------------------------------------------------------------- state

    /** Whether every shard's breaker is closed (calls go to L2 for every key). */
    boolean allClosed() {
        if (sharding == null) {
            return whole.gateway.closed();
        }
        for (Shard shard : shards.values()) {
            if (!shard.gateway.closed()) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code key}'s shard's breaker is closed. */
    boolean closedFor(String key) {
        return shardOf(key).gateway.closed();
    }

    /**
     * Whether the shard with id {@code id} answers (breaker closed, latest call not failed); for {@link #WHOLE}
     * on a sharded L2, whether any shard does (or none was called yet).
     */
    boolean answering(String id) {
        Sharding s = sharding;
        if (s == null || !WHOLE.equals(id)) {
            return s == null ? whole.answering() : shard(s, id).answering();
        }
        for (Shard shard : shards.values()) {
            if (shard.answering()) {
                return true;
            }
        }
        return shards.isEmpty();
    }

    /** The worst state of any shard's breaker: OPEN over HALF_OPEN over CLOSED. */
    CircuitBreaker.State worstState() {
        if (sharding == null) {
            return whole.gateway.state();
        }
        CircuitBreaker.State worst = CircuitBreaker.State.CLOSED;
        for (Shard shard : shards.values()) {
            CircuitBreaker.State state = shard.gateway.state();
            if (state == CircuitBreaker.State.OPEN) {
                return state;
            }
            if (state == CircuitBreaker.State.HALF_OPEN) {
                worst = state;
            }
        }
        return worst;
    }

    /** Each known shard's breaker state, by shard id; one entry ({@link #WHOLE}) unless sharded. */
    Map<String, CircuitBreaker.State> states() {
        if (sharding == null) {
            return Map.of(WHOLE, whole.gateway.state());
        }
        Map<String, CircuitBreaker.State> states = new LinkedHashMap<>();
        for (String id : shardIds()) {
            Shard shard = shards.get(id);
            states.put(id, shard == null ? CircuitBreaker.State.CLOSED : shard.gateway.state());
        }
        return states;
    }

    /** How many shards L2 has now (1 unless sharded). */
    int shardCount() {
        return sharding == null ? 1 : shardIds().size();
    }

    /** How many shards' breakers are not closed. */
    int openShards() {
        if (sharding == null) {
            return whole.gateway.closed() ? 0 : 1;
        }
        int open = 0;
        for (Shard shard : shards.values()) {
            if (!shard.gateway.closed()) {
                open++;
            }
        }
        return open;
    }

    /** Whether the latest call failed (any shard's, when sharded). */
    boolean lastCallFailed() {
        if (whole.lastCallFailed) {
            return true;
        }
        for (Shard shard : shards.values()) {
            if (shard.lastCallFailed) {
                return true;
            }
        }
        return false;
    }

    /** L2 calls that failed, over every shard and the scans. */
    long failures() {
        long total = whole.gateway.failures() + scans.failures() + retiredFailures.sum();
        for (Shard shard : shards.values()) {
            total += shard.gateway.failures();
        }
        return total;
    }

    /** Calls kept off L2 by a breaker or a bulkhead, over every shard and the scans. */
    long skips() {
        long total = whole.gateway.skips() + scans.skips() + retiredSkips.sum();
        for (Shard shard : shards.values()) {
            total += shard.gateway.skips();
        }
        return total;
    }

    /** Calls answered without L2 because there was no connection at all. */
    long unconnected() {
        return unconnected.sum();
    }

    /** Every journal, the whole one first. */
    List<Shard> journaled() {
        List<Shard> all = new ArrayList<>();
        all.add(whole);
        all.addAll(shards.values());
        return all;
    }

    // ---------------------------------------------------------------- outcomes

    private void after(L2Link l2, Shard shard, Result<?> result, boolean onBackground) {
        if (result.skipped() == L2Gateway.Skip.UNAVAILABLE) {
            shard.lastCallFailed = true;
            // Whatever else failed meanwhile may include this instance's subscription (to this shard's channel).
            coherence.suspectShard(shard.id, shard == whole ? "an L2 call failed"
                    : "an L2 call to shard " + LogText.escape(shard.id) + " failed");
        } else if (result.answered()) {
            shard.lastCallFailed = false;
        }
        if (!result.answered() || !(result.reopened() || shard.hasPending())) {
            return;
        }
        if (shard == whole && sharding == null) {
            // One shard: as it always was, on the calling thread. The L1 drop and the replay are not the caller's
            // removals: a pattern delete or clear that happens to be the call finding L2 back must not report
            // what they remove as its own.
            reporter.uncollected(() -> {
                if (result.reopened()) {
                    LOG.info("L2 cache answers again; dropping L1, which may have missed invalidations");
                    copies.recovered();
                    // Invalidations published while L2 was away may not have reached this instance, and the bus
                    // may still be re-subscribing: L1 waits for the bus's proof.
                    coherence.suspect("L2 answers again after an outage");
                }
                shard.replayer.replay(l2);
            });
            return;
        }
        if (result.reopened()) {
            LOG.info("L2 cache shard {} answers again; dropping its keys from L1, which may have missed "
                    + "invalidations", LogText.escape(shard.id));
            reporter.uncollected(() -> {
                copies.recoveredShard(shard.id);
                coherence.suspectShard(shard.id, "L2 shard " + LogText.escape(shard.id)
                        + " answers again after an outage");
            });
        }
        replay(shard, onBackground);
    }

    /** Replays {@code shard}'s journal: here if already on the background thread, else queued there. */
    private void replay(Shard shard, boolean onBackground) {
        if (!shard.hasPending()) {
            return;
        }
        if (onBackground) {
            replayNow(shard);
        } else if (shard.replayQueued.compareAndSet(false, true)) {
            owner.soon("outage journal replay", () -> {
                shard.replayQueued.set(false);
                replayNow(shard);
            });
        }
    }

    private void replayNow(Shard shard) {
        L2Link l2 = link.get();
        if (l2 != null) {
            reporter.uncollected(() -> shard.replayer.replay(l2));
        }
    }

    private void replayAll(L2Link l2) {
        if (sharding == null) {
            reporter.uncollected(() -> whole.replayer.replay(l2));
            return;
        }
        for (Shard shard : journaled()) {
            replay(shard, false);
        }
    }

    /** Whether a journaled pattern or clear may be applied now: L2 not sharded, or every shard's breaker closed. */
    boolean scansAllowed() {
        return sharding == null || allClosed();
    }

    /** What replaying a journal does to the store beside L2. */
    static JournalReplayer.Target replayTarget(BusPublisher publisher, L1Copies copies, Consumer<CacheUnavailableException> failed,
            Consumer<CacheUnavailableException> scanFailed) {
        return new JournalReplayer.Target() {
            @Override
            public void publish(L2Link l2, Invalidation.Kind kind, String target) {
                publisher.publish(l2, kind, target);
            }

            @Override
            public void forgetKey(String key) {
                copies.forgetFromOutside(key);
            }

            @Override
            public void dropL1() {
                copies.dropAll();
            }

            @Override
            public void failed(CacheUnavailableException e, boolean scan) {
                (scan ? scanFailed : failed).accept(e);
            }
        };
    }

    /** The scans' gateway (sharded L2): a replayed pattern or clear that fails counts here. */
    L2Gateway scans() {
        return scans;
    }
}

package io.chatcache.chat;

import io.chatcache.core.Invalidation;
import io.chatcache.core.LogText;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the hybrid store's L1 can be trusted, judged from what the invalidation bus delivers.
 *
 * <p>The store is <em>coherent</em> (L1 serves and is filled) or <em>suspect</em> (L1 neither serves nor
 * is filled while L2 answers: reads go to L2). Anything that may have cost this instance an invalidation
 * makes it suspect: an L2 failure or outage, a bus disconnect or reconnect, a gap in a publisher's
 * sequence numbers that is not filled within the reorder grace, or this instance's own heartbeat not
 * coming back through the bus. Only proof that the subscription delivers makes it coherent again: a
 * heartbeat this instance published <em>after</em> it became suspect has come back through the bus. L1 is
 * then dropped once (it may hold what the missed invalidations should have removed), and the store
 * resumes.
 *
 * <p>Every instance publishes a heartbeat ({@link Invalidation.Kind#HEARTBEAT}, which takes a sequence
 * number like any message) every {@code heartbeatInterval}, and while suspect every probe tick, so that a
 * message lost silently shows as a gap at the publisher's next heartbeat, within about one interval, even
 * on a quiet key. A message that arrives twice or late (Redisson re-sends a pipelined batch that timed
 * out) is applied (deleting from L1 twice is harmless) but is not a gap: a missing sequence number counts
 * as lost only if it has not arrived within the reorder grace.
 *
 * <p><b>Shards.</b> Where L2 is sharded (a Redis Cluster, isolation on), suspicion is kept per shard as well as
 * for the whole store: an L2 failure on shard X makes only X's keys suspect ({@link #suspectShard}); the
 * other shards' L1 copies keep serving. Where the bus is sharded too ({@link Store#busSharded()}: one channel
 * per shard, each message carrying its shard), the bus's shard events, a gap in a publisher's sequence on X's
 * channel and this instance's heartbeat not coming back on X's channel make only X suspect, and X's proof is an
 * own heartbeat sent after the suspicion that came back <em>on X's channel</em>; a whole-bus event makes every
 * shard suspect, each proven on its own channel. On an unsharded bus, the bus's events and messages concern the
 * whole store (any own heartbeat proves every suspicion it postdates). Sequences are tracked per publisher and
 * channel (a sharded bus numbers them per shard). A shard's proof drops only that shard's L1 copies
 * ({@link Store#dropShard}); a suspicion makes every in-flight fill fail (the fill guard is bumped for all keys:
 * suspicions are rare, a per-shard guard would cost every read a shard lookup).
 *
 * <p>Per-publisher state is bounded: publishers (per channel) silent for {@link #FORGET_AFTER_INTERVALS}
 * intervals are forgotten, and past {@link #MAX_ORIGINS} of them the state is reset (and the store made suspect).
 *
 * <p>Thread-safe: messages arrive on the bus's thread, ticks on the store's coherence thread, state
 * queries on any caller's thread (one volatile read while nothing is suspect: {@link #coherent(String)} reads
 * the count of suspect scopes first, and looks up the key's shard only when it is not zero).
 */
final class Coherence {

    private static final Logger LOG = LoggerFactory.getLogger(Coherence.class);

    /** Publishers tracked at most; past it the table is reset, which costs one L1 drop. */
    static final int MAX_ORIGINS = 4096;
    /** A publisher not heard from for this many heartbeat intervals is forgotten (it stopped, or moved). */
    static final int FORGET_AFTER_INTERVALS = 5;
    /** Missing sequence numbers remembered per publisher while waiting for late arrivals. */
    static final int MAX_MISSING = 64;
    /** Own heartbeats remembered for timing their round trip (a power of two). */
    private static final int SENT_SLOTS = 16;

    /** What the coherence needs from the store. */
    interface Store {
        /** Drops every L1 copy (not reported to removal listeners) and bumps the fill guard. */
        void dropL1();

        /** Drops the L1 copies of shard {@code shard}'s keys (not reported) and bumps the fill guard. */
        void dropShard(String shard);

        /** Makes in-flight L1 fills fail (bumps the fill guard) without dropping L1. */
        void invalidateFills();

        /** Publishes a heartbeat with {@code target} on the bus, without waiting; false if it could not. */
        boolean publishHeartbeat(String target);

        /**
         * Whether L2 is in use now for shard {@code shard} (connected, its breaker closed, its latest call not
         * failed); for the whole store ({@code ""}), whether any shard is. Probes are pointless otherwise.
         */
        boolean l2Available(String shard);

        /** The shard of {@code key}; {@code ""} while L2 is not sharded. */
        String shardOf(String key);

        /** L2's shards now; empty while L2 is not sharded. */
        Set<String> shards();

        /** Whether the bus carries one channel per shard of L2's, and each message its shard. */
        boolean busSharded();
    }

    /** What may be suspect: the whole store ({@code id} empty) or one shard. */
    private static final class Scope {
        final String id;
        /** Guarded by the coherence's lock for writes. */
        volatile boolean suspect;
        /** The first heartbeat counter that proves this scope after its latest suspicion. */
        volatile long awaited;
        volatile long lastOwnHeardNanos;

        Scope(String id, long now) {
            this.id = id;
            this.lastOwnHeardNanos = now;
        }

        boolean whole() {
            return id.isEmpty();
        }
    }

    private final Store store;
    private final long heartbeatNanos;
    private final long reorderGraceNanos;
    private final String nonce = UUID.randomUUID().toString();
    private final Map<String, Origin> origins = new ConcurrentHashMap<>();
    private final AtomicLong heartbeats = new AtomicLong();
    private final LongAdder suspicions = new LongAdder();
    private final LongAdder resumes = new LongAdder();
    /** Send times of the latest own heartbeats, by counter modulo the length: {counter, nanoTime}. */
    private final AtomicReferenceArray<long[]> sentHeartbeats = new AtomicReferenceArray<>(SENT_SLOTS);
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder roundTripNanos = new LongAdder();
    private volatile long lastRoundTripNanos;

    /** The whole store: suspect after whole-bus events, or any suspicion while L2 is not sharded. */
    private final Scope whole;
    /** Shards of L2 that were ever suspect (bounded by L2's shard count; vanished shards are dropped). */
    private final Map<String, Scope> shards = new ConcurrentHashMap<>();
    /** How many scopes (the whole store, shards) are suspect: 0 is the fast path of every read. */
    private volatile int suspects;
    private volatile long lastOwnSentNanos;
    private volatile boolean busAttached;

    Coherence(Store store, Duration heartbeatInterval) {
        this.store = store;
        this.heartbeatNanos = heartbeatInterval.toNanos();
        this.reorderGraceNanos = heartbeatInterval.toNanos() / 2;
        long now = System.nanoTime();
        this.lastOwnSentNanos = now;
        this.whole = new Scope("", now);
    }

    /** A bus is attached: from now on heartbeats are sent and expected back. */
    void busAttached() {
        busAttached = true;
        long now = System.nanoTime();
        whole.lastOwnHeardNanos = now;
        shards.values().forEach(scope -> scope.lastOwnHeardNanos = now);
    }

    /** Whether L1 may serve reads and be filled for every key: nothing is suspect. */
    boolean coherent() {
        return suspects == 0;
    }

    /** Whether L1 may serve and be filled for {@code key}: neither the whole store nor the key's shard is suspect. */
    boolean coherent(String key) {
        if (suspects == 0) {
            return true;
        }
        if (whole.suspect) {
            return false;
        }
        Scope scope = shards.get(store.shardOf(key));
        return scope == null || !scope.suspect;
    }

    /** Whether shard {@code shard}'s keys (or, for {@code ""}, the whole store) are suspect now. */
    boolean isSuspect(String shard) {
        if (whole.suspect) {
            return true;
        }
        Scope scope = shard.isEmpty() ? null : shards.get(shard);
        return scope != null && scope.suspect;
    }

    private Scope scope(String shard) {
        if (shard.isEmpty()) {
            return whole;
        }
        Scope scope = shards.get(shard);
        if (scope != null) {
            return scope;
        }
        synchronized (this) {
            Set<String> current = store.shards();
            if (shards.size() >= current.size()) {
                forgetVanished(current);
            }
            return shards.computeIfAbsent(shard, id -> new Scope(id, System.nanoTime()));
        }
    }

    /**
     * Forgets the shards that left the topology (a resharding), suspect or not: their keys belong to others now,
     * which the bus reports as changed (and so suspect) in their turn.
     */
    private synchronized void forgetVanished(Set<String> current) {
        shards.values().removeIf(gone -> {
            if (current.contains(gone.id)) {
                return false;
            }
            if (gone.suspect) {
                gone.suspect = false;
                suspects--;
            }
            return true;
        });
    }

    /** How often this store became suspect; for statistics and tests. */
    long suspicions() {
        return suspicions.sum();
    }

    /** How often this store became coherent again after a suspicion. */
    long resumes() {
        return resumes.sum();
    }

    /**
     * Something may have cost this instance an invalidation: stop serving and filling L1 until the bus
     * proves it delivers again. Without a bus there are no invalidations to miss (the store drops L1 when
     * L2 comes back after an outage, for the values it wrote to L1 alone): nothing to do.
     */
    void suspect(String why) {
        if (!busAttached) {
            return;
        }
        if (store.busSharded()) {
            // Every shard's channel must prove itself, each on its own.
            for (String shard : store.shards()) {
                suspect(scope(shard), why);
            }
            return;
        }
        suspect(whole, why);
    }

    /**
     * Something may have cost this instance the invalidations of shard {@code shard}'s keys (an L2 failure on
     * it): stop serving and filling L1 for them until the bus proves it delivers. {@code ""} means the whole
     * store, as {@link #suspect(String)}.
     */
    void suspectShard(String shard, String why) {
        if (shard.isEmpty()) {
            suspect(why);
        } else if (busAttached) {
            suspect(scope(shard), why);
        }
    }

    /**
     * The bus's subscription to shard {@code shard}'s channel may have lost messages: on a sharded bus that
     * shard's keys are suspect; on an unsharded one, everything.
     */
    void suspectChannel(String shard, String why) {
        if (store.busSharded() && !shard.isEmpty()) {
            suspectShard(shard, why);
        } else {
            suspect(why);
        }
    }

    private void suspect(Scope scope, String why) {
        synchronized (this) {
            // Heartbeats sent before now prove nothing about what follows.
            scope.awaited = heartbeats.get() + 1;
            store.invalidateFills();
            if (!scope.suspect) {
                scope.suspect = true;
                suspects++;
                suspicions.increment();
                if (scope.whole()) {
                    LOG.info("L1 suspended ({}); reads go to L2 until the invalidation bus proves it delivers", why);
                } else {
                    LOG.info("L1 suspended for the keys of shard {} ({}); their reads go to L2 until the invalidation "
                            + "bus proves it delivers them", LogText.escape(scope.id), why);
                }
            }
        }
    }

    /** Sends a heartbeat now if one is due (or a probe while suspect); checks what should have arrived. */
    void tick() {
        if (!busAttached) {
            return;
        }
        long now = System.nanoTime();
        if (!shards.isEmpty() && !store.shards().containsAll(shards.keySet())) {
            forgetVanished(store.shards());
        }
        if (suspects > 0 && anySuspectAnswering()) {
            sendHeartbeat(now);
        } else if (!whole.suspect && now - lastOwnSentNanos >= heartbeatNanos) {
            sendHeartbeat(now);
        }
        if (store.busSharded()) {
            for (String shard : store.shards()) {
                Scope scope = scope(shard);
                if (!whole.suspect && !scope.suspect && unheard(scope, now)) {
                    suspect(scope, "this instance's own heartbeat did not come back through the channel of shard "
                            + LogText.escape(shard));
                }
            }
        } else if (!whole.suspect && unheard(whole, now)) {
            suspect(whole, "this instance's own heartbeat did not come back through the bus");
        }
        checkOrigins(now);
    }

    private boolean unheard(Scope scope, long now) {
        return lastOwnSentNanos - scope.lastOwnHeardNanos > heartbeatNanos + reorderGraceNanos
                && now - scope.lastOwnHeardNanos > 2 * heartbeatNanos;
    }

    private boolean anySuspectAnswering() {
        if (whole.suspect && store.l2Available("")) {
            return true;
        }
        for (Scope scope : shards.values()) {
            if (scope.suspect && store.l2Available(scope.id)) {
                return true;
            }
        }
        return false;
    }

    private void sendHeartbeat(long now) {
        long counter = heartbeats.incrementAndGet();
        lastOwnSentNanos = now;
        sentHeartbeats.set((int) (counter & (SENT_SLOTS - 1)), new long[] {counter, now});
        if (!store.publishHeartbeat(nonce + ":" + counter)) {
            LOG.debug("heartbeat {} not sent", counter);
        }
    }

    /** A message of this instance's own came back through the bus. */
    void ownMessage(Invalidation message) {
        if (message.kind() != Invalidation.Kind.HEARTBEAT) {
            return;
        }
        String target = message.target();
        if (!target.startsWith(nonce + ":")) {
            return;
        }
        long counter;
        try {
            counter = Long.parseLong(target.substring(nonce.length() + 1));
        } catch (NumberFormatException e) {
            return;
        }
        long heard = System.nanoTime();
        timeRoundTrip(counter, heard);
        if (store.busSharded() && !message.shard().isEmpty()) {
            // Proof for this shard's channel only.
            Scope scope = scope(message.shard());
            scope.lastOwnHeardNanos = heard;
            resumeIfProven(scope, counter);
            return;
        }
        // The bus is one channel: the heartbeat proves every suspicion that it postdates.
        whole.lastOwnHeardNanos = heard;
        resumeIfProven(whole, counter);
        for (Scope scope : shards.values()) {
            resumeIfProven(scope, counter);
        }
    }

    private void resumeIfProven(Scope scope, long counter) {
        if (scope.suspect && counter >= scope.awaited && store.l2Available(scope.id)) {
            resume(scope, counter);
        }
    }

    /** Times the round trip of own heartbeat {@code counter}, once (a re-sent duplicate is not timed again). */
    private void timeRoundTrip(long counter, long heard) {
        int slot = (int) (counter & (SENT_SLOTS - 1));
        long[] sent = sentHeartbeats.get(slot);
        if (sent != null && sent[0] == counter && sentHeartbeats.compareAndSet(slot, sent, null)) {
            long nanos = Math.max(0, heard - sent[1]);
            roundTrips.increment();
            roundTripNanos.add(nanos);
            lastRoundTripNanos = nanos;
        }
    }

    /** How many own heartbeats came back through the bus and were timed. */
    long heartbeatRoundTrips() {
        return roundTrips.sum();
    }

    /** The sum of the timed round trips, in nanoseconds. */
    long heartbeatRoundTripNanos() {
        return roundTripNanos.sum();
    }

    /** The latest timed round trip, in nanoseconds; 0 before the first. */
    long lastHeartbeatRoundTripNanos() {
        return lastRoundTripNanos;
    }

    private void resume(Scope scope, long counter) {
        synchronized (this) {
            if (!scope.suspect || counter < scope.awaited) {
                return;
            }
            // Drop first, then serve: nothing L1 held before the proof may be served after it.
            if (scope.whole()) {
                store.dropL1();
            } else {
                store.dropShard(scope.id);
            }
            scope.suspect = false;
            suspects--;
            resumes.increment();
        }
        if (scope.whole()) {
            LOG.info("Invalidation bus delivers again; dropped L1 and resumed serving from it");
        } else {
            LOG.info("Invalidation bus delivers again for shard {}; dropped its keys from L1 and resumed serving "
                    + "them from it", LogText.escape(scope.id));
        }
    }

    /**
     * A message of another instance arrived. Returns whether it showed that messages from its publisher
     * were lost for certain (a restart of the publisher under the same id); gaps that a late message may
     * still fill are checked at the next tick.
     */
    void othersMessage(Invalidation message) {
        long now = System.nanoTime();
        // A sharded bus numbers each publisher's messages per shard.
        String originKey = message.shard().isEmpty() ? message.origin() : message.origin() + '\n' + message.shard();
        Origin origin = origins.get(originKey);
        if (origin == null) {
            if (origins.size() >= MAX_ORIGINS) {
                origins.clear();
                suspect("more than " + MAX_ORIGINS + " publishers on the bus");
            }
            // The first message heard from a publisher is taken as it comes.
            origins.put(originKey, new Origin(message.origin(), message.shard(), message.sequence(), now));
            return;
        }
        synchronized (origin) {
            origin.heardNanos = now;
            long seq = message.sequence();
            if (seq == origin.highest + 1) {
                origin.highest = seq;
            } else if (seq > origin.highest + 1) {
                for (long missing = origin.highest + 1; missing < seq; missing++) {
                    if (origin.missing.size() >= MAX_MISSING) {
                        origin.missing.clear();
                        origin.highest = seq;
                        suspectChannel(origin.shard, "lost messages from instance " + LogText.escape(message.origin()));
                        return;
                    }
                    origin.missing.put(missing, now);
                }
                origin.highest = seq;
            } else if (origin.missing.remove(seq) == null && seq < origin.highest - MAX_MISSING) {
                // Far behind anything we have seen, and not awaited: the publisher started over under the
                // same id, and what it sent before we heard it again is unknown.
                origin.highest = seq;
                origin.missing.clear();
                suspectChannel(origin.shard, "instance " + LogText.escape(message.origin())
                        + " started its sequence over");
            }
            // Else a duplicate or a late message: applied by the caller, not a gap.
        }
    }

    private void checkOrigins(long now) {
        for (Iterator<Map.Entry<String, Origin>> it = origins.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Origin> entry = it.next();
            Origin origin = entry.getValue();
            boolean lost = false;
            synchronized (origin) {
                if (now - origin.heardNanos > FORGET_AFTER_INTERVALS * heartbeatNanos) {
                    it.remove();
                    continue;
                }
                for (long since : origin.missing.values()) {
                    if (now - since > reorderGraceNanos) {
                        lost = true;
                        break;
                    }
                }
                if (lost) {
                    origin.missing.clear();
                }
            }
            if (lost) {
                suspectChannel(origin.shard, "lost messages from instance " + LogText.escape(origin.origin));
            }
        }
    }

    /** Forgets every publisher's sequence (after a reconnect, their numbering is unknown to us). */
    void forgetOrigins() {
        origins.clear();
    }

    /** Forgets every publisher's sequence on shard {@code shard}'s channel (it reconnected). */
    void forgetOrigins(String shard) {
        origins.values().removeIf(origin -> origin.shard.equals(shard));
    }

    private static final class Origin {
        final String origin;
        /** The channel's shard, empty on an unsharded bus. */
        final String shard;
        long highest;
        long heardNanos;
        final Map<Long, Long> missing = new java.util.LinkedHashMap<>();

        Origin(String origin, String shard, long highest, long heardNanos) {
            this.origin = origin;
            this.shard = shard;
            this.highest = highest;
            this.heardNanos = heardNanos;
        }
    }
}

package io.chatcache.chat;

import io.chatcache.core.Invalidation;
import io.chatcache.core.LogText;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
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
 * <p>Per-publisher state is bounded: publishers silent for {@link #FORGET_AFTER_INTERVALS} intervals are
 * forgotten, and past {@link #MAX_ORIGINS} publishers the state is reset (and the store made suspect).
 *
 * <p>Thread-safe: messages arrive on the bus's thread, ticks on the store's coherence thread, state
 * queries on any caller's thread (one volatile read).
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

        /** Makes in-flight L1 fills fail (bumps the fill guard) without dropping L1. */
        void invalidateFills();

        /** Publishes a heartbeat with {@code target} on the bus, without waiting; false if it could not. */
        boolean publishHeartbeat(String target);

        /** Whether L2 is in use now (connected, breaker closed); probes are pointless otherwise. */
        boolean l2Available();
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

    private volatile boolean coherent = true;
    /** The first heartbeat counter that proves the subscription after the latest suspicion. */
    private volatile long awaited;
    private volatile long lastOwnSentNanos;
    private volatile long lastOwnHeardNanos;
    private volatile long lastOwnHeardCounter;
    private volatile boolean busAttached;

    Coherence(Store store, Duration heartbeatInterval) {
        this.store = store;
        this.heartbeatNanos = heartbeatInterval.toNanos();
        this.reorderGraceNanos = heartbeatInterval.toNanos() / 2;
        long now = System.nanoTime();
        this.lastOwnSentNanos = now;
        this.lastOwnHeardNanos = now;
    }

    /** A bus is attached: from now on heartbeats are sent and expected back. */
    void busAttached() {
        busAttached = true;
        lastOwnHeardNanos = System.nanoTime();
    }

    /** Whether L1 may serve reads and be filled. */
    boolean coherent() {
        return coherent;
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
        synchronized (this) {
            // Heartbeats sent before now prove nothing about what follows.
            awaited = heartbeats.get() + 1;
            store.invalidateFills();
            if (coherent) {
                coherent = false;
                suspicions.increment();
                LOG.info("L1 suspended ({}); reads go to L2 until the invalidation bus proves it delivers", why);
            }
        }
    }

    /** Sends a heartbeat now if one is due (or a probe while suspect); checks what should have arrived. */
    void tick() {
        if (!busAttached) {
            return;
        }
        long now = System.nanoTime();
        if (!coherent) {
            if (store.l2Available()) {
                sendHeartbeat(now);
            }
        } else if (now - lastOwnSentNanos >= heartbeatNanos) {
            sendHeartbeat(now);
        }
        if (coherent && lastOwnSentNanos - lastOwnHeardNanos > heartbeatNanos + reorderGraceNanos
                && now - lastOwnHeardNanos > 2 * heartbeatNanos) {
            suspect("this instance's own heartbeat did not come back through the bus");
        }
        checkOrigins(now);
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
        lastOwnHeardNanos = heard;
        lastOwnHeardCounter = counter;
        timeRoundTrip(counter, heard);
        if (!coherent && counter >= awaited && store.l2Available()) {
            resume(counter);
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

    private void resume(long counter) {
        synchronized (this) {
            if (coherent || counter < awaited) {
                return;
            }
            // Drop first, then serve: nothing L1 held before the proof may be served after it.
            store.dropL1();
            coherent = true;
            resumes.increment();
        }
        LOG.info("Invalidation bus delivers again; dropped L1 and resumed serving from it");
    }

    /**
     * A message of another instance arrived. Returns whether it showed that messages from its publisher
     * were lost for certain (a restart of the publisher under the same id); gaps that a late message may
     * still fill are checked at the next tick.
     */
    void othersMessage(Invalidation message) {
        long now = System.nanoTime();
        Origin origin = origins.get(message.origin());
        if (origin == null) {
            if (origins.size() >= MAX_ORIGINS) {
                origins.clear();
                suspect("more than " + MAX_ORIGINS + " publishers on the bus");
            }
            // The first message heard from a publisher is taken as it comes.
            origins.put(message.origin(), new Origin(message.sequence(), now));
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
                        suspect("lost messages from instance " + LogText.escape(message.origin()));
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
                suspect("instance " + LogText.escape(message.origin()) + " started its sequence over");
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
                suspect("lost messages from instance " + LogText.escape(entry.getKey()));
            }
        }
    }

    /** Forgets every publisher's sequence (after a reconnect, their numbering is unknown to us). */
    void forgetOrigins() {
        origins.clear();
    }

    private static final class Origin {
        long highest;
        long heardNanos;
        final Map<Long, Long> missing = new java.util.LinkedHashMap<>();

        Origin(long highest, long heardNanos) {
            this.highest = highest;
            this.heardNanos = heardNanos;
        }
    }
}

package io.chatcache.chat;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.LogText;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link OutageJournal} to L2: deletes there what this instance changed while L2 was out of use
 * and publishes the invalidations, so that nobody serves the values those changes replaced. On recovery (and
 * after any L2 success while a single failed call left something behind) it applies everything and puts
 * back what failed; at close it applies what it can within the close timeout and counts the rest.
 *
 * <p>Thread-safe (the journal hands each batch to one caller).
 */
final class JournalReplayer {

    /** Logged under the hybrid store's name: that is where operators look. */
    private static final Logger LOG = LoggerFactory.getLogger(HybridCacheStore.class);

    /** What applying the journal does to the store beside L2. */
    interface Target {
        /** Publishes an invalidation on L2's bus, without waiting. */
        void publish(L2Link l2, Invalidation.Kind kind, String target);

        /** Forgets {@code key} in L1 (and makes in-flight fills of it fail). */
        void forgetKey(String key);

        /** Drops L1 whole, unreported. */
        void dropL1();

        /**
         * L2 was unavailable for the replay.
         *
         * @param scan whether a pattern delete or clear failed (it touches every shard), not a key's delete
         */
        void failed(CacheUnavailableException e, boolean scan);
    }

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final OutageJournal journal;
    private final Target target;
    private final Duration closeTimeout;
    private final Duration l1TtlCeiling;
    private final LongAdder unappliedAtClose = new LongAdder();
    /** Whether patterns and clears may be applied now (on a sharded L2: every shard is back). */
    private final BooleanSupplier scansAllowed;

    JournalReplayer(OutageJournal journal, Target target, Duration closeTimeout, Duration l1TtlCeiling,
            BooleanSupplier scansAllowed) {
        this.journal = journal;
        this.target = target;
        this.closeTimeout = closeTimeout;
        this.l1TtlCeiling = l1TtlCeiling;
        this.scansAllowed = scansAllowed;
    }

    /** Whether anything waits to be applied; cheap, called on every L2 success. */
    boolean hasPending() {
        return journal.hasPending();
    }

    /**
     * Applies everything now; what fails goes back into the journal for the next L2 success. Patterns and a clear
     * wait in the journal while they may not be applied (a shard of a sharded L2 is still out of use).
     */
    void replay(L2Link l2) {
        OutageJournal.Replay replay = journal.take();
        if (replay.isEmpty()) {
            return;
        }
        if ((replay.clear() || !replay.patterns().isEmpty()) && !scansAllowed.getAsBoolean()) {
            if (replay.clear()) {
                journal.restore(replay);
                return;
            }
            journal.restore(new OutageJournal.Replay(false, replay.patterns(), List.of()));
            replay = new OutageJournal.Replay(false, List.of(), replay.keys());
        }
        if (replay.clear()) {
            LOG.info("Clearing L2: this instance cleared the cache, or changed more than {} keys, while L2 was "
                    + "out of use", HybridCacheStore.MAX_JOURNALED_CHANGES);
        }
        long[] applied = new long[1];
        try {
            applyUntil(l2, replay, NO_DEADLINE, applied);
        } catch (CacheUnavailableException e) {
            journal.restore(replay);
            // The clear or the patterns come first: a failure before they are all applied is theirs.
            target.failed(e, replay.clear() || applied[0] < replay.patterns().size());
        } catch (RuntimeException e) {
            // Not the caller's failure: its own call succeeded. A later L2 success tries again.
            journal.restore(replay);
            LOG.warn("Deleting from L2 what changed while it was out of use failed", e);
        } finally {
            if (replay.clear() || !replay.patterns().isEmpty()) {
                // Reads may have copied an L2 value into L1 before the replay deleted it.
                target.dropL1();
            }
        }
    }

    /**
     * Applies what it can before the store goes, within the close timeout, stopping at the first failure;
     * logs and counts what it could not apply ({@code l2} null: L2 was never reached).
     */
    void flushAtClose(L2Link l2) {
        flushAtClose(l2, System.nanoTime() + closeTimeout.toNanos());
    }

    /** As {@link #flushAtClose(L2Link)}, until {@code deadlineNanos} (shared by the journals of every shard). */
    void flushAtClose(L2Link l2, long deadlineNanos) {
        if (!journal.hasPending()) {
            return;
        }
        OutageJournal.Replay replay = journal.take();
        long total = replay.size();
        long[] applied = new long[1];
        if (l2 != null) {
            try {
                applyUntil(l2, replay, deadlineNanos, applied);
            } catch (RuntimeException e) {
                LOG.debug("Applying the outage journal at close failed: {}", LogText.escape(e.getMessage()));
            }
        }
        long unapplied = total - applied[0];
        if (unapplied == 0) {
            LOG.info("Applied the {} invalidations made while L2 was out of use before closing", total);
            return;
        }
        unappliedAtClose.add(unapplied);
        LOG.warn("Closing with {} of {} invalidations made while L2 was out of use not applied to L2 ({}); L2 keeps "
                + "those values until their TTL ends, other instances their L1 copies for at most {}", unapplied, total,
                l2 == null ? "L2 was never reached" : "L2 did not take them within " + closeTimeout, l1TtlCeiling);
    }

    /** Invalidations {@link #flushAtClose} could not apply. */
    long unappliedAtClose() {
        return unappliedAtClose.sum();
    }

    /** Applies the clear, or the patterns then the keys, until the deadline passes; counts each in applied[0]. */
    private void applyUntil(L2Link l2, OutageJournal.Replay replay, long deadlineNanos, long[] applied) {
        if (replay.clear()) {
            l2.store().clear();
            target.publish(l2, Invalidation.Kind.CLEAR, "");
            applied[0] = 1;
            return;
        }
        for (KeyPattern pattern : replay.patterns()) {
            if (passed(deadlineNanos)) {
                return;
            }
            l2.store().deleteMatching(pattern);
            target.publish(l2, Invalidation.Kind.PATTERN, pattern.pattern());
            applied[0]++;
        }
        for (String key : replay.keys()) {
            if (passed(deadlineNanos)) {
                return;
            }
            l2.store().delete(key);
            target.forgetKey(key);
            target.publish(l2, Invalidation.Kind.KEY, key);
            applied[0]++;
        }
    }

    private static boolean passed(long deadlineNanos) {
        return deadlineNanos != NO_DEADLINE && System.nanoTime() - deadlineNanos > 0;
    }
}

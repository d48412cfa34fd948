package io.chatcache.chat;

import io.chatcache.chat.L2Gateway.Result;
import io.chatcache.chat.L2Gateway.Timing;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.ValueType;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hybrid store's way to L2 and back after an outage: every call goes through the {@link L2Gateway}
 * (breaker, bulkhead, triage); what a call's outcome means for the store is decided here: a failure makes L1
 * suspect; an answer after an outage takes L2 back into use (L1 dropped and suspect until the bus proves
 * itself, the {@link OutageJournal} replayed); an answer while the journal holds changes replays it. The
 * {@linkplain #probe background probe} does the same without a caller. Changes that did not reach L2 are
 * journaled here.
 *
 * <p>Thread-safe.
 */
final class L2Access {

    /** Logged under the hybrid store's name: that is where operators look. */
    private static final Logger LOG = LoggerFactory.getLogger(HybridCacheStore.class);

    /** What the background probe reads: any answer, even of a value of another type, shows L2 is up. */
    private static final String PROBE_KEY = "chat-cache:l2-probe";
    private static final ValueType<String> PROBE_TYPE = ValueType.of(String.class);

    private final L2Gateway gateway;
    /** Null when the store has no L2 at all (L1 only): then there is nothing to journal or replay. */
    private final OutageJournal journal;
    private final JournalReplayer replayer;
    private final L1Copies copies;
    private final Coherence coherence;
    private final RemovalReporter reporter;
    /** The current link, null until L2 is reached and after close. */
    private final Supplier<L2Link> link;
    /** Calls made while there was no L2 connection at all: answered without it. */
    private final LongAdder unconnected = new LongAdder();
    /**
     * Whether the latest L2 call failed: until one answers again (or the breaker opens), L1 is not trusted back,
     * since a probe of the bus alone says nothing about L2 (below the breaker's threshold L2 may be failing with
     * the breaker still closed).
     */
    private volatile boolean lastCallFailed;

    L2Access(L2Gateway gateway, OutageJournal journal, JournalReplayer replayer, L1Copies copies, Coherence coherence,
            RemovalReporter reporter, Supplier<L2Link> link) {
        this.gateway = gateway;
        this.journal = journal;
        this.replayer = replayer;
        this.copies = copies;
        this.coherence = coherence;
        this.reporter = reporter;
        this.link = link;
    }

    /** Calls L2 through the gateway; once L2 answers, takes it back into use or replays the journal. */
    <R> Result<R> call(L2Link l2, Timing timing, Function<CacheStore, R> call) {
        if (l2 == null) {
            if (journal != null) {
                unconnected.increment();
            }
            return Result.skipped(L2Gateway.Skip.NOT_CONNECTED);
        }
        Result<R> result = gateway.call(l2.store(), timing, call);
        after(l2, result);
        return result;
    }

    /**
     * The background probe: while L2 is out of use (the breaker open), the journal holds changes not yet
     * applied, or the latest call failed, one single-key read of L2 through the gateway. When L2 answers, the
     * store takes it back into use at once instead of waiting for a caller after the open duration: an idle
     * instance applies its journal, and a busy one stops serving L1 as soon as L2 answers again.
     */
    void probe() {
        L2Link l2 = link.get();
        if (l2 == null || (gateway.closed() && !lastCallFailed && !replayer.hasPending())) {
            return;
        }
        after(l2, gateway.probe(l2.store(), store -> store.getEntry(PROBE_KEY, PROBE_TYPE)));
    }

    /** L2 was reached for the first time after start-up failed: L1 holds values L2 lacks. */
    void connectedLate(L2Link l2) {
        LOG.info("L2 cache connected; dropping L1, which may hold values written while L2 was out of reach");
        reporter.uncollected(() -> recovered(l2));
    }

    /** A change of {@code key} reached L1 only: delete it from L2 when L2 is back. */
    void journalKey(String key) {
        if (journal != null) {
            journal.key(key);
        }
    }

    /** A pattern delete reached L1 only. */
    void journalPattern(KeyPattern pattern) {
        if (journal != null) {
            journal.pattern(pattern);
        }
    }

    /** A clear reached L1 only. */
    void journalClear() {
        if (journal != null) {
            journal.clear();
        }
    }

    /** Whether the latest L2 call failed (see the field). */
    boolean lastCallFailed() {
        return lastCallFailed;
    }

    /** Calls answered without L2 because there was no connection at all. */
    long unconnected() {
        return unconnected.sum();
    }

    private void after(L2Link l2, Result<?> result) {
        if (result.skipped() == L2Gateway.Skip.UNAVAILABLE) {
            lastCallFailed = true;
            // Whatever else failed meanwhile may include this instance's subscription.
            coherence.suspect("an L2 call failed");
        } else if (result.answered()) {
            lastCallFailed = false;
        }
        if (result.answered() && (result.reopened() || replayer.hasPending())) {
            // The L1 drop and the replay are not the caller's removals: a pattern delete or clear that happens
            // to be the call finding L2 back must not report what they remove as its own.
            reporter.uncollected(() -> {
                if (result.reopened()) {
                    LOG.info("L2 cache answers again; dropping L1, which may have missed invalidations");
                    recovered(l2);
                } else {
                    replayer.replay(l2);
                }
            });
        }
    }

    /**
     * Takes L2 back into use: drops L1 (it missed invalidations, and may hold values L2 lacks), then replays
     * the journal.
     */
    private void recovered(L2Link l2) {
        copies.recovered();
        // Invalidations published while L2 was away may not have reached this instance, and the bus may still
        // be re-subscribing: L1 waits for the bus's proof.
        coherence.suspect("L2 answers again after an outage");
        replayer.replay(l2);
    }

    /** What replaying the journal does to the store beside L2. */
    static JournalReplayer.Target replayTarget(BusPublisher publisher, L1Copies copies, L2Gateway gateway) {
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
            public void failed(CacheUnavailableException e) {
                gateway.failed(e);
            }
        };
    }
}

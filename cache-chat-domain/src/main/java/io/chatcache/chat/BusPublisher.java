package io.chatcache.chat;

import io.chatcache.core.CacheStore;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.LogText;
import io.chatcache.core.PublishingStore;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the hybrid store tells the other instances: its invalidations, sent without waiting (the change is
 * already in L2 and the bus keeps an instance's messages in order), or together with the write where L2 can
 * carry them ({@link PublishingStore}). A failed publish is counted and logged once, never the caller's
 * problem: peers' L1 copies age out by the ceiling, and the sequence gap shows at this instance's next
 * heartbeat.
 *
 * <p>Thread-safe.
 */
final class BusPublisher {

    /** Logged under the hybrid store's name: that is where operators look. */
    private static final Logger LOG = LoggerFactory.getLogger(HybridCacheStore.class);

    /** What a write did in L2. */
    enum L2Write {
        /** Written; the invalidation is still to be published. */
        WRITTEN,
        /** Written, and the invalidation published with it in the same round trip. */
        WRITTEN_AND_PUBLISHED
    }

    private final Duration l1TtlCeiling;
    private final LongAdder sent = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    /** @param l1TtlCeiling how long peers may serve a copy a lost message leaves behind, for the log line */
    BusPublisher(Duration l1TtlCeiling) {
        this.l1TtlCeiling = l1TtlCeiling;
    }

    /**
     * Writes to L2 and, where the L2 store can carry the bus's messages ({@link PublishingStore}), publishes
     * in the same round trip.
     */
    static L2Write putInL2(CacheStore store, InvalidationBus bus, String key, Object value, Duration ttl) {
        PublishingStore publishing = bus == null ? null
                : store.capability(PublishingStore.class).filter(p -> p.publishesOn(bus)).orElse(null);
        if (publishing != null) {
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

    /** Publishes the invalidation of a key {@code write} put in L2, unless it went with the write. */
    void afterWrite(L2Link l2, L2Write write, String key) {
        if (write == L2Write.WRITTEN) {
            publish(l2, Invalidation.Kind.KEY, key);
        } else {
            sent.increment();
        }
    }

    /** Tells the other instances, without waiting for the bus; nothing without a bus. */
    void publish(L2Link l2, Invalidation.Kind kind, String target) {
        InvalidationBus bus = l2.bus();
        if (bus == null) {
            return;
        }
        try {
            bus.publishAsync(kind, target).whenComplete((done, failure) -> {
                if (failure == null) {
                    published();
                } else {
                    failed(failure);
                }
            });
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Publishes a heartbeat, without waiting; false if it could not be handed to the bus. */
    static boolean heartbeat(L2Link l2, String target) {
        if (l2 == null || l2.bus() == null) {
            return false;
        }
        try {
            l2.bus().publishAsync(Invalidation.Kind.HEARTBEAT, target);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Invalidations sent (heartbeats not counted). */
    long sent() {
        return sent.sum();
    }

    /** Invalidations the bus could not send. */
    long failures() {
        return failures.sum();
    }

    private void published() {
        sent.increment();
        if (failureLogged.get() && failureLogged.compareAndSet(true, false)) {
            LOG.info("Invalidation bus publishes again");
        }
    }

    private void failed(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        failures.increment();
        if (failureLogged.compareAndSet(false, true)) {
            LOG.warn("Invalidation bus cannot publish ({}); other instances may serve their L1 copies "
                    + "for up to {}", LogText.escape(cause.getMessage()), l1TtlCeiling);
        }
    }
}

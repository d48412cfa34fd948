package io.chatcache.chat;

import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.LogText;
import io.chatcache.core.RemovalCause;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * What the hybrid store does with what its bus delivers: another instance's invalidation drops the matching L1
 * copies (reported to removal listeners); every message and heartbeat goes to the {@link Coherence} for its
 * sequence check; its own messages prove the subscription; a disconnect or reconnect makes L1 suspect, and a
 * reconnect probes L2 at once (the server most likely answers again). On a sharded bus, a shard channel's
 * disconnect or reconnect ({@link InvalidationListener#onShardEvent}) makes only that shard's keys suspect
 * (where L2 is sharded alike; else everything), and forgets the publishers' sequences on that channel only.
 *
 * <p>Thread-safe: called on the bus's threads.
 */
final class InvalidationReceiver {

    private final Coherence coherence;
    private final L1Copies copies;
    private final RemovalReporter reporter;
    private final BooleanSupplier closed;
    /** Runs the L2 probe soon, off the bus's thread. */
    private final Runnable probeSoon;
    private final LongAdder received = new LongAdder();

    InvalidationReceiver(Coherence coherence, L1Copies copies, RemovalReporter reporter, BooleanSupplier closed,
            Runnable probeSoon) {
        this.coherence = coherence;
        this.copies = copies;
        this.reporter = reporter;
        this.closed = closed;
        this.probeSoon = probeSoon;
    }

    /** The listener of the store on {@code bus}. */
    InvalidationListener on(InvalidationBus bus) {
        return new InvalidationListener() {
            @Override
            public void onInvalidation(Invalidation invalidation) {
                receive(bus, invalidation);
            }

            @Override
            public void onBusEvent(BusEvent event) {
                busEvent(event);
            }

            @Override
            public void onShardEvent(String shard, BusEvent event) {
                shardEvent(shard, event);
            }
        };
    }

    /** Invalidations received from other instances (heartbeats not counted). */
    long received() {
        return received.sum();
    }

    void receive(InvalidationBus bus, Invalidation invalidation) {
        if (closed.getAsBoolean()) {
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
        received.increment();
        RemovalReporter.Collected<Boolean> applied = reporter.collecting(() -> apply(invalidation));
        Set<String> removed = applied.removed();
        if (applied.result()) {
            removed.add(invalidation.target());
        }
        reporter.fire(removed,
                invalidation.kind() == Invalidation.Kind.CLEAR ? RemovalCause.CLEARED : RemovalCause.EXPLICIT);
    }

    /** Drops what {@code invalidation} covers from L1: whether L1 held the one key of a KEY invalidation. */
    private boolean apply(Invalidation invalidation) {
        switch (invalidation.kind()) {
            case KEY -> {
                return copies.forgetFromOutside(invalidation.target());
            }
            case PATTERN -> copies.forgetMatchingFromOutside(invalidation.target());
            case CLEAR -> copies.clearFromOutside();
            case HEARTBEAT -> {
                // Carries only its sequence number, checked by the coherence.
            }
        }
        return false;
    }

    private void shardEvent(String shard, InvalidationListener.BusEvent event) {
        if (closed.getAsBoolean()) {
            return;
        }
        switch (event) {
            case DISCONNECTED -> coherence.suspectChannel(shard, "the invalidation bus's channel of shard "
                    + LogText.escape(shard) + " disconnected");
            case RECONNECTED -> {
                coherence.forgetOrigins(shard);
                coherence.suspectChannel(shard, "the invalidation bus's channel of shard " + LogText.escape(shard)
                        + " reconnected; messages may have been lost meanwhile");
                probeSoon.run();
            }
        }
    }

    private void busEvent(InvalidationListener.BusEvent event) {
        if (closed.getAsBoolean()) {
            return;
        }
        switch (event) {
            // While L2 is down too (the usual reason), L1 still serves: it is all this instance has.
            case DISCONNECTED -> coherence.suspect("the invalidation bus disconnected");
            case RECONNECTED -> {
                coherence.forgetOrigins();
                coherence.suspect("the invalidation bus reconnected; messages may have been lost meanwhile");
                probeSoon.run();
            }
        }
    }
}

package io.chatcache.memory;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.InvalidationListener.BusEvent;
import io.chatcache.core.LogText;
import io.chatcache.core.Subscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link InvalidationBus} whose transport is an in-JVM {@link Network}: for a single application
 * instance, and for tests that run several "instances" in one JVM.
 *
 * <pre>{@code
 * InProcessInvalidationBus.Network network = InProcessInvalidationBus.newNetwork();
 * InvalidationBus a = network.join("instance-a");
 * InvalidationBus b = network.join("instance-b");
 * }</pre>
 *
 * <h2>Delivery</h2>
 * Delivery is synchronous: {@link #publish} calls every listener of every member of the network
 * (the publisher's own listeners included) on the publishing thread before it returns. Publishing and
 * delivery hold one network-wide lock, so all listeners see all messages in the same order, and each
 * publisher's messages in sequence order; a listener may publish again from its callback (the lock is
 * reentrant; that message is delivered once the one in progress has reached every member, so the
 * nested {@code publish} returns before it is delivered) but must not wait for another thread that
 * publishes. A listener that throws is logged and
 * delivery goes on to the next listener.
 *
 * <h2>Faults, for tests</h2>
 * The network can lose messages as a real transport does: {@link Network#disconnect()} and
 * {@link Network#reconnect()} tell every listener {@link BusEvent#DISCONNECTED} and
 * {@link BusEvent#RECONNECTED}, and messages published in between are lost; {@link
 * Network#dropNextMessages(int)} loses the next messages. A lost message still takes its sequence
 * number, so receivers see a gap. {@link Network#published()} counts every message published, lost or
 * not.
 *
 * <p>Thread-safe.
 */
public final class InProcessInvalidationBus implements InvalidationBus {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessInvalidationBus.class);

    private final Network network;
    private final String instanceId;
    private final CopyOnWriteArrayList<InvalidationListener> listeners = new CopyOnWriteArrayList<>();
    /** Guarded by the network's lock. */
    private long lastSequence;
    private volatile boolean closed;

    private InProcessInvalidationBus(Network network, String instanceId) {
        this.network = network;
        this.instanceId = instanceId;
    }

    /** A new network with no members, connected. */
    public static Network newNetwork() {
        return new Network();
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    /**
     * Stamps the message with this instance's id and next sequence number (1 for the first) and delivers
     * it to every listener of the network before returning, unless the network is disconnected or told to
     * drop it, in which case it is lost (and its sequence number still used). Called from a listener's
     * callback, it returns at once and the message is delivered after the one being delivered.
     *
     * @throws InvalidInputException if {@code kind} is null or the target does not fit the kind
     * @throws CacheUnavailableException if this bus has been closed
     */
    @Override
    public Invalidation publish(Invalidation.Kind kind, String target) {
        CacheInputs.requireNonNull(kind, "kind");
        CacheInputs.requireNonNull(target, "target");
        network.lock.lock();
        try {
            if (closed) {
                throw new CacheUnavailableException("the in-process bus of " + instanceId + " is closed");
            }
            // Built before the sequence advances, so a refused target uses up no number.
            Invalidation message = new Invalidation(instanceId, lastSequence + 1, kind, target);
            lastSequence = message.sequence();
            network.published++;
            if (!network.connected) {
                return message;
            }
            if (network.toDrop > 0) {
                network.toDrop--;
                return message;
            }
            if (network.delivering) {
                // Published from a listener's callback: delivering it now would hand it to the members
                // still waiting for the message being delivered before that one, out of order.
                network.pending.add(message);
                return message;
            }
            network.delivering = true;
            try {
                for (Invalidation next = message; next != null; next = network.pending.poll()) {
                    // A copy, because a listener may close a member (or join one) while we deliver.
                    for (InProcessInvalidationBus member : new ArrayList<>(network.members.values())) {
                        member.deliver(next);
                    }
                }
            } finally {
                network.delivering = false;
                // Only non-empty if a listener threw an Error: those messages are lost, as on a transport.
                network.pending.clear();
            }
            return message;
        } finally {
            network.lock.unlock();
        }
    }

    /**
     * Registers a listener for every message delivered from now on and for the network's connection
     * events.
     *
     * @throws InvalidInputException if the listener is null
     * @throws CacheUnavailableException if this bus has been closed
     */
    @Override
    public Subscription subscribe(InvalidationListener listener) {
        CacheInputs.requireNonNull(listener, "listener");
        network.lock.lock();
        try {
            if (closed) {
                throw new CacheUnavailableException("the in-process bus of " + instanceId + " is closed");
            }
            // A wrapper per subscription, so that subscribing one listener twice gives two independent
            // registrations and closing one leaves the other.
            InvalidationListener registration = new Registration(listener);
            listeners.add(registration);
            return () -> listeners.remove(registration);
        } finally {
            network.lock.unlock();
        }
    }

    /**
     * Leaves the network: listeners get nothing more, and the instance id may join again. Idempotent.
     */
    @Override
    public void close() {
        network.lock.lock();
        try {
            if (!closed) {
                closed = true;
                listeners.clear();
                network.members.remove(instanceId, this);
            }
        } finally {
            network.lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "InProcessInvalidationBus[" + instanceId + (closed ? ", closed" : "") + "]";
    }

    private void deliver(Invalidation message) {
        for (InvalidationListener listener : listeners) {
            try {
                listener.onInvalidation(message);
            } catch (Exception e) {
                // Checked ones too: a listener in another JVM language can throw them undeclared.
                LOG.warn("An invalidation listener of {} failed on {}; delivery goes on", LogText.escape(instanceId),
                        LogText.escape(message.toString()), e);
            }
        }
    }

    private void deliver(BusEvent event) {
        for (InvalidationListener listener : listeners) {
            try {
                listener.onBusEvent(event);
            } catch (Exception e) {
                LOG.warn("An invalidation listener of {} failed on {}; delivery goes on", instanceId, event, e);
            }
        }
    }

    private record Registration(InvalidationListener delegate) implements InvalidationListener {
        @Override
        public void onInvalidation(Invalidation invalidation) {
            delegate.onInvalidation(invalidation);
        }

        @Override
        public void onBusEvent(BusEvent event) {
            delegate.onBusEvent(event);
        }

        @Override
        public boolean equals(Object other) {
            // Identity, so that removing one registration never removes another of the same listener.
            return this == other;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /**
     * The shared transport of several {@link InProcessInvalidationBus} members, with switches that
     * simulate the faults of a real one. Thread-safe.
     */
    public static final class Network {

        private final ReentrantLock lock = new ReentrantLock();
        /** Guarded by {@link #lock}; insertion order is delivery order. */
        private final Map<String, InProcessInvalidationBus> members = new LinkedHashMap<>();
        private boolean connected = true;
        private int toDrop;
        private long published;
        /** Whether a publish is delivering (then on this thread, which holds the lock). */
        private boolean delivering;
        /** Messages published from listeners' callbacks, delivered after the current one, in order. */
        private final ArrayDeque<Invalidation> pending = new ArrayDeque<>();

        private Network() {
        }

        /**
         * Adds a member with the given instance id.
         *
         * @throws InvalidInputException if the id is null or empty, or a member that has not been closed
         *     already has it
         */
        public InProcessInvalidationBus join(String instanceId) {
            CacheInputs.requireNonNull(instanceId, "instanceId");
            if (instanceId.isEmpty()) {
                throw new InvalidInputException("instanceId", "must not be empty");
            }
            lock.lock();
            try {
                if (members.containsKey(instanceId)) {
                    throw new InvalidInputException("instanceId",
                            "must be unique on the network, but " + instanceId + " has already joined");
                }
                InProcessInvalidationBus member = new InProcessInvalidationBus(this, instanceId);
                members.put(instanceId, member);
                return member;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Cuts the network: every listener of every member is told {@link BusEvent#DISCONNECTED}, and
         * messages published until {@link #reconnect()} are lost. Does nothing if already disconnected.
         */
        public void disconnect() {
            switchTo(false, BusEvent.DISCONNECTED);
        }

        /**
         * Restores the network: every listener of every member is told {@link BusEvent#RECONNECTED}, and
         * messages flow again. Does nothing if already connected.
         */
        public void reconnect() {
            switchTo(true, BusEvent.RECONNECTED);
        }

        /** Whether messages are delivered (no {@link #disconnect()} without a later reconnect). */
        public boolean isConnected() {
            lock.lock();
            try {
                return connected;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Loses the next {@code count} messages published by any member (adding to any still pending),
         * so that receivers see a gap in the publisher's sequence numbers.
         *
         * @throws InvalidInputException if {@code count} is negative
         */
        public void dropNextMessages(int count) {
            if (count < 0) {
                throw new InvalidInputException("count", "must not be negative, was " + count);
            }
            lock.lock();
            try {
                toDrop = (int) Math.min(Integer.MAX_VALUE, (long) toDrop + count);
            } finally {
                lock.unlock();
            }
        }

        /** How many messages the members have published so far, delivered or lost. */
        public long published() {
            lock.lock();
            try {
                return published;
            } finally {
                lock.unlock();
            }
        }

        /** The instance ids of the members that have joined and not been closed, in joining order. */
        public List<String> members() {
            lock.lock();
            try {
                return List.copyOf(members.keySet());
            } finally {
                lock.unlock();
            }
        }

        private void switchTo(boolean connect, BusEvent event) {
            lock.lock();
            try {
                if (connected == connect) {
                    return;
                }
                connected = connect;
                for (InProcessInvalidationBus member : new ArrayList<>(members.values())) {
                    member.deliver(event);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String toString() {
            lock.lock();
            try {
                return "InProcessInvalidationBus.Network[members=" + members.keySet()
                        + (connected ? "" : ", disconnected") + "]";
            } finally {
                lock.unlock();
            }
        }
    }
}

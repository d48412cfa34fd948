package io.chatcache.chat;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.InvalidationListener;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-JVM invalidation transport for the hybrid's unit tests: synchronous delivery to every member,
 * with switches that lose messages as pub/sub can, and a count of what was published.
 */
final class FakeBusNetwork {

    private final FakeBusMembers members = new FakeBusMembers();
    private final AtomicBoolean connected = new AtomicBoolean(true);
    private final AtomicBoolean publishFails = new AtomicBoolean();
    private final AtomicInteger toDrop = new AtomicInteger();
    private final AtomicLong published = new AtomicLong();

    InvalidationBus join(String instanceId) {
        return new Member(instanceId);
    }

    /** How many invalidations (heartbeats aside) were published. */
    long published() {
        return published.get();
    }

    void dropNextMessages(int count) {
        toDrop.addAndGet(count);
    }

    void setPublishFails(boolean fails) {
        publishFails.set(fails);
    }

    void disconnect() {
        connected.set(false);
        members.tellAll(l -> l.onBusEvent(InvalidationListener.BusEvent.DISCONNECTED));
    }

    void reconnect() {
        connected.set(true);
        members.tellAll(l -> l.onBusEvent(InvalidationListener.BusEvent.RECONNECTED));
    }

    private final class Member extends FakeBusMembers.Member {
        private final AtomicLong sequence = new AtomicLong();

        Member(String instanceId) {
            super(members, instanceId);
        }

        @Override
        public synchronized Invalidation publish(Invalidation.Kind kind, String target) {
            if (publishFails.get()) {
                throw new CacheUnavailableException("fake bus cannot publish");
            }
            Invalidation message = new Invalidation(instanceId(), sequence.incrementAndGet(), kind, target);
            // Heartbeats go out on the stores' own thread at any time: counting or dropping them would make
            // the tests' counts and losses depend on timing.
            boolean heartbeat = kind == Invalidation.Kind.HEARTBEAT;
            if (!heartbeat) {
                published.incrementAndGet();
            }
            if (!connected.get() || (!heartbeat && toDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0)) {
                return message;
            }
            members.tellAll(l -> l.onInvalidation(message));
            return message;
        }
    }
}

package io.chatcache.chat;

import io.chatcache.core.InvalidationBus;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.Subscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The members of an in-JVM fake invalidation bus ({@link FakeBusNetwork}, {@link ShardedFakes.Bus}): each member
 * has its listeners, told synchronously, in the order members joined and listeners subscribed; closing a member
 * makes it leave.
 */
final class FakeBusMembers {

    private final List<Member> members = new CopyOnWriteArrayList<>();

    /** Tells {@code event} to every listener of every member. */
    void tellAll(Consumer<InvalidationListener> event) {
        members.forEach(member -> member.listeners.forEach(event));
    }

    /** A member: its instance id and its listeners. What it publishes, and how, is up to the subclass. */
    abstract static class Member implements InvalidationBus {
        private final FakeBusMembers joined;
        private final String instanceId;
        private final List<InvalidationListener> listeners = new CopyOnWriteArrayList<>();

        /** Joins {@code members} as {@code instanceId}. */
        Member(FakeBusMembers members, String instanceId) {
            this.joined = members;
            this.instanceId = instanceId;
            members.members.add(this);
        }

        @Override
        public final String instanceId() {
            return instanceId;
        }

        @Override
        public final Subscription subscribe(InvalidationListener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public void close() {
            joined.members.remove(this);
        }
    }
}

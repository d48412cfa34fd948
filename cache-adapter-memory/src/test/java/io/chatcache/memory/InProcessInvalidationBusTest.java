package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.Invalidation.Kind;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.Subscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class InProcessInvalidationBusTest {

    /** Records what a listener receives, in order. */
    static final class Recorder implements InvalidationListener {
        final List<Invalidation> messages = new CopyOnWriteArrayList<>();
        final List<BusEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onInvalidation(Invalidation invalidation) {
            messages.add(invalidation);
        }

        @Override
        public void onBusEvent(BusEvent event) {
            events.add(event);
        }

        List<Long> sequencesFrom(String origin) {
            return messages.stream().filter(m -> m.isFrom(origin)).map(Invalidation::sequence).toList();
        }
    }

    private final InProcessInvalidationBus.Network network = InProcessInvalidationBus.newNetwork();
    private final InvalidationBus a = network.join("instance-a");
    private final InvalidationBus b = network.join("instance-b");

    @Test
    void publishDeliversToEveryMemberIncludingThePublisherBeforeReturning() {
        Recorder atA = new Recorder();
        Recorder atB = new Recorder();
        a.subscribe(atA);
        b.subscribe(atB);

        Invalidation sent = a.publish(Kind.KEY, "session:1");

        assertThat(sent).isEqualTo(new Invalidation("instance-a", 1, Kind.KEY, "session:1"));
        assertThat(atA.messages).containsExactly(sent);
        assertThat(atB.messages).containsExactly(sent);
        assertThat(atB.messages.get(0).isFrom(b.instanceId())).isFalse();
    }

    @Test
    void sequenceNumbersStartAtOneAndCountPerPublisher() {
        Recorder atB = new Recorder();
        b.subscribe(atB);

        a.publish(Kind.KEY, "k1");
        b.publish(Kind.PATTERN, "user:*");
        a.publish(Kind.CLEAR, "");
        b.publish(Kind.KEY, "k2");

        assertThat(atB.sequencesFrom("instance-a")).containsExactly(1L, 2L);
        assertThat(atB.sequencesFrom("instance-b")).containsExactly(1L, 2L);
        assertThat(network.published()).isEqualTo(4);
    }

    @Test
    void messagesPublishedWhileDisconnectedAreLostAndLeaveAGap() {
        Recorder atB = new Recorder();
        b.subscribe(atB);
        a.publish(Kind.KEY, "k1");

        network.disconnect();
        a.publish(Kind.KEY, "k2");
        network.reconnect();
        a.publish(Kind.KEY, "k3");

        assertThat(atB.events).containsExactly(InvalidationListener.BusEvent.DISCONNECTED,
                InvalidationListener.BusEvent.RECONNECTED);
        assertThat(atB.messages).extracting(Invalidation::target).containsExactly("k1", "k3");
        assertThat(atB.sequencesFrom("instance-a")).containsExactly(1L, 3L);
        assertThat(network.published()).isEqualTo(3);
    }

    @Test
    void connectionEventsReachEveryMemberOnceAndOnlyOnChange() {
        Recorder atA = new Recorder();
        Recorder atB = new Recorder();
        a.subscribe(atA);
        b.subscribe(atB);

        network.disconnect();
        network.disconnect();
        assertThat(network.isConnected()).isFalse();
        network.reconnect();
        network.reconnect();

        assertThat(atA.events).containsExactly(InvalidationListener.BusEvent.DISCONNECTED,
                InvalidationListener.BusEvent.RECONNECTED);
        assertThat(atB.events).isEqualTo(atA.events);
        assertThat(network.isConnected()).isTrue();
    }

    @Test
    void dropNextMessagesLosesExactlyThatManyMessages() {
        Recorder atB = new Recorder();
        b.subscribe(atB);

        network.dropNextMessages(2);
        a.publish(Kind.KEY, "k1");
        a.publish(Kind.KEY, "k2");
        a.publish(Kind.KEY, "k3");

        assertThat(atB.sequencesFrom("instance-a")).containsExactly(3L);
        assertThat(network.published()).isEqualTo(3);
    }

    @Test
    void publishedCountsNothingWhenNothingIsPublished() {
        b.subscribe(new Recorder());
        assertThat(network.published()).isZero();
    }

    @Test
    void closedSubscriptionReceivesNothingMore() {
        Recorder atB = new Recorder();
        Subscription subscription = b.subscribe(atB);
        a.publish(Kind.KEY, "k1");

        subscription.close();
        subscription.close();
        a.publish(Kind.KEY, "k2");

        assertThat(atB.messages).extracting(Invalidation::target).containsExactly("k1");
    }

    @Test
    void aFailingListenerDoesNotStopDeliveryToTheOthers() {
        Recorder atB = new Recorder();
        a.subscribe(message -> {
            throw new IllegalStateException("listener failure on purpose");
        });
        b.subscribe(atB);

        a.publish(Kind.KEY, "k1");

        assertThat(atB.messages).hasSize(1);
    }

    @Test
    void invalidTargetIsRefusedAndUsesNoSequenceNumber() {
        Recorder atA = new Recorder();
        a.subscribe(atA);

        assertThatThrownBy(() -> a.publish(Kind.CLEAR, "not-empty")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> a.publish(Kind.KEY, "")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> a.publish(Kind.PATTERN, "[unclosed")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> a.publish(null, "k")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> a.publish(Kind.KEY, null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> a.subscribe(null)).isInstanceOf(InvalidInputException.class);
        a.publish(Kind.KEY, "k1");

        assertThat(atA.sequencesFrom("instance-a")).containsExactly(1L);
        assertThat(network.published()).isEqualTo(1);
    }

    @Test
    void instanceIdsMustBeUniqueAmongOpenMembers() {
        assertThatThrownBy(() -> network.join("instance-a"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("instance-a");
        assertThatThrownBy(() -> network.join("")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> network.join(null)).isInstanceOf(InvalidInputException.class);

        a.close();
        InvalidationBus again = network.join("instance-a");

        assertThat(again.instanceId()).isEqualTo("instance-a");
        assertThat(network.members()).containsExactly("instance-b", "instance-a");
    }

    @Test
    void closedBusRefusesToPublishAndReceivesNothing() {
        Recorder atA = new Recorder();
        a.subscribe(atA);

        a.close();
        a.close();
        b.publish(Kind.KEY, "k1");

        assertThat(atA.messages).isEmpty();
        assertThatThrownBy(() -> a.publish(Kind.KEY, "k2")).isInstanceOf(CacheUnavailableException.class);
        assertThat(network.members()).containsExactly("instance-b");
    }

    @Test
    void aListenerMayPublishFromItsCallback() {
        Recorder atA = new Recorder();
        a.subscribe(atA);
        b.subscribe(message -> {
            if (message.isFrom("instance-a")) {
                b.publish(Kind.KEY, "echo-" + message.target());
            }
        });

        a.publish(Kind.KEY, "k1");

        assertThat(atA.messages).extracting(Invalidation::target).containsExactlyInAnyOrder("k1", "echo-k1");
    }

    @Test
    void aMessagePublishedFromACallbackReachesEveryMemberAfterTheMessageBeingDelivered() {
        InProcessInvalidationBus c = network.join("instance-c");
        Recorder atA = new Recorder();
        Recorder atC = new Recorder();
        a.subscribe(atA);
        b.subscribe(message -> {
            if (message.target().equals("k1")) {
                // The same publisher again: a member delivered to after b must not see sequence 2 before 1.
                a.publish(Kind.KEY, "k2");
            }
        });
        c.subscribe(atC);

        a.publish(Kind.KEY, "k1");

        assertThat(atA.messages).extracting(Invalidation::sequence).containsExactly(1L, 2L);
        assertThat(atC.messages).extracting(Invalidation::sequence).containsExactly(1L, 2L);
        c.close();
    }

    @Test
    void aListenerThrowingACheckedExceptionDoesNotStopDeliveryToTheOthers() {
        Recorder atB = new Recorder();
        a.subscribe(message -> sneakyThrow(new java.io.IOException("listener backend down")));
        b.subscribe(atB);

        a.publish(Kind.KEY, "k1");

        assertThat(atB.messages).extracting(Invalidation::target).containsExactly("k1");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable e) throws T {
        throw (T) e;
    }
}

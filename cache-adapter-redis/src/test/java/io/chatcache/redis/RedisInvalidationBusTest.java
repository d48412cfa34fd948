package io.chatcache.redis;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.Invalidation.Kind;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.InvalidationListener.BusEvent;
import io.chatcache.core.Subscription;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Invalidations between instances over Redis pub/sub, and what subscribers hear when Redis restarts. */
class RedisInvalidationBusTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    /** Records what a listener hears, in order. */
    static final class Recorder implements InvalidationListener {
        final List<Invalidation> messages = new CopyOnWriteArrayList<>();
        final List<BusEvent> events = new CopyOnWriteArrayList<>();
        final List<Object> all = new CopyOnWriteArrayList<>();

        @Override
        public void onInvalidation(Invalidation invalidation) {
            messages.add(invalidation);
            all.add(invalidation);
        }

        @Override
        public void onBusEvent(BusEvent event) {
            events.add(event);
            all.add(event);
        }
    }

    private static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20));
    }

    private static RedisInvalidationBus bus(RedisServer server, String namespace, String instanceId) {
        return RedisInvalidationBus.builder()
                .config(RedisTestSupport.configFor(server).namespace(namespace).build())
                .instanceId(instanceId)
                .build();
    }

    @Test
    void messagePublishedByOneInstanceReachesAnotherAndItsOwnIsMarkedAsItsOwn() {
        RedisServer server = redis.single();
        String namespace = RedisTestSupport.uniqueNamespace("bus");
        try (RedisInvalidationBus a = bus(server, namespace, "instance-a");
                RedisInvalidationBus b = bus(server, namespace, "instance-b")) {
            Recorder atA = new Recorder();
            Recorder atB = new Recorder();
            a.subscribe(atA);
            b.subscribe(atB);

            Invalidation sent = a.publish(Kind.KEY, "session:1");

            assertThat(sent).isEqualTo(new Invalidation("instance-a", 1, Kind.KEY, "session:1"));
            await("b to hear a's message").untilAsserted(() -> assertThat(atB.messages).containsExactly(sent));
            await("a to hear its own message").untilAsserted(() -> assertThat(atA.messages).containsExactly(sent));
            assertThat(atA.messages.get(0).isFrom(a.instanceId())).isTrue();
            assertThat(atB.messages.get(0).isFrom(b.instanceId())).isFalse();
            assertThat(a.channel()).isEqualTo(namespace + ":invalidations");
        }
    }

    @Test
    void sequenceNumbersCountEachPublishersMessagesInOrder() {
        RedisServer server = redis.single();
        String namespace = RedisTestSupport.uniqueNamespace("seq");
        try (RedisInvalidationBus a = bus(server, namespace, "a"); RedisInvalidationBus b = bus(server, namespace, "b")) {
            Recorder atB = new Recorder();
            b.subscribe(atB);

            a.publish(Kind.KEY, "k");
            a.publish(Kind.PATTERN, "session:*");
            a.publish(Kind.CLEAR, "");

            await("three messages").untilAsserted(() -> assertThat(atB.messages).containsExactly(
                    new Invalidation("a", 1, Kind.KEY, "k"),
                    new Invalidation("a", 2, Kind.PATTERN, "session:*"),
                    new Invalidation("a", 3, Kind.CLEAR, "")));
        }
    }

    @Test
    void messagesArePlainJsonSoOtherProgramsCanPublishAndMalformedOnesAreIgnored() {
        RedisServer server = redis.single();
        String namespace = RedisTestSupport.uniqueNamespace("json");
        try (RedisInvalidationBus bus = bus(server, namespace, "me")) {
            Recorder heard = new Recorder();
            bus.subscribe(heard);
            String channel = bus.channel();

            server.cli("PUBLISH", channel, "not json");
            server.cli("PUBLISH", channel, "{\"origin\":\"x\",\"seq\":1,\"kind\":\"EXPLODE\",\"target\":\"k\"}");
            server.cli("PUBLISH", channel, "{\"origin\":\"x\",\"seq\":0,\"kind\":\"KEY\",\"target\":\"k\"}");
            server.cli("PUBLISH", channel, "{\"origin\":\"x\",\"seq\":\"two\",\"kind\":\"KEY\",\"target\":\"k\"}");
            server.cli("PUBLISH", channel, "[1,2]");
            server.cli("PUBLISH", channel, "{\"origin\":\"php-worker\",\"seq\":7,\"kind\":\"PATTERN\",\"target\":\"user:*\"}");

            await("the well-formed message").untilAsserted(() -> assertThat(heard.messages)
                    .containsExactly(new Invalidation("php-worker", 7, Kind.PATTERN, "user:*")));
        }
    }

    @Test
    void publishedJsonHasTheDocumentedShape() {
        RedisServer server = redis.single();
        String namespace = RedisTestSupport.uniqueNamespace("shape");
        RedissonClient raw = RedissonClients.connect(RedisTestSupport.configFor(server).build());
        try (RedisInvalidationBus bus = bus(server, namespace, "me")) {
            List<String> rawMessages = new CopyOnWriteArrayList<>();
            raw.getTopic(bus.channel(), org.redisson.client.codec.StringCodec.INSTANCE)
                    .addListener(String.class, (channel, message) -> rawMessages.add(message));

            bus.publish(Kind.KEY, "k");

            // PROBE messages (a bus checking its own subscription) may come and go; they are documented.
            await("the raw message").untilAsserted(() -> assertThat(rawMessages)
                    .filteredOn(message -> !message.contains("\"kind\":\"PROBE\""))
                    .containsExactly("{\"origin\":\"me\",\"seq\":1,\"kind\":\"KEY\",\"target\":\"k\"}"));
        } finally {
            raw.shutdown();
        }
    }

    @Test
    void closedSubscriptionHearsNothingMoreAndAThrowingListenerDoesNotStopDelivery() {
        RedisServer server = redis.single();
        String namespace = RedisTestSupport.uniqueNamespace("subs");
        try (RedisInvalidationBus bus = bus(server, namespace, "me")) {
            Recorder closed = new Recorder();
            Recorder open = new Recorder();
            Subscription subscription = bus.subscribe(closed);
            bus.subscribe(invalidation -> {
                throw new IllegalStateException("listener bug");
            });
            bus.subscribe(open);

            subscription.close();
            bus.publish(Kind.KEY, "k");

            await("the open listener").untilAsserted(() -> assertThat(open.messages).hasSize(1));
            assertThat(closed.messages).isEmpty();
        }
    }

    @Test
    void badTargetsAreRefusedWithoutUsingASequenceNumber() {
        RedisServer server = redis.single();
        try (RedisInvalidationBus bus = bus(server, RedisTestSupport.uniqueNamespace("bad"), "me")) {
            assertThatThrownBy(() -> bus.publish(Kind.CLEAR, "x")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> bus.publish(Kind.KEY, "")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> bus.publish(Kind.PATTERN, "[")).isInstanceOf(InvalidInputException.class);

            assertThat(bus.publish(Kind.KEY, "k").sequence()).isEqualTo(1);
        }
    }

    /** Waits until the listener has heard a DISCONNECTED and, after it, a final RECONNECTED. */
    private static void awaitDisconnectThenReconnect(Recorder heard) {
        await("disconnect and reconnect events").untilAsserted(() -> {
            List<BusEvent> events = List.copyOf(heard.events);
            assertThat(events).isNotEmpty().startsWith(BusEvent.DISCONNECTED).endsWith(BusEvent.RECONNECTED);
        });
    }

    private static Invalidation publishOnceReachable(RedisInvalidationBus publisher, String key) {
        return Awaitility.await("the publisher to reach Redis").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .ignoreException(CacheUnavailableException.class)
                .until(() -> publisher.publish(Kind.KEY, key), sent -> true);
    }

    @Test
    void afterARestartTheSubscriberHearsOfTheReconnectAndMessagesFlowAgain() {
        RedisServer server = redis.startSingle();
        String namespace = RedisTestSupport.uniqueNamespace("restart");
        try (RedisInvalidationBus subscriber = bus(server, namespace, "subscriber");
                RedisInvalidationBus publisher = bus(server, namespace, "publisher")) {
            Recorder heard = new Recorder();
            subscriber.subscribe(heard);
            publisher.publish(Kind.KEY, "before");
            await("the first message").untilAsserted(() -> assertThat(heard.messages).hasSize(1));

            server.restart();

            awaitDisconnectThenReconnect(heard);
            Invalidation after = publishOnceReachable(publisher, "after");
            await("the message published after the reconnect").untilAsserted(() ->
                    assertThat(heard.messages).contains(after));
            assertThat(heard.all.lastIndexOf(BusEvent.RECONNECTED)).isLessThan(heard.all.indexOf(after));
        }
    }

    @Test
    void busOnASuppliedClientHearsOfTheReconnectToo() {
        RedisServer server = redis.startSingle();
        String namespace = RedisTestSupport.uniqueNamespace("supplied");
        RedissonClient client = org.redisson.Redisson.create(RedissonClients.toRedissonConfig(
                RedisTestSupport.configFor(server).build()));
        try (RedisInvalidationBus subscriber = RedisInvalidationBus.builder().client(client).namespace(namespace).build();
                RedisInvalidationBus publisher = bus(server, namespace, "publisher")) {
            Recorder heard = new Recorder();
            subscriber.subscribe(heard);

            server.restart();

            awaitDisconnectThenReconnect(heard);
            Invalidation after = publishOnceReachable(publisher, "after");
            await("the message published after the reconnect").untilAsserted(() ->
                    assertThat(heard.messages).contains(after));
        } finally {
            client.shutdown();
        }
        assertThat(client.isShutdown()).isTrue();
    }

    @Test
    void lostCommandConnectionsWithTheSubscriptionIntactAreNotReportedAsADisconnect() {
        RedisServer server = redis.startSingle();
        String namespace = RedisTestSupport.uniqueNamespace("cmd");
        try (RedisInvalidationBus subscriber = bus(server, namespace, "subscriber");
                RedisInvalidationBus publisher = bus(server, namespace, "publisher")) {
            Recorder heard = new Recorder();
            subscriber.subscribe(heard);

            server.cli("CLIENT", "KILL", "TYPE", "normal");

            Invalidation sent = publishOnceReachable(publisher, "k");
            await("the message").untilAsserted(() -> assertThat(heard.messages).contains(sent));
            Awaitility.await("no connection event while the subscription is intact")
                    .during(RedisInvalidationBus.DISCONNECT_GRACE.plusMillis(500))
                    .atMost(RedisInvalidationBus.DISCONNECT_GRACE.plusSeconds(3))
                    .until(() -> heard.events.isEmpty());
        }
    }

    @Test
    void lostSubscriptionConnectionIsReportedAndRecovered() {
        RedisServer server = redis.startSingle();
        String namespace = RedisTestSupport.uniqueNamespace("pubsub");
        try (RedisInvalidationBus subscriber = bus(server, namespace, "subscriber");
                RedisInvalidationBus publisher = bus(server, namespace, "publisher")) {
            Recorder heard = new Recorder();
            subscriber.subscribe(heard);

            server.cli("CLIENT", "KILL", "TYPE", "pubsub");

            awaitDisconnectThenReconnect(heard);
            Invalidation after = publishOnceReachable(publisher, "after");
            await("the message published after the reconnect").untilAsserted(() ->
                    assertThat(heard.messages).contains(after));
        }
    }

    @Test
    void publishToADeadServerFailsAsUnavailable() {
        RedisServer server = redis.startSingle();
        try (RedisInvalidationBus bus = RedisInvalidationBus.builder()
                .config(RedisTestSupport.configFor(server).timeout(Duration.ofMillis(500)).build())
                .build()) {
            server.kill();

            assertThatThrownBy(() -> bus.publish(Kind.KEY, "k")).isInstanceOf(CacheUnavailableException.class);
        }
    }

    @Test
    void asyncPublishesFromManyThreadsArriveInSequenceOrderWithoutAGap() throws Exception {
        RedisServer server = redis.single();
        String namespace = RedisTestSupport.uniqueNamespace("async-order");
        int threads = 4;
        int perThread = 500;
        try (RedisInvalidationBus a = bus(server, namespace, "a"); RedisInvalidationBus b = bus(server, namespace, "b")) {
            Recorder atB = new Recorder();
            b.subscribe(atB);
            List<CompletableFuture<Invalidation>> sent = new CopyOnWriteArrayList<>();
            RedisTestSupport.runTogether(threads, Duration.ofSeconds(30), thread -> {
                for (int i = 0; i < perThread; i++) {
                    sent.add(a.publishAsync(Kind.KEY, "t" + thread + ":" + i));
                }
            });

            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            await("every message at b").untilAsserted(() -> assertThat(atB.messages).hasSize(threads * perThread));
            assertThat(atB.messages).extracting(Invalidation::sequence)
                    .as("one publisher's messages arrive in sequence order, none missing")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, threads * perThread).boxed().toList());
            assertThat(sent).extracting(CompletableFuture::join).containsExactlyInAnyOrderElementsOf(atB.messages);
        }
    }

    @Test
    void syncAndAsyncPublishesShareOneSequence() {
        RedisServer server = redis.single();
        String namespace = RedisTestSupport.uniqueNamespace("mixed");
        try (RedisInvalidationBus a = bus(server, namespace, "a"); RedisInvalidationBus b = bus(server, namespace, "b")) {
            Recorder atB = new Recorder();
            b.subscribe(atB);

            CompletableFuture<Invalidation> first = a.publishAsync(Kind.KEY, "k1");
            Invalidation second = a.publish(Kind.KEY, "k2");
            CompletableFuture<Invalidation> third = a.publishAsync(Kind.CLEAR, "");

            assertThat(first.join()).isEqualTo(new Invalidation("a", 1, Kind.KEY, "k1"));
            assertThat(second).isEqualTo(new Invalidation("a", 2, Kind.KEY, "k2"));
            assertThat(third.join()).isEqualTo(new Invalidation("a", 3, Kind.CLEAR, ""));
            await("three messages").untilAsserted(() ->
                    assertThat(atB.messages).containsExactly(first.join(), second, third.join()));
        }
    }

    @Test
    void closeSendsWhatWasPublishedAsynchronouslyBeforeIt() {
        RedisServer server = redis.single();
        String namespace = RedisTestSupport.uniqueNamespace("drain");
        try (RedisInvalidationBus b = bus(server, namespace, "b")) {
            Recorder atB = new Recorder();
            b.subscribe(atB);
            RedisInvalidationBus a = bus(server, namespace, "a");
            List<CompletableFuture<Invalidation>> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                sent.add(a.publishAsync(Kind.KEY, "k" + i));
            }

            a.close();

            assertThat(sent).allSatisfy(future -> assertThat(future).isCompleted().isNotCompletedExceptionally());
            await("all 300 at b").untilAsserted(() -> assertThat(atB.messages).hasSize(300));
        }
    }

    @Test
    void asyncPublishToADeadServerFailsTheFutureAsUnavailableAndUsesUpTheSequenceNumber() {
        RedisServer server = redis.startSingle();
        try (RedisInvalidationBus bus = RedisInvalidationBus.builder()
                .config(RedisTestSupport.configFor(server).timeout(Duration.ofMillis(500)).build())
                .instanceId("lonely")
                .build()) {
            server.kill();

            CompletableFuture<Invalidation> first = bus.publishAsync(Kind.KEY, "k1");
            CompletableFuture<Invalidation> second = bus.publishAsync(Kind.KEY, "k2");

            assertThat(first).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                    .havingCause().isInstanceOf(CacheUnavailableException.class);
            assertThat(second).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                    .havingCause().isInstanceOf(CacheUnavailableException.class);
            server.restart();
            await("a publish after the restart").untilAsserted(() ->
                    assertThat(bus.publish(Kind.KEY, "k3").sequence()).isGreaterThanOrEqualTo(3));
        }
    }

    @Test
    void closedBusRefusesToPublishAndCloseIsIdempotent() {
        RedisInvalidationBus bus = bus(redis.single(), RedisTestSupport.uniqueNamespace("close"), "me");

        bus.close();
        bus.close();

        assertThatThrownBy(() -> bus.publish(Kind.KEY, "k")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> bus.publishAsync(Kind.KEY, "k")).isInstanceOf(IllegalStateException.class);
    }
}

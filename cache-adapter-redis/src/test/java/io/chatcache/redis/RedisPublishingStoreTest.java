package io.chatcache.redis;

import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.Invalidation.Kind;
import io.chatcache.core.ValueType;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RedisCacheStore#putAndPublish}: a write and its invalidation in one pipelined batch on the bus's
 * queue, against a real standalone server.
 */
class RedisPublishingStoreTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedisServer server;
    private static RedissonClient client;

    @BeforeAll
    static void connect() {
        server = redis.single();
        client = RedissonClients.connect(RedisTestSupport.configFor(server).build());
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.shutdown();
        }
    }

    private static RedisInvalidationBus bus(String namespace, String instanceId) {
        return RedisInvalidationBus.builder().client(client).namespace(namespace).instanceId(instanceId).build();
    }

    @Test
    void publishesOnlyOnARedisBusOfItsOwnClient() {
        String namespace = RedisTestSupport.uniqueNamespace("carries");
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace).build();
                RedisInvalidationBus sameClient = bus(namespace, "a");
                RedisInvalidationBus otherClient = RedisInvalidationBus.builder()
                        .config(RedisTestSupport.configFor(server).namespace(namespace).build()).build()) {
            assertThat(store.publishesOn(sameClient)).isTrue();
            assertThat(store.publishesOn(otherClient)).isFalse();
            assertThat(store.publishesOn(null)).isFalse();
            assertThatThrownBy(() -> store.putAndPublish("k", "v", Duration.ofMinutes(1), otherClient))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publishesOn");
            assertThat(store.get("k", String.class)).isEmpty();
        }
    }

    @Test
    void anotherInstanceThatHearsTheMessageReadsTheNewValue() {
        String namespace = RedisTestSupport.uniqueNamespace("write-first");
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace).build();
                RedisCacheStore peerStore = RedisCacheStore.builder()
                        .config(RedisTestSupport.configFor(server).namespace(namespace).build()).build();
                RedisInvalidationBus mine = bus(namespace, "writer");
                RedisInvalidationBus peer = RedisInvalidationBus.builder()
                        .config(RedisTestSupport.configFor(server).namespace(namespace).build()).instanceId("peer").build()) {
            Map<String, String> seenWhenHeard = new ConcurrentHashMap<>();
            peer.subscribe(message -> seenWhenHeard.put(message.target(),
                    peerStore.get(message.target(), String.class).orElse("<absent>")));

            List<Invalidation> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add(store.putAndPublish("k" + i, "v" + i, Duration.ofMinutes(5), mine));
            }

            assertThat(sent).extracting(Invalidation::sequence)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
            assertThat(sent).allSatisfy(m -> assertThat(m.kind()).isEqualTo(Kind.KEY));
            Awaitility.await("all 200 messages at the peer").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(seenWhenHeard).hasSize(200));
            for (int i = 0; i < 200; i++) {
                assertThat(seenWhenHeard).as("key k%d as the peer read it on hearing of it", i).containsEntry("k" + i, "v" + i);
            }
            assertThat(Long.parseLong(server.cli("PTTL", namespace + ":k0"))).isBetween(1L, 300_000L);
        }
    }

    @Test
    void writesFromManyThreadsAndPlainPublishesShareOneOrderedSequence() throws Exception {
        String namespace = RedisTestSupport.uniqueNamespace("shared-seq");
        int threads = 4;
        int perThread = 150;
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace).build();
                RedisInvalidationBus mine = bus(namespace, "writer");
                RedisInvalidationBus peer = RedisInvalidationBus.builder()
                        .config(RedisTestSupport.configFor(server).namespace(namespace).build()).instanceId("peer").build()) {
            List<Invalidation> heard = new CopyOnWriteArrayList<>();
            peer.subscribe(heard::add);
            RedisTestSupport.runTogether(threads, Duration.ofSeconds(60), thread -> {
                for (int i = 0; i < perThread; i++) {
                    if (i % 3 == 0) {
                        mine.publishAsync(Kind.KEY, "plain:" + thread + ":" + i);
                    } else {
                        store.putAndPublish("t" + thread + ":" + i, i, Duration.ofMinutes(5), mine);
                    }
                }
            });

            Awaitility.await("every message at the peer").atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(heard).hasSize(threads * perThread));
            assertThat(heard).extracting(Invalidation::sequence)
                    .as("one publisher's messages arrive in sequence order, none missing")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, threads * perThread).boxed().toList());
            assertThat(store.getAll(List.of("t0:1", "t3:149"), ValueType.of(Integer.class)))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("t0:1", 1, "t3:149", 149));
        }
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWrittenOrPublished() {
        String namespace = RedisTestSupport.uniqueNamespace("refused");
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace)
                        .maxValueBytes(16).build();
                RedisInvalidationBus mine = bus(namespace, "writer")) {
            store.put("k", "old");

            assertThatThrownBy(() -> store.putAndPublish("k", "a value longer than sixteen bytes", Duration.ofMinutes(1), mine))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> store.putAndPublish("", "v", Duration.ofMinutes(1), mine))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("key");

            assertThat(store.get("k", String.class)).contains("old");
            assertThat(mine.publish(Kind.KEY, "next").sequence()).as("no sequence number was used").isEqualTo(1);
        }
    }

    @Test
    void aDeadServerFailsTheWriteAsUnavailable() {
        RedisServer doomed = redis.startSingle();
        RedisConfig config = RedisTestSupport.configFor(doomed).timeout(Duration.ofMillis(500)).build();
        RedissonClient own = RedissonClients.connect(config);
        try (RedisCacheStore store = RedisCacheStore.builder().client(own).build();
                RedisInvalidationBus mine = RedisInvalidationBus.builder().client(own).build()) {
            doomed.kill();

            assertThatThrownBy(() -> store.putAndPublish("k", "v", Duration.ofMinutes(1), mine))
                    .isInstanceOf(CacheUnavailableException.class).hasMessageContaining("SET+PUBLISH");
        } finally {
            own.shutdown();
        }
    }
}

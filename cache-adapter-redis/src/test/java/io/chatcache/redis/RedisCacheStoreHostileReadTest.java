package io.chatcache.redis;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStats;
import io.chatcache.core.ReservedValueReads;
import io.chatcache.core.ValueType;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values planted by another client, on a real Redis: oversized ones are never sent (maxValueBytes bounds
 * reads), ones of the wrong shape are misses, and neither puts a byte of the value in the log.
 */
class RedisCacheStoreHostileReadTest {

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
        client.shutdown();
    }

    private static void plant(String redisKey, byte[] bytes) {
        client.<byte[]>getBucket(redisKey, ByteArrayCodec.INSTANCE).set(bytes, Duration.ofMinutes(5));
    }

    private static long bytesSentByServer() {
        return server.cli("INFO", "stats").lines()
                .filter(line -> line.startsWith("total_net_output_bytes:"))
                .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim()))
                .findFirst().orElseThrow();
    }

    @Test
    void aPlanted50MegabyteValueIsAMissCountedAndLoggedOnceAndNeverCrossesTheNetwork() {
        String namespace = RedisTestSupport.uniqueNamespace("huge");
        byte[] huge = new byte[50 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'x');
        huge[0] = '"';
        huge[huge.length - 1] = '"';
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace).build();
                LogCapture log = LogCapture.start()) {
            plant(namespace + ":huge", huge);
            store.put("small", "fine", Duration.ofMinutes(5));
            CacheStats before = store.stats();
            long sentBefore = bytesSentByServer();

            assertThat(store.get("huge", String.class)).isEmpty();
            assertThat(store.getEntry("huge", ValueType.of(String.class))).isEmpty();
            assertThat(store.getAll(List.of("huge", "small"), ValueType.of(String.class)))
                    .containsExactly(Map.entry("small", "fine"));
            assertThat(store.getEntries(List.of("huge", "small"), ValueType.of(String.class)))
                    .containsOnlyKeys("small");

            long sent = bytesSentByServer() - sentBefore;
            assertThat(sent).as("bytes Redis sent for the reads (and INFO)").isLessThan(64 * 1024);
            CacheStats after = store.stats();
            assertThat(after.misses() - before.misses()).isEqualTo(4);
            assertThat(after.errors() - before.errors()).isEqualTo(4);
            assertThat(after.hits() - before.hits()).isEqualTo(2);
            assertThat(log.text().lines().filter(line -> line.contains(namespace + ":huge"))).singleElement()
                    .asString().contains(huge.length + " bytes").contains("maxValueBytes (524288)")
                    .doesNotContain("xxxx");
        } finally {
            client.getBucket(namespace + ":huge").delete();
        }
    }

    @Test
    void aValueOfExactlyMaxValueBytesIsReadAndOneByteMoreIsNot() {
        String namespace = RedisTestSupport.uniqueNamespace("edge");
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace)
                .maxValueBytes(100).build()) {
            String fits = "a".repeat(98);
            plant(namespace + ":fits", ("\"" + fits + "\"").getBytes(StandardCharsets.UTF_8));
            plant(namespace + ":over", ("\"" + fits + "b\"").getBytes(StandardCharsets.UTF_8));

            assertThat(store.get("fits", String.class)).contains(fits);
            assertThat(store.getEntry("fits", ValueType.of(String.class))).map(CacheEntry::value).contains(fits);
            assertThat(store.get("over", String.class)).isEmpty();
            assertThat(store.getEntry("over", ValueType.of(String.class))).isEmpty();
            assertThat(store.getAll(List.of("fits", "over", "absent"), ValueType.of(String.class)))
                    .containsExactly(Map.entry("fits", fits));
            assertThat(store.getEntries(List.of("fits", "over", "absent"), ValueType.of(String.class)))
                    .containsOnlyKeys("fits");
            CacheStats stats = store.stats();
            assertThat(stats.hits()).isEqualTo(4);
            assertThat(stats.misses()).isEqualTo(6);
            assertThat(stats.errors()).isEqualTo(4);
        }
    }

    @Test
    void theRemainingTtlAndNoExpiryStillComeWithTheValue() {
        String namespace = RedisTestSupport.uniqueNamespace("ttl");
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace).build()) {
            store.put("timed", "v", Duration.ofMinutes(5));
            store.put("forever", "v", RedisCacheStore.NO_EXPIRY);

            assertThat(store.getEntry("timed", ValueType.of(String.class)).orElseThrow().remainingTtl())
                    .isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
            assertThat(store.getEntry("forever", ValueType.of(String.class)).orElseThrow().remainingTtl())
                    .isEqualTo(RedisCacheStore.NO_EXPIRY);
            assertThat(store.getEntry("absent", ValueType.of(String.class))).isEmpty();
            Map<String, CacheEntry<String>> both =
                    store.getEntries(List.of("timed", "forever", "absent"), ValueType.of(String.class));
            assertThat(both).containsOnlyKeys("timed", "forever");
            assertThat(both.get("timed").remainingTtl()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5))
                    .isGreaterThan(Duration.ofMinutes(4));
            assertThat(both.get("forever").remainingTtl()).isEqualTo(RedisCacheStore.NO_EXPIRY);
        }
    }

    public record Session(String id, String userId, String title) {
    }

    @Test
    void anObjectOfTheWrongShapeIsAMissAndAnErrorAndTheLogHoldsNoneOfIt() {
        String namespace = RedisTestSupport.uniqueNamespace("shape");
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace).build();
                LogCapture log = LogCapture.start()) {
            server.cli("SET", namespace + ":foreign", "{\"foo\":\"bar-secret\"}");
            server.cli("SET", namespace + ":other-record", "{\"sessionId\":\"s1\",\"messages\":[]}");
            server.cli("SET", namespace + ":numbers", "{\"id\":12345678901234,\"title\":[98765]}");
            server.cli("SET", namespace + ":partial", "{\"id\":\"s1\",\"addedLater\":true}");
            server.cli("SET", namespace + ":line\nERROR forged", "{}");

            assertThat(store.get("foreign", Session.class)).isEmpty();
            assertThat(store.get("other-record", Session.class)).isEmpty();
            assertThat(store.getEntry("numbers", ValueType.of(Session.class))).isEmpty();
            assertThat(store.get("line\nERROR forged", Session.class)).isEmpty();
            assertThat(store.get("partial", Session.class)).contains(new Session("s1", null, null));

            CacheStats stats = store.stats();
            assertThat(stats.errors()).isEqualTo(4);
            assertThat(stats.misses()).isEqualTo(4);
            assertThat(stats.hits()).isEqualTo(1);
            assertThat(log.text()).doesNotContain("bar-secret").doesNotContain("12345678901234")
                    .doesNotContain("98765").contains("line\\nERROR forged")
                    .contains("(line 1, column");
            assertThat(log.text().lines()).noneMatch(line -> line.startsWith("ERROR forged"));
        }
    }

    @Test
    void getEntriesOrReservedFindsReservedStringsAndValuesInOneReadAndTheRestAsGetEntriesDoes() {
        String namespace = RedisTestSupport.uniqueNamespace("reserved-bulk");
        String reserved = "\u0000reserved";
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace).build();
                LogCapture log = LogCapture.start()) {
            ReservedValueReads reads = markedSessionAndText(store, reserved);

            Map<String, CacheEntry<Object>> found = reads.getEntriesOrReserved(
                    List.of("session", "absent", "marked", "session"), ValueType.of(Session.class),
                    reserved);
            assertThat(found).containsOnlyKeys("session", "marked");
            assertThat(found.keySet()).containsExactly("session", "marked");
            assertThat(found.get("marked").value()).isEqualTo(reserved);
            assertThat(found.get("marked").remainingTtl()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
            assertThat(found.get("session").value()).isEqualTo(new Session("s1", "u1", "t"));
            assertThat(log.text()).isEmpty();
            assertThat(store.stats().errors()).isZero();

            // Another string is still a value of the wrong type: a miss, an error and the one warning.
            assertThat(reads.getEntriesOrReserved(List.of("text", "marked"), ValueType.of(Session.class),
                    reserved)).containsOnlyKeys("marked");
            assertThat(store.stats().errors()).isEqualTo(1);
            assertThat(log.text()).contains("cannot be read as");
            CacheStats stats = store.stats();
            assertThat(stats.hits()).isEqualTo(3);
            assertThat(stats.misses()).isEqualTo(2);
        }
    }

    @Test
    void aReservedStringIsAHitThroughReservedValueReadsWhileEverythingElseReadsAsGetEntryDoes() {
        String namespace = RedisTestSupport.uniqueNamespace("reserved");
        String reserved = "\u0000reserved";
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace).build();
                LogCapture log = LogCapture.start()) {
            ReservedValueReads reads = markedSessionAndText(store, reserved);

            CacheEntry<Object> marked = reads.getEntryOrReserved("marked", ValueType.of(Session.class), reserved)
                    .orElseThrow();
            assertThat(marked.value()).isEqualTo(reserved);
            assertThat(marked.remainingTtl()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
            assertThat(reads.getEntryOrReserved("session", ValueType.of(Session.class), reserved)
                    .map(CacheEntry::value)).contains(new Session("s1", "u1", "t"));
            assertThat(reads.getEntryOrReserved("absent", ValueType.of(Session.class), reserved)).isEmpty();
            assertThat(log.text()).isEmpty();
            assertThat(store.stats().errors()).isZero();

            // Another string is still a value of the wrong type: a miss, an error and the one warning.
            assertThat(reads.getEntryOrReserved("text", ValueType.of(Session.class), reserved)).isEmpty();
            assertThat(store.stats().errors()).isEqualTo(1);
            assertThat(log.text()).contains("cannot be read as");
            CacheStats stats = store.stats();
            assertThat(stats.hits()).isEqualTo(2);
            assertThat(stats.misses()).isEqualTo(2);
        }
    }

    /**
     * Stores the reserved string under "marked", a session under "session" and another string under "text";
     * returns the store's {@link ReservedValueReads}.
     */
    private static ReservedValueReads markedSessionAndText(RedisCacheStore store, String reserved) {
        store.put("marked", reserved, Duration.ofMinutes(5));
        store.put("session", new Session("s1", "u1", "t"), Duration.ofMinutes(5));
        store.put("text", "not a session", Duration.ofMinutes(5));
        return store.capability(ReservedValueReads.class).orElseThrow();
    }
}

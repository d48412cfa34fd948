package io.chatcache.redis;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.SerializationException;
import io.chatcache.core.ValueType;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the Redis store promises beyond the shared contract, against one standalone server. */
class RedisCacheStoreTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedisServer server;
    private static RedissonClient client;

    public record Profile(String id, String name, Instant since) {
    }

    /** A value Jackson cannot write: its getter throws. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("cannot be read");
        }
    }

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

    private static RedisCacheStore store(String namespace) {
        return RedisCacheStore.builder().client(client).namespace(namespace).build();
    }

    private static String raw(String redisKey) {
        return client.<String>getBucket(redisKey, StringCodec.INSTANCE).get();
    }

    @Test
    void valuesArePlainJsonToAnyOtherClient() {
        String namespace = RedisTestSupport.uniqueNamespace("json");
        try (RedisCacheStore store = store(namespace)) {
            store.put("profile:1", new Profile("1", "Ada", Instant.parse("2026-01-02T03:04:05Z")), Duration.ofMinutes(5));

            String expected = "{\"id\":\"1\",\"name\":\"Ada\",\"since\":\"2026-01-02T03:04:05Z\"}";
            assertThat(raw(namespace + ":profile:1")).isEqualTo(expected);
            assertThat(server.cli("GET", namespace + ":profile:1")).isEqualTo(expected);
        }
    }

    @Test
    void jsonWrittenByAnotherClientIsReadAsTheRequestedType() {
        String namespace = RedisTestSupport.uniqueNamespace("foreign-json");
        try (RedisCacheStore store = store(namespace)) {
            client.getBucket(namespace + ":p", StringCodec.INSTANCE)
                    .set("{\"id\":\"7\",\"name\":\"Lin\",\"since\":null,\"extra\":true}");

            assertThat(store.get("p", Profile.class)).contains(new Profile("7", "Lin", null));
        }
    }

    @Test
    void redisHoldsTheTtlGivenToPut() {
        String namespace = RedisTestSupport.uniqueNamespace("ttl");
        try (RedisCacheStore store = store(namespace)) {
            store.put("expiring", "v", Duration.ofSeconds(60));
            store.put("lasting", "v", CacheStore.NO_EXPIRY);

            long pttl = Long.parseLong(server.cli("PTTL", namespace + ":expiring"));
            assertThat(pttl).isBetween(50_000L, 60_000L);
            assertThat(server.cli("PTTL", namespace + ":lasting")).isEqualTo("-1");
        }
    }

    @Test
    void putWithoutTtlUsesTheConfiguredDefault() {
        String namespace = RedisTestSupport.uniqueNamespace("default-ttl");
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace)
                .defaultTtl(Duration.ofSeconds(90)).build()) {
            store.put("k", "v");

            assertThat(Long.parseLong(server.cli("PTTL", namespace + ":k"))).isBetween(80_000L, 90_000L);
        }
    }

    @Test
    void getEntryReportsTheTtlRedisHolds() {
        String namespace = RedisTestSupport.uniqueNamespace("entry");
        try (RedisCacheStore store = store(namespace)) {
            store.put("k", "v", Duration.ofSeconds(60));

            CacheEntry<String> entry = store.getEntry("k", ValueType.of(String.class)).orElseThrow();

            assertThat(entry.value()).isEqualTo("v");
            assertThat(entry.remainingTtl()).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60));
        }
    }

    @Test
    void clearRemovesOnlyItsOwnNamespace() {
        String a = RedisTestSupport.uniqueNamespace("a");
        String b = RedisTestSupport.uniqueNamespace("b");
        try (RedisCacheStore storeA = store(a); RedisCacheStore storeB = store(b)) {
            storeA.put("k1", "a1", Duration.ofMinutes(5));
            storeA.put("k2", "a2", Duration.ofMinutes(5));
            storeB.put("k1", "b1", Duration.ofMinutes(5));
            server.cli("SET", a + "-foreign", "no colon, not in the namespace");
            server.cli("SET", "foreign:" + a + ":k1", "someone else's");

            storeA.clear();

            assertThat(storeA.get("k1", String.class)).isEmpty();
            assertThat(storeA.get("k2", String.class)).isEmpty();
            assertThat(storeB.get("k1", String.class)).contains("b1");
            assertThat(server.cli("GET", a + "-foreign")).isEqualTo("no colon, not in the namespace");
            assertThat(server.cli("GET", "foreign:" + a + ":k1")).isEqualTo("someone else's");
        }
    }

    @Test
    void namespaceWithGlobCharactersMatchesOnlyItself() {
        String base = RedisTestSupport.uniqueNamespace("g");
        String globby = base + "[x]*?";
        String lookalike = base + "x-anything";
        try (RedisCacheStore store = store(globby); RedisCacheStore other = store(lookalike)) {
            store.put("k", "mine", Duration.ofMinutes(5));
            other.put("k", "theirs", Duration.ofMinutes(5));

            assertThat(store.deleteMatching(KeyPattern.glob("*"))).isEqualTo(1);
            store.clear();

            assertThat(other.get("k", String.class)).contains("theirs");
        }
    }

    @Test
    void deleteMatchingStaysInsideTheNamespaceAndReportsEachKey() {
        String namespace = RedisTestSupport.uniqueNamespace("dm");
        String neighbour = RedisTestSupport.uniqueNamespace("dm");
        try (RedisCacheStore store = store(namespace); RedisCacheStore other = store(neighbour)) {
            List<String> removed = new CopyOnWriteArrayList<>();
            store.addRemovalListener((key, cause) -> removed.add(key + "/" + cause));
            for (int i = 0; i < 1_200; i++) {
                store.put("session:" + i, i, Duration.ofMinutes(5));
            }
            store.put("user:1", 1, Duration.ofMinutes(5));
            other.put("session:1", 1, Duration.ofMinutes(5));

            long count = store.deleteMatching(KeyPattern.glob("session:*"));

            assertThat(count).isEqualTo(1_200);
            assertThat(removed).hasSize(1_200).contains("session:0/EXPLICIT", "session:1199/EXPLICIT");
            assertThat(store.get("user:1", Integer.class)).contains(1);
            assertThat(other.get("session:1", Integer.class)).contains(1);
        }
    }

    @Test
    void clearIsReportedAsClearedForEachKey() {
        String namespace = RedisTestSupport.uniqueNamespace("cl");
        try (RedisCacheStore store = store(namespace)) {
            List<String> removed = new CopyOnWriteArrayList<>();
            store.put("a", 1, Duration.ofMinutes(5));
            store.put("b", 2, Duration.ofMinutes(5));
            store.addRemovalListener((key, cause) -> removed.add(key + "/" + cause));

            store.clear();

            assertThat(removed).containsExactlyInAnyOrder("a/" + RemovalCause.CLEARED, "b/" + RemovalCause.CLEARED);
        }
    }

    @Test
    void corruptedJsonPlantedByAnotherClientIsAMissAndAnErrorNeverAnException() {
        String namespace = RedisTestSupport.uniqueNamespace("corrupt");
        try (RedisCacheStore store = store(namespace)) {
            server.cli("SET", namespace + ":broken", "{\"id\": \"1\", \"name\": ");
            client.<byte[]>getBucket(namespace + ":java", org.redisson.client.codec.ByteArrayCodec.INSTANCE)
                    .set(new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5, 't', 0, 3, 'a', 'b', 'c'});
            CacheStats before = store.stats();

            assertThat(store.get("broken", Profile.class)).isEmpty();
            assertThat(store.getEntry("broken", ValueType.of(Profile.class))).isEmpty();
            assertThat(store.getAll(List.of("broken", "java"), ValueType.of(Profile.class))).isEmpty();
            assertThat(store.get("java", String.class)).isEmpty();

            CacheStats after = store.stats();
            assertThat(after.errors()).isEqualTo(before.errors() + 5);
            assertThat(after.misses()).isEqualTo(before.misses() + 5);
            assertThat(after.hits()).isEqualTo(before.hits());
        }
    }

    @Test
    void unreadableValueIsLoggedOncePerKeyWithoutItsContent() {
        String namespace = RedisTestSupport.uniqueNamespace("log");
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream originalErr = System.err;
        try (RedisCacheStore store = store(namespace)) {
            server.cli("SET", namespace + ":first", "\"secret chat text\" trailing");
            server.cli("SET", namespace + ":second", "{\"broken\":");
            // slf4j-simple writes to whatever System.err is at the time of the call
            System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
            for (int i = 0; i < 3; i++) {
                assertThat(store.get("first", String.class)).isEmpty();
                assertThat(store.get("second", Profile.class)).isEmpty();
            }
        } finally {
            System.setErr(originalErr);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertThat(log.lines().filter(line -> line.contains("'" + namespace + ":first'"))).hasSize(1);
        assertThat(log.lines().filter(line -> line.contains("'" + namespace + ":second'"))).hasSize(1);
        assertThat(log).doesNotContain("secret chat text");
    }

    @Test
    void nonStringKeyInTheNamespaceIsAMissAndAnError() {
        String namespace = RedisTestSupport.uniqueNamespace("hash");
        try (RedisCacheStore store = store(namespace)) {
            server.cli("HSET", namespace + ":h", "field", "value");
            store.put("s", "text", Duration.ofMinutes(5));

            assertThat(store.get("h", String.class)).isEmpty();
            assertThat(store.getEntry("h", ValueType.of(String.class))).isEmpty();
            assertThat(store.getAll(List.of("h", "s"), ValueType.of(String.class))).containsExactly(Map.entry("s", "text"));
            CacheStats stats = store.stats();
            assertThat(stats.errors()).isEqualTo(3);
            assertThat(stats.entryCount()).as("only string keys are entries").isEqualTo(1);
        }
    }

    @Test
    void unserialisableValueFailsClearlyAndTheOldValueStays() {
        String namespace = RedisTestSupport.uniqueNamespace("unwritable");
        try (RedisCacheStore store = store(namespace)) {
            store.put("k", "old", Duration.ofMinutes(5));

            assertThatThrownBy(() -> store.put("k", new Unwritable(), Duration.ofMinutes(5)))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("'k'")
                    .hasMessageContaining(Unwritable.class.getName());

            assertThat(store.get("k", String.class)).contains("old");
            assertThat(Long.parseLong(server.cli("PTTL", namespace + ":k"))).isPositive();
        }
    }

    @Test
    void oversizedValueIsRefusedBeforeAnyWriteAndTheOldValueStays() {
        String namespace = RedisTestSupport.uniqueNamespace("big");
        try (RedisCacheStore store = RedisCacheStore.builder().client(client).namespace(namespace)
                .maxValueBytes(100).build()) {
            store.put("k", "old", Duration.ofMinutes(5));

            assertThatThrownBy(() -> store.put("k", "x".repeat(200), Duration.ofMinutes(5)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("202 bytes")
                    .hasMessageContaining("maxValueBytes (100)");

            assertThat(store.get("k", String.class)).contains("old");
        }
    }

    @Test
    void putAllWritesNothingWhenOneValueCannotBeWritten() {
        String namespace = RedisTestSupport.uniqueNamespace("putall");
        try (RedisCacheStore store = store(namespace)) {
            Map<String, Object> entries = new LinkedHashMap<>();
            entries.put("a", "fine");
            entries.put("b", new Unwritable());

            assertThatThrownBy(() -> store.putAll(entries, Duration.ofMinutes(5)))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("'b'");

            assertThat(store.get("a", String.class)).isEmpty();
        }
    }

    @Test
    void bulkReadsAndWritesRoundTripManyKeys() {
        String namespace = RedisTestSupport.uniqueNamespace("bulk");
        try (RedisCacheStore store = store(namespace)) {
            Map<String, Profile> entries = new LinkedHashMap<>();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                entries.put("p" + i, new Profile("" + i, "n" + i, null));
                keys.add("p" + i);
            }
            keys.add("absent");

            store.putAll(entries, Duration.ofMinutes(5));

            assertThat(store.getAll(keys, ValueType.of(Profile.class))).isEqualTo(entries);
            assertThat(Long.parseLong(server.cli("PTTL", namespace + ":p299"))).isPositive();
        }
    }

    @Test
    void statsMeasureTheEntriesAndBytesOfTheNamespace() {
        String namespace = RedisTestSupport.uniqueNamespace("stats");
        try (RedisCacheStore store = store(namespace); RedisCacheStore other = store(namespace + "-other")) {
            store.put("a", "12345", Duration.ofMinutes(5));
            store.put("b", List.of(1, 2), Duration.ofMinutes(5));
            other.put("a", "not counted", Duration.ofMinutes(5));
            store.get("a", String.class);
            store.get("missing", String.class);

            CacheStats stats = store.stats();

            assertThat(stats.entryCount()).isEqualTo(2);
            assertThat(stats.totalSizeBytes()).isEqualTo("\"12345\"".length() + "[1,2]".length());
            assertThat(stats.hits()).isEqualTo(1);
            assertThat(stats.misses()).isEqualTo(1);
        }
    }

    @Test
    void unicodeValuesAreStoredAsUtf8() {
        String namespace = RedisTestSupport.uniqueNamespace("utf8");
        try (RedisCacheStore store = store(namespace)) {
            store.put("k", "h\u00e9llo \u4e16\u754c", Duration.ofMinutes(5));

            byte[] bytes = client.<byte[]>getBucket(namespace + ":k",
                    org.redisson.client.codec.ByteArrayCodec.INSTANCE).get();
            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("\"h\u00e9llo \u4e16\u754c\"");
        }
    }

    @Test
    void closingAStoreLeavesASuppliedClientOpen() {
        RedisCacheStore store = store(RedisTestSupport.uniqueNamespace("close"));

        store.close();

        assertThat(client.isShutdown()).isFalse();
        assertThatThrownBy(() -> store.get("k", String.class)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void storeBuiltFromAConfigConnectsAndWorks() {
        String namespace = RedisTestSupport.uniqueNamespace("own");
        try (RedisCacheStore store = RedisCacheStore.create(RedisTestSupport.configFor(server).namespace(namespace).build())) {
            store.put("k", "v", Duration.ofMinutes(5));

            assertThat(store.namespace()).isEqualTo(namespace);
            assertThat(raw(namespace + ":k")).isEqualTo("\"v\"");
        }
    }

    @Test
    void builderNeedsExactlyOneOfConfigAndClient() {
        assertThatThrownBy(() -> RedisCacheStore.builder().build())
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("neither");
        assertThatThrownBy(() -> RedisCacheStore.builder().client(client).config(RedisConfig.defaults()).build())
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("both");
        assertThatThrownBy(() -> RedisCacheStore.builder().maxValueBytes(0))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("maxValueBytes");
        assertThatThrownBy(() -> RedisCacheStore.builder().defaultTtl(Duration.ZERO))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("defaultTtl");
        assertThatCode(() -> RedisCacheStore.builder().namespace("ok")).doesNotThrowAnyException();
    }
}

package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheStats;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.client.codec.ByteArrayCodec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reference layout on a real Redis: keys stored as given (no namespace), {@code clear()} and the
 * statistics limited to the owned key families, so that keys of another program in the same database
 * survive; and the snake_case JSON a Python reader finds. Runs in a database of its own (11): an empty
 * namespace's families are database-wide.
 */
class RedisReferenceLayoutTest {

    private static final int DATABASE = 11;

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedisServer server;
    private static RedisConnection connection;

    /** A record as a Python service's dict would be written. */
    record Profile(String userId, String displayName, Instant lastSeenAt) {
    }

    @BeforeAll
    static void connect() {
        server = redis.single();
        connection = RedisConnection.open(RedisTestSupport.configFor(server).database(DATABASE)
                .keyLayout(RedisConfig.KeyLayout.REFERENCE).jsonNaming(JsonNaming.SNAKE_CASE).build());
    }

    @AfterAll
    static void disconnect() {
        connection.close();
    }

    @BeforeEach
    void emptyDatabase() {
        cli("FLUSHDB");
    }

    private static String cli(String... command) {
        String[] args = new String[command.length + 2];
        args[0] = "-n";
        args[1] = Integer.toString(DATABASE);
        System.arraycopy(command, 0, args, 2, command.length);
        return server.cli(args).trim();
    }

    private static String raw(String redisKey) {
        byte[] bytes = connection.redissonClient().<byte[]>getBucket(redisKey, ByteArrayCodec.INSTANCE).get();
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void keysAreStoredAsGivenWithoutANamespace() {
        RedisCacheStore store = connection.store();

        store.put("session:sess_123", Map.of("id", "sess_123"));

        assertThat(store.namespace()).isEmpty();
        assertThat(cli("EXISTS", "session:sess_123")).isEqualTo("1");
        assertThat(raw("session:sess_123")).isEqualTo("{\"id\":\"sess_123\"}");
    }

    @Test
    void clearRemovesTheOwnedFamiliesAndNeverAnotherProgramsKeys() {
        RedisCacheStore store = connection.store();
        store.put("session:a", "s");
        store.put("session:a:messages:50", List.of("m"));
        store.put("user:u1:sessions:20", List.of("s"));
        store.put("search:q:f", List.of("r"));
        cli("SET", "orders:42", "{\"id\": 42}");
        cli("SET", "user:u1", "{\"name\": \"John\"}");
        cli("SET", "sessions", "other program");

        store.clear();

        assertThat(cli("EXISTS", "session:a", "session:a:messages:50", "user:u1:sessions:20", "search:q:f"))
                .isEqualTo("0");
        assertThat(cli("EXISTS", "orders:42", "user:u1", "sessions")).isEqualTo("3");
    }

    @Test
    void statisticsCountOnlyTheOwnedFamiliesAndEachKeyOnce() {
        RedisCacheStore store = connection.storeBuilder().ownedKeys(List.of("session:*", "session:a*")).build();
        store.put("session:a", "xy");
        store.put("session:b", "z");
        cli("SET", "orders:42", "a value of another program");

        CacheStats stats = store.stats();

        assertThat(stats.entryCount()).isEqualTo(2);
        assertThat(stats.totalSizeBytes()).isEqualTo("\"xy\"".length() + "\"z\"".length());
    }

    @Test
    void deleteMatchingReachesWhatThePatternNames() {
        RedisCacheStore store = connection.store();
        cli("SET", "user:123:profile", "{\"name\": \"John\"}");
        cli("SET", "user:124:profile", "{\"name\": \"Jane\"}");

        assertThat(store.deleteMatching(KeyPattern.glob("user:123:*"))).isEqualTo(1);

        assertThat(cli("EXISTS", "user:123:profile", "user:124:profile")).isEqualTo("1");
    }

    @Test
    void snakeCaseReadsWhatPythonJsonDumpsWrites() {
        RedisCacheStore store = connection.store();
        // json.dumps({"user_id": "user_456", "display_name": "John", "last_seen_at": dt.isoformat()})
        cli("SET", "profile:naive",
                "{\"user_id\": \"user_456\", \"display_name\": \"John\", \"last_seen_at\": \"2024-01-15T10:30:00\"}");
        cli("SET", "profile:offset", "{\"user_id\": \"user_456\", \"display_name\": \"J\\u00f6rg\", "
                + "\"last_seen_at\": \"2024-01-15T12:45:30.123456+02:00\"}");

        assertThat(store.get("profile:naive", ValueType.of(Profile.class)))
                .contains(new Profile("user_456", "John", Instant.parse("2024-01-15T10:30:00Z")));
        assertThat(store.get("profile:offset", ValueType.of(Profile.class)))
                .contains(new Profile("user_456", "Jörg", Instant.parse("2024-01-15T10:45:30.123456Z")));
    }

    @Test
    void snakeCaseWritesWhatPythonReads() {
        RedisCacheStore store = connection.store();

        store.put("profile:1", new Profile("user_456", "John", Instant.parse("2024-01-15T10:30:00.123456789Z")));
        store.put("profile:2", new Profile("user_457", "Jane", Instant.parse("2024-01-15T10:30:00Z")));

        // json.loads reads both; datetime.fromisoformat (Python 3.7+) reads the times
        assertThat(raw("profile:1")).isEqualTo("{\"user_id\":\"user_456\",\"display_name\":\"John\","
                + "\"last_seen_at\":\"2024-01-15T10:30:00.123456+00:00\"}");
        assertThat(raw("profile:2")).isEqualTo("{\"user_id\":\"user_457\",\"display_name\":\"Jane\","
                + "\"last_seen_at\":\"2024-01-15T10:30:00+00:00\"}");
    }

    @Test
    void theBusOfTheEmptyNamespaceHasAChannelOfItsOwn() {
        assertThat(connection.bus().channel()).isEqualTo("chatcache.reference:invalidations");
    }

    @Test
    void anEmptyNamespaceNeedsTheReferenceLayout() {
        assertThatThrownBy(() -> RedisConfig.builder().namespace("").build())
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("namespace must not be empty");
        assertThat(RedisConfig.builder().keyLayout(RedisConfig.KeyLayout.REFERENCE).build().namespace()).isEmpty();
        assertThat(RedisConfig.builder().keyLayout(RedisConfig.KeyLayout.REFERENCE).namespace("app").build()
                .namespace()).isEqualTo("app");
    }

    @Test
    void ownedKeysRefuseEveryKeyOfTheDatabase() {
        assertThatThrownBy(() -> RedisConfig.builder().ownedKeys("session:*", "*"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("ownedKeys must not be '*'");
        assertThatThrownBy(() -> RedisConfig.fromEnvironment(Map.of("REDIS_OWNED_KEYS", "session:*,,search:*")))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("REDIS_OWNED_KEYS");
    }

    @Test
    void theEnvironmentSelectsTheLayoutTheFamiliesAndTheNaming() {
        RedisConfig config = RedisConfig.fromEnvironment(Map.of("REDIS_KEY_LAYOUT", "reference",
                "REDIS_OWNED_KEYS", "session:*, search:*,expensive_calc:*", "REDIS_JSON_NAMING", "snake_case"));

        assertThat(config.keyLayout()).isEqualTo(RedisConfig.KeyLayout.REFERENCE);
        assertThat(config.namespace()).isEmpty();
        assertThat(config.ownedKeys()).containsExactly("session:*", "search:*", "expensive_calc:*");
        assertThat(config.jsonNaming()).isEqualTo(JsonNaming.SNAKE_CASE);
        assertThatThrownBy(() -> RedisConfig.fromEnvironment(Map.of("REDIS_KEY_LAYOUT", "python")))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("REDIS_KEY_LAYOUT must be chatcache")
                .hasMessageContaining("was 'python'");
        assertThatThrownBy(() -> RedisConfig.fromEnvironment(Map.of("REDIS_JSON_NAMING", "kebab")))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("REDIS_JSON_NAMING must be camel_case");
    }
}

package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.InvalidInputException;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sharing one Redis with the Python reference service: values planted exactly as it writes them (its keys,
 * {@code json.dumps} with the default separators, snake_case, naive and offset {@code isoformat()} datetimes)
 * read through the chat manager, and what the library writes is what a Python reader finds. The fixtures are
 * the output of {@code json.dumps} on CPython 3; the test does not need Python. Runs in a database of its own
 * (12), since the reference layout has no namespace.
 */
class ReferenceLayoutRedisTest {

    private static final String DATABASE = "12";

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    private static ChatCacheService cache;
    private static ChatCacheManager chat;

    @BeforeEach
    void emptyDatabase() {
        cli("FLUSHDB");
    }

    /** One service for the class, with deadlines that survive a loaded 2-core machine. */
    @BeforeAll
    static void open() {
        RedisServer server = REDIS.single();
        Map<String, String> env = new HashMap<>(Map.of(
                "CACHE_BACKEND", "redis",
                "REDIS_HOST", server.host(),
                "REDIS_PORT", String.valueOf(server.port()),
                "REDIS_DB", DATABASE,
                "REDIS_KEY_LAYOUT", "reference",
                "REDIS_JSON_NAMING", "snake_case",
                "REDIS_TIMEOUT", "2s",
                "REDIS_CONNECT_TIMEOUT", "5s",
                "REDIS_STARTUP_TIMEOUT", "30s"));
        if (server.password() != null) {
            env.put("REDIS_PASSWORD", server.password());
        }
        cache = ChatCacheService.fromEnvironment(env);
        chat = new ChatCacheManager(cache);
    }

    @AfterAll
    static void close() {
        cache.close();
    }

    private static String cli(String... command) {
        String[] args = new String[command.length + 2];
        args[0] = "-n";
        args[1] = DATABASE;
        System.arraycopy(command, 0, args, 2, command.length);
        return REDIS.single().cli(args).trim();
    }

    @Test
    void theManagerTakesTheLayoutOfTheRedisSettings() {
        assertThat(chat.keyLayout()).isEqualTo(ChatKeyLayout.REFERENCE);
        assertThat(ChatKeyLayout.REFERENCE.sessionKey("sess_123")).isEqualTo("session:sess_123");
        assertThat(ChatKeyLayout.REFERENCE.sessionMessagesKey("sess_123", 50)).isEqualTo("session:sess_123:messages:50");
        assertThat(ChatKeyLayout.REFERENCE.userSessionsKey("user_456", 20)).isEqualTo("user:user_456:sessions:20");
    }

    @Test
    void aSessionWrittenByPythonReadsAsAChatSession() {
        // json.dumps({"id": ..., "title": ..., "user_id": ..., "created_at": naive.isoformat(),
        //             "updated_at": aware.isoformat(), "metadata": {"model": "gpt-4"}})
        cli("SET", "session:sess_123", "{\"id\": \"sess_123\", \"title\": \"My Chat\", \"user_id\": \"user_456\", "
                + "\"created_at\": \"2024-01-15T10:30:00\", \"updated_at\": \"2024-01-15T12:45:30.123456+02:00\", "
                + "\"metadata\": {\"model\": \"gpt-4\"}}", "EX", "1800");

        assertThat(chat.getSession("sess_123")).contains(new ChatSession("sess_123", "user_456", "My Chat",
                Instant.parse("2024-01-15T10:30:00Z"), Instant.parse("2024-01-15T10:45:30.123456Z"),
                Map.of("model", "gpt-4")));
    }

    @Test
    void theSeedsOwnSessionDictReadsWithTheMissingFieldsNull() {
        cli("SET", "session:sess_123", "{\"id\": \"sess_123\", \"title\": \"My Chat\", \"user_id\": \"user_456\"}");

        assertThat(chat.getSession("sess_123"))
                .contains(new ChatSession("sess_123", "user_456", "My Chat", null, null));
    }

    @Test
    void messagesUserSessionsAndSearchResultsWrittenByPythonRead() {
        cli("SET", "session:sess_123:messages:50", "[{\"id\": \"msg1\", \"session_id\": \"sess_123\", \"role\": "
                + "\"user\", \"content\": \"Hello\", \"created_at\": \"2024-01-15T10:30:00\"}, {\"id\": \"msg2\", "
                + "\"session_id\": \"sess_123\", \"role\": \"assistant\", \"content\": \"Hi there! "
                + "\\u05e9\\u05dc\\u05d5\\u05dd\", \"created_at\": \"2024-01-15T10:30:05.500000+00:00\"}]");
        cli("SET", "user:user_456:sessions:20", "[{\"id\": \"sess1\", \"title\": \"Chat 1\", \"user_id\": "
                + "\"user_456\"}, {\"id\": \"sess2\", \"title\": \"Chat 2\", \"user_id\": \"user_456\"}]");
        Map<String, Object> filters = Map.of("date_from", "2024-01-01", "user_id", "user_456");
        cli("SET", ChatKeyLayout.REFERENCE.searchKey("machine learning", filters),
                "[{\"id\": \"msg1\", \"content\": \"ML intro\", \"score\": 0.95}]");

        assertThat(chat.getSessionMessages("sess_123", 50)).contains(List.of(
                new ChatMessage("msg1", "sess_123", "user", "Hello", Instant.parse("2024-01-15T10:30:00Z")),
                new ChatMessage("msg2", "sess_123", "assistant", "Hi there! \u05e9\u05dc\u05d5\u05dd",
                        Instant.parse("2024-01-15T10:30:05.5Z"))));
        assertThat(chat.getUserSessions("user_456", 20)).contains(List.of(
                new ChatSession("sess1", "user_456", "Chat 1", null, null),
                new ChatSession("sess2", "user_456", "Chat 2", null, null)));
        assertThat(chat.getSearchResults("machine learning", filters))
                .contains(List.of(new SearchResult("msg1", "ML intro", 0.95)));
    }

    @Test
    void whatTheLibraryWritesIsWhatAPythonReaderFinds() {
        Instant created = Instant.parse("2024-01-15T10:30:00Z");
        Instant updated = Instant.parse("2024-01-15T10:31:02.250000789Z");

        chat.setSession("sess_9", new ChatSession("sess_9", "user_1", "Plans", created, updated, Map.of("k", "v")));
        chat.setSessionMessages("sess_9", List.of(new ChatMessage("m1", "sess_9", "user", "Hi", created)), 50);
        chat.setUserSessions("user_1", List.of(new ChatSession("sess_9", "user_1", "Plans", created, null)), 20);

        // json.loads(...) gives the reference's dicts; datetime.fromisoformat(...) (Python 3.7+) reads the times
        assertThat(cli("GET", "session:sess_9")).isEqualTo("{\"id\":\"sess_9\",\"user_id\":\"user_1\","
                + "\"title\":\"Plans\",\"created_at\":\"2024-01-15T10:30:00+00:00\","
                + "\"updated_at\":\"2024-01-15T10:31:02.250000+00:00\",\"metadata\":{\"k\":\"v\"}}");
        assertThat(cli("GET", "session:sess_9:messages:50")).isEqualTo("[{\"id\":\"m1\",\"session_id\":\"sess_9\","
                + "\"role\":\"user\",\"content\":\"Hi\",\"created_at\":\"2024-01-15T10:30:00+00:00\"}]");
        assertThat(cli("GET", "user:user_1:sessions:20")).isEqualTo("[{\"id\":\"sess_9\",\"user_id\":\"user_1\","
                + "\"title\":\"Plans\",\"created_at\":\"2024-01-15T10:30:00+00:00\",\"updated_at\":null,"
                + "\"metadata\":{}}]");
        long ttl = Long.parseLong(cli("TTL", "session:sess_9"));
        assertThat(ttl).isBetween(1700L, 1800L);
    }

    @Test
    void invalidatingASessionReachesItsKeysOnlyAndClearLeavesOtherProgramsKeys() {
        cli("SET", "session:sess_1", "{\"id\": \"sess_1\"}");
        cli("SET", "session:sess_1:messages:50", "[]");
        cli("SET", "session:sess_10:messages:50", "[]");
        cli("SET", "billing:invoice:7", "{\"total\": 10}");

        assertThat(chat.invalidateSession("sess_1")).isEqualTo(2);
        assertThat(cli("EXISTS", "session:sess_10:messages:50")).isEqualTo("1");

        cache.clear();

        assertThat(cli("EXISTS", "session:sess_10:messages:50")).isEqualTo("0");
        assertThat(cli("EXISTS", "billing:invoice:7")).as("not a family this library owns").isEqualTo("1");
    }

    @Test
    void referenceIdsMustNotHoldTheKeySeparator() {
        assertThatThrownBy(() -> chat.setSession("a:messages:1", new ChatSession("x", "u", "t", null, null)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("must not contain ':'");
        assertThat(ChatKeyLayout.REFERENCE.sessionKey("a{b}")).isEqualTo("session:a{b}");
    }

    @Test
    void anUnknownLayoutIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> ChatCacheService.builder().redisEnvironment(Map.of("REDIS_KEY_LAYOUT", "flat")).build())
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("REDIS_KEY_LAYOUT").hasMessageContaining("was 'flat'");
        assertThat(ChatKeyLayout.fromEnvironment(Map.of())).isEqualTo(ChatKeyLayout.CHATCACHE);
    }
}

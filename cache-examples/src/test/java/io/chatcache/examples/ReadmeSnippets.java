package io.chatcache.examples;

import io.chatcache.chat.CacheBackend;       // MEMORY, REDIS, HYBRID
import io.chatcache.chat.CacheInfo;
import io.chatcache.chat.Cached;             // the memoizer's annotation
import io.chatcache.chat.ChatCacheManager;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.chat.ChatMessage;
import io.chatcache.chat.ChatSession;
import io.chatcache.chat.Memoizer;
import io.chatcache.chat.SearchResult;
import io.chatcache.chat.TypedCache;
import io.chatcache.core.CacheStats;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;          // type tokens for generic values such as List<ChatMessage>
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java snippets of the README's quick start, verbatim (ReadmeSnippetsTest checks that each README block
 * appears here line by line), so that the build compiles them against the current API. Never run: the methods
 * only have to compile. The fields and types below are the stand-ins the snippets assume.
 */
@SuppressWarnings({"unused", "resource"})
final class ReadmeSnippets {

    /** The application's own value type the snippets cache. */
    record User(String name, String email) {
        static final User UNKNOWN = new User("Unknown", "");
    }

    /** The application's database. */
    interface Db {
        User loadUser(String id);

        List<ChatMessage> lastMessages(String sessionId);
    }

    private final Db db = null;
    private final Instant now = Instant.now();
    private final List<ChatMessage> messages = List.of();
    private final List<ChatSession> sessions = List.of();
    private final List<SearchResult> results = List.of();
    private final Map<String, Object> filters = Map.of();
    private final Logger log = LoggerFactory.getLogger(ReadmeSnippets.class);
    private CacheStats unusedStats;

    private static Long slowMultiply(int x, int y) {
        return (long) x * y;
    }

    private static long slowCalculation(int x, int y, String modelType) {
        return (long) x * y + modelType.length();
    }

    void initialise() {
        ChatCacheService cache = ChatCacheService.builder()               // memory only (the defaults)
                .backend(CacheBackend.MEMORY).maxMemorySize(1000).defaultTtl(Duration.ofHours(1)).build();
        ChatCacheService redis = ChatCacheService.builder()
                .backend(CacheBackend.REDIS).redis("localhost", 6379, "your_password").build();
        ChatCacheService hybrid = ChatCacheService.builder()              // recommended for production
                .backend(CacheBackend.HYBRID).maxMemorySize(1000).redis("localhost", 6379, null).build();
        ChatCacheService fromEnv = ChatCacheService.fromEnvironment();    // CACHE_BACKEND, REDIS_HOST, ...
    }

    void basicOperations(ChatCacheService cache) {
        cache.set("user:123", new User("John", "john@example.com"), Duration.ofMinutes(30));
        Optional<User> user = cache.get("user:123", User.class);
        User orDefault = cache.get("user:456", User.class, User.UNKNOWN);
        cache.delete("user:123");
        cache.invalidatePattern("user:*");
        cache.clear();
        User loaded = cache.getOrLoad("user:789", User.class, () -> db.loadUser("789"));   // one load per key at a time
        TypedCache<List<ChatMessage>> lists = cache.typed(ValueType.listOf(ChatMessage.class));   // generic types
        List<ChatMessage> list = lists.get("k").orElse(List.of());
        List<ChatMessage> fresh = lists.getOrLoad("k", () -> db.lastMessages("sess_123"));
    }

    void chatManager(ChatCacheService cache) {
        ChatCacheManager chat = new ChatCacheManager(cache);
        chat.setSession("sess_123", new ChatSession("sess_123", "user_456", "My Chat", now, now));
        Optional<ChatSession> session = chat.getSession("sess_123");
        chat.setSessionMessages("sess_123", messages, 50);                 // session:{sess_123}:messages:50, 10 min
        Optional<List<ChatMessage>> cached = chat.getSessionMessages("sess_123", 50);
        chat.setUserSessions("user_456", sessions, 20);                    // user:{user_456}:sessions:20, 2 h
        chat.setSearchResults("machine learning", Map.of("date_from", "2024-01-01", "user_id", "user_456"), results);
        Optional<List<SearchResult>> hits = chat.getSearchResults("machine learning", filters);   // any filter order
        chat.onNewMessage("sess_123", "user_456");   // drops the session, its message lists and the user's lists
    }

    void memoizer(ChatCacheService cache) {
        interface Calculator {
            @Cached(ttlSeconds = 1800, keyPrefix = "expensive_calc")
            long expensiveCalculation(int x, int y, String modelType);
        }
        Calculator calc = Memoizer.using(cache).proxy(Calculator.class, (x, y, model) -> slowCalculation(x, y, model));
        BiFunction<Integer, Integer, Long> multiply =
                Memoizer.using(cache).of("multiply", Duration.ofMinutes(30), ValueType.of(Long.class), (x, y) -> slowMultiply(x, y));
    }

    void invalidation(ChatCacheService cache, ChatCacheManager chat) {
        chat.invalidateSession("session_123");
        cache.invalidatePattern("user:123:*");                 // Redis glob: * ? [abc] [^a] [a-z] \x
        Subscription s = cache.registerInvalidationCallback("user:*", key -> log.info("User data updated: {}", key));
        cache.delete("user:123");                              // calls back with "user:123"
        long expired = cache.cleanupExpired();                 // the periodic cleanup runs every 5 minutes anyway
    }

    void statistics(ChatCacheService cache) {
        cache.getStats().forEach((backend, s) -> System.out.printf(
                "%s: hit rate %.2f%%, hits %d, misses %d, entries %d, %d bytes, evictions %d%n",
                backend, s.hitRate(), s.hits(), s.misses(), s.entryCount(), s.totalSizeBytes(), s.evictions()));
        CacheInfo info = cache.info();       // backend(), redisAvailable(), stats() — the reference service's get_cache_info
    }
}

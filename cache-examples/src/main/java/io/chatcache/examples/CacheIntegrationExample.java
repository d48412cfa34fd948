package io.chatcache.examples;

import io.chatcache.chat.CacheInfo;
import io.chatcache.chat.Cached;
import io.chatcache.chat.ChatCacheManager;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.chat.ChatMessage;
import io.chatcache.chat.ChatSession;
import io.chatcache.chat.Memoizer;
import io.chatcache.chat.SearchResult;
import io.chatcache.core.CacheStats;
import io.chatcache.core.Subscription;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference's {@code cache_integration_example.py} in Java: a walk through sessions, messages,
 * search results, pattern invalidation, an invalidation callback and the memoizer, ending with the
 * statistics of every backend.
 *
 * <p>Configured by the environment ({@link ChatCacheService#fromEnvironment()}): with none it uses the
 * in-memory backend and needs no server; with {@code CACHE_BACKEND=hybrid} (or {@code redis}) and
 * {@code REDIS_HOST}/{@code REDIS_PORT} it uses Redis.
 */
public final class CacheIntegrationExample {

    /** A slow service whose results are worth caching: the reference's {@code expensive_calculation}. */
    public interface Calculator {
        /** Multiplies, slowly. */
        @Cached(ttlSeconds = 1800, keyPrefix = "expensive_calc")
        long expensiveCalculation(int x, int y, String modelType);
    }

    private final ChatCacheService cache;
    private final PrintStream out;

    /** An example that uses {@code cache} and prints to {@code out}. */
    public CacheIntegrationExample(ChatCacheService cache, PrintStream out) {
        this.cache = cache;
        this.out = out;
    }

    /** Runs the example with the cache the environment configures; exits when done. */
    public static void main(String[] args) {
        try (ChatCacheService cache = ChatCacheService.fromEnvironment()) {
            new CacheIntegrationExample(cache, System.out).run();
        }
    }

    /** Walks through the features and prints what happens. */
    public void run() {
        CacheInfo info = cache.info();
        out.printf("Backend: %s (Redis available: %s)%n", info.backend(), info.redisAvailable());
        ChatCacheManager chat = new ChatCacheManager(cache);
        Instant now = Instant.now();

        section("1. Basic operations");
        cache.set("user:123", Map.of("name", "John", "email", "john@example.com"), Duration.ofMinutes(30));
        out.println("get user:123           -> " + cache.get("user:123", Map.class).orElse(null));
        out.println("get user:456 (default) -> " + cache.get("user:456", Map.class, Map.of("name", "Unknown")));

        section("2. Sessions");
        ChatSession session = new ChatSession("sess_123", "user_456", "My Chat", now, now);
        chat.setSession("sess_123", session);
        out.println("cached session         -> " + chat.getSession("sess_123").map(ChatSession::title).orElse("miss"));

        section("3. Messages");
        List<ChatMessage> messages = List.of(
                new ChatMessage("msg1", "sess_123", "user", "Hello", now),
                new ChatMessage("msg2", "sess_123", "assistant", "Hi there!", now));
        chat.setSessionMessages("sess_123", messages, 50);
        out.println("cached messages (50)   -> " + chat.getSessionMessages("sess_123", 50).map(List::size).orElse(0));
        chat.setUserSessions("user_456", List.of(session), 20);
        out.println("cached user sessions   -> " + chat.getUserSessions("user_456", 20).map(List::size).orElse(0));
        long dropped = chat.onNewMessage("sess_123", "user_456");
        out.println("a new message dropped  -> " + dropped + " entries (session, its message lists, user's lists)");

        section("4. Search results");
        Map<String, Object> filters = Map.of("date_from", "2024-01-01", "user_id", "user_456");
        chat.setSearchResults("machine learning", filters, List.of(new SearchResult("msg1", "ML intro", 0.95)));
        out.println("search key             -> " + ChatCacheManager.searchKey("machine learning", filters));
        out.println("cached results         -> " + chat.getSearchResults("machine learning",
                Map.of("user_id", "user_456", "date_from", "2024-01-01")).map(List::size).orElse(0)
                + " (filters given in another order)");

        section("5. Invalidation callback and pattern invalidation");
        Subscription callback = cache.registerInvalidationCallback("user:*",
                key -> out.println("callback: user data invalidated -> " + key));
        try {
            cache.set("user:123:profile", "profile");
            cache.set("user:123:settings", "settings");
            cache.delete("user:123");
            long removed = cache.invalidatePattern("user:123:*");
            out.println("invalidatePattern(user:123:*) removed " + removed + " entries");
        } finally {
            callback.close();
        }

        section("6. Memoizer");
        AtomicInteger computations = new AtomicInteger();
        Calculator calculator = Memoizer.using(cache).proxy(Calculator.class, (x, y, model) -> {
            computations.incrementAndGet();
            return (long) x * y + model.length();
        });
        long first = calculator.expensiveCalculation(10, 20, "gpt-4");
        long second = calculator.expensiveCalculation(10, 20, "gpt-4");
        long third = calculator.expensiveCalculation(15, 25, "claude");
        out.printf("results %d, %d, %d computed %d times (the repeat came from the cache)%n",
                first, second, third, computations.get());

        section("7. Statistics");
        printStats(cache.getStats());
        CacheInfo end = cache.info();
        out.printf("Backend: %s, Redis available: %s%n", end.backend(), end.redisAvailable());
    }

    private void printStats(Map<String, CacheStats> stats) {
        stats.forEach((backend, s) -> {
            out.println(backend + " Cache:");
            out.printf(Locale.ROOT, "  Hit Rate: %.2f%%%n", s.hitRate());
            out.println("  Hits: " + s.hits());
            out.println("  Misses: " + s.misses());
            out.println("  Entries: " + s.entryCount());
            out.println("  Size: " + s.totalSizeBytes() + " bytes");
            out.println("  Evictions: " + s.evictions());
        });
    }

    private void section(String title) {
        out.println();
        out.println("== " + title);
    }
}

package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The facade over a real Redis: REDIS and HYBRID configured from the environment. */
class ChatCacheServiceRedisTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    private static final Instant T0 = Instant.parse("2024-01-01T10:00:00Z");

    /** The environment for {@code backend} against the shared server, in a namespace of its own. */
    private static Map<String, String> environment(String backend, String namespace) {
        return RedisEnvironment.of(REDIS.single(), backend, namespace);
    }

    private static String freshNamespace() {
        return "t" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void redisBackendFromTheEnvironmentStoresAndReadsRecordsThroughRedis() {
        try (ChatCacheService cache = ChatCacheService.fromEnvironment(environment("redis", freshNamespace()))) {
            ChatCacheManager chat = new ChatCacheManager(cache);
            ChatSession session = new ChatSession("sess_123", "user_456", "My Chat", T0, T0, Map.of("lang", "en"));
            List<ChatMessage> messages = List.of(new ChatMessage("msg1", "sess_123", "user", "Hello", T0));

            chat.setSession("sess_123", session);
            chat.setSessionMessages("sess_123", messages, 50);
            chat.setSearchResults("q", Map.of("b", 1, "a", 2), List.of(new SearchResult("msg1", "Hello", 0.9)));

            assertThat(cache.backend()).isEqualTo(CacheBackend.REDIS);
            assertThat(chat.getSession("sess_123")).contains(session);
            assertThat(chat.getSessionMessages("sess_123", 50)).contains(messages);
            assertThat(chat.getSearchResults("q", Map.of("a", 2, "b", 1)))
                    .contains(List.of(new SearchResult("msg1", "Hello", 0.9)));
        }
    }

    /** A record the absent marker must never be read as. */
    record Profile(String id, String name) {
    }

    @Test
    void aCachedAbsenceRoundTripsThroughRedisAndReadsAsAMiss() {
        String namespace = freshNamespace();
        java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
        try (ChatCacheService hybrid = ChatCacheService.builderFromEnvironment(environment("hybrid", namespace))
                        .negativeTtl(Duration.ofMinutes(1)).build();
                ChatCacheService redis = ChatCacheService.builderFromEnvironment(environment("redis", namespace))
                        .negativeTtl(Duration.ofMinutes(1)).build();
                ChatCacheService plain = ChatCacheService.fromEnvironment(environment("redis", namespace))) {
            assertThat(hybrid.getOrLoad("user:9", Profile.class, () -> {
                loads.incrementAndGet();
                return null;
            })).isNull();

            // Another instance, on Redis alone, finds the absence Redis holds and does not load.
            assertThat(redis.getOrLoad("user:9", Profile.class, () -> {
                loads.incrementAndGet();
                return new Profile("9", "never");
            })).isNull();
            assertThat(loads).hasValue(1);
            // Plain reads, with or without negative caching, see a miss in every type.
            for (ChatCacheService cache : List.of(hybrid, redis, plain)) {
                assertThat(cache.get("user:9", Profile.class)).isEmpty();
                assertThat(cache.get("user:9", String.class)).isEmpty();
                assertThat(cache.get("user:9", Object.class)).isEmpty();
            }
            // What Redis holds is the marker, with the negative TTL.
            try (io.chatcache.core.ProvidedStore store = AdapterLookup.SERVICE_LOADER.apply("redis").orElseThrow()
                    .open(new io.chatcache.core.StoreSettings(10, Duration.ofHours(1),
                            environment("redis", namespace)))) {
                io.chatcache.core.CacheEntry<String> entry = store.store()
                        .getEntry("user:9", io.chatcache.core.ValueType.of(String.class)).orElseThrow();
                assertThat(entry.value()).isEqualTo(ChatCacheService.ABSENT_MARKER);
                assertThat(entry.remainingTtl()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
            }

            hybrid.set("user:9", new Profile("9", "Ada"));
            assertThat(redis.getOrLoad("user:9", Profile.class, () -> {
                loads.incrementAndGet();
                return null;
            })).isEqualTo(new Profile("9", "Ada"));
            assertThat(loads).hasValue(1);
        }
    }

    @Test
    void redisBackendReportsRedisStatsAndAvailability() {
        try (ChatCacheService cache = ChatCacheService.fromEnvironment(environment("REDIS", freshNamespace()))) {
            cache.set("k", "v");
            cache.get("k", String.class);
            cache.get("absent", String.class);

            CacheInfo info = cache.info();

            assertThat(info.backend()).isEqualTo(CacheBackend.REDIS);
            assertThat(info.redisAvailable()).isTrue();
            assertThat(info.stats()).containsOnlyKeys("redis");
            assertThat(info.stats().get("redis").hits()).isEqualTo(1);
            assertThat(info.stats().get("redis").misses()).isEqualTo(1);
        }
    }

    @Test
    void redisBackendFiresCallbacksForDeletedAndInvalidatedKeys() {
        try (ChatCacheService cache = ChatCacheService.fromEnvironment(environment("redis", freshNamespace()))) {
            List<String> invalidated = new CopyOnWriteArrayList<>();
            cache.registerInvalidationCallback("user:*", invalidated::add);
            cache.set("user:1", "a");
            cache.set("user:2", "b");
            cache.set("session:1", "c");

            cache.delete("user:1");
            cache.invalidatePattern("*:2");
            cache.delete("session:1");

            assertThat(invalidated).containsExactly("user:1", "user:2");
        }
    }

    @Test
    void redisBackendsOfTwoInstancesShareEntries() {
        String namespace = freshNamespace();
        try (ChatCacheService first = ChatCacheService.fromEnvironment(environment("redis", namespace));
             ChatCacheService second = ChatCacheService.fromEnvironment(environment("redis", namespace))) {
            first.set("shared", "v");

            assertThat(second.get("shared", String.class)).contains("v");
        }
    }

    @Test
    void hybridBackendFromTheEnvironmentUsesMemoryAndRedis() {
        try (ChatCacheService cache = ChatCacheService.fromEnvironment(environment("hybrid", freshNamespace()))) {
            cache.set("k", "v");

            assertThat(cache.get("k", String.class)).contains("v");
            CacheInfo info = cache.info();
            assertThat(info.backend()).isEqualTo(CacheBackend.HYBRID);
            assertThat(info.redisAvailable()).isTrue();
            assertThat(info.stats()).containsOnlyKeys("memory", "redis");
            assertThat(info.stats().keySet()).containsExactly("memory", "redis");
            assertThat(info.stats().get("memory").entryCount()).isEqualTo(1);
        }
    }

    @Test
    void hybridInstancesSeeEachOthersDeletes() {
        String namespace = freshNamespace();
        try (ChatCacheService first = ChatCacheService.fromEnvironment(environment("hybrid", namespace));
             ChatCacheService second = ChatCacheService.fromEnvironment(environment("hybrid", namespace))) {
            first.set("session:{s1}", "v1");
            assertThat(second.get("session:{s1}", String.class)).contains("v1");

            new ChatCacheManager(first).invalidateSession("s1");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> second.get("session:{s1}", String.class).isEmpty());
        }
    }

    @Test
    void hybridGetOrLoadLoadsOnceAndServesFromRedisOnAnotherInstance() {
        String namespace = freshNamespace();
        try (ChatCacheService first = ChatCacheService.fromEnvironment(environment("hybrid", namespace));
             ChatCacheService second = ChatCacheService.fromEnvironment(environment("hybrid", namespace))) {
            assertThat(first.getOrLoad("k", String.class, () -> "loaded")).isEqualTo("loaded");

            assertThat(second.getOrLoad("k", String.class, () -> "loaded again")).isEqualTo("loaded");
        }
    }

    @Test
    void hybridBackendStartsOnMemoryWhenRedisIsDown() {
        RedisServer down = REDIS.startSingle();
        down.kill();
        Map<String, String> env = Map.of("CACHE_BACKEND", "hybrid", "REDIS_HOST", down.host(),
                "REDIS_PORT", String.valueOf(down.port()));

        try (ChatCacheService cache = ChatCacheService.fromEnvironment(env)) {
            cache.set("k", "v");

            assertThat(cache.get("k", String.class)).contains("v");
            assertThat(cache.info().redisAvailable()).isFalse();
            assertThat(cache.getStats()).containsOnlyKeys("memory", "redis");
        }
    }

    @Test
    void redisBackendFailsAtStartWhenRedisIsDown() {
        RedisServer down = REDIS.startSingle();
        down.kill();
        Map<String, String> env = Map.of("CACHE_BACKEND", "redis", "REDIS_HOST", down.host(),
                "REDIS_PORT", String.valueOf(down.port()));

        assertThatThrownBy(() -> ChatCacheService.fromEnvironment(env).close())
                .isInstanceOf(CacheUnavailableException.class);
    }

    @Test
    void redisBackendMissesAndSkipsWritesWhileRedisIsDownThenRecovers() {
        RedisServer server = REDIS.startSingle();
        Map<String, String> env = Map.of("CACHE_BACKEND", "redis", "REDIS_HOST", server.host(),
                "REDIS_PORT", String.valueOf(server.port()),
                "REDIS_STARTUP_TIMEOUT", RedisEnvironment.STARTUP_TIMEOUT);
        try (ChatCacheService cache = ChatCacheService.fromEnvironment(env)) {
            cache.set("k", "v");
            server.kill();

            assertThat(cache.get("k", String.class)).isEmpty();
            cache.set("k", "w");
            assertThat(cache.delete("k")).isFalse();
            assertThat(cache.getOrLoad("k2", String.class, () -> "loaded")).isEqualTo("loaded");
            assertThat(cache.failures()).isGreaterThanOrEqualTo(4);
            assertThat(cache.info().redisAvailable()).isFalse();

            server.restart();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                cache.set("k", "back");
                return cache.get("k", String.class).isPresent();
            });
            assertThat(cache.info().redisAvailable()).isTrue();
        }
    }

    @Test
    void redisBackendInfoTakenFirstAfterRedisDiesSaysRedisIsUnavailable() {
        RedisServer server = REDIS.startSingle();
        Map<String, String> env = Map.of("CACHE_BACKEND", "redis", "REDIS_HOST", server.host(),
                "REDIS_PORT", String.valueOf(server.port()),
                "REDIS_STARTUP_TIMEOUT", RedisEnvironment.STARTUP_TIMEOUT);
        try (ChatCacheService cache = ChatCacheService.fromEnvironment(env)) {
            cache.set("k", "v");
            Map<String, CacheStats> before = cache.getStats();
            server.kill();

            // The info's own statistics call is the first to meet the dead server.
            CacheInfo info = cache.info();

            assertThat(info.redisAvailable()).isFalse();
            assertThat(info.stats()).isEqualTo(before);
        }
    }

    @Test
    void closeLeavesNoNonDaemonThreadBehindSoThatAMainMethodCanExit() {
        RedisServer down = REDIS.startSingle();
        down.kill();
        Set<Thread> before = liveNonDaemonThreads();
        String namespace = freshNamespace();
        try (ChatCacheService redis = ChatCacheService.fromEnvironment(environment("redis", namespace));
             ChatCacheService hybrid = ChatCacheService.fromEnvironment(environment("hybrid", namespace));
             ChatCacheService hybridWithoutRedis = ChatCacheService.fromEnvironment(Map.of("CACHE_BACKEND",
                     "hybrid", "REDIS_HOST", down.host(), "REDIS_PORT", String.valueOf(down.port())))) {
            redis.set("k", "v");
            hybrid.set("k2", "v");
            hybrid.get("k", String.class);
            hybridWithoutRedis.set("k", "v");
            assertThat(hybrid.info().redisAvailable()).isTrue();
        }

        await("threads of the closed services to end").pollInSameThread().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(liveNonDaemonThreads()).isSubsetOf(before));
    }

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !thread.isDaemon())
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void getOrLoadReturnsALoadedValueTooLargeForRedisInsteadOfFailing() {
        String large = "x".repeat(600 * 1024);
        for (String backend : List.of("redis", "hybrid")) {
            try (ChatCacheService cache = ChatCacheService.fromEnvironment(environment(backend, freshNamespace()))) {
                assertThat(cache.getOrLoad("big", String.class, () -> large)).as(backend).isEqualTo(large);
                assertThat(cache.get("big", String.class)).as(backend).isEmpty();
            }
        }
    }

    @Test
    void hybridCallersSeeNoExceptionWhenRedisDiesMidRun() {
        RedisServer server = REDIS.startSingle();
        Map<String, String> env = Map.of("CACHE_BACKEND", "hybrid", "REDIS_HOST", server.host(),
                "REDIS_PORT", String.valueOf(server.port()),
                "REDIS_STARTUP_TIMEOUT", RedisEnvironment.STARTUP_TIMEOUT);
        try (ChatCacheService cache = ChatCacheService.fromEnvironment(env)) {
            cache.set("k", "v");
            server.kill();

            for (int i = 0; i < 10; i++) {
                cache.set("k" + i, "v" + i);
                assertThat(cache.get("k" + i, String.class)).contains("v" + i);
                cache.get("absent" + i, String.class);
                cache.delete("k" + i);
            }
            cache.invalidatePattern("k*");
            assertThat(cache.getOrLoad("loaded", String.class, () -> "x")).isEqualTo("x");
            assertThat(cache.info().redisAvailable()).isFalse();
        }
    }

    @Test
    void theBuildersRedisSettingsAreTheReferencesInitRedisCache() {
        RedisServer server = REDIS.single();
        try (ChatCacheService cache = ChatCacheService.builder()
                .backend(CacheBackend.REDIS)
                .redis(server.host(), server.port(), server.password())
                .redisEnvironment(Map.of("REDIS_STARTUP_TIMEOUT", RedisEnvironment.STARTUP_TIMEOUT))
                .build()) {
            cache.set("builder:" + UUID.randomUUID(), "v");

            assertThat(cache.info().redisAvailable()).isTrue();
            assertThat(cache.getStats()).containsOnlyKeys("redis");
        }
    }

    /** A service whose results come back through Redis as generic types. */
    public interface Tokenizer {
        /** Splits text into words. */
        @Cached(ttlSeconds = 60, keyPrefix = "tokens")
        List<String> tokens(String text);
    }

    @Test
    void memoizedGenericResultsAreReadBackFromRedisByAnotherInstance() {
        String namespace = freshNamespace();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Tokenizer slow = text -> {
            calls.incrementAndGet();
            return List.of(text.split(" "));
        };
        try (ChatCacheService first = ChatCacheService.fromEnvironment(environment("redis", namespace));
             ChatCacheService second = ChatCacheService.fromEnvironment(environment("redis", namespace))) {
            assertThat(Memoizer.using(first).proxy(Tokenizer.class, slow).tokens("a b")).containsExactly("a", "b");

            List<String> again = Memoizer.using(second).proxy(Tokenizer.class, slow).tokens("a b");

            assertThat(again).containsExactly("a", "b");
            assertThat(calls).hasValue(1);
        }
    }
}

package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheStats;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A negative hit (a key cached as absent, {@link ChatCacheService#ABSENT_MARKER}, read through {@code getOrLoad}
 * for a record type) is a clean hit on every backend: the loader does not run, no store counts an error, the
 * service counts no failure, and Redis logs no warning about a value it cannot read. MEMORY on the memory store,
 * REDIS and HYBRID on a real redis-server. The same for {@code getOrLoadAll} over keys of which some are cached
 * as absent: only the real misses are loaded, from one bulk read.
 */
class ChatCacheServiceNegativeHitTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    /** A record the marker must never be decoded as. */
    record Profile(String id, String name) {
    }

    private static String freshNamespace() {
        return "t" + UUID.randomUUID().toString().replace("-", "");
    }

    private static ChatCacheService.Builder on(String backend, String namespace) {
        return ChatCacheService.builderFromEnvironment(RedisEnvironment.of(REDIS.single(), backend, namespace))
                .negativeTtl(Duration.ofMinutes(1));
    }

    private static long storeErrors(ChatCacheService cache) {
        return cache.info().stats().values().stream().mapToLong(CacheStats::errors).sum();
    }

    /**
     * Caches the absence of one key, then reads it through {@code getOrLoad} as a record many times, with and
     * without refresh-ahead, and checks that each read was a clean hit.
     */
    private static void negativeHitsAreCleanHits(ChatCacheService cache) {
        AtomicInteger loads = new AtomicInteger();
        assertThat(cache.getOrLoad("user:9", Profile.class, () -> {
            loads.incrementAndGet();
            return null;
        })).isNull();
        long hitsBefore = cache.counters().hits();
        long errorsBefore = storeErrors(cache);
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 20; i++) {
                assertThat(cache.getOrLoad("user:9", Profile.class, () -> {
                    loads.incrementAndGet();
                    return new Profile("9", "loaded");
                })).isNull();
                assertThat(cache.getOrLoad("user:9", Profile.class, () -> {
                    loads.incrementAndGet();
                    return new Profile("9", "loaded");
                }, LoadOptions.ttl(Duration.ofMinutes(10)).refreshAhead(Duration.ofSeconds(1)))).isNull();
            }
            assertThat(log.text()).as("no warning about the marker").doesNotContain("WARN");
        }
        assertThat(loads).as("the cached absence answered every call").hasValue(1);
        assertThat(cache.counters().hits() - hitsBefore).isEqualTo(40);
        assertThat(storeErrors(cache)).as("no store counted an error").isEqualTo(errorsBefore);
        assertThat(cache.counters().failures()).as("the service counted no failure").isZero();
        assertThat(cache.failures()).isZero();
    }

    /**
     * Caches the absence of two keys and the value of one through {@code getOrLoadAll} as a record, then reads
     * them with two new keys many times: each call loads only the new keys, and no read of a marker is an error.
     */
    private static void bulkNegativeHitsAreCleanHits(ChatCacheService cache) {
        List<Set<String>> asked = new CopyOnWriteArrayList<>();
        assertThat(cache.getOrLoadAll(List.of("user:1", "user:2", "user:3"), Profile.class, missing -> {
            asked.add(Set.copyOf(missing));
            return Map.of("user:2", new Profile("2", "two"));
        }, Duration.ofMinutes(10))).containsOnlyKeys("user:2");
        long errorsBefore = storeErrors(cache);
        long hitsBefore = cache.counters().hits();
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 10; i++) {
                List<String> keys = List.of("user:1", "user:2", "user:3", "new:" + i + ":a", "new:" + i + ":b");
                Map<String, Profile> values = cache.getOrLoadAll(keys, Profile.class, missing -> {
                    asked.add(Set.copyOf(missing));
                    Map<String, Profile> rows = new HashMap<>();
                    missing.forEach(key -> rows.put(key, new Profile(key, "loaded")));
                    return rows;
                }, Duration.ofMinutes(10));
                assertThat(values).containsOnlyKeys("user:2", "new:" + i + ":a", "new:" + i + ":b");
                assertThat(asked.get(asked.size() - 1)).as("only the real misses are loaded")
                        .containsExactlyInAnyOrder("new:" + i + ":a", "new:" + i + ":b");
            }
            assertThat(log.text()).as("no warning about the marker").doesNotContain("WARN");
        }
        assertThat(asked).hasSize(11);
        assertThat(cache.counters().hits() - hitsBefore).as("3 hits a call, 2 of them cached absences").isEqualTo(30);
        assertThat(storeErrors(cache)).as("no store counted an error").isEqualTo(errorsBefore);
        assertThat(cache.counters().failures()).as("the service counted no failure").isZero();
        assertThat(cache.failures()).isZero();
    }

    @Test
    void bulkOnMemoryInOneRead() {
        RecordingStore store = new RecordingStore();
        try (ChatCacheService cache = ChatCacheService.builder().memoryStore(store)
                .negativeTtl(Duration.ofMinutes(1)).build()) {
            bulkNegativeHitsAreCleanHits(cache);
            int before = store.bulkReads.get();
            cache.getOrLoadAll(List.of("user:1", "user:2", "user:3"), Profile.class, missing -> {
                throw new AssertionError("nothing is missing: " + missing);
            }, Duration.ofMinutes(10));
            assertThat(store.bulkReads.get() - before).as("one bulk read finds values and markers").isEqualTo(1);
            assertThat(store.stats().errors()).isZero();
        }
    }

    @Test
    void bulkOnRedis() {
        try (ChatCacheService cache = on("redis", freshNamespace()).build()) {
            bulkNegativeHitsAreCleanHits(cache);
        }
    }

    @Test
    void bulkOnHybrid() {
        try (ChatCacheService cache = on("hybrid", freshNamespace()).build()) {
            bulkNegativeHitsAreCleanHits(cache);
        }
    }

    @Test
    void bulkOnHybridFindingInRedisTheAbsencesAnotherInstanceCached() {
        String namespace = freshNamespace();
        try (ChatCacheService redis = on("redis", namespace).build();
                ChatCacheService hybrid = on("hybrid", namespace).build()) {
            assertThat(redis.getOrLoadAll(List.of("user:5", "user:6"), Profile.class, missing -> Map.of(),
                    Duration.ofMinutes(10))).isEmpty();
            long errorsBefore = storeErrors(hybrid);
            try (LogCapture log = LogCapture.start()) {
                // Not in the hybrid's L1: its first read finds the markers in Redis (and copies them into L1).
                for (int i = 0; i < 5; i++) {
                    assertThat(hybrid.getOrLoadAll(List.of("user:5", "user:6"), Profile.class, missing -> {
                        throw new AssertionError("cached as absent: " + missing);
                    }, Duration.ofMinutes(10))).isEmpty();
                }
                assertThat(log.text()).doesNotContain("WARN");
            }
            assertThat(storeErrors(hybrid)).isEqualTo(errorsBefore);
            assertThat(hybrid.counters().failures()).isZero();
        }
    }

    @Test
    void onMemory() {
        try (ChatCacheService cache = ChatCacheService.builder().negativeTtl(Duration.ofMinutes(1)).build()) {
            negativeHitsAreCleanHits(cache);
        }
    }

    @Test
    void onRedis() {
        try (ChatCacheService cache = on("redis", freshNamespace()).build()) {
            negativeHitsAreCleanHits(cache);
        }
    }

    @Test
    void onHybrid() {
        try (ChatCacheService cache = on("hybrid", freshNamespace()).build()) {
            negativeHitsAreCleanHits(cache);
        }
    }

    @Test
    void onHybridFindingInRedisTheAbsenceAnotherInstanceCached() {
        String namespace = freshNamespace();
        try (ChatCacheService redis = on("redis", namespace).build();
                ChatCacheService hybrid = on("hybrid", namespace).build()) {
            assertThat(redis.getOrLoad("user:7", Profile.class, () -> null)).isNull();
            long errorsBefore = storeErrors(hybrid);
            try (LogCapture log = LogCapture.start()) {
                // Not in the hybrid's L1: its first read finds the marker in Redis (and copies it into L1).
                for (int i = 0; i < 5; i++) {
                    assertThat(hybrid.getOrLoad("user:7", Profile.class, () -> new Profile("7", "loaded"))).isNull();
                }
                assertThat(log.text()).doesNotContain("WARN");
            }
            assertThat(storeErrors(hybrid)).isEqualTo(errorsBefore);
            assertThat(hybrid.counters().failures()).isZero();
        }
    }
}

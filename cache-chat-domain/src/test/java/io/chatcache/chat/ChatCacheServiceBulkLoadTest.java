package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link ChatCacheService#getOrLoadAll} on MEMORY: one bulk read, one bulk load of the misses, one bulk write. */
class ChatCacheServiceBulkLoadTest {

    @Test
    void readsInOneCallLoadsOnlyTheMissesOnceAndReturnsAllInKeyOrder() {
        RecordingStore store = new RecordingStore();
        List<Set<String>> asked = new ArrayList<>();
        try (ChatCacheService cache = ChatCacheService.builder().memoryStore(store).build()) {
            cache.set("u:2", "two");
            Map<String, String> values = cache.getOrLoadAll(List.of("u:3", "u:2", "u:1", "u:3"), String.class,
                    missing -> {
                        asked.add(Set.copyOf(missing));
                        Map<String, String> rows = new HashMap<>();
                        missing.forEach(key -> rows.put(key, "row " + key));
                        rows.put("u:99", "not asked for");
                        return rows;
                    }, Duration.ofMinutes(5));

            assertThat(values).containsExactly(Map.entry("u:3", "row u:3"), Map.entry("u:2", "two"),
                    Map.entry("u:1", "row u:1"));
            assertThat(asked).containsExactly(Set.of("u:3", "u:1"));
            assertThat(store.bulkReads).hasValue(1);
            assertThat(store.putAlls).hasValue(1);
            assertThat(store.ttlOf("u:1")).isEqualTo(Duration.ofMinutes(5));
            assertThat(cache.get("u:99", String.class)).isEmpty();

            // Now all cached: no loader call.
            assertThat(cache.getOrLoadAll(List.of("u:1", "u:2", "u:3"), String.class, missing -> {
                throw new AssertionError("nothing is missing");
            }, Duration.ofMinutes(5))).containsOnlyKeys("u:1", "u:2", "u:3");
        }
    }

    @Test
    void keysTheLoaderLeavesOutAreAbsentAndNegativeCachedWhenEnabled() {
        AtomicInteger loaderCalls = new AtomicInteger();
        try (ChatCacheService cache = ChatCacheService.builder().negativeTtl(Duration.ofSeconds(30)).build()) {
            for (int round = 0; round < 2; round++) {
                Map<String, Integer> values = cache.getOrLoadAll(List.of("a", "b", "c"), Integer.class, missing -> {
                    loaderCalls.incrementAndGet();
                    assertThat(missing).containsExactly("a", "b", "c");
                    Map<String, Integer> rows = new HashMap<>();
                    rows.put("a", 1);
                    rows.put("c", null);
                    return rows;
                }, Duration.ofMinutes(5));
                assertThat(values).containsExactly(Map.entry("a", 1));
            }
            assertThat(loaderCalls).hasValue(1);
            assertThat(cache.get("b", Integer.class)).isEmpty();
            assertThat(cache.get("c", String.class)).isEmpty();
            // The single-key path sees the same absence.
            assertThat(cache.getOrLoad("b", Integer.class, () -> 7)).isNull();
        }
    }

    @Test
    void withoutNegativeCachingAbsentKeysAreAskedForAgain() {
        AtomicInteger loaderCalls = new AtomicInteger();
        try (ChatCacheService cache = ChatCacheService.builder().build()) {
            for (int round = 0; round < 2; round++) {
                assertThat(cache.getOrLoadAll(List.of("x"), String.class, missing -> {
                    loaderCalls.incrementAndGet();
                    return null;
                }, Duration.ofMinutes(1))).isEmpty();
            }
            assertThat(loaderCalls).hasValue(2);
        }
    }

    @Test
    void withJitterEachLoadedEntryGetsItsOwnTtl() {
        RecordingStore store = new RecordingStore();
        Random random = new Random(7);
        try (ChatCacheService cache = ChatCacheService.builder().memoryStore(store).ttlJitter(0.2)
                .jitterSource(random::nextDouble).build()) {
            List<String> keys = Arrays.asList("k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8");
            cache.getOrLoadAll(keys, String.class, missing -> {
                Map<String, String> rows = new HashMap<>();
                missing.forEach(key -> rows.put(key, "v"));
                return rows;
            }, Duration.ofSeconds(100));
            List<Duration> ttls = keys.stream().map(store::ttlOf).toList();
            assertThat(ttls).allSatisfy(ttl -> assertThat(ttl.toMillis()).isBetween(80_000L, 120_000L));
            assertThat(ttls.stream().distinct().count()).isGreaterThan(4);
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsRead() {
        RecordingStore store = new RecordingStore();
        try (ChatCacheService cache = ChatCacheService.builder().memoryStore(store).build()) {
            assertThatThrownBy(() -> cache.getOrLoadAll(null, String.class, m -> Map.of(), Duration.ofSeconds(1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("keys");
            assertThatThrownBy(() -> cache.getOrLoadAll(List.of("ok", ""), String.class, m -> Map.of(),
                    Duration.ofSeconds(1))).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> cache.getOrLoadAll(List.of("ok"), String.class, null, Duration.ofSeconds(1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("bulkLoader");
            assertThatThrownBy(() -> cache.getOrLoadAll(List.of("ok"), String.class, m -> Map.of(), Duration.ZERO))
                    .isInstanceOf(InvalidInputException.class);
            assertThat(store.bulkReads).hasValue(0);
        }
    }
}

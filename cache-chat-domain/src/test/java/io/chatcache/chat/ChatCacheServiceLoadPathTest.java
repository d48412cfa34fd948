package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.ValueType;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The service's load path on MEMORY: negative caching and TTL jitter. */
class ChatCacheServiceLoadPathTest {

    record Profile(String id, String name) {
    }

    private final ManualTicker ticker = new ManualTicker();

    private MemoryCacheStore memory() {
        return MemoryCacheStore.builder().ticker(ticker).cleanupInterval(Duration.ZERO).build();
    }

    @Test
    void withoutNegativeCachingAnAbsentRowIsLoadedOnEveryCall() {
        AtomicInteger loads = new AtomicInteger();
        try (MemoryCacheStore memory = memory();
                ChatCacheService cache = ChatCacheService.builder().memoryStore(memory).build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(cache.getOrLoad("user:1", Profile.class, () -> {
                    loads.incrementAndGet();
                    return null;
                })).isNull();
            }
            assertThat(loads).hasValue(3);
            assertThat(cache.negativeTtl()).isEmpty();
            assertThat(memory.get("user:1", String.class)).isEmpty();
        }
    }

    @Test
    void anAbsenceIsCachedForTheNegativeTtlThenLoadedAgain() {
        AtomicInteger loads = new AtomicInteger();
        try (MemoryCacheStore memory = memory();
                ChatCacheService cache = ChatCacheService.builder().memoryStore(memory)
                        .negativeTtl(Duration.ofSeconds(5)).build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(cache.getOrLoad("user:1", Profile.class, () -> {
                    loads.incrementAndGet();
                    return null;
                }, Duration.ofHours(1))).isNull();
            }
            assertThat(loads).hasValue(1);
            assertThat(cache.negativeTtl()).contains(Duration.ofSeconds(5));
            // Stored as the marker, with the negative TTL, not the value's.
            assertThat(memory.get("user:1", String.class)).contains(ChatCacheService.ABSENT_MARKER);
            assertThat(memory.getEntry("user:1", ValueType.of(String.class)).orElseThrow().remainingTtl())
                    .isEqualTo(Duration.ofSeconds(5));

            ticker.advance(Duration.ofSeconds(5));
            Profile loaded = cache.getOrLoad("user:1", Profile.class, () -> {
                loads.incrementAndGet();
                return new Profile("1", "Ada");
            });
            assertThat(loaded).isEqualTo(new Profile("1", "Ada"));
            assertThat(loads).hasValue(2);
            assertThat(cache.get("user:1", Profile.class)).contains(loaded);
        }
    }

    @Test
    void aPlainGetSeesAMissNeverTheMarkerInAnyType() {
        try (ChatCacheService cache = ChatCacheService.builder().negativeTtl(Duration.ofSeconds(30)).build()) {
            cache.getOrLoad("user:1", Profile.class, () -> null);
            long missesBefore = cache.counters().misses();

            assertThat(cache.get("user:1", Profile.class)).isEmpty();
            assertThat(cache.get("user:1", String.class)).isEmpty();
            assertThat(cache.get("user:1", Object.class)).isEmpty();
            assertThat(cache.get("user:1", CharSequence.class, "default")).isEqualTo("default");
            assertThat(cache.typed(ValueType.of(String.class)).get("user:1")).isEmpty();
            assertThat(cache.counters().misses()).isEqualTo(missesBefore + 5);
        }
    }

    @Test
    void aStringLoadCachesItsAbsenceToo() {
        AtomicInteger loads = new AtomicInteger();
        try (ChatCacheService cache = ChatCacheService.builder().negativeTtl(Duration.ofSeconds(30)).build()) {
            TypedCache<String> names = cache.typed(ValueType.of(String.class));
            assertThat(names.getOrLoad("name:1", () -> {
                loads.incrementAndGet();
                return null;
            })).isNull();
            assertThat(names.getOrLoad("name:1", () -> {
                loads.incrementAndGet();
                return "never";
            })).isNull();
            assertThat(loads).hasValue(1);
        }
    }

    @Test
    void setAndDeleteReplaceACachedAbsence() {
        AtomicInteger loads = new AtomicInteger();
        try (ChatCacheService cache = ChatCacheService.builder().negativeTtl(Duration.ofMinutes(1)).build()) {
            cache.getOrLoad("user:1", Profile.class, () -> null);
            cache.getOrLoad("user:2", Profile.class, () -> null);

            cache.set("user:1", new Profile("1", "Ada"));
            assertThat(cache.get("user:1", Profile.class)).contains(new Profile("1", "Ada"));
            assertThat(cache.getOrLoad("user:1", Profile.class, () -> {
                loads.incrementAndGet();
                return null;
            })).isEqualTo(new Profile("1", "Ada"));

            assertThat(cache.delete("user:2")).isTrue();
            assertThat(cache.getOrLoad("user:2", Profile.class, () -> {
                loads.incrementAndGet();
                return new Profile("2", "Bob");
            })).isEqualTo(new Profile("2", "Bob"));
            assertThat(loads).hasValue(1);
        }
    }

    @Test
    void theMarkerCannotBeStoredAsAValue() {
        try (ChatCacheService cache = ChatCacheService.builder().build()) {
            cache.set("k", "v");
            assertThatThrownBy(() -> cache.set("k", ChatCacheService.ABSENT_MARKER))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("ABSENT_MARKER");
            assertThat(cache.get("k", String.class)).contains("v");
        }
    }

    @Test
    void theMemoizerCachesAbsentResultsWithNegativeCaching() {
        AtomicInteger calls = new AtomicInteger();
        try (ChatCacheService cache = ChatCacheService.builder().negativeTtl(Duration.ofSeconds(30)).build()) {
            java.util.function.Function<String, String> lookup = Memoizer.using(cache)
                    .of("users", Duration.ofHours(1), ValueType.of(String.class), (String id) -> {
                        calls.incrementAndGet();
                        return null;
                    });
            assertThat(lookup.apply("42")).isNull();
            assertThat(lookup.apply("42")).isNull();
            assertThat(calls).hasValue(1);
        }
    }

    @Test
    void badLoadPathOptionsAreRefusedByName() {
        assertThatThrownBy(() -> ChatCacheService.builder().negativeTtl(Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("negativeTtl");
        assertThatThrownBy(() -> ChatCacheService.builder().negativeTtl(null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("negativeTtl");
        assertThatThrownBy(() -> ChatCacheService.builder().negativeTtl(CacheStore.NO_EXPIRY))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("negativeTtl");
        assertThatThrownBy(() -> ChatCacheService.builder().ttlJitter(-0.1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttlJitter");
        assertThatThrownBy(() -> ChatCacheService.builder().ttlJitter(0.51))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttlJitter");
        assertThatThrownBy(() -> ChatCacheService.builder().ttlJitter(Double.NaN))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttlJitter");
    }

    @Test
    void withoutJitterTtlsAreWrittenAsGiven() {
        RecordingStore store = new RecordingStore();
        try (ChatCacheService cache = ChatCacheService.builder().memoryStore(store).build()) {
            cache.set("a", "v", Duration.ofSeconds(100));
            cache.getOrLoad("b", String.class, () -> "w", Duration.ofSeconds(100));
            assertThat(cache.ttlJitter()).isZero();
            assertThat(store.ttlOf("a")).isEqualTo(Duration.ofSeconds(100));
            assertThat(store.ttlOf("b")).isEqualTo(Duration.ofSeconds(100));
        }
    }

    @Test
    void jitterSpreadsTheTtlsOfWritesWithinTheBound() {
        RecordingStore store = new RecordingStore();
        Random random = new Random(42);
        try (ChatCacheService cache = ChatCacheService.builder().memoryStore(store).ttlJitter(0.1)
                .negativeTtl(Duration.ofSeconds(10)).jitterSource(random::nextDouble).build()) {
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                if (i % 2 == 0) {
                    cache.set("k" + i, "v", Duration.ofSeconds(100));
                } else {
                    cache.getOrLoad("k" + i, String.class, () -> "w", Duration.ofSeconds(100));
                }
                millis.add(store.ttlOf("k" + i).toMillis());
            }
            assertThat(millis).allSatisfy(ttl -> assertThat(ttl).isBetween(90_000L, 110_000L));
            // Actually spread: both halves of the range used, many distinct TTLs, a wide range.
            assertThat(millis).anySatisfy(ttl -> assertThat(ttl).isLessThan(92_000L));
            assertThat(millis).anySatisfy(ttl -> assertThat(ttl).isGreaterThan(108_000L));
            assertThat(millis.stream().distinct().count()).isGreaterThan(150);

            cache.getOrLoad("absent", String.class, () -> null);
            assertThat(store.ttlOf("absent").toMillis()).isBetween(9_000L, 11_000L).isNotEqualTo(10_000L);

            cache.set("forever", "v", CacheStore.NO_EXPIRY);
            assertThat(store.ttlOf("forever")).isEqualTo(CacheStore.NO_EXPIRY);
        }
    }

    @Test
    void jitterAtTheExtremesOfTheSourceStaysPositiveAndBounded() {
        RecordingStore store = new RecordingStore();
        double[] next = {0.0};
        try (ChatCacheService cache = ChatCacheService.builder().memoryStore(store).ttlJitter(0.5)
                .jitterSource(() -> next[0]).build()) {
            cache.set("low", "v", Duration.ofSeconds(10));
            next[0] = Math.nextDown(1.0);
            cache.set("high", "v", Duration.ofSeconds(10));
            cache.set("tiny", "v", Duration.ofMillis(1));
            assertThat(store.ttlOf("low")).isEqualTo(Duration.ofSeconds(5));
            assertThat(store.ttlOf("high")).isEqualTo(Duration.ofSeconds(15));
            assertThat(store.ttlOf("tiny")).isPositive();
        }
    }
}

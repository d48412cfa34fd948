package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheStoreProvider;
import io.chatcache.core.SerializationException;
import io.chatcache.core.Serializer;
import io.chatcache.core.ValueType;
import io.chatcache.memory.MemoryCacheStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The MEMORY backend checks values against the Redis serializer by default, so that what works in memory
 * works on Redis; the check can be turned off, given a serializer, or turned on for other backends.
 */
class ChatCacheServiceValueCheckTest {

    /** Jackson writes it (it has a getter) but cannot read it back: no constructor it can use. */
    public static final class WriteOnly {
        private final String name;

        public WriteOnly(String name, int unused) {
            this.name = name;
        }

        public String getName() {
            return name;
        }
    }

    public record Profile(String id, List<String> tags) {
    }

    private static final Function<String, Optional<CacheStoreProvider>> MEMORY_ONLY =
            name -> name.equals("memory") ? AdapterLookup.SERVICE_LOADER.apply(name) : Optional.empty();

    @Test
    void memoryRefusesAValueRedisCouldNotReadBackAndKeepsTheEarlierOne() {
        try (ChatCacheService cache = ChatCacheService.builder().build()) {
            assertThat(cache.checksValues()).isTrue();
            cache.set("k", "earlier");

            assertThatThrownBy(() -> cache.set("k", new WriteOnly("ada", 1)))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining(WriteOnly.class.getName())
                    .hasMessageContaining("checkValues(false)");
            assertThat(cache.get("k", String.class)).contains("earlier");
            assertThatThrownBy(() -> cache.set("other", new Object())).isInstanceOf(SerializationException.class);
            assertThat(cache.counters().puts()).isEqualTo(1);
        }
    }

    @Test
    void valuesRedisCanCarryPassAndTheInstanceItselfIsStored() {
        Profile profile = new Profile("p1", List.of("a", "b"));
        try (ChatCacheService cache = ChatCacheService.builder().build()) {
            cache.set("profile", profile);
            cache.set("list", List.of(profile));
            cache.set("set", Set.of("x"));
            cache.set("map", Map.of("n", 1));
            cache.typed(ValueType.listOf(Profile.class)).set("typed", List.of(profile), Duration.ofMinutes(1));

            assertThat(cache.get("profile", Profile.class)).containsSame(profile);
            assertThat(cache.typed(ValueType.listOf(Profile.class)).get("typed")).contains(List.of(profile));
        }
    }

    @Test
    void getOrLoadReturnsAValueThatFailsTheCheckButDoesNotStoreIt() {
        AtomicInteger loads = new AtomicInteger();
        try (ChatCacheService cache = ChatCacheService.builder().build()) {
            WriteOnly first = cache.getOrLoad("k", WriteOnly.class, () -> {
                loads.incrementAndGet();
                return new WriteOnly("ada", 1);
            });
            cache.getOrLoad("k", WriteOnly.class, () -> {
                loads.incrementAndGet();
                return new WriteOnly("ada", 1);
            });

            assertThat(first.getName()).isEqualTo("ada");
            assertThat(loads).hasValue(2);
        }
    }

    @Test
    void checkValuesFalseStoresAnyObject() {
        Object anything = new Object();
        try (ChatCacheService cache = ChatCacheService.builder().checkValues(false).build()) {
            assertThat(cache.checksValues()).isFalse();
            cache.set("k", anything);

            assertThat(cache.get("k", Object.class)).containsSame(anything);
        }
    }

    @Test
    void theBuildersSerializerIsTheOneUsed() {
        AtomicInteger round = new AtomicInteger();
        Serializer counting = new Serializer() {
            @Override
            public byte[] serialize(Object value) {
                round.incrementAndGet();
                return new byte[] {1};
            }

            @Override
            public <T> T deserialize(byte[] bytes, ValueType<T> type) {
                round.incrementAndGet();
                return null;
            }
        };
        try (ChatCacheService cache = ChatCacheService.builder().serializer(counting).build()) {
            cache.set("k", new Object());

            assertThat(round).hasValue(2);
        }
    }

    @Test
    void withoutTheRedisAdapterTheDefaultCheckIsSkippedAndAnExplicitOneRefused() {
        try (ChatCacheService cache = ChatCacheService.builder().adapters(MEMORY_ONLY).build()) {
            assertThat(cache.checksValues()).isFalse();
            cache.set("k", new Object());
        }
        assertThatThrownBy(() -> ChatCacheService.builder().adapters(MEMORY_ONLY).checkValues(true).build())
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("checkValues(true) needs a serializer");
    }

    @Test
    void otherBackendsDoNotCheckUnlessAsked() {
        MemoryCacheStore l2 = MemoryCacheStore.builder().build();
        try (ChatCacheService redis = ChatCacheService.builder().backend(CacheBackend.REDIS).l2Store(l2).build();
                ChatCacheService checked = ChatCacheService.builder().backend(CacheBackend.REDIS).l2Store(l2)
                        .checkValues(true).build()) {
            assertThat(redis.checksValues()).isFalse();
            redis.set("k", new Object());
            assertThatThrownBy(() -> checked.set("k2", new Object())).isInstanceOf(SerializationException.class);
        } finally {
            l2.close();
        }
    }

    @Test
    void checkValuesIsSetOnce() {
        assertThatThrownBy(() -> ChatCacheService.builder().checkValues(true).checkValues(false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("checkValues");
    }
}

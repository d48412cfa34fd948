package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.InvalidInputException;
import io.chatcache.core.ValueType;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The memoizer's load options: {@link Cached} attributes and the wrappers taking {@link LoadOptions}. */
class MemoizerLoadOptionsTest {

    private final ManualTicker ticker = new ManualTicker();
    private final List<Runnable> queued = new CopyOnWriteArrayList<>();

    private void runQueued() {
        List<Runnable> tasks = new ArrayList<>(queued);
        queued.clear();
        tasks.forEach(Runnable::run);
    }

    public interface Directory {
        @Cached(ttlSeconds = 100, keyPrefix = "name", refreshAheadSeconds = 20)
        String name(int id);

        @Cached(ttlSeconds = 100, keyPrefix = "missing", negativeTtlSeconds = 7)
        String missing(int id);

        @Cached(ttlSeconds = 100, keyPrefix = "never", negativeTtlSeconds = 0)
        String neverCachedAbsent(int id);

        @Cached(ttlSeconds = 100, keyPrefix = "inherit")
        String inheritsTheService(int id);

        @Cached(ttlSeconds = 100, keyPrefix = "jittered", ttlJitter = 0.25, lease = false)
        String jittered(int id);
    }

    /** Counts its calls; a name per version, {@code null} for the "missing" ones. */
    static final class CountingDirectory implements Directory {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String name(int id) {
            return "name" + id + "v" + calls.incrementAndGet();
        }

        @Override
        public String missing(int id) {
            calls.incrementAndGet();
            return null;
        }

        @Override
        public String neverCachedAbsent(int id) {
            calls.incrementAndGet();
            return null;
        }

        @Override
        public String inheritsTheService(int id) {
            calls.incrementAndGet();
            return null;
        }

        @Override
        public String jittered(int id) {
            calls.incrementAndGet();
            return "j" + id;
        }
    }

    @Test
    void refreshAheadSecondsReturnsTheResultAtOnceAndRecomputesItInTheBackground() {
        try (MemoryCacheStore store = MemoryCacheStore.builder().ticker(ticker).cleanupInterval(Duration.ZERO).build();
             ChatCacheService cache = ChatCacheService.builder().memoryStore(store).refreshExecutor(queued::add)
                     .build()) {
            CountingDirectory target = new CountingDirectory();
            Directory directory = Memoizer.using(cache).proxy(Directory.class, target);

            assertThat(directory.name(1)).isEqualTo("name1v1");
            ticker.advance(Duration.ofSeconds(85));
            assertThat(directory.name(1)).isEqualTo("name1v1");
            assertThat(target.calls).hasValue(1);
            assertThat(queued).hasSize(1);

            runQueued();
            assertThat(target.calls).hasValue(2);
            assertThat(directory.name(1)).isEqualTo("name1v2");
        }
    }

    @Test
    void negativeTtlSecondsAndJitterOverrideTheServicePerMethod() {
        RecordingStore store = new RecordingStore();
        try (ChatCacheService cache = ChatCacheService.builder().memoryStore(store).negativeTtl(Duration.ofSeconds(3))
                .jitterSource(() -> 1.0).build()) {
            CountingDirectory target = new CountingDirectory();
            Directory directory = Memoizer.using(cache).proxy(Directory.class, target);

            assertThat(directory.missing(1)).isNull();
            assertThat(directory.missing(1)).isNull();
            assertThat(directory.neverCachedAbsent(1)).isNull();
            assertThat(directory.neverCachedAbsent(1)).isNull();
            assertThat(directory.inheritsTheService(1)).isNull();
            assertThat(directory.inheritsTheService(1)).isNull();
            assertThat(directory.jittered(1)).isEqualTo("j1");
            assertThat(directory.jittered(1)).isEqualTo("j1");

            // missing: cached once for its own 7 s; never: computed every time; inherit: the service's 3 s.
            assertThat(target.calls).hasValue(1 + 2 + 1 + 1);
            assertThat(store.keysWritten()).anySatisfy(key -> assertThat(key).startsWith("missing:"));
            String missingKey = store.keysWritten().stream().filter(key -> key.startsWith("missing:")).findFirst()
                    .orElseThrow();
            String inheritKey = store.keysWritten().stream().filter(key -> key.startsWith("inherit:")).findFirst()
                    .orElseThrow();
            String jitteredKey = store.keysWritten().stream().filter(key -> key.startsWith("jittered:")).findFirst()
                    .orElseThrow();
            assertThat(store.keysWritten()).noneSatisfy(key -> assertThat(key).startsWith("never:"));
            assertThat(store.ttlOf(missingKey)).isEqualTo(Duration.ofSeconds(7));
            assertThat(store.ttlOf(inheritKey)).isEqualTo(Duration.ofSeconds(3));
            // The source's 1.0 is the highest draw: 100 s plus the whole 25 %.
            assertThat(store.ttlOf(jitteredKey)).isEqualTo(Duration.ofSeconds(125));
        }
    }

    @Test
    void wrappersTakeLoadOptions() {
        RecordingStore store = new RecordingStore();
        try (ChatCacheService cache = ChatCacheService.builder().memoryStore(store).build()) {
            AtomicInteger calls = new AtomicInteger();
            Function<Integer, String> lookup = Memoizer.using(cache).of("lookup",
                    LoadOptions.ttl(Duration.ofSeconds(40)).negativeTtl(Duration.ofSeconds(4)), ValueType.of(String.class),
                    (Integer id) -> {
                        calls.incrementAndGet();
                        return id == 0 ? null : "v" + id;
                    });

            assertThat(lookup.apply(0)).isNull();
            assertThat(lookup.apply(0)).isNull();
            assertThat(lookup.apply(1)).isEqualTo("v1");
            assertThat(lookup.apply(1)).isEqualTo("v1");

            assertThat(calls).hasValue(2);
            assertThat(store.keysWritten()).extracting(store::ttlOf)
                    .containsExactlyInAnyOrder(Duration.ofSeconds(4), Duration.ofSeconds(40));
            assertThatThrownBy(() -> Memoizer.using(cache).of("p", (LoadOptions) null, ValueType.of(String.class),
                    () -> "x")).isInstanceOf(InvalidInputException.class).hasMessageContaining("options");
        }
    }

    public interface BadRefresh {
        @Cached(ttlSeconds = 10, refreshAheadSeconds = 10)
        String value();
    }

    public interface BadNegative {
        @Cached(negativeTtlSeconds = -2)
        String value();
    }

    public interface BadJitter {
        @Cached(ttlJitter = 0.75)
        String value();
    }

    @Test
    void attributesOutOfRangeAreRefusedNamingTheMethodAndAttribute() {
        try (ChatCacheService cache = ChatCacheService.builder().build()) {
            Memoizer memo = Memoizer.using(cache);
            assertThatThrownBy(() -> memo.proxy(BadRefresh.class, () -> "x"))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("refreshAheadSeconds").hasMessageContaining("BadRefresh.value");
            assertThatThrownBy(() -> memo.proxy(BadNegative.class, () -> "x"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("negativeTtlSeconds");
            assertThatThrownBy(() -> memo.proxy(BadJitter.class, () -> "x"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttlJitter");
        }
    }
}

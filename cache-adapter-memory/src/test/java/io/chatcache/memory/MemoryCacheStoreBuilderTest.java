package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class MemoryCacheStoreBuilderTest {

    private static void assertRefused(Consumer<MemoryCacheStore.Builder> option, String name) {
        MemoryCacheStore.Builder builder = MemoryCacheStore.builder();
        assertThatThrownBy(() -> option.accept(builder))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.argument()).isEqualTo(name))
                .hasMessageStartingWith(name + " ");
        // A refused value leaves the option unset: a valid one may still be given.
        try (MemoryCacheStore store = builder.cleanupInterval(Duration.ZERO).build()) {
            assertThat(store.stats().entryCount()).isZero();
        }
    }

    @Test
    void maximumSizeBelowOneIsRefused() {
        assertRefused(b -> b.maximumSize(0), "maximumSize");
        assertRefused(b -> b.maximumSize(-1), "maximumSize");
    }

    @Test
    void maximumWeightBelowOneIsRefused() {
        assertRefused(b -> b.maximumWeightBytes(0), "maximumWeightBytes");
    }

    @Test
    void nullZeroOrNegativeDefaultTtlIsRefused() {
        assertRefused(b -> b.defaultTtl(null), "defaultTtl");
        assertRefused(b -> b.defaultTtl(Duration.ZERO), "defaultTtl");
        assertRefused(b -> b.defaultTtl(Duration.ofMillis(-1)), "defaultTtl");
    }

    @Test
    void nullOrNegativeCleanupIntervalIsRefused() {
        assertRefused(b -> b.cleanupInterval(null), "cleanupInterval");
        assertRefused(b -> b.cleanupInterval(Duration.ofSeconds(-1)), "cleanupInterval");
    }

    @Test
    void nullTickerOrWeigherIsRefused() {
        assertRefused(b -> b.ticker(null), "ticker");
        assertRefused(b -> b.weigher(null), "weigher");
    }

    @Test
    void settingAnOptionTwiceNamesTheEarlierValue() {
        assertThatThrownBy(() -> MemoryCacheStore.builder().maximumSize(10).maximumSize(20))
                .isInstanceOf(IllegalStateException.class).hasMessage("maximumSize was already set to 10");
        assertThatThrownBy(() -> MemoryCacheStore.builder().maximumWeightBytes(10).maximumWeightBytes(20))
                .isInstanceOf(IllegalStateException.class).hasMessage("maximumWeightBytes was already set to 10");
        assertThatThrownBy(() -> MemoryCacheStore.builder().defaultTtl(Duration.ofMinutes(1)).defaultTtl(Duration.ofMinutes(2)))
                .isInstanceOf(IllegalStateException.class).hasMessage("defaultTtl was already set to PT1M");
        assertThatThrownBy(() -> MemoryCacheStore.builder().cleanupInterval(Duration.ZERO).cleanupInterval(Duration.ZERO))
                .isInstanceOf(IllegalStateException.class).hasMessage("cleanupInterval was already set to PT0S");
        ManualTicker ticker = new ManualTicker();
        assertThatThrownBy(() -> MemoryCacheStore.builder().ticker(ticker).ticker(ticker))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("ticker was already set to ManualTicker");
        assertThatThrownBy(() -> MemoryCacheStore.builder().weigher((k, v) -> 1).weigher((k, v) -> 2))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("weigher was already set to");
    }

    @Test
    void buildLeavesTheBuilderReusableForIndependentStores() {
        MemoryCacheStore.Builder builder = MemoryCacheStore.builder().maximumSize(1).cleanupInterval(Duration.ZERO);
        try (MemoryCacheStore first = builder.build(); MemoryCacheStore second = builder.build()) {
            first.put("a", 1);
            first.put("b", 2);
            second.put("c", 3);

            assertThat(first.get("a", Integer.class)).isEmpty();
            assertThat(first.get("b", Integer.class)).contains(2);
            assertThat(second.get("c", Integer.class)).contains(3);
            assertThat(second.get("b", Integer.class)).isEmpty();
        }
    }

    @Test
    void defaultsAreAThousandEntriesAndAnHour() {
        ManualTicker ticker = new ManualTicker();
        try (MemoryCacheStore store = MemoryCacheStore.builder().ticker(ticker).cleanupInterval(Duration.ZERO).build()) {
            for (int i = 0; i < 1001; i++) {
                store.put("k" + i, i);
            }
            assertThat(store.stats().entryCount()).isEqualTo(MemoryCacheStore.DEFAULT_MAXIMUM_SIZE);
            assertThat(store.getEntry("k1000", io.chatcache.core.ValueType.of(Integer.class)))
                    .hasValueSatisfying(entry -> assertThat(entry.remainingTtl()).isEqualTo(Duration.ofHours(1)));
            assertThat(store.toString()).contains("maximumSize=1000", "defaultTtl=PT1H");
        }
        try (MemoryCacheStore created = MemoryCacheStore.create()) {
            assertThat(created.isCleanupScheduled()).isTrue();
            created.put("k", "v", CacheStore.NO_EXPIRY);
            assertThat(created.get("k", String.class)).contains("v");
        }
    }
}

package io.chatcache.testkit;

import static io.chatcache.testkit.ContractData.LONG_TTL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.chatcache.core.ValueType;
import io.chatcache.testkit.CacheStoreContract.Sample;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Loading through the store: {@code getOrLoad}.
 *
 * <p>Demands: an absent key is loaded once and stored with the TTL given, a present one is served
 * without calling the loader; a {@code null} from the loader is returned and not stored; an exception
 * from the loader reaches the caller as thrown and nothing is stored; generic values survive. (That
 * concurrent callers of one key share one load is not demanded here: a store may promise it, as the
 * memory store does, and test it itself.)
 *
 * <p>Hooks consulted: none.
 */
public interface LoadingContract extends ContractGroup {

    /**
     * {@code getOrLoad} loads an absent key once, stores it, and serves the stored value after.
     */
    @Test
    default void loadsOnceThenServesTheCachedValue() {
        AtomicInteger loads = new AtomicInteger();

        String first = store().getOrLoad("key", ValueType.of(String.class),
                () -> "value" + loads.incrementAndGet(), LONG_TTL);
        String second = store().getOrLoad("key", ValueType.of(String.class),
                () -> "value" + loads.incrementAndGet(), LONG_TTL);

        assertThat(first).isEqualTo("value1");
        assertThat(second).isEqualTo("value1");
        assertThat(loads).hasValue(1);
        assertThat(store().get("key", String.class)).contains("value1");
    }

    /**
     * {@code getOrLoad} of a cached key returns it without calling the loader.
     */
    @Test
    default void cachedValueIsServedWithoutCallingTheLoader() {
        store().put("key", "cached", LONG_TTL);

        String value = store().getOrLoad("key", ValueType.of(String.class),
                () -> fail("the loader must not run for a cached key"), LONG_TTL);

        assertThat(value).isEqualTo("cached");
    }

    /**
     * A {@code null} from the loader is returned and nothing is stored.
     */
    @Test
    default void nullFromTheLoaderIsReturnedAndNotCached() {
        AtomicInteger loads = new AtomicInteger();

        String first = store().getOrLoad("key", ValueType.of(String.class), () -> {
            loads.incrementAndGet();
            return null;
        }, LONG_TTL);

        assertThat(first).isNull();
        assertThat(store().get("key", String.class)).isEmpty();
        assertThat(store().getOrLoad("key", ValueType.of(String.class), () -> "loaded" + loads.incrementAndGet(),
                LONG_TTL)).isEqualTo("loaded2");
    }

    /**
     * An exception from the loader reaches the caller as it was thrown, and nothing is stored.
     */
    @Test
    default void exceptionFromTheLoaderReachesTheCallerAndIsNotCached() {
        IllegalStateException failure = new IllegalStateException("loader failed");

        assertThatThrownBy(() -> store().getOrLoad("key", ValueType.of(String.class), () -> {
            throw failure;
        }, LONG_TTL)).isSameAs(failure);

        assertThat(store().get("key", String.class)).isEmpty();
        assertThat(store().getOrLoad("key", ValueType.of(String.class), () -> "loaded", LONG_TTL))
                .isEqualTo("loaded");
    }

    /**
     * A loaded generic value (a list of records) is stored and read back as that type.
     */
    @Test
    default void genericValuesAreComputedAndRebuilt() {
        List<Sample> samples = List.of(new Sample("a", 1, Instant.parse("2026-01-02T03:04:05Z")));

        store().getOrLoad("key", ValueType.listOf(Sample.class), () -> samples, LONG_TTL);

        assertThat(store().get("key", ValueType.listOf(Sample.class))).contains(samples);
    }
}

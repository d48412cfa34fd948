package io.chatcache.testkit;

import static io.chatcache.core.CacheStore.NO_EXPIRY;
import static io.chatcache.testkit.ContractData.LONG_TTL;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheStats;
import io.chatcache.core.ValueType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code stats()}: hits, misses, hit rate and entry count.
 *
 * <p>Demands: a cleared store has counted nothing; each key read ({@code get} or within {@code getAll})
 * counts one hit or one miss, a read of an expired entry a miss; the hit rate is in percent; the entry
 * count follows puts of new keys, deletes and {@code clear}. (Errors, for values of the wrong type:
 * {@link ReadWriteContract}.)
 *
 * <p>Hooks consulted: {@link CacheStoreFixture#shortTtl()}, {@link CacheStoreFixture#expiryTimeout()}
 * and {@link CacheStoreFixture#advanceTime(java.time.Duration)}.
 */
public interface StatisticsContract extends ContractGroup {

    /**
     * A fresh (cleared) store reports no hits, misses or entries, and a hit rate of 0.
     */
    @Test
    default void freshStoreHasCountedNothing() {
        CacheStats stats = store().stats();

        assertThat(stats.hits()).isZero();
        assertThat(stats.misses()).isZero();
        assertThat(stats.hitRate()).isZero();
        assertThat(stats.entryCount()).isZero();
    }

    /**
     * Each read counts one hit or one miss, and the hit rate is in percent.
     */
    @Test
    default void hitsAndMissesAreCounted() {
        store().put("key", "value", LONG_TTL);

        store().get("key", String.class);
        store().get("key", String.class);
        store().get("key", String.class);
        store().get("absent", String.class);

        CacheStats stats = store().stats();
        assertThat(stats.hits()).isEqualTo(3);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.hitRate()).isEqualTo(75.0);
    }

    /**
     * A read of an expired entry counts as a miss.
     */
    @Test
    default void readOfAnExpiredEntryCountsAsAMiss() {
        store().put("key", "value", fixture().shortTtl());
        fixture().letShortTtlElapse();
        fixture().awaitExpiry().untilAsserted(() -> assertThat(store().get("key", String.class)).isEmpty());
        CacheStats before = store().stats();

        store().get("key", String.class);

        assertThat(store().stats().misses()).isEqualTo(before.misses() + 1);
        assertThat(store().stats().hits()).isEqualTo(before.hits());
    }

    /**
     * {@code getAll} counts a hit or a miss for each key.
     */
    @Test
    default void getAllCountsEachKey() {
        store().put("a", "1", LONG_TTL);
        store().put("b", "2", LONG_TTL);

        store().getAll(List.of("a", "b", "c"), ValueType.of(String.class));

        assertThat(store().stats().hits()).isEqualTo(2);
        assertThat(store().stats().misses()).isEqualTo(1);
    }

    /**
     * The entry count follows puts (not overwrites), deletes and {@code clear}.
     */
    @Test
    default void entryCountFollowsPutsDeletesAndClear() {
        store().put("a", "1", LONG_TTL);
        store().put("b", "2", LONG_TTL);
        store().put("c", "3", NO_EXPIRY);
        assertThat(store().stats().entryCount()).isEqualTo(3);

        store().put("a", "replaced", LONG_TTL);
        assertThat(store().stats().entryCount()).isEqualTo(3);

        store().delete("b");
        assertThat(store().stats().entryCount()).isEqualTo(2);

        store().clear();
        assertThat(store().stats().entryCount()).isZero();
    }
}

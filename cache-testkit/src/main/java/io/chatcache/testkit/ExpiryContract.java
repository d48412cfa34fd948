package io.chatcache.testkit;

import static io.chatcache.core.CacheStore.NO_EXPIRY;
import static io.chatcache.testkit.ContractData.LONG_TTL;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStore;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Time to live: entries expire when their TTL has elapsed, and not before.
 *
 * <p>Demands: an entry reads as absent once its TTL has passed, for every read and for {@code delete}
 * and {@code deleteMatching} (which do not count it); a longer TTL, or
 * {@link io.chatcache.core.CacheStore#NO_EXPIRY}, outlives a shorter one; an overwrite replaces the TTL;
 * {@code putAll} and {@code getOrLoad} apply the TTL given; {@code getEntry} reports the remaining
 * TTL, which shrinks as time passes.
 *
 * <p>Hooks consulted: {@link CacheStoreFixture#shortTtl()}, {@link CacheStoreFixture#expiryTimeout()},
 * {@link CacheStoreFixture#advanceTime(java.time.Duration)} and
 * {@link CacheStoreFixture#reportsRemainingTtl()}.
 */
public interface ExpiryContract extends ContractGroup {

    /**
     * An entry reads as present right after its put (unless a slow machine let its TTL pass already) and
     * as absent once its TTL has elapsed.
     */
    @Test
    default void entryReadsAsAbsentOnceItsTtlElapses() {
        long writtenAt = System.nanoTime();
        store().put("short", "value", fixture().shortTtl());
        fixture().assertPresentUnlessShortTtlElapsed("short", "value", writtenAt);

        fixture().letShortTtlElapse();

        fixture().awaitExpiry().untilAsserted(() -> assertThat(store().get("short", String.class)).isEmpty());
        assertThat(store().getEntry("short", ValueType.of(String.class))).isEmpty();
    }

    /**
     * Entries with a longer TTL or none outlive one with a short TTL.
     */
    @Test
    default void entryWithLongerTtlOutlivesShorterOne() {
        store().put("short", "value", fixture().shortTtl());
        store().put("long", "value", LONG_TTL);
        store().put("forever", "value", NO_EXPIRY);

        fixture().letShortTtlElapse();

        fixture().awaitExpiry().untilAsserted(() -> assertThat(store().get("short", String.class)).isEmpty());
        assertThat(store().get("long", String.class)).contains("value");
        assertThat(store().get("forever", String.class)).contains("value");
    }

    /**
     * Overwriting a key replaces its TTL with the new, longer one.
     */
    @Test
    default void overwriteWithLongerTtlReplacesTheShortTtl() {
        store().put("key", "first", fixture().shortTtl());
        store().put("key", "second", LONG_TTL);
        store().put("probe", "value", fixture().shortTtl());

        fixture().letShortTtlElapse();

        fixture().awaitExpiry().untilAsserted(() -> assertThat(store().get("probe", String.class)).isEmpty());
        assertThat(store().get("key", String.class)).contains("second");
    }

    /**
     * Overwriting a key that never expired with a short TTL makes it expire.
     */
    @Test
    default void overwriteWithShortTtlReplacesNoExpiry() {
        store().put("key", "first", NO_EXPIRY);
        store().put("key", "second", fixture().shortTtl());

        fixture().letShortTtlElapse();

        fixture().awaitExpiry().untilAsserted(() -> assertThat(store().get("key", String.class)).isEmpty());
    }

    /**
     * {@code getEntry} reports a remaining TTL no longer than the TTL given (or, if the store does not
     * report remaining TTLs, {@link io.chatcache.core.CacheStore#NO_EXPIRY}).
     */
    @Test
    default void getEntryReportsARemainingTtlNoLongerThanTheTtlGiven() {
        store().put("key", "value", LONG_TTL);

        Duration remaining = store().getEntry("key", ValueType.of(String.class)).orElseThrow().remainingTtl();

        if (fixture().reportsRemainingTtl()) {
            assertThat(remaining).isPositive().isLessThanOrEqualTo(LONG_TTL)
                    .isGreaterThan(LONG_TTL.minusMinutes(1));
        } else {
            assertThat(remaining).satisfiesAnyOf(
                    ttl -> assertThat(ttl).isEqualTo(NO_EXPIRY),
                    ttl -> assertThat(ttl).isPositive().isLessThanOrEqualTo(LONG_TTL));
        }
    }

    /**
     * The remaining TTL shrinks as time passes.
     */
    @Test
    default void remainingTtlShrinksAsTimePasses() {
        store().put("key", "value", LONG_TTL);
        store().put("probe", "value", fixture().shortTtl());

        fixture().letShortTtlElapse();
        fixture().awaitExpiry().untilAsserted(() -> assertThat(store().get("probe", String.class)).isEmpty());

        Duration remaining = store().getEntry("key", ValueType.of(String.class)).orElseThrow().remainingTtl();
        if (fixture().reportsRemainingTtl()) {
            assertThat(remaining).isPositive().isLessThanOrEqualTo(LONG_TTL.minus(fixture().shortTtl()));
        } else {
            assertThat(remaining).satisfiesAnyOf(
                    ttl -> assertThat(ttl).isEqualTo(NO_EXPIRY),
                    ttl -> assertThat(ttl).isPositive().isLessThanOrEqualTo(LONG_TTL.minus(fixture().shortTtl())));
        }
    }

    /**
     * An entry put with {@link io.chatcache.core.CacheStore#NO_EXPIRY} reports it, and never expires.
     */
    @Test
    default void getEntryReportsNoExpiryForAnEntryThatNeverExpires() {
        store().put("key", "value", NO_EXPIRY);

        CacheEntry<String> entry = store().getEntry("key", ValueType.of(String.class)).orElseThrow();

        assertThat(entry.remainingTtl()).isEqualTo(NO_EXPIRY);
        assertThat(entry.neverExpires()).isTrue();
    }

    /**
     * {@code putAll} gives every entry its TTL.
     */
    @Test
    default void putAllAppliesItsTtlToEveryEntry() {
        store().putAll(Map.of("a", "1", "b", "2"), fixture().shortTtl());

        fixture().letShortTtlElapse();

        fixture().awaitExpiry().untilAsserted(() -> {
            assertThat(store().get("a", String.class)).isEmpty();
            assertThat(store().get("b", String.class)).isEmpty();
        });
        assertThat(store().getAll(List.of("a", "b"), ValueType.of(String.class))).isEmpty();
    }

    /**
     * A value stored by {@code getOrLoad} expires after the TTL given.
     */
    @Test
    default void computedEntryExpiresAfterItsTtl() {
        assertThat(store().getOrLoad("key", ValueType.of(String.class), () -> "value", fixture().shortTtl()))
                .isEqualTo("value");

        fixture().letShortTtlElapse();

        fixture().awaitExpiry().untilAsserted(() -> assertThat(store().get("key", String.class)).isEmpty());
    }

    /**
     * {@code delete} of an expired entry returns false: it was already gone.
     */
    @Test
    default void deleteOfExpiredEntryReturnsFalse() {
        store().put("key", "value", fixture().shortTtl());
        fixture().letShortTtlElapse();
        fixture().awaitExpiry().untilAsserted(() -> assertThat(store().get("key", String.class)).isEmpty());

        assertThat(store().delete("key")).isFalse();
    }

    /**
     * {@code deleteMatching} counts only the unexpired entries it removed.
     */
    @Test
    default void deleteMatchingCountsOnlyUnexpiredEntries() {
        store().put("x:short", "value", fixture().shortTtl());
        store().put("x:long", "value", LONG_TTL);
        store().put("probe", "value", fixture().shortTtl());

        fixture().letShortTtlElapse();
        fixture().awaitExpiry().untilAsserted(() -> assertThat(store().get("probe", String.class)).isEmpty());

        assertThat(store().deleteMatching(KeyPattern.glob("x:*"))).isEqualTo(1);
        assertThat(store().get("x:long", String.class)).isEmpty();
    }
}

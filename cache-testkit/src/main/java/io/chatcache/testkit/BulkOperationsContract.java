package io.chatcache.testkit;

import static io.chatcache.core.CacheStore.NO_EXPIRY;
import static io.chatcache.testkit.ContractData.EXISTING;
import static io.chatcache.testkit.ContractData.LONG_TTL;
import static io.chatcache.testkit.ContractData.ORIGINAL;
import static io.chatcache.testkit.ContractData.OTHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStats;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.CacheStoreContract.Sample;
import io.chatcache.testkit.ContractData.BadEntry;
import io.chatcache.testkit.ContractData.Placement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code getAll}, {@code getEntries} and {@code putAll}: several keys in one call, all or nothing as far as
 * input goes.
 *
 * <p>Demands: {@code getAll} returns the keys present (rebuilt as the type given) and omits absent
 * ones; {@code getEntries} does the same with each entry's remaining TTL, as {@code getEntry} tells it, each
 * key once in the order asked; {@code putAll} stores every entry; empty collections are fine; a {@code putAll} with one bad
 * entry or TTL anywhere in the map, including a value too large for the store, is refused naming the
 * argument and writes nothing (a store that writes as it checks fails this); a refused {@code getAll} or
 * {@code getEntries} counts no hit or miss.
 *
 * <p>Hooks consulted: {@link CacheStoreFixture#valueTooLargeToStore()} and
 * {@link CacheStoreFixture#reportsRemainingTtl()}.
 */
public interface BulkOperationsContract extends ContractGroup {

    /**
     * {@code getAll} returns the keys present and omits absent ones.
     */
    @Test
    default void getAllReturnsPresentKeysAndOmitsAbsentOnes() {
        store().put("a", "1", LONG_TTL);
        store().put("c", "3", LONG_TTL);

        Map<String, String> found = store().getAll(List.of("a", "b", "c"), ValueType.of(String.class));

        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "c", "3"));
    }

    /**
     * {@code getAll} of no keys returns an empty map.
     */
    @Test
    default void getAllOfNoKeysIsEmpty() {
        assertThat(store().getAll(List.of(), ValueType.of(String.class))).isEmpty();
    }

    /**
     * {@code getAll} rebuilds generic values (a list of records) as the type given.
     */
    @Test
    default void getAllRebuildsGenericValues() {
        store().put("a", List.of(new Sample("x", 1, null)), LONG_TTL);

        assertThat(store().getAll(List.of("a"), ValueType.listOf(Sample.class)))
                .containsExactlyEntriesOf(Map.of("a", List.of(new Sample("x", 1, null))));
    }

    /**
     * {@code getEntries} returns the keys present with their remaining TTLs, each key once in the order
     * asked, and omits absent ones.
     */
    @Test
    default void getEntriesReturnsPresentKeysWithTheirRemainingTtls() {
        store().put("a", "1", LONG_TTL);
        store().put("c", "3", NO_EXPIRY);

        Map<String, CacheEntry<String>> found =
                store().getEntries(List.of("c", "b", "a", "c"), ValueType.of(String.class));

        assertThat(found).containsOnlyKeys("c", "a");
        assertThat(found.keySet()).as("the order asked, each key once").containsExactly("c", "a");
        assertThat(found.get("a").value()).isEqualTo("1");
        assertThat(found.get("c").value()).isEqualTo("3");
        assertThat(found.get("c").remainingTtl()).isEqualTo(NO_EXPIRY);
        Duration remaining = found.get("a").remainingTtl();
        if (fixture().reportsRemainingTtl()) {
            assertThat(remaining).isPositive().isLessThanOrEqualTo(LONG_TTL).isGreaterThan(LONG_TTL.minusMinutes(1));
        } else {
            assertThat(remaining).satisfiesAnyOf(
                    ttl -> assertThat(ttl).isEqualTo(NO_EXPIRY),
                    ttl -> assertThat(ttl).isPositive().isLessThanOrEqualTo(LONG_TTL));
        }
    }

    /**
     * {@code getEntries} of no keys returns an empty map; of absent keys only, too.
     */
    @Test
    default void getEntriesOfNoOrAbsentKeysIsEmpty() {
        assertThat(store().getEntries(List.of(), ValueType.of(String.class))).isEmpty();
        assertThat(store().getEntries(List.of("x", "y"), ValueType.of(String.class))).isEmpty();
    }

    /**
     * {@code getEntries} rebuilds generic values (a list of records) as the type given.
     */
    @Test
    default void getEntriesRebuildsGenericValues() {
        store().put("a", List.of(new Sample("x", 1, null)), LONG_TTL);

        assertThat(store().getEntries(List.of("a"), ValueType.listOf(Sample.class)).get("a").value())
                .isEqualTo(List.of(new Sample("x", 1, null)));
    }

    /**
     * {@code putAll} stores every entry, replacing earlier values.
     */
    @Test
    default void putAllStoresEveryEntry() {
        store().put("a", "old", LONG_TTL);

        store().putAll(Map.of("a", "1", "b", "2", "c", "3"), LONG_TTL);

        assertThat(store().get("a", String.class)).contains("1");
        assertThat(store().get("b", String.class)).contains("2");
        assertThat(store().get("c", String.class)).contains("3");
    }

    /**
     * {@code putAll} of an empty map changes nothing.
     */
    @Test
    default void putAllOfNoEntriesChangesNothing() {
        store().put("a", "1", LONG_TTL);

        store().putAll(Map.of(), LONG_TTL);

        assertThat(store().get("a", String.class)).contains("1");
    }

    /**
     * A {@code putAll} with one bad entry or TTL (first, in the middle or last) is refused naming the
     * argument, and writes nothing: the store is as it was, value, TTL and entry count. With
     * {@link CacheStoreFixture#valueTooLargeToStore()} this includes a value too large for the store.
     *
     * @param bad the bad entry or TTL
     * @param placement where the bad entry sits among valid ones
     */
    @ParameterizedTest(name = "{0} with the bad entry {1}")
    @MethodSource("io.chatcache.testkit.ContractData#badBulkWrites")
    default void aRefusedPutAllLeavesTheStoreAsItWas(BadEntry bad, Placement placement) {
        store().put(EXISTING, ORIGINAL, NO_EXPIRY);
        Optional<Object> tooLarge = fixture().valueTooLargeToStore();
        if (bad == BadEntry.VALUE_TOO_LARGE && tooLarge.isEmpty()) {
            // The store() has no size limit: such a value is no bad input for it, and it is stored.
            store().putAll(Map.of(OTHER, "large enough"), LONG_TTL);
            assertThat(store().get(OTHER, String.class)).contains("large enough");
            return;
        }
        // Valid entries that replace a key and add keys, and the bad one first, in the middle or last:
        // a store() that writes as it checks leaves the entries before the bad one written.
        Map<String, Object> entries = new LinkedHashMap<>();
        if (placement == Placement.FIRST) {
            bad.addTo(entries, tooLarge);
        }
        entries.put(EXISTING, "replacement");
        entries.put(OTHER, "replacement");
        if (placement == Placement.MIDDLE) {
            bad.addTo(entries, tooLarge);
        }
        entries.put(OTHER + "-2", "replacement");
        if (placement == Placement.LAST) {
            bad.addTo(entries, tooLarge);
        }
        Duration ttl = bad.ttl();
        long entriesBefore = store().stats().entryCount();

        assertRefusedNaming(() -> store().putAll(entries, ttl), bad.argument);

        assertThat(store().get(EXISTING, String.class)).as("the value stored before the refused putAll")
                .contains(ORIGINAL);
        if (fixture().reportsRemainingTtl()) {
            assertThat(store().getEntry(EXISTING, ValueType.of(String.class)).orElseThrow().remainingTtl())
                    .as("the TTL stored before the refused putAll").isEqualTo(NO_EXPIRY);
        }
        assertThat(store().getAll(List.of(OTHER, OTHER + "-2", BadEntry.HEAVY_KEY), ValueType.of(Object.class)))
                .as("keys the refused putAll tried to add").isEmpty();
        assertThat(store().stats().entryCount()).as("entries after the refused putAll").isEqualTo(entriesBefore);
    }

    /**
     * A {@code getAll} with a bad key anywhere is refused naming it, and counts no hit or miss.
     *
     * @param keys the keys asked for
     * @param argument the argument the refusal must name
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.chatcache.testkit.ContractData#badBulkReads")
    default void aRefusedGetAllReadsAndCountsNothing(List<String> keys, String argument) {
        store().put(EXISTING, ORIGINAL, NO_EXPIRY);
        CacheStats before = store().stats();

        assertRefusedNaming(() -> store().getAll(keys, ValueType.of(String.class)), argument);

        assertNothingCountedOrChanged(before, "getAll");
    }

    /**
     * A {@code getEntries} with a bad key anywhere, or no type, is refused naming it, and counts no hit or
     * miss.
     *
     * @param keys the keys asked for
     * @param argument the argument the refusal must name
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.chatcache.testkit.ContractData#badEntriesReads")
    default void aRefusedGetEntriesReadsAndCountsNothing(List<String> keys, String argument) {
        store().put(EXISTING, ORIGINAL, NO_EXPIRY);
        CacheStats before = store().stats();

        assertRefusedNaming(() -> store().getEntries(keys, ValueType.of(String.class)), argument);
        assertRefusedNaming(() -> store().getEntries(List.of(EXISTING), null), "type");

        assertNothingCountedOrChanged(before, "getEntries");
    }

    /** {@code call} is refused with an {@link InvalidInputException} naming {@code argument}. */
    private static void assertRefusedNaming(ThrowingCallable call, String argument) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class,
                refused -> assertThat(refused.argument()).isEqualTo(argument));
    }

    /** Since {@code before}, the refused {@code operation} counted no hit or miss and left the existing entry. */
    private void assertNothingCountedOrChanged(CacheStats before, String operation) {
        CacheStats after = store().stats();
        assertThat(after.hits()).as("hits counted by the refused %s", operation).isEqualTo(before.hits());
        assertThat(after.misses()).as("misses counted by the refused %s", operation).isEqualTo(before.misses());
        assertThat(store().get(EXISTING, String.class)).contains(ORIGINAL);
    }
}

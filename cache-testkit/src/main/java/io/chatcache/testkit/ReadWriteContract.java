package io.chatcache.testkit;

import static io.chatcache.core.CacheStore.NO_EXPIRY;
import static io.chatcache.testkit.ContractData.LONG_TTL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.CacheStoreContract.Sample;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads and writes of single keys: what {@code get}, {@code getEntry}, {@code put} and {@code delete}
 * promise, and {@code close}.
 *
 * <p>Demands: every value the suite uses (strings of any characters and up to 100,000 of them,
 * numbers, booleans, lists, maps, and the records {@link CacheStoreContract.Sample} and
 * {@link CacheStoreContract.Conversation}) is read back equal as the {@link io.chatcache.core.ValueType}
 * it was written as; keys are exact strings of up to {@link io.chatcache.core.CacheInputs#MAX_KEY_LENGTH}
 * characters, never patterns; a put replaces; {@code delete} tells whether it removed something; a
 * value that cannot be read as the requested type is a miss counted as an error, never an exception;
 * {@code close} may be called twice.
 *
 * <p>Hooks consulted: none.
 */
public interface ReadWriteContract extends ContractGroup {

    /**
     * A value put is read back equal, by {@code get} with its {@link ValueType}, for every kind of value the
     * suite uses.
     *
     * @param value the value put
     * @param type the type it is read as
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.chatcache.testkit.ContractData#values")
    default void getReturnsTheValuePut(Object value, ValueType<?> type) {
        store().put("value", value, LONG_TTL);

        Optional<Object> read = store().get("value", type).map(Object.class::cast);

        assertThat(read).contains(value);
    }

    /**
     * A value put is read back equal by {@code getEntry} too.
     *
     * @param value the value put
     * @param type the type it is read as
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.chatcache.testkit.ContractData#values")
    default void getEntryReturnsTheValuePut(Object value, ValueType<?> type) {
        store().put("value", value, LONG_TTL);

        Optional<Object> read = store().getEntry("value", type).map(CacheEntry::value);

        assertThat(read).contains(value);
    }

    /**
     * A key never written reads as empty, by {@code get} and {@code getEntry}.
     */
    @Test
    default void getOfAbsentKeyIsEmpty() {
        assertThat(store().get("absent", String.class)).isEmpty();
        assertThat(store().getEntry("absent", ValueType.of(String.class))).isEmpty();
    }

    /**
     * {@code get(key, Class)} reads as {@code get(key, ValueType.of(Class))}, primitive classes included.
     */
    @Test
    default void getWithClassIsGetWithValueTypeOfThatClass() {
        store().put("count", 7, LONG_TTL);

        assertThat(store().get("count", Integer.class)).contains(7);
        assertThat(store().get("count", int.class)).contains(7);
    }

    /**
     * A second put of a key replaces the first value.
     */
    @Test
    default void putReplacesTheEarlierValue() {
        store().put("key", "first", LONG_TTL);
        store().put("key", "second", LONG_TTL);

        assertThat(store().get("key", String.class)).contains("second");
    }

    /**
     * {@code put} without a TTL stores the value with the store's default TTL (positive, or
     * {@link io.chatcache.core.CacheStore#NO_EXPIRY}).
     */
    @Test
    default void putWithDefaultTtlStoresAnExpiringOrLastingEntry() {
        store().put("key", "value");

        assertThat(store().get("key", String.class)).contains("value");
        assertThat(store().getEntry("key", ValueType.of(String.class)))
                .hasValueSatisfying(entry -> assertThat(entry.remainingTtl()).isPositive());
    }

    /**
     * Keys are compared exactly: glob characters in a key are plain characters.
     */
    @Test
    default void keysAreExactNotPatterns() {
        store().put("a*b", "star", LONG_TTL);
        store().put("a?b", "question", LONG_TTL);

        assertThat(store().get("a*b", String.class)).contains("star");
        assertThat(store().get("a?b", String.class)).contains("question");
        assertThat(store().get("aXb", String.class)).isEmpty();
        assertThat(store().get("a[*]b", String.class)).isEmpty();
    }

    /**
     * Keys that differ in case, spaces, accents, scripts, emoji, braces, backslashes or control characters
     * are distinct keys.
     */
    @Test
    default void keysOfAnyCharactersAreDistinct() {
        List<String> keys = List.of("k", "K", "k ", " k", "k\u00e9", "ke\u0301", "\u043a\u043b\u044e\u0447",
                "\ud83d\udc4b", "\ud83d\udc4c", "session:{42}:messages:50", "a\\b", "a\\\\b", "tab\tnewline\n");
        for (int i = 0; i < keys.size(); i++) {
            store().put(keys.get(i), i, LONG_TTL);
        }
        for (int i = 0; i < keys.size(); i++) {
            assertThat(store().get(keys.get(i), Integer.class)).as("key %s", keys.get(i)).contains(i);
        }
    }

    /**
     * A key of {@link io.chatcache.core.CacheInputs#MAX_KEY_LENGTH} characters is stored, read and deleted.
     */
    @Test
    default void keyOfMaximumLengthIsAccepted() {
        String longest = "k".repeat(CacheInputs.MAX_KEY_LENGTH);

        store().put(longest, "value", LONG_TTL);

        assertThat(store().get(longest, String.class)).contains("value");
        assertThat(store().delete(longest)).isTrue();
    }

    /**
     * {@code delete} of a stored key removes it and returns true.
     */
    @Test
    default void deleteRemovesTheEntryAndReturnsTrue() {
        store().put("key", "value", LONG_TTL);

        assertThat(store().delete("key")).isTrue();
        assertThat(store().get("key", String.class)).isEmpty();
    }

    /**
     * {@code delete} of an absent key returns false.
     */
    @Test
    default void deleteOfAbsentKeyReturnsFalse() {
        assertThat(store().delete("absent")).isFalse();
    }

    /**
     * {@code delete} removes only its key.
     */
    @Test
    default void deleteLeavesOtherKeys() {
        store().put("key", "value", LONG_TTL);
        store().put("key2", "value2", LONG_TTL);

        store().delete("key");

        assertThat(store().get("key2", String.class)).contains("value2");
    }

    /**
     * A second {@code delete} of the same key returns false.
     */
    @Test
    default void secondDeleteReturnsFalse() {
        store().put("key", "value", LONG_TTL);

        assertThat(store().delete("key")).isTrue();
        assertThat(store().delete("key")).isFalse();
    }

    /**
     * A value that cannot be read as the requested type reads as a miss (never an exception) and counts
     * as a miss and an error in the statistics.
     */
    @Test
    default void valueNotReadableAsTheRequestedTypeReadsAsAMissAndCountsAnError() {
        store().put("text", "not a number", LONG_TTL);
        store().put("record", new Sample("x", 1, null), LONG_TTL);
        CacheStats before = store().stats();

        assertThat(store().get("text", Integer.class)).isEmpty();
        assertThat(store().get("record", Integer.class)).isEmpty();
        assertThat(store().get("record", ValueType.listOf(String.class))).isEmpty();

        CacheStats after = store().stats();
        assertThat(after.errors()).isEqualTo(before.errors() + 3);
        assertThat(after.misses()).isEqualTo(before.misses() + 3);
        assertThat(after.hits()).isEqualTo(before.hits());
    }

    /**
     * A value of the wrong type is a miss for {@code getEntry}, {@code getAll} and {@code getOrLoad} too
     * (which then loads and stores the new value).
     */
    @Test
    default void valueNotReadableAsTheRequestedTypeIsAMissForGetEntryAndGetAllToo() {
        store().put("text", "not a number", LONG_TTL);

        assertThat(store().getEntry("text", ValueType.of(Integer.class))).isEmpty();
        assertThat(store().getAll(List.of("text"), ValueType.of(Integer.class))).isEmpty();
        assertThat(store().getOrLoad("text", ValueType.of(Integer.class), () -> 5, LONG_TTL)).isEqualTo(5);
        assertThat(store().get("text", Integer.class)).contains(5);
    }

    /**
     * Closing a store twice does not throw.
     */
    @Test
    default void closeIsIdempotent() {
        store().put("key", "value", LONG_TTL);

        store().close();

        assertThatCode(store()::close).doesNotThrowAnyException();
    }
}

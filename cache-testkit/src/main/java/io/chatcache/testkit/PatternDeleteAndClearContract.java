package io.chatcache.testkit;

import static io.chatcache.core.CacheStore.NO_EXPIRY;
import static io.chatcache.testkit.ContractData.LONG_TTL;
import static io.chatcache.testkit.ContractData.PATTERN_KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.KeyPattern;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Deleting many keys: by {@link io.chatcache.core.KeyPattern} ({@code deleteMatching}) and all of them
 * ({@code clear}).
 *
 * <p>Demands: a glob removes exactly the keys Redis's {@code SCAN MATCH} would ({@code *}, {@code ?},
 * character classes, ranges, negation, backslash escapes) and returns how many; literal and prefix
 * patterns match only their key or prefix, whatever characters it holds; {@code clear} removes every
 * entry of the store (and only of the store: a store sharing a backend clears its own keys) and the
 * store takes writes after it.
 *
 * <p>Hooks consulted: none.
 */
public interface PatternDeleteAndClearContract extends ContractGroup {

    /**
     * {@code deleteMatching} with a glob removes exactly the keys Redis's {@code MATCH} would (with
     * {@code *}, {@code ?}, classes, ranges, negation and escapes), and returns how many.
     *
     * @param glob the glob
     * @param expected the keys it must delete
     */
    @ParameterizedTest(name = "{0} deletes {1}")
    @MethodSource("io.chatcache.testkit.ContractData#globs")
    default void deleteMatchingRemovesExactlyTheMatchingKeys(String glob, Set<String> expected) {
        for (String key : PATTERN_KEYS) {
            store().put(key, key, LONG_TTL);
        }

        long removed = store().deleteMatching(KeyPattern.glob(glob));

        assertThat(removed).isEqualTo(expected.size());
        for (String key : PATTERN_KEYS) {
            assertThat(store().get(key, String.class).isPresent())
                    .as("%s should %s after deleteMatching(%s)", key,
                            expected.contains(key) ? "be deleted" : "remain", glob)
                    .isEqualTo(!expected.contains(key));
        }
    }

    /**
     * A literal pattern deletes only its key, whatever glob characters the key holds.
     */
    @Test
    default void literalPatternDeletesOnlyThatKeyWhateverItsCharacters() {
        for (String key : PATTERN_KEYS) {
            store().put(key, key, LONG_TTL);
        }

        for (String key : List.of("a*b", "a?b", "a[b", "a]b", "a\\b", "a-b", "a^b")) {
            assertThat(store().deleteMatching(KeyPattern.literal(key))).as("literal %s", key).isEqualTo(1);
            assertThat(store().get(key, String.class)).isEmpty();
        }
        assertThat(store().get("aXb", String.class)).contains("aXb");
    }

    /**
     * A prefix pattern deletes only keys starting with the prefix.
     */
    @Test
    default void prefixPatternDeletesOnlyKeysStartingWithThePrefix() {
        store().put("session:1", "s", LONG_TTL);
        store().put("session:1:messages:50", "m", LONG_TTL);
        store().put("session:10", "other", LONG_TTL);
        store().put("x:session:1", "other", LONG_TTL);

        assertThat(store().deleteMatching(KeyPattern.prefix("session:1:"))).isEqualTo(1);
        assertThat(store().get("session:1", String.class)).contains("s");
        assertThat(store().get("session:10", String.class)).contains("other");
        assertThat(store().get("x:session:1", String.class)).contains("other");
    }

    /**
     * {@code deleteMatching} on an empty store returns 0.
     */
    @Test
    default void deleteMatchingOnAnEmptyStoreReturnsZero() {
        assertThat(store().deleteMatching(KeyPattern.glob("*"))).isZero();
    }

    /**
     * {@code clear} removes every entry, expiring or not, and the entry count drops to 0.
     */
    @Test
    default void clearRemovesEveryEntry() {
        store().put("a", "1", LONG_TTL);
        store().put("b", "2", NO_EXPIRY);

        store().clear();

        assertThat(store().get("a", String.class)).isEmpty();
        assertThat(store().get("b", String.class)).isEmpty();
        assertThat(store().stats().entryCount()).isZero();
    }

    /**
     * A store takes writes again after {@code clear}.
     */
    @Test
    default void storeAcceptsWritesAfterClear() {
        store().put("a", "1", LONG_TTL);
        store().clear();

        store().put("a", "2", LONG_TTL);

        assertThat(store().get("a", String.class)).contains("2");
    }
}

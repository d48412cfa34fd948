package io.chatcache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.Invalidation.Kind;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class InvalidationTest {

    private static void assertRefused(ThrowingCallable call, String argument) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class,
                refused -> assertThat(refused.argument()).isEqualTo(argument));
    }

    @Test
    void keyInvalidationCoversExactlyThatKey() {
        Invalidation invalidation = new Invalidation("node-a", 1, Kind.KEY, "user:1");

        assertThat(invalidation.covers("user:1")).isTrue();
        assertThat(invalidation.covers("user:10")).isFalse();
        assertThat(invalidation.covers("user:*")).isFalse();
    }

    @Test
    void keyInvalidationTreatsGlobCharactersLiterally() {
        Invalidation invalidation = new Invalidation("node-a", 1, Kind.KEY, "user:*");

        assertThat(invalidation.covers("user:*")).isTrue();
        assertThat(invalidation.covers("user:1")).isFalse();
    }

    @Test
    void patternInvalidationCoversTheMatchingKeys() {
        Invalidation invalidation = new Invalidation("node-a", 2, Kind.PATTERN, "session:[12]:*");

        assertThat(invalidation.covers("session:1:messages")).isTrue();
        assertThat(invalidation.covers("session:2:")).isTrue();
        assertThat(invalidation.covers("session:3:messages")).isFalse();
        assertThat(invalidation.covers("session:1")).isFalse();
    }

    @Test
    void clearCoversEveryKey() {
        Invalidation invalidation = new Invalidation("node-a", 3, Kind.CLEAR, "");

        assertThat(invalidation.covers("anything")).isTrue();
        assertThat(invalidation.covers("session:1:messages")).isTrue();
    }

    @Test
    void isFromComparesTheOrigin() {
        Invalidation invalidation = new Invalidation("node-a", 1, Kind.CLEAR, "");

        assertThat(invalidation.isFrom("node-a")).isTrue();
        assertThat(invalidation.isFrom("node-b")).isFalse();
    }

    @Test
    void originMustBeGiven() {
        assertRefused(() -> new Invalidation(null, 1, Kind.KEY, "k"), "origin");
        assertRefused(() -> new Invalidation("", 1, Kind.KEY, "k"), "origin");
    }

    @Test
    void sequenceStartsAtOne() {
        assertRefused(() -> new Invalidation("node-a", 0, Kind.KEY, "k"), "sequence");
        assertRefused(() -> new Invalidation("node-a", -1, Kind.KEY, "k"), "sequence");
        assertThat(new Invalidation("node-a", Long.MAX_VALUE, Kind.KEY, "k").sequence()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void kindAndTargetMustBeGiven() {
        assertRefused(() -> new Invalidation("node-a", 1, null, "k"), "kind");
        assertRefused(() -> new Invalidation("node-a", 1, Kind.KEY, null), "target");
    }

    @Test
    void keyTargetFollowsTheKeyRules() {
        assertRefused(() -> new Invalidation("node-a", 1, Kind.KEY, ""), "key");
        assertRefused(() -> new Invalidation("node-a", 1, Kind.KEY, "k".repeat(CacheInputs.MAX_KEY_LENGTH + 1)), "key");
    }

    @Test
    void patternTargetMustBeAWellFormedGlob() {
        assertRefused(() -> new Invalidation("node-a", 1, Kind.PATTERN, "session:[1"), "pattern");
        assertRefused(() -> new Invalidation("node-a", 1, Kind.PATTERN, "session\\"), "pattern");
        assertRefused(() -> new Invalidation("node-a", 1, Kind.PATTERN, ""), "pattern");
    }

    @Test
    void clearTargetMustBeEmpty() {
        assertRefused(() -> new Invalidation("node-a", 1, Kind.CLEAR, "*"), "target");
    }
}

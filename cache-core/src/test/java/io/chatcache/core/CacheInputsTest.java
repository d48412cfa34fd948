package io.chatcache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

class CacheInputsTest {

    private static void assertRefused(ThrowingCallable call, String argument, String ruleFragment) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class, refused -> {
            assertThat(refused.argument()).isEqualTo(argument);
            assertThat(refused.rule()).contains(ruleFragment);
            assertThat(refused.getMessage()).isEqualTo(argument + " " + refused.rule());
        });
    }

    @Test
    void keyMustNotBeNull() {
        assertRefused(() -> CacheInputs.requireKey(null), "key", "null");
    }

    @Test
    void keyMustNotBeEmpty() {
        assertRefused(() -> CacheInputs.requireKey(""), "key", "empty");
    }

    @Test
    void keyMustNotBeLongerThanTheMaximum() {
        String tooLong = "k".repeat(CacheInputs.MAX_KEY_LENGTH + 1);

        assertRefused(() -> CacheInputs.requireKey(tooLong), "key", "at most 1024");
        assertThatThrownBy(() -> CacheInputs.requireKey(tooLong)).hasMessageContaining("was 1025");
    }

    @Test
    void keyOfTheMaximumLengthIsAcceptedAndReturned() {
        String longest = "k".repeat(CacheInputs.MAX_KEY_LENGTH);

        assertThat(CacheInputs.requireKey(longest)).isSameAs(longest);
        assertThat(CacheInputs.requireKey(" ")).isEqualTo(" ");
    }

    @Test
    void keyLengthCountsUtf16Units() {
        assertThat(CacheInputs.requireKey("\ud83d\ude00".repeat(CacheInputs.MAX_KEY_LENGTH / 2))).isNotEmpty();
        assertRefused(() -> CacheInputs.requireKey("\ud83d\ude00".repeat(CacheInputs.MAX_KEY_LENGTH / 2) + "x"),
                "key", "at most");
    }

    @Test
    void valueMustNotBeNull() {
        assertRefused(() -> CacheInputs.requireValue(null), "value", "null");
        Object value = new Object();
        assertThat(CacheInputs.requireValue(value)).isSameAs(value);
    }

    @Test
    void ttlMustNotBeNullAndPointsAtNoExpiry() {
        assertRefused(() -> CacheInputs.requireTtl(null), "ttl", "NO_EXPIRY");
    }

    @Test
    void ttlMustBePositive() {
        assertRefused(() -> CacheInputs.requireTtl(Duration.ZERO), "ttl", "positive");
        assertRefused(() -> CacheInputs.requireTtl(Duration.ofNanos(-1)), "ttl", "positive");
        assertRefused(() -> CacheInputs.requireTtl(Duration.ofDays(-3)), "ttl", "was PT-72H");
    }

    @Test
    void positiveTtlsAndNoExpiryAreAccepted() {
        assertThat(CacheInputs.requireTtl(Duration.ofNanos(1))).isEqualTo(Duration.ofNanos(1));
        assertThat(CacheInputs.requireTtl(Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
        assertThat(CacheInputs.requireTtl(CacheStore.NO_EXPIRY)).isSameAs(CacheStore.NO_EXPIRY);
    }

    @Test
    void requireNonNullNamesTheArgument() {
        assertRefused(() -> CacheInputs.requireNonNull(null, "loader"), "loader", "must not be null");
        assertThat(CacheInputs.requireNonNull("x", "loader")).isEqualTo("x");
    }

    @Test
    void invalidInputIsAnIllegalArgument() {
        InvalidInputException refused = new InvalidInputException("ttl", "must be positive");

        assertThat(refused).isInstanceOf(IllegalArgumentException.class).hasMessage("ttl must be positive");
        assertThat(refused.argument()).isEqualTo("ttl");
        assertThat(refused.rule()).isEqualTo("must be positive");
    }
}

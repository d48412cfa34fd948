package io.chatcache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheStatsTest {

    @Test
    void hitRateIsAPercentageOfRequests() {
        CacheStats stats = new CacheStats(3, 1, 0, 0, 0, 0, 0);

        assertThat(stats.requests()).isEqualTo(4);
        assertThat(stats.hitRate()).isEqualTo(75.0);
    }

    @Test
    void hitRateIsNotRounded() {
        assertThat(new CacheStats(1, 2, 0, 0, 0, 0, 0).hitRate()).isCloseTo(33.333, within(0.001));
    }

    @Test
    void hitRateSpansZeroToAHundred() {
        assertThat(new CacheStats(0, 5, 0, 0, 0, 0, 0).hitRate()).isZero();
        assertThat(new CacheStats(5, 0, 0, 0, 0, 0, 0).hitRate()).isEqualTo(100.0);
    }

    @Test
    void hitRateWithoutRequestsIsZero() {
        assertThat(CacheStats.EMPTY.hitRate()).isZero();
        assertThat(new CacheStats(0, 0, 7, 100, 1, 1, 1).hitRate()).isZero();
    }

    @Test
    void emptyIsAllZero() {
        assertThat(CacheStats.EMPTY).isEqualTo(new CacheStats(0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void hitRateDoesNotOverflowForHugeCounts() {
        assertThat(new CacheStats(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, 0, 0, 0, 0, 0).hitRate())
                .isCloseTo(50.0, within(0.001));
    }

    static Stream<Arguments> figures() {
        return Stream.of(
                figure("hits", n -> new CacheStats(n, 0, 0, 0, 0, 0, 0)),
                figure("misses", n -> new CacheStats(0, n, 0, 0, 0, 0, 0)),
                figure("entryCount", n -> new CacheStats(0, 0, n, 0, 0, 0, 0)),
                figure("totalSizeBytes", n -> new CacheStats(0, 0, 0, n, 0, 0, 0)),
                figure("evictions", n -> new CacheStats(0, 0, 0, 0, n, 0, 0)),
                figure("expirations", n -> new CacheStats(0, 0, 0, 0, 0, n, 0)),
                figure("errors", n -> new CacheStats(0, 0, 0, 0, 0, 0, n)));
    }

    private static Arguments figure(String name, Function<Long, CacheStats> withValue) {
        return Arguments.of(name, Named.of("constructor", withValue));
    }

    @ParameterizedTest(name = "negative {0} is refused")
    @MethodSource("figures")
    void negativeFigureIsRefusedNamingIt(String name, Function<Long, CacheStats> withValue) {
        assertThatThrownBy(() -> withValue.apply(-1L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(name + " must not be negative, was -1");
        assertThat(withValue.apply(0L)).isEqualTo(CacheStats.EMPTY);
    }
}

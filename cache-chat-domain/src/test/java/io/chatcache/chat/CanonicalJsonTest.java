package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    enum Colour { RED }

    record Point(int y, int x) {
    }

    @Test
    void mapsAreWrittenWithSortedKeysWhateverTheirOrder() {
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("user_id", "user_456");
        first.put("date_from", "2024-01-01");
        Map<String, Object> second = new LinkedHashMap<>();
        second.put("date_from", "2024-01-01");
        second.put("user_id", "user_456");

        assertThat(CanonicalJson.write(first, "f")).isEqualTo("{\"date_from\":\"2024-01-01\",\"user_id\":\"user_456\"}")
                .isEqualTo(CanonicalJson.write(second, "f"));
    }

    @Test
    void stringsAreEscapedPerRfc8259() {
        assertThat(CanonicalJson.write("a\"b\\c\n\t\u0001Zoë", "s")).isEqualTo("\"a\\\"b\\\\c\\n\\t\\u0001Zoë\"");
    }

    @Test
    void loneSurrogatesAreEscapedSoTheirBytesAreStable() {
        assertThat(CanonicalJson.write("x\ud800", "s")).isEqualTo("\"x\\ud800\"");
        assertThat(CanonicalJson.write("\ud83d\ude00", "s")).isEqualTo("\"\ud83d\ude00\"");
    }

    @Test
    void equalNumbersOfDifferentTypesAreWrittenAlike() {
        assertThat(List.of(1, 1L, 1.0, 1.0f, new BigDecimal("1.00"), BigInteger.ONE, (short) 1, (byte) 1))
                .allSatisfy(n -> assertThat(CanonicalJson.write(n, "n")).isEqualTo("1"));
        assertThat(CanonicalJson.write(0.1f, "n")).isEqualTo("0.1");
        assertThat(CanonicalJson.write(-0.0, "n")).isEqualTo("0");
        assertThat(CanonicalJson.write(1e21, "n")).isEqualTo("1000000000000000000000");
        assertThat(CanonicalJson.write(2.5e-3, "n")).isEqualTo("0.0025");
    }

    @Test
    void nonFiniteNumbersAreRefusedNamingThePath() {
        assertThatThrownBy(() -> CanonicalJson.write(Map.of("score", Double.NaN), "filters"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("filters.score");
    }

    @Test
    void scalarsListsArraysAndSetsAreWrittenStably() {
        assertThat(CanonicalJson.write(Arrays.asList(true, null, "x", Colour.RED), "l"))
                .isEqualTo("[true,null,\"x\",\"RED\"]");
        assertThat(CanonicalJson.write(new int[] {3, 1}, "a")).isEqualTo("[3,1]");
        assertThat(CanonicalJson.write(Set.of("b", "a", "c"), "s")).isEqualTo("[\"a\",\"b\",\"c\"]")
                .isEqualTo(CanonicalJson.write(new TreeSet<>(Set.of("c", "b", "a")), "s"));
        assertThat(CanonicalJson.write(LocalDate.of(2024, 1, 1), "d")).isEqualTo("\"2024-01-01\"");
        assertThat(CanonicalJson.write(Instant.EPOCH, "i")).isEqualTo("\"1970-01-01T00:00:00Z\"");
    }

    @Test
    void recordsAreWrittenAsObjectsOfTheirComponents() {
        assertThat(CanonicalJson.write(new Point(2, 1), "p")).isEqualTo("{\"x\":1,\"y\":2}");
    }

    @Test
    void valuesWithoutAStableEncodingAreRefusedNamingThePath() {
        assertThatThrownBy(() -> CanonicalJson.write(Map.of("tags", List.of("a", new Object())), "filters"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("filters.tags[1]")
                .hasMessageContaining("java.lang.Object");
    }

    @Test
    void mapsWithNonStringKeysAreRefused() {
        assertThatThrownBy(() -> CanonicalJson.write(Map.of(1, "a"), "filters"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("string keys");
    }

    @Test
    void sha256IsLowerCaseHexOfUtf8() {
        assertThat(CanonicalJson.sha256("{}"))
                .isEqualTo("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    }
}

package io.chatcache.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTest {

    @Test
    void plainTextIsKeptAsItIs() {
        String key = "session:42:messages [page 1] \\* é 字";
        assertThat(LogText.escape(key)).isSameAs(key);
    }

    @Test
    void controlCharactersAndLineSeparatorsAreEscapedSoNoLogLineCanBeForged() {
        String escaped = LogText.escape("k\n2026-01-01 ERROR forged\r\t\u001b[31m\u0000\u0085\u2028\u2029");

        assertThat(escaped).isEqualTo("k\\n2026-01-01 ERROR forged\\r\\t\\u001b[31m\\u0000\\u0085\\u2028\\u2029");
        assertThat(escaped.chars()).noneMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029');
    }

    @Test
    void longTextIsCutAndTheCutCounted() {
        String escaped = LogText.escape("a".repeat(LogText.MAX_CHARS) + "\n".repeat(5000));

        assertThat(escaped).isEqualTo("a".repeat(LogText.MAX_CHARS) + "...(5000 more chars)");
        assertThat(LogText.escape("\n".repeat(LogText.MAX_CHARS + 1)))
                .isEqualTo("\\n".repeat(LogText.MAX_CHARS) + "...(1 more chars)");
    }

    @Test
    void nullIsWrittenAsNull() {
        assertThat(LogText.escape(null)).isEqualTo("null");
    }
}

package io.chatcache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyPatternTest {

    private static boolean matches(String glob, String key) {
        return KeyPattern.glob(glob).matches(key);
    }

    @Test
    void starMatchesAnyRunOfCharactersIncludingNone() {
        assertThat(matches("user:*", "user:")).isTrue();
        assertThat(matches("user:*", "user:1")).isTrue();
        assertThat(matches("user:*", "user:1:profile")).isTrue();
        assertThat(matches("user:*", "use")).isFalse();
        assertThat(matches("user:*", "xuser:1")).isFalse();
        assertThat(matches("*:messages", "session:1:messages")).isTrue();
        assertThat(matches("a*b*c", "a--b--c")).isTrue();
        assertThat(matches("a*b*c", "a--c--b")).isFalse();
        assertThat(matches("**", "anything")).isTrue();
    }

    @Test
    void questionMarkMatchesExactlyOneCharacter() {
        assertThat(matches("h?llo", "hello")).isTrue();
        assertThat(matches("h?llo", "hllo")).isFalse();
        assertThat(matches("h?llo", "heello")).isFalse();
        assertThat(matches("??", "ab")).isTrue();
        assertThat(matches("??", "abc")).isFalse();
    }

    @Test
    void questionMarkMatchesASupplementaryCharacterAsOne() {
        assertThat(matches("a?b", "a\ud83d\ude00b")).isTrue();
        assertThat(matches("a??b", "a\ud83d\ude00b")).isFalse();
    }

    @Test
    void classMatchesOneOfItsMembers() {
        assertThat(matches("h[ae]llo", "hallo")).isTrue();
        assertThat(matches("h[ae]llo", "hello")).isTrue();
        assertThat(matches("h[ae]llo", "hillo")).isFalse();
        assertThat(matches("h[ae]llo", "hllo")).isFalse();
    }

    @Test
    void negatedClassMatchesAnyCharacterButItsMembers() {
        assertThat(matches("h[^e]llo", "hallo")).isTrue();
        assertThat(matches("h[^e]llo", "hello")).isFalse();
        assertThat(matches("h[^e]llo", "hllo")).isFalse();
    }

    @Test
    void rangeIsInclusiveInEitherOrder() {
        assertThat(matches("[b-d]", "a")).isFalse();
        assertThat(matches("[b-d]", "b")).isTrue();
        assertThat(matches("[b-d]", "c")).isTrue();
        assertThat(matches("[b-d]", "d")).isTrue();
        assertThat(matches("[b-d]", "e")).isFalse();
        assertThat(matches("[d-b]", "c")).isTrue();
        assertThat(matches("[d-b]", "e")).isFalse();
        assertThat(matches("user:[0-9]", "user:7")).isTrue();
        assertThat(matches("[^0-9]", "7")).isFalse();
    }

    @Test
    void classCombinesMembersAndRanges() {
        assertThat(matches("[a-cx_]", "b")).isTrue();
        assertThat(matches("[a-cx_]", "x")).isTrue();
        assertThat(matches("[a-cx_]", "_")).isTrue();
        assertThat(matches("[a-cx_]", "d")).isFalse();
    }

    @Test
    void dashBeforeTheClosingBracketMakesARangeAsInRedis() {
        assertThat(matches("[a-]b]", "_")).isTrue();
        assertThat(matches("[a-]b]", "b")).isTrue();
        assertThat(matches("[a-]b]", "-")).isFalse();
        assertThat(RedisStringMatch.matches("[a-]b]", "_")).isTrue();
        assertThat(RedisStringMatch.matches("[a-]b]", "-")).isFalse();
        assertThat(matches("[a-\\]x", "^x")).isTrue();
        assertThat(RedisStringMatch.matches("[a-\\]x", "^x")).isTrue();
    }

    @Test
    void dashFirstInAClassIsAMember() {
        assertThat(matches("[-a]", "-")).isTrue();
        assertThat(matches("[-a]", "a")).isTrue();
        assertThat(matches("[\\-a]", "-")).isTrue();
    }

    @Test
    void specialCharactersAreMembersInsideAClass() {
        assertThat(matches("a[*?]b", "a*b")).isTrue();
        assertThat(matches("a[*?]b", "a?b")).isTrue();
        assertThat(matches("a[*?]b", "aXb")).isFalse();
        assertThat(matches("[a^]", "^")).isTrue();
        assertThat(matches("[[]", "[")).isTrue();
    }

    @Test
    void backslashEscapesInsideAClass() {
        assertThat(matches("a[\\]]b", "a]b")).isTrue();
        assertThat(matches("a[\\\\]b", "a\\b")).isTrue();
        assertThat(matches("a[\\^x]b", "a^b")).isTrue();
        assertThat(matches("a[\\^x]b", "ayb")).isFalse();
    }

    @Test
    void emptyClassMatchesNothingAndNegatedEmptyClassMatchesAnyOneCharacter() {
        assertThat(matches("a[]b", "ab")).isFalse();
        assertThat(matches("a[]b", "a]b")).isFalse();
        assertThat(matches("a[^]b", "aXb")).isTrue();
        assertThat(matches("a[^]b", "ab")).isFalse();
    }

    @ParameterizedTest(name = "{0} matches only {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "a\\*b | a*b",
        "a\\?b | a?b",
        "a\\[b | a[b",
        "a\\]b | a]b",
        "a\\\\b | a\\b",
        "a\\-b | a-b",
        "a\\^b | a^b",
        "\\a\\b | ab"})
    void backslashMakesTheNextCharacterLiteral(String glob, String only) {
        KeyPattern pattern = KeyPattern.glob(glob);

        assertThat(pattern.matches(only)).isTrue();
        for (String other : List.of("aXb", "a*b", "a?b", "a[b", "a]b", "a\\b", "a-b", "a^b", "ab", "a\\Xb")) {
            assertThat(pattern.matches(other)).as("%s matches %s", glob, other).isEqualTo(other.equals(only));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b", "a+", "(a)", "a|b", "a{2}", "$a^", "\\Q", "a\\E", "\\d", "[\\d]", "\\w*"})
    void regexSyntaxHasNoMeaning(String glob) {
        String literal = glob.replace("\\", "");

        assertThat(matches(glob, "aXb")).isFalse();
        assertThat(matches(glob, "aa")).isFalse();
        assertThat(matches(glob, "7")).isFalse();
        if (!glob.contains("[") && !glob.contains("*")) {
            assertThat(matches(glob, literal)).as("%s matches %s", glob, literal).isTrue();
        }
    }

    @Test
    void wildcardsMatchLineTerminators() {
        assertThat(matches("a?b", "a\nb")).isTrue();
        assertThat(matches("a*b", "a\r\n\u2028b")).isTrue();
        assertThat(matches("a[^x]b", "a\nb")).isTrue();
    }

    @Test
    void matchIsOfTheWholeKey() {
        assertThat(matches("user", "user:1")).isFalse();
        assertThat(matches("user", "my-user")).isFalse();
        assertThat(matches("user", "user")).isTrue();
    }

    @Test
    void nullKeyMatchesNothing() {
        assertThat(KeyPattern.glob("*").matches(null)).isFalse();
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {"", "abc\\", "\\", "a\\\\\\", "[abc", "[", "[^", "a[b-", "[\\", "[a\\", "[a-]",
        "x[^a-c", "[]]]["})
    void malformedPatternIsRefusedNamingThePattern(String glob) {
        assertThatThrownBy(() -> KeyPattern.glob(glob))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        refused -> assertThat(refused.argument()).isEqualTo("pattern"))
                .hasMessageStartingWith("pattern ");
    }

    @Test
    void unclosedClassMessageSaysWhereItOpened() {
        assertThatThrownBy(() -> KeyPattern.glob("user:[abc"))
                .hasMessageContaining("'[' at index 5").hasMessageContaining("user:[abc");
    }

    @Test
    void unclosedClassAfterARangeToTheBracketExplainsTheRedisRule() {
        assertThatThrownBy(() -> KeyPattern.glob("[a-]"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("\\-");
    }

    @Test
    void nullPatternIsRefused() {
        assertThatThrownBy(() -> KeyPattern.glob(null))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        refused -> assertThat(refused.argument()).isEqualTo("pattern"));
        assertThatThrownBy(() -> KeyPattern.literal(null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> KeyPattern.prefix(null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> KeyPattern.escape(null)).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\\\", "[]", "[^]", "]", "^", "-", "a-b", "[]a]", "[--0]", "\\[", "*?*?", "[a-]]", "a[]",
        "[a-\\]"})
    void unusualButWellFormedPatternsAreAccepted(String glob) {
        assertThat(KeyPattern.glob(glob).pattern()).isEqualTo(glob);
    }

    @Test
    void patternsObeyTheKeyRulesOnLength() {
        String longestKey = "*".repeat(CacheInputs.MAX_KEY_LENGTH);
        assertThat(KeyPattern.prefix(longestKey).pattern()).hasSize(KeyPattern.MAX_PATTERN_LENGTH);

        assertThatThrownBy(() -> KeyPattern.glob("a".repeat(KeyPattern.MAX_PATTERN_LENGTH + 1)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at most " + KeyPattern.MAX_PATTERN_LENGTH)
                .hasMessageContaining("was " + (KeyPattern.MAX_PATTERN_LENGTH + 1));
        assertThatThrownBy(() -> KeyPattern.glob("x".repeat(19 * 1024 * 1024)))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @Test
    void manyStarsAgainstALongKeyMatchInLinearTimeRatherThanBacktracking() {
        // A regex engine backtracks through every way to split the key between the stars: for this
        // pattern and a key of the longest length, minutes to hours (the kind of pattern Redis 7.0.9
        // had to defuse). Patterns arrive from other instances over the invalidation bus.
        String key = "a".repeat(CacheInputs.MAX_KEY_LENGTH);
        KeyPattern many = KeyPattern.glob("*a*a*a*a*a*a*a*a*b");
        KeyPattern manyMatching = KeyPattern.glob("*a*a*a*a*a*a*a*a*a");

        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
            assertThat(many.matches(key)).isFalse();
            assertThat(manyMatching.matches(key)).isTrue();
            assertThat(KeyPattern.glob("*?*?*?*?*?*?*?*[b]").matches(key)).isFalse();
        });
    }

    @Test
    void matchesLikeRedisOnRandomLongerPatternsWithSupplementaryCharacters() {
        Random random = new Random(7L);
        String alphabet = "ab*?[]^-\\\uD83D\uDE00";
        int compared = 0;
        List<String> differences = new ArrayList<>();
        while (compared < 50_000) {
            String glob = randomText(random, alphabet, 1 + random.nextInt(14));
            KeyPattern pattern;
            try {
                pattern = KeyPattern.glob(glob);
            } catch (InvalidInputException refused) {
                continue;
            }
            String regex = GlobRegexReference.toRegex(glob);
            java.util.regex.Pattern reference = java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.DOTALL);
            for (int k = 0; k < 5; k++) {
                String key = randomText(random, alphabet, random.nextInt(12));
                compared++;
                if (pattern.matches(key) != reference.matcher(key).matches()) {
                    differences.add("pattern " + glob + " key " + key);
                }
            }
        }
        assertThat(differences).as("patterns matching differently from the regex translation").isEmpty();
    }

    @Test
    void matchesLikeRedisOnRandomPatternsOverItsSpecialCharacters() {
        Random random = new Random(20_261_126L);
        String alphabet = "ab*?[]^-\\";
        int compared = 0;
        List<String> differences = new ArrayList<>();
        while (compared < 50_000) {
            String glob = randomText(random, alphabet, 1 + random.nextInt(8));
            KeyPattern pattern;
            try {
                pattern = KeyPattern.glob(glob);
            } catch (InvalidInputException refused) {
                continue;
            }
            for (int k = 0; k < 5; k++) {
                String key = randomText(random, alphabet, 1 + random.nextInt(6));
                compared++;
                if (pattern.matches(key) != RedisStringMatch.matches(glob, key)) {
                    differences.add("pattern " + glob + " key " + key + ": KeyPattern " + pattern.matches(key)
                            + ", Redis " + RedisStringMatch.matches(glob, key));
                }
            }
        }
        assertThat(differences).as("patterns matching differently from Redis").isEmpty();
    }

    @Test
    void acceptedPatternsAreExactlyThoseRedisReadsAsWellFormed() {
        Random random = new Random(7L);
        String alphabet = "ab[]^-\\";
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            String glob = randomText(random, alphabet, 1 + random.nextInt(6));
            try {
                KeyPattern.glob(glob);
            } catch (InvalidInputException e) {
                refused++;
                assertThat(endsInsideAClassOrEscape(glob)).as("%s refused", glob).isTrue();
                continue;
            }
            assertThat(endsInsideAClassOrEscape(glob)).as("%s accepted", glob).isFalse();
        }
        assertThat(refused).as("refused patterns").isPositive();
    }

    /** Redis's reading of a pattern: does it end in an escape or inside a class? */
    private static boolean endsInsideAClassOrEscape(String glob) {
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '\\') {
                if (i + 1 >= glob.length()) {
                    return true;
                }
                i += 2;
            } else if (c == '[') {
                i++;
                if (i < glob.length() && glob.charAt(i) == '^') {
                    i++;
                }
                while (true) {
                    if (i >= glob.length()) {
                        return true;
                    }
                    char m = glob.charAt(i);
                    if (m == '\\') {
                        if (i + 1 >= glob.length()) {
                            return true;
                        }
                        i += 2;
                    } else if (m == ']') {
                        i++;
                        break;
                    } else if (i + 2 < glob.length() && glob.charAt(i + 1) == '-') {
                        i += 3;
                    } else {
                        i++;
                    }
                }
            } else {
                i++;
            }
        }
        return false;
    }

    @Test
    void literalMatchesItsOwnTextWhateverCharactersItHolds() {
        Random random = new Random(42L);
        for (int i = 0; i < 5_000; i++) {
            String text = randomUnicode(random, 1 + random.nextInt(12));
            KeyPattern literal = KeyPattern.literal(text);

            assertThat(literal.matches(text)).as("literal of %s", text).isTrue();
            assertThat(literal.matches(text + "x")).isFalse();
            assertThat(literal.matches("x" + text)).isFalse();
            String shorter = text.substring(0, text.offsetByCodePoints(text.length(), -1));
            assertThat(literal.matches(shorter)).isFalse();
            String changed = changeOneCodePoint(random, text);
            assertThat(literal.matches(changed)).as("literal of %s against %s", text, changed).isFalse();
        }
    }

    @Test
    void prefixMatchesKeysStartingWithItsTextWhateverCharactersItHolds() {
        Random random = new Random(43L);
        for (int i = 0; i < 2_000; i++) {
            String text = randomUnicode(random, 1 + random.nextInt(10));
            KeyPattern prefix = KeyPattern.prefix(text);

            assertThat(prefix.matches(text)).isTrue();
            assertThat(prefix.matches(text + randomUnicode(random, 1 + random.nextInt(4)))).isTrue();
            assertThat(prefix.matches("x" + text)).isFalse();
            assertThat(prefix.matches(changeOneCodePoint(random, text))).isFalse();
        }
    }

    @Test
    void escapedTextMatchesInRedisToo() {
        Random random = new Random(44L);
        String alphabet = "ab*?[]^-\\";
        for (int i = 0; i < 5_000; i++) {
            String text = randomText(random, alphabet, 1 + random.nextInt(8));
            String escaped = KeyPattern.escape(text);

            assertThat(RedisStringMatch.matches(escaped, text)).as("Redis matches %s against %s", escaped, text).isTrue();
            assertThat(RedisStringMatch.matches(escaped + "*", text + "tail")).isTrue();
        }
    }

    @Test
    void escapePutsABackslashBeforeEachSpecialCharacterOnly() {
        assertThat(KeyPattern.escape("a*b?c[d]e\\f^g-h")).isEqualTo("a\\*b\\?c\\[d\\]e\\\\f\\^g\\-h");
        assertThat(KeyPattern.escape("plain:text_1.2")).isEqualTo("plain:text_1.2");
        assertThat(KeyPattern.escape("")).isEmpty();
    }

    @Test
    void literalOfEmptyTextIsRefusedBecauseAPatternIsNeverEmpty() {
        assertThatThrownBy(() -> KeyPattern.literal(""))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        refused -> assertThat(refused.argument()).isEqualTo("pattern"));
    }

    @Test
    void prefixOfEmptyTextMatchesEverything() {
        assertThat(KeyPattern.prefix("").matches("anything")).isTrue();
        assertThat(KeyPattern.prefix("").pattern()).isEqualTo("*");
    }

    @Test
    void patternIsKeptAsGiven() {
        assertThat(KeyPattern.glob("session:[0-9]*").pattern()).isEqualTo("session:[0-9]*");
        assertThat(KeyPattern.literal("a*").pattern()).isEqualTo("a\\*");
    }

    @Test
    void patternsAreEqualWhenTheirTextIs() {
        assertThat(KeyPattern.glob("a*")).isEqualTo(KeyPattern.glob("a*"))
                .hasSameHashCodeAs(KeyPattern.glob("a*"))
                .isEqualTo(KeyPattern.prefix("a"))
                .isNotEqualTo(KeyPattern.glob("a?"))
                .isNotEqualTo(KeyPattern.literal("a*"));
        assertThat(KeyPattern.glob("a*")).hasToString("KeyPattern[a*]");
    }

    private static String randomText(Random random, String alphabet, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static final int[] CODE_POINTS = {
        'a', 'b', 'Z', '0', ':', '.', '*', '?', '[', ']', '^', '-', '\\', '$', '(', '{', '|', '+', ' ', '\n',
        0x00e9, 0x4e16, 0x05d0, 0x0000, 0x2028, 0xfffd, 0x1f600, 0x1d11e, 0x10ffff};

    /** Text of letters, glob and regex specials, and BMP and supplementary characters (surrogate pairs). */
    private static String randomUnicode(Random random, int codePoints) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            text.appendCodePoint(CODE_POINTS[random.nextInt(CODE_POINTS.length)]);
        }
        return text.toString();
    }

    private static String changeOneCodePoint(Random random, String text) {
        int[] codePoints = text.codePoints().toArray();
        int index = random.nextInt(codePoints.length);
        int replacement;
        do {
            replacement = CODE_POINTS[random.nextInt(CODE_POINTS.length)];
        } while (replacement == codePoints[index]);
        codePoints[index] = replacement;
        return new String(codePoints, 0, codePoints.length);
    }
}

package io.chatcache.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A key pattern with Redis glob semantics, so that one pattern selects the same keys in memory and in
 * Redis:
 * <ul>
 *   <li>{@code *} any run of characters, empty included;</li>
 *   <li>{@code ?} any one character;</li>
 *   <li>{@code [abc]} one of the listed characters, {@code [^a]} any but them, {@code [a-z]} a range
 *       (inclusive, either order); as in Redis, a {@code -} between two characters always makes a range,
 *       even {@code [a-]]}, so write {@code \-} for a {@code -} that is not the first member;</li>
 *   <li>{@code \x} the character {@code x} itself, so {@code \*} matches a star.</li>
 * </ul>
 * Unlike Redis, which guesses at malformed patterns, a trailing {@code \} or an unclosed {@code [} is
 * refused. Redis matches the bytes of a key's UTF-8 encoding, this class its characters: for keys
 * outside ASCII, {@code ?} and classes can select differently (Redis's {@code ?} is one byte), while
 * {@code *} and literal or {@link #escape(String) escaped} text select the same keys in both.
 *
 * <p>Build patterns around user text with {@link #escape(String)}: <pre>{@code
 * KeyPattern.glob("session:" + KeyPattern.escape(sessionId) + ":*")
 * }</pre>
 * Matching takes time proportional to the pattern's length times the key's at worst, whatever the
 * pattern (no backtracking blow-up on many stars). Instances are immutable and thread-safe; two are
 * equal when their pattern text is.
 */
public final class KeyPattern {

    /**
     * The longest pattern accepted, in characters: room for a key of {@link CacheInputs#MAX_KEY_LENGTH}
     * characters with every one escaped, and a star. Patterns obey the key rules: no key longer than
     * that limit exists to be matched, and patterns arrive over the network (the invalidation bus).
     */
    public static final int MAX_PATTERN_LENGTH = 2 * CacheInputs.MAX_KEY_LENGTH + 1;

    private static final String SPECIAL = "*?[]\\^-";

    private final String pattern;
    /** The parsed pattern: one token per star, or per element that matches exactly one character. */
    private final Token[] tokens;

    private KeyPattern(String pattern, Token[] tokens) {
        this.pattern = pattern;
        this.tokens = tokens;
    }

    /**
     * Parses a glob pattern.
     *
     * @throws InvalidInputException if the pattern is null, empty, longer than {@link #MAX_PATTERN_LENGTH},
     *     ends with an unescaped {@code \} or has an unclosed {@code [}
     */
    public static KeyPattern glob(String pattern) {
        CacheInputs.requireNonNull(pattern, "pattern");
        if (pattern.isEmpty()) {
            throw new InvalidInputException("pattern", "must not be empty");
        }
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            throw new InvalidInputException("pattern", "must be at most " + MAX_PATTERN_LENGTH
                    + " characters long, was " + pattern.length());
        }
        return new KeyPattern(pattern, parse(pattern));
    }

    /** A pattern matching exactly {@code text}, whatever characters it holds. */
    public static KeyPattern literal(String text) {
        return glob(escape(CacheInputs.requireNonNull(text, "text")));
    }

    /** A pattern matching every key that starts with {@code text}, whatever characters it holds. */
    public static KeyPattern prefix(String text) {
        return glob(escape(CacheInputs.requireNonNull(text, "text")) + "*");
    }

    /**
     * Escapes {@code text} so that every character in it matches itself: {@code escape("a*b")} is
     * {@code a\*b}.
     */
    public static String escape(String text) {
        CacheInputs.requireNonNull(text, "text");
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (SPECIAL.indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /** The pattern text, as given (and as sent to Redis). */
    public String pattern() {
        return pattern;
    }

    /** Whether {@code key} matches the whole pattern. */
    public boolean matches(String key) {
        return key != null && matches(tokens, key);
    }

    /**
     * Glob matching by code points, without backtracking beyond the last star: every other token takes
     * exactly one character, so when a later token fails, letting the last star take one more character
     * covers every earlier choice (an earlier star that took more could only be matched by the last star
     * taking less, which was already tried). Hence at worst tokens times key length steps.
     */
    private static boolean matches(Token[] tokens, String key) {
        int t = 0;
        int k = 0;
        int starToken = -1;
        int starKey = 0;
        int length = key.length();
        while (k < length) {
            if (t < tokens.length && tokens[t].kind == Token.STAR) {
                starToken = t++;
                starKey = k;
                continue;
            }
            int codePoint = key.codePointAt(k);
            if (t < tokens.length && tokens[t].matches(codePoint)) {
                t++;
                k += Character.charCount(codePoint);
            } else if (starToken >= 0) {
                t = starToken + 1;
                starKey += Character.charCount(key.codePointAt(starKey));
                k = starKey;
            } else {
                return false;
            }
        }
        while (t < tokens.length && tokens[t].kind == Token.STAR) {
            t++;
        }
        return t == tokens.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyPattern that && pattern.equals(that.pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return "KeyPattern[" + pattern + "]";
    }

    private static Token[] parse(String glob) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    // A run of stars is one star.
                    if (tokens.isEmpty() || tokens.get(tokens.size() - 1).kind != Token.STAR) {
                        tokens.add(Token.STAR_TOKEN);
                    }
                }
                case '?' -> tokens.add(Token.ANY_TOKEN);
                case '\\' -> {
                    if (i + 1 >= glob.length()) {
                        throw new InvalidInputException("pattern", "must not end with an unescaped '\\': " + glob);
                    }
                    int codePoint = glob.codePointAt(i + 1);
                    tokens.add(Token.literal(codePoint));
                    i += Character.charCount(codePoint);
                }
                case '[' -> i = parseClass(tokens, glob, i);
                default -> {
                    int codePoint = glob.codePointAt(i);
                    tokens.add(Token.literal(codePoint));
                    i += Character.charCount(codePoint) - 1;
                }
            }
            i++;
        }
        return tokens.toArray(new Token[0]);
    }

    /**
     * Parses the class starting at {@code open}; returns the index of its closing bracket. Follows
     * Redis's {@code stringmatchlen}: inside a class {@code \x} is the character x; otherwise a character
     * followed by {@code -} and any further character is a range, even when that character is {@code ]}
     * or {@code \} (so {@code [a-]} does not close the class, and {@code [a-\]} ends with the range).
     */
    private static int parseClass(List<Token> tokens, String glob, int open) {
        int i = open + 1;
        boolean negated = i < glob.length() && glob.charAt(i) == '^';
        if (negated) {
            i++;
        }
        // Pairs of inclusive bounds; a single member is a range of one.
        List<Integer> bounds = new ArrayList<>();
        boolean rangeEndedWithBracket = false;
        while (true) {
            if (i >= glob.length()) {
                throw new InvalidInputException("pattern", "must close the '[' at index " + open + " with ']'"
                        + (rangeEndedWithBracket
                                ? " (as in Redis, the ']' after a '-' in a class ends a range; write \\- for a '-')"
                                : "")
                        + ": " + glob);
            }
            char c = glob.charAt(i);
            if (c == ']') {
                break;
            }
            if (c == '\\') {
                if (i + 1 >= glob.length()) {
                    throw new InvalidInputException("pattern", "must not end with an unescaped '\\': " + glob);
                }
                int codePoint = glob.codePointAt(i + 1);
                bounds.add(codePoint);
                bounds.add(codePoint);
                i += Character.charCount(codePoint);
            } else {
                int start = glob.codePointAt(i);
                int dash = i + Character.charCount(start);
                if (dash + 1 < glob.length() && glob.charAt(dash) == '-') {
                    int end = glob.codePointAt(dash + 1);
                    rangeEndedWithBracket |= end == ']';
                    bounds.add(Math.min(start, end));
                    bounds.add(Math.max(start, end));
                    i = dash + Character.charCount(end);
                } else {
                    bounds.add(start);
                    bounds.add(start);
                    i += Character.charCount(start) - 1;
                }
            }
            i++;
        }
        if (bounds.isEmpty() && negated) {
            // Redis: "[^]" matches any one character (and "[]", an empty class, none).
            tokens.add(Token.ANY_TOKEN);
        } else {
            int[] ranges = new int[bounds.size()];
            for (int b = 0; b < ranges.length; b++) {
                ranges[b] = bounds.get(b);
            }
            tokens.add(new Token(Token.CLASS, 0, ranges, negated));
        }
        return i;
    }

    /** One element of a parsed pattern. */
    private static final class Token {
        static final int STAR = 0;
        static final int ANY = 1;
        static final int LITERAL = 2;
        static final int CLASS = 3;

        static final Token STAR_TOKEN = new Token(STAR, 0, null, false);
        static final Token ANY_TOKEN = new Token(ANY, 0, null, false);

        final int kind;
        final int codePoint;
        /** For a class: pairs of inclusive bounds. */
        final int[] ranges;
        final boolean negated;

        Token(int kind, int codePoint, int[] ranges, boolean negated) {
            this.kind = kind;
            this.codePoint = codePoint;
            this.ranges = ranges;
            this.negated = negated;
        }

        static Token literal(int codePoint) {
            return new Token(LITERAL, codePoint, null, false);
        }

        /** Whether this one-character token takes {@code c}; never called on a star. */
        boolean matches(int c) {
            switch (kind) {
                case ANY:
                    return true;
                case LITERAL:
                    return c == codePoint;
                default:
                    for (int r = 0; r < ranges.length; r += 2) {
                        if (c >= ranges[r] && c <= ranges[r + 1]) {
                            return !negated;
                        }
                    }
                    return negated;
            }
        }
    }
}

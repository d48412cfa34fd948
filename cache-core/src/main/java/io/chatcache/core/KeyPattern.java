package io.chatcache.core;

import java.util.regex.Pattern;

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
 * Instances are immutable and thread-safe; two are equal when their pattern text is.
 */
public final class KeyPattern {

    private static final String SPECIAL = "*?[]\\^-";

    private final String pattern;
    private final Pattern regex;

    private KeyPattern(String pattern, Pattern regex) {
        this.pattern = pattern;
        this.regex = regex;
    }

    /**
     * Parses a glob pattern.
     *
     * @throws InvalidInputException if the pattern is null, empty, ends with an unescaped {@code \} or
     *     has an unclosed {@code [}
     */
    public static KeyPattern glob(String pattern) {
        CacheInputs.requireNonNull(pattern, "pattern");
        if (pattern.isEmpty()) {
            throw new InvalidInputException("pattern", "must not be empty");
        }
        return new KeyPattern(pattern, Pattern.compile(toRegex(pattern), Pattern.DOTALL));
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
        return key != null && regex.matcher(key).matches();
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

    private static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder(glob.length() * 2);
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '\\' -> {
                    if (i + 1 >= glob.length()) {
                        throw new InvalidInputException("pattern", "must not end with an unescaped '\\': " + glob);
                    }
                    i = appendCodePoint(regex, glob, i + 1);
                }
                case '[' -> i = appendClass(regex, glob, i);
                default -> i = appendCodePoint(regex, glob, i);
            }
            i++;
        }
        return regex.toString();
    }

    /**
     * Translates the class starting at {@code open}; returns the index of its closing bracket. Follows
     * Redis's {@code stringmatchlen}: inside a class {@code \x} is the character x; otherwise a character
     * followed by {@code -} and any further character is a range, even when that character is {@code ]}
     * or {@code \} (so {@code [a-]} does not close the class, and {@code [a-\]} ends with the range).
     */
    private static int appendClass(StringBuilder regex, String glob, int open) {
        int i = open + 1;
        boolean negated = i < glob.length() && glob.charAt(i) == '^';
        if (negated) {
            i++;
        }
        StringBuilder members = new StringBuilder();
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
                i = appendCodePoint(members, glob, i + 1);
            } else {
                int start = glob.codePointAt(i);
                int dash = i + Character.charCount(start);
                if (dash + 1 < glob.length() && glob.charAt(dash) == '-') {
                    int end = glob.codePointAt(dash + 1);
                    rangeEndedWithBracket |= end == ']';
                    appendLiteral(members, Math.min(start, end));
                    members.append('-');
                    appendLiteral(members, Math.max(start, end));
                    i = dash + Character.charCount(end);
                } else {
                    i = appendCodePoint(members, glob, i);
                }
            }
            i++;
        }
        if (members.length() == 0) {
            // Redis: "[]" matches no character and "[^]" matches any one character.
            regex.append(negated ? "." : "(?!)");
        } else {
            regex.append(negated ? "[^" : "[").append(members).append(']');
        }
        return i;
    }

    /** Appends the code point at {@code index} as a literal; returns the index of its last char. */
    private static int appendCodePoint(StringBuilder regex, String glob, int index) {
        int codePoint = glob.codePointAt(index);
        appendLiteral(regex, codePoint);
        return index + Character.charCount(codePoint) - 1;
    }

    private static void appendLiteral(StringBuilder regex, int codePoint) {
        regex.append("\\x{").append(Integer.toHexString(codePoint)).append('}');
    }
}

package io.chatcache.core;

/**
 * The first KeyPattern's translation of a glob into a java.util.regex pattern, kept as a reference: the
 * linear-time matcher that replaced it must select exactly the same keys.
 */
final class GlobRegexReference {

    private GlobRegexReference() {
    }

    static String toRegex(String glob) {
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

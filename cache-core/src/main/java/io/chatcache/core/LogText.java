package io.chatcache.core;

/**
 * Makes text from outside (keys, patterns, origins, messages from the network) safe to put in a log
 * line: the one helper every chat-cache module logs such text through.
 *
 * <p>A newline in a key must not start a forged log line, and a megabyte pattern must not fill the log.
 * {@link #escape(String)} writes every control character (and the Unicode line and paragraph separators)
 * as an escape ({@code \n}, {@code \r}, {@code \t}, {@code \}{@code u001b}...), and cuts text
 * longer than {@link #MAX_CHARS} characters, saying how much was cut. Never pass a cached value through
 * it: values do not belong in logs at all.
 */
public final class LogText {

    /** The most characters of one text kept in a log line; the rest is cut and counted. */
    public static final int MAX_CHARS = 200;

    private LogText() {
    }

    /**
     * {@code text} with control characters escaped, cut after {@link #MAX_CHARS} characters;
     * {@code "null"} for null.
     */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        int keep = Math.min(text.length(), MAX_CHARS);
        StringBuilder out = null;
        for (int i = 0; i < keep; i++) {
            char c = text.charAt(i);
            String escaped = escapeOf(c);
            if (escaped != null && out == null) {
                out = new StringBuilder(keep + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escaped != null) {
                    out.append(escaped);
                } else {
                    out.append(c);
                }
            }
        }
        if (out == null && keep == text.length()) {
            return text;
        }
        if (out == null) {
            out = new StringBuilder(keep + 32).append(text, 0, keep);
        }
        if (keep < text.length()) {
            out.append("...(").append(text.length() - keep).append(" more chars)");
        }
        return out.toString();
    }

    private static String escapeOf(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    ? String.format("\\u%04x", (int) c) : null;
        };
    }
}

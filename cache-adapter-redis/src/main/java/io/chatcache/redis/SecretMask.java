package io.chatcache.redis;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Masks the secrets in a configuration value before it is echoed in an exception message: the one place
 * that decides what of a malformed value may be shown. A value holding {@code @} is taken to carry
 * credentials before its last {@code @} ({@code user:password@host}, {@code redis://secret@host}, or a
 * list of such): only the scheme and a lone user name before a {@code :} are kept. Password-looking
 * parameters ({@code password=...}, {@code pass=}, {@code pwd=}, {@code secret=}, {@code auth=},
 * {@code token=}) are masked wherever they appear.
 */
final class SecretMask {

    static final String MASK = "****";
    private static final Pattern PARAMETER = Pattern.compile(
            "(?i)\\b(password|passwd|pass|pwd|secret|auth|token)=[^&;,\\s]*");

    private SecretMask() {
    }

    /** {@code value} with every credential replaced by {@value #MASK}; null stays null. */
    static String mask(String value) {
        if (value == null) {
            return null;
        }
        String masked = PARAMETER.matcher(value).replaceAll("$1=" + MASK);
        int at = masked.lastIndexOf('@');
        if (at < 0) {
            return masked;
        }
        String lower = masked.toLowerCase(Locale.ROOT);
        int start = lower.startsWith("redis://") ? "redis://".length()
                : lower.startsWith("rediss://") ? "rediss://".length() : 0;
        String userInfo = at >= start ? masked.substring(start, at) : "";
        int colon = userInfo.indexOf(':');
        // Keep a user name only when it is plainly one: one user, no list, no second '://'.
        boolean plainUser = colon > 0 && userInfo.indexOf(',') < 0 && !userInfo.contains("//")
                && userInfo.substring(0, colon).chars().noneMatch(c -> c == '@' || Character.isWhitespace(c));
        String kept = plainUser ? userInfo.substring(0, colon + 1) : "";
        return masked.substring(0, start) + kept + MASK + masked.substring(at);
    }
}

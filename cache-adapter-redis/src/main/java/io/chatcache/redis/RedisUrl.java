package io.chatcache.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A parsed {@code redis[s]://[user[:password]@]host[:port][/db]} URL. */
record RedisUrl(RedisAddress address, String username, String password, Integer database) {

    /**
     * Parses {@code url}.
     *
     * @param subject what the text was, for the message ({@code "environment variable REDIS_URL"})
     * @throws io.chatcache.core.CacheConfigurationException naming the subject if the URL is malformed
     */
    static RedisUrl parse(String url, String subject) {
        String accepted = "must be redis[s]://[user[:password]@]host[:port][/db]";
        if (url == null || url.isBlank()) {
            throw RedisAddress.fail(subject, accepted + ", was empty");
        }
        String text = url.trim();
        String lower = text.toLowerCase(Locale.ROOT);
        int schemeEnd;
        if (lower.startsWith("redis://")) {
            schemeEnd = "redis://".length();
        } else if (lower.startsWith("rediss://")) {
            schemeEnd = "rediss://".length();
        } else {
            throw RedisAddress.fail(subject, accepted + ", was '" + SecretMask.mask(text) + "'");
        }
        String rest = text.substring(schemeEnd);
        String username = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            username = user.isEmpty() ? null : decode(user, subject, text);
            if (colon >= 0) {
                password = decode(userInfo.substring(colon + 1), subject, text);
            } else if (!user.isEmpty()) {
                // redis://secret@host is the common short form for a password without a user
                password = username;
                username = null;
            }
        }
        Integer database = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
            if (!path.isEmpty()) {
                try {
                    database = Integer.parseInt(path);
                } catch (NumberFormatException notANumber) {
                    database = -1;
                }
                if (database < 0) {
                    throw RedisAddress.fail(subject, "must end in /db with a database number 0 or more, was '"
                            + SecretMask.mask(text) + "'");
                }
            }
        }
        if (rest.contains("?") || rest.contains("#")) {
            throw RedisAddress.fail(subject, accepted + " without query, was '" + SecretMask.mask(text) + "'");
        }
        RedisAddress address = RedisAddress.parse(text.substring(0, schemeEnd) + rest, subject);
        return new RedisUrl(address, username, password, database);
    }

    private static String decode(String part, String subject, String text) {
        try {
            return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            throw RedisAddress.fail(subject, "has a malformed %-escape in its user or password, was '"
                    + SecretMask.mask(text) + "'");
        }
    }
}

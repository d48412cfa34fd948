package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;

import java.util.Locale;

/**
 * One server address, parsed from {@code host}, {@code host:port}, {@code [v6]:port} or a
 * {@code redis://} / {@code rediss://} URI without user, password or path.
 */
record RedisAddress(String host, int port, boolean tls) {

    static RedisAddress of(String host, int port) {
        return new RedisAddress(host, port, false);
    }

    /**
     * Parses {@code text}.
     *
     * @param subject what the text was, for the message ({@code "environment variable REDIS_HOST"})
     * @throws CacheConfigurationException naming the subject if the text is not an address
     */
    static RedisAddress parse(String text, String subject) {
        if (text == null || text.isBlank()) {
            throw fail(subject, "must be host:port or redis[s]://host:port, was empty");
        }
        String rest = text.trim();
        boolean tls = false;
        String lower = rest.toLowerCase(Locale.ROOT);
        if (lower.startsWith("rediss://")) {
            tls = true;
            rest = rest.substring("rediss://".length());
        } else if (lower.startsWith("redis://")) {
            rest = rest.substring("redis://".length());
        } else if (rest.contains("://")) {
            throw fail(subject, "must use the scheme redis:// or rediss://, was '" + SecretMask.mask(text) + "'");
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.contains("@") || rest.contains("/")) {
            throw fail(subject, "must be host:port or redis[s]://host:port without credentials or path, was '"
                    + SecretMask.mask(text) + "'");
        }
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw fail(subject, "has an unclosed [ in the IPv6 host, was '" + SecretMask.mask(text) + "'");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw fail(subject, "must be [ipv6]:port, was '" + SecretMask.mask(text) + "'");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon >= 0 && rest.indexOf(':') != colon) {
                throw fail(subject, "must write an IPv6 host in brackets ([::1]:6379), was '" + SecretMask.mask(text) + "'");
            }
            host = colon < 0 ? rest : rest.substring(0, colon);
            portText = colon < 0 ? null : rest.substring(colon + 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == ',')) {
            throw fail(subject, "must name a host, was '" + SecretMask.mask(text) + "'");
        }
        int port = portText == null ? RedisConfig.DEFAULT_PORT : parsePort(portText, subject, text);
        return new RedisAddress(host, port, tls);
    }

    private static int parsePort(String portText, String subject, String text) {
        try {
            int port = Integer.parseInt(portText);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // fall through to the message that says what is accepted
        }
        throw fail(subject, "must have a port from 1 to 65535, was '" + SecretMask.mask(text) + "'");
    }

    /** The URI Redisson takes: {@code redis://host:port}, or {@code rediss://} when {@code withTls}. */
    String uri(boolean withTls) {
        String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (withTls ? "rediss://" : "redis://") + hostPart + ":" + port;
    }

    /** {@code host:port}, for messages. */
    String hostAndPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    static CacheConfigurationException fail(String subject, String rule) {
        return new CacheConfigurationException(subject + " " + rule);
    }
}

package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads a {@link RedisConfig} from environment variables; every message names the variable. */
final class EnvironmentReader {

    static final String REDIS_HOST = "REDIS_HOST";
    static final String REDIS_PORT = "REDIS_PORT";
    static final String REDIS_PASSWORD = "REDIS_PASSWORD";
    static final String REDIS_DB = "REDIS_DB";
    static final String REDIS_USERNAME = "REDIS_USERNAME";
    static final String REDIS_URL = "REDIS_URL";
    static final String REDIS_SSL = "REDIS_SSL";
    static final String REDIS_SSL_TRUSTSTORE = "REDIS_SSL_TRUSTSTORE";
    static final String REDIS_SSL_TRUSTSTORE_PASSWORD = "REDIS_SSL_TRUSTSTORE_PASSWORD";
    static final String REDIS_CLUSTER_NODES = "REDIS_CLUSTER_NODES";
    static final String REDIS_SENTINEL_MASTER = "REDIS_SENTINEL_MASTER";
    static final String REDIS_SENTINEL_NODES = "REDIS_SENTINEL_NODES";
    static final String REDIS_NAMESPACE = "REDIS_NAMESPACE";
    static final String REDIS_KEY_LAYOUT = "REDIS_KEY_LAYOUT";
    static final String REDIS_OWNED_KEYS = "REDIS_OWNED_KEYS";
    static final String REDIS_JSON_NAMING = "REDIS_JSON_NAMING";
    static final String REDIS_TIMEOUT = "REDIS_TIMEOUT";
    static final String REDIS_CONNECT_TIMEOUT = "REDIS_CONNECT_TIMEOUT";
    static final String REDIS_STARTUP_TIMEOUT = "REDIS_STARTUP_TIMEOUT";
    /** Above this, a duration is surely a mistake (and would overflow Redisson's int milliseconds). */
    private static final long MAX_DURATION_MILLIS = Duration.ofHours(1).toMillis();

    private EnvironmentReader() {
    }

    static RedisConfig read(Map<String, String> env) {
        RedisConfig.Builder builder = RedisConfig.builder();
        String clusterNodes = value(env, REDIS_CLUSTER_NODES);
        String sentinelMaster = value(env, REDIS_SENTINEL_MASTER);
        String sentinelNodes = value(env, REDIS_SENTINEL_NODES);
        String url = value(env, REDIS_URL);
        if (clusterNodes != null && (sentinelMaster != null || sentinelNodes != null)) {
            throw fail(REDIS_CLUSTER_NODES, "cannot be combined with " + REDIS_SENTINEL_MASTER + "/"
                    + REDIS_SENTINEL_NODES + ": choose cluster or sentinel mode");
        }
        if ((sentinelMaster == null) != (sentinelNodes == null)) {
            throw fail(sentinelMaster == null ? REDIS_SENTINEL_MASTER : REDIS_SENTINEL_NODES,
                    "must be set together with " + (sentinelMaster == null ? REDIS_SENTINEL_NODES : REDIS_SENTINEL_MASTER)
                            + " for sentinel mode");
        }
        boolean urlTls = false;
        if (url != null) {
            RedisUrl parsed = RedisUrl.parse(url, subject(REDIS_URL));
            urlTls = parsed.address().tls();
            if (clusterNodes == null && sentinelMaster == null) {
                builder.single(parsed.address().uri(urlTls));
            }
            if (parsed.username() != null) {
                builder.username(parsed.username());
            }
            if (parsed.password() != null) {
                builder.password(parsed.password());
            }
            if (parsed.database() != null) {
                builder.database(parsed.database());
            }
        } else if (clusterNodes == null && sentinelMaster == null) {
            String host = value(env, REDIS_HOST);
            int port = port(env);
            String hostText = host == null ? RedisConfig.DEFAULT_HOST : host;
            RedisAddress address = RedisAddress.parse(hostText, subject(REDIS_HOST));
            if (hostText.contains("://") || hasPort(hostText)) {
                throw fail(REDIS_HOST, "must be a host name or address without scheme or port (set the port in "
                        + REDIS_PORT + "), was '" + SecretMask.mask(hostText) + "'");
            }
            builder.single(new RedisAddress(address.host(), port, false).uri(false));
        }
        if (clusterNodes != null) {
            builder.cluster(list(clusterNodes, REDIS_CLUSTER_NODES));
        }
        if (sentinelMaster != null) {
            builder.sentinel(sentinelMaster, list(sentinelNodes, REDIS_SENTINEL_NODES));
        }
        String username = value(env, REDIS_USERNAME);
        if (username != null) {
            builder.username(username);
        }
        String password = rawValue(env, REDIS_PASSWORD);
        if (password != null && !password.isEmpty()) {
            builder.password(password);
        }
        String db = value(env, REDIS_DB);
        if (db != null) {
            builder.database(integer(db, REDIS_DB, 0, Integer.MAX_VALUE, "an integer 0 or more (default 0)"));
        }
        String ssl = value(env, REDIS_SSL);
        if (ssl != null) {
            builder.tls(bool(ssl, REDIS_SSL));
        } else if (urlTls) {
            builder.tls(true);
        }
        String trustStore = value(env, REDIS_SSL_TRUSTSTORE);
        if (trustStore != null) {
            try {
                builder.trustStore(Path.of(trustStore), rawValue(env, REDIS_SSL_TRUSTSTORE_PASSWORD));
            } catch (InvalidPathException badPath) {
                throw fail(REDIS_SSL_TRUSTSTORE, "must be a file path, was '" + SecretMask.mask(trustStore) + "'");
            }
        }
        String layout = value(env, REDIS_KEY_LAYOUT);
        if (layout != null) {
            builder.keyLayout(switch (layout.toLowerCase(Locale.ROOT)) {
                case "chatcache" -> RedisConfig.KeyLayout.CHATCACHE;
                case "reference" -> RedisConfig.KeyLayout.REFERENCE;
                default -> throw fail(REDIS_KEY_LAYOUT, "must be chatcache (the default: <namespace>:<key>) or "
                        + "reference (the Python reference service's keys), was '" + SecretMask.mask(layout) + "'");
            });
        }
        String owned = value(env, REDIS_OWNED_KEYS);
        if (owned != null) {
            List<String> patterns = new ArrayList<>();
            for (String part : owned.split(",")) {
                patterns.add(part.trim());
            }
            try {
                builder.ownedKeys(patterns);
            } catch (CacheConfigurationException invalid) {
                throw fail(REDIS_OWNED_KEYS, invalid.getMessage().replaceFirst("^Redis option ownedKeys ", "")
                        + " (a comma-separated list of glob patterns such as session:*,search:*)");
            }
        }
        String naming = value(env, REDIS_JSON_NAMING);
        if (naming != null) {
            builder.jsonNaming(switch (naming.toLowerCase(Locale.ROOT)) {
                case "camel_case", "camelcase" -> JsonNaming.CAMEL_CASE;
                case "snake_case" -> JsonNaming.SNAKE_CASE;
                default -> throw fail(REDIS_JSON_NAMING, "must be camel_case (the default: userId) or snake_case "
                        + "(the reference service's JSON: user_id), was '" + SecretMask.mask(naming) + "'");
            });
        }
        String namespace = value(env, REDIS_NAMESPACE);
        if (namespace != null) {
            try {
                builder.namespace(namespace);
            } catch (CacheConfigurationException invalid) {
                throw fail(REDIS_NAMESPACE, invalid.getMessage().replaceFirst("^Redis option namespace ", ""));
            }
        }
        String timeout = value(env, REDIS_TIMEOUT);
        if (timeout != null) {
            Duration parsed = duration(timeout, REDIS_TIMEOUT, RedisConfig.MIN_TIMEOUT.toMillis(), "300");
            builder.timeout(parsed);
        }
        String connectTimeout = value(env, REDIS_CONNECT_TIMEOUT);
        if (connectTimeout != null) {
            builder.connectTimeout(duration(connectTimeout, REDIS_CONNECT_TIMEOUT, 1, "1000"));
        }
        String startupTimeout = value(env, REDIS_STARTUP_TIMEOUT);
        if (startupTimeout != null) {
            builder.startupTimeout(duration(startupTimeout, REDIS_STARTUP_TIMEOUT, 1, "5000"));
        }
        try {
            return builder.build();
        } catch (CacheConfigurationException conflict) {
            throw new CacheConfigurationException(conflict.getMessage()
                    + " (check the REDIS_* environment variables)", conflict);
        }
    }

    private static boolean hasPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon >= 0 && host.indexOf(':') == colon;
    }

    private static int port(Map<String, String> env) {
        String port = value(env, REDIS_PORT);
        return port == null ? RedisConfig.DEFAULT_PORT
                : integer(port, REDIS_PORT, 1, 65535, "an integer from 1 to 65535 (default 6379)");
    }

    private static List<String> list(String text, String variable) {
        List<String> nodes = new ArrayList<>();
        for (String part : text.split(",")) {
            String node = part.trim();
            if (node.isEmpty()) {
                throw fail(variable, "must be a comma-separated list of host:port, with no empty entry, was '"
                        + SecretMask.mask(text) + "'");
            }
            RedisAddress.parse(node, subject(variable));
            nodes.add(node);
        }
        return nodes;
    }

    private static int integer(String text, String variable, int min, int max, String accepted) {
        try {
            long parsed = Long.parseLong(text);
            if (parsed >= min && parsed <= max) {
                return (int) parsed;
            }
        } catch (NumberFormatException notANumber) {
            // fall through to the message that says what is accepted
        }
        throw fail(variable, "must be " + accepted + ", was '" + SecretMask.mask(text) + "'");
    }

    /**
     * A duration: milliseconds ({@code 300}) or a whole number with the unit {@code ms} or {@code s}
     * ({@code 300ms}, {@code 2s}), from {@code minMillis} to one hour.
     */
    private static Duration duration(String text, String variable, long minMillis, String defaultMillis) {
        String lower = text.toLowerCase(Locale.ROOT);
        String digits = lower;
        long unit = 1;
        if (lower.endsWith("ms")) {
            digits = lower.substring(0, lower.length() - 2).trim();
        } else if (lower.endsWith("s")) {
            digits = lower.substring(0, lower.length() - 1).trim();
            unit = 1000;
        }
        try {
            if (!digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9') && digits.length() <= 9) {
                long millis = Long.parseLong(digits) * unit;
                if (millis >= minMillis && millis <= MAX_DURATION_MILLIS) {
                    return Duration.ofMillis(millis);
                }
            }
        } catch (NumberFormatException notANumber) {
            // fall through to the message that says what is accepted
        }
        throw fail(variable, "must be a duration from " + minMillis + " ms to 1 hour: milliseconds (" + defaultMillis
                + ") or a whole number with the unit ms or s (" + defaultMillis + "ms), was '" + text + "'");
    }

    private static boolean bool(String text, String variable) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw fail(variable, "must be true or false (also accepted: 1/0, yes/no), was '" + SecretMask.mask(text) + "'");
        };
    }

    /** The trimmed value, or null when unset or blank. */
    private static String value(Map<String, String> env, String variable) {
        String value = env.get(variable);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The value as given (passwords may begin or end with spaces). */
    private static String rawValue(Map<String, String> env, String variable) {
        return env.get(variable);
    }

    private static String subject(String variable) {
        return "environment variable " + variable;
    }

    private static CacheConfigurationException fail(String variable, String rule) {
        return new CacheConfigurationException(subject(variable) + " " + rule);
    }
}

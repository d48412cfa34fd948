package io.chatcache.chat;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.KeyPattern;
import java.util.Locale;
import java.util.Map;

/**
 * How {@link ChatCacheManager} spells its keys. Read from {@code REDIS_KEY_LAYOUT}, the variable that also
 * sets the Redis store's layout, so that one setting switches both.
 */
public enum ChatKeyLayout {
    /**
     * This library's keys: the owning id in braces, a Redis Cluster hash tag, so that all keys of one
     * session (or user) share a cluster slot: {@code session:{sess_123}:messages:50}. Ids must not hold
     * braces.
     */
    CHATCACHE,
    /**
     * The Python reference service's keys: {@code session:sess_123}, {@code session:sess_123:messages:50},
     * {@code user:user_456:sessions:20}. Ids must not hold {@code ':'} (a session {@code a:messages:1}
     * would read as a message list of session {@code a}). In a Redis Cluster a session's keys then spread
     * over slots; every command the library sends stays correct (each names one key), but invalidating a
     * session reaches several masters.
     */
    REFERENCE;

    /**
     * The key of a session: {@code session:{<sessionId>}}, or {@code session:<sessionId>} in the reference
     * layout.
     *
     * @throws InvalidInputException if the id is null, empty or holds a character the layout forbids
     */
    public String sessionKey(String sessionId) {
        String id = requireId(sessionId, "sessionId");
        return this == CHATCACHE ? "session:{" + id + "}" : "session:" + id;
    }

    /**
     * The key of a session's last {@code limit} messages: {@link #sessionKey} + {@code :messages:<limit>}.
     *
     * @throws InvalidInputException if the id is invalid or the limit is below 1
     */
    public String sessionMessagesKey(String sessionId, int limit) {
        return sessionKey(sessionId) + ":messages:" + requireLimit(limit);
    }

    /**
     * The key of a user's {@code limit} latest sessions: {@code user:{<userId>}:sessions:<limit>}, or
     * {@code user:<userId>:sessions:<limit>} in the reference layout.
     *
     * @throws InvalidInputException if the id is invalid or the limit is below 1
     */
    public String userSessionsKey(String userId, int limit) {
        return userPrefix(userId) + ":sessions:" + requireLimit(limit);
    }

    /**
     * The key of a search's results, the same in both layouts: {@code search:<sha256(query)>:<sha256(
     * canonical JSON of filters)>}. The reference document names this shape ({@code
     * search:query_hash:filters_hash}) but not its hash, so a Python service's search keys match only if
     * it hashes the same way; search results are short-lived, so a mismatch costs misses, not errors.
     *
     * @throws InvalidInputException if the query is null or a filter value has no stable encoding
     */
    public String searchKey(String query, Map<String, ?> filters) {
        CacheInputs.requireNonNull(query, "query");
        String canonicalFilters = CanonicalJson.write(filters == null ? Map.of() : filters, "filters");
        return "search:" + CanonicalJson.sha256(query) + ":" + CanonicalJson.sha256(canonicalFilters);
    }

    /** The pattern of every message list of the session. */
    KeyPattern sessionMessagesPattern(String sessionId) {
        return KeyPattern.glob(KeyPattern.escape(sessionKey(sessionId)) + ":messages:*");
    }

    /** The pattern of every session list of the user. */
    KeyPattern userSessionsPattern(String userId) {
        return KeyPattern.glob(KeyPattern.escape(userPrefix(userId)) + ":sessions:*");
    }

    private String userPrefix(String userId) {
        String id = requireId(userId, "userId");
        return this == CHATCACHE ? "user:{" + id + "}" : "user:" + id;
    }

    private String requireId(String id, String name) {
        CacheInputs.requireNonNull(id, name);
        if (id.isEmpty()) {
            throw new InvalidInputException(name, "must not be empty");
        }
        if (this == CHATCACHE && (id.indexOf('{') >= 0 || id.indexOf('}') >= 0)) {
            throw new InvalidInputException(name,
                    "must not contain '{' or '}' (they delimit the Redis Cluster hash tag), was " + id);
        }
        if (this == REFERENCE && id.indexOf(':') >= 0) {
            throw new InvalidInputException(name, "must not contain ':' in the reference key layout (it separates "
                    + "the parts of a key), was " + id);
        }
        return id;
    }

    private static int requireLimit(int limit) {
        if (limit < 1) {
            throw new InvalidInputException("limit", "must be at least 1, was " + limit);
        }
        return limit;
    }

    /** The variable: {@code REDIS_KEY_LAYOUT}. */
    public static final String VARIABLE = "REDIS_KEY_LAYOUT";

    /**
     * The layout {@code environment} selects: {@code reference} or {@code chatcache} (any case), and
     * {@link #CHATCACHE} when the variable is unset or blank.
     *
     * @throws CacheConfigurationException naming the variable if its value is neither
     */
    public static ChatKeyLayout fromEnvironment(Map<String, String> environment) {
        if (environment == null) {
            throw new CacheConfigurationException("environment must not be null");
        }
        String value = environment.get(VARIABLE);
        if (value == null || value.isBlank()) {
            return CHATCACHE;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "chatcache" -> CHATCACHE;
            case "reference" -> REFERENCE;
            default -> throw new CacheConfigurationException("environment variable " + VARIABLE
                    + " must be chatcache (the default: hash-tagged keys under a namespace) or reference (the "
                    + "Python reference service's keys), was '" + value.strip() + "'");
        };
    }
}

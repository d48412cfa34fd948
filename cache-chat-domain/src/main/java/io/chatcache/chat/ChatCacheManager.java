package io.chatcache.chat;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chat-specific caching over a {@link ChatCacheService}: the reference's {@code ChatCacheManager}.
 *
 * <h2>Keys</h2>
 * Keys are hierarchical and spelt by a {@link ChatKeyLayout}: by default ({@link ChatKeyLayout#CHATCACHE})
 * the owning id is wrapped in braces, a Redis Cluster hash tag, so that all keys of one session (or one
 * user) live in the same cluster slot; {@link ChatKeyLayout#REFERENCE} writes the Python reference
 * service's keys without braces ({@code session:sess_123}), to share one Redis with it. A manager made
 * with {@link #ChatCacheManager(ChatCacheService)} takes the layout of the service's Redis settings
 * ({@code REDIS_KEY_LAYOUT}). In the default layout:
 * <table>
 *   <caption>Keys and default TTLs</caption>
 *   <tr><th>What</th><th>Key</th><th>Default TTL</th></tr>
 *   <tr><td>a session</td><td>{@code session:{<sessionId>}}</td><td>30 minutes</td></tr>
 *   <tr><td>a session's last messages</td><td>{@code session:{<sessionId>}:messages:<limit>}</td>
 *       <td>10 minutes</td></tr>
 *   <tr><td>a user's sessions</td><td>{@code user:{<userId>}:sessions:<limit>}</td><td>2 hours</td></tr>
 *   <tr><td>search results</td><td>{@code search:<sha256(query)>:<sha256(filters)>}</td>
 *       <td>5 minutes</td></tr>
 * </table>
 * Ids must be non-empty and must not contain <code>{</code> or <code>}</code> (they delimit the hash
 * tag; in the reference layout, {@code :} instead); any other character is allowed, and invalidation escapes ids so a {@code *} in an id matches only
 * itself. Search keys hash the query's UTF-8 bytes and the filters' canonical JSON (keys sorted, numbers
 * in plain form: {@code 1}, {@code 1L} and {@code 1.0} are equal) with SHA-256, so the same search gives
 * the same key in any filter order and on every JVM. Every TTL can be overridden per call.
 *
 * <h2>Types</h2>
 * Every pair is symmetric: {@code setSession} takes the {@link ChatSession} that {@code getSession}
 * returns, the list setters take the {@code List<ChatMessage>}, {@code List<ChatSession>} and
 * {@code List<SearchResult>} their getters return. A cached list holding anything else reads as absent. To
 * cache a type of your own under these keys (and keep the invalidation below), use the service with the
 * public key functions: {@code cache.set(ChatCacheManager.sessionKey(id), mySession)}.
 *
 * <h2>New messages</h2>
 * {@link #onNewMessage(String, String)} invalidates rather than appends: a cached list is keyed by its
 * limit, and appending to every limit's list while another instance reads or writes it cannot be made
 * atomic across Redis and the in-memory L1, whereas invalidation is always correct and the next read
 * reloads. Search results are not invalidated by new messages; their short TTL bounds how stale they
 * get, and {@link #invalidateSearchResults()} drops them all.
 *
 * <p>Instances are thread-safe and cheap; they hold no state besides the service.
 */
public final class ChatCacheManager {

    /** The reference's session TTL: 30 minutes. */
    public static final Duration SESSION_TTL = Duration.ofSeconds(1800);
    /** The reference's session-messages TTL: 10 minutes. */
    public static final Duration MESSAGES_TTL = Duration.ofSeconds(600);
    /** The reference's user-sessions TTL: 2 hours. */
    public static final Duration USER_SESSIONS_TTL = Duration.ofSeconds(7200);
    /** Search results: 5 minutes, short because new messages do not invalidate them. */
    public static final Duration SEARCH_RESULTS_TTL = Duration.ofSeconds(300);
    /** The reference's default message limit. */
    public static final int DEFAULT_MESSAGE_LIMIT = 50;
    /** The reference's default user-sessions limit. */
    public static final int DEFAULT_USER_SESSIONS_LIMIT = 20;

    private static final ValueType<List<ChatMessage>> MESSAGES = ValueType.listOf(ChatMessage.class);
    private static final ValueType<List<ChatSession>> SESSIONS = ValueType.listOf(ChatSession.class);
    private static final ValueType<List<SearchResult>> RESULTS = ValueType.listOf(SearchResult.class);
    private static final KeyPattern ALL_SEARCH_RESULTS = KeyPattern.glob("search:*");

    private final ChatCacheService cache;
    private final ChatKeyLayout layout;

    /**
     * A manager over {@code cache}, with the key layout of its Redis settings ({@code REDIS_KEY_LAYOUT};
     * {@link ChatKeyLayout#CHATCACHE} when unset).
     */
    public ChatCacheManager(ChatCacheService cache) {
        this(cache, CacheInputs.requireNonNull(cache, "cache").keyLayout());
    }

    /** A manager over {@code cache} spelling its keys in {@code layout}. */
    public ChatCacheManager(ChatCacheService cache, ChatKeyLayout layout) {
        this.cache = CacheInputs.requireNonNull(cache, "cache");
        this.layout = CacheInputs.requireNonNull(layout, "layout");
    }

    /** The service this manager writes to. */
    public ChatCacheService cache() {
        return cache;
    }

    /** How this manager spells its keys. */
    public ChatKeyLayout keyLayout() {
        return layout;
    }

    // ---- keys

    /**
     * {@code session:{<sessionId>}}, the default layout's key; see {@link ChatKeyLayout#sessionKey}.
     *
     * @throws InvalidInputException if the id is null, empty or contains a brace
     */
    public static String sessionKey(String sessionId) {
        return ChatKeyLayout.CHATCACHE.sessionKey(sessionId);
    }

    /**
     * {@code session:{<sessionId>}:messages:<limit>}, the default layout's key.
     *
     * @throws InvalidInputException if the id is invalid or the limit is below 1
     */
    public static String sessionMessagesKey(String sessionId, int limit) {
        return ChatKeyLayout.CHATCACHE.sessionMessagesKey(sessionId, limit);
    }

    /**
     * {@code user:{<userId>}:sessions:<limit>}, the default layout's key.
     *
     * @throws InvalidInputException if the id is invalid or the limit is below 1
     */
    public static String userSessionsKey(String userId, int limit) {
        return ChatKeyLayout.CHATCACHE.userSessionsKey(userId, limit);
    }

    /**
     * {@code search:<sha256(query)>:<sha256(canonical JSON of filters)>}, both lower-case hex, in every
     * layout. Null filters count as empty.
     *
     * @throws InvalidInputException if the query is null or a filter value has no stable encoding (the
     *     message names the filter)
     */
    public static String searchKey(String query, Map<String, ?> filters) {
        return ChatKeyLayout.CHATCACHE.searchKey(query, filters);
    }

    // ---- sessions

    /** Caches a session for {@link #SESSION_TTL}. */
    public void setSession(String sessionId, ChatSession session) {
        setSession(sessionId, session, SESSION_TTL);
    }

    /**
     * Caches a session for {@code ttl}.
     *
     * @throws InvalidInputException if the id, session or TTL is invalid
     */
    public void setSession(String sessionId, ChatSession session, Duration ttl) {
        cache.set(layout.sessionKey(sessionId), CacheInputs.requireValue(session), ttl);
    }

    /** The cached session, if present. */
    public Optional<ChatSession> getSession(String sessionId) {
        return cache.get(layout.sessionKey(sessionId), ChatSession.class);
    }

    // ---- session messages

    /** Caches a session's last messages for the default limit (50) and {@link #MESSAGES_TTL}. */
    public void setSessionMessages(String sessionId, List<ChatMessage> messages) {
        setSessionMessages(sessionId, messages, DEFAULT_MESSAGE_LIMIT, MESSAGES_TTL);
    }

    /** Caches the answer to "the session's last {@code limit} messages" for {@link #MESSAGES_TTL}. */
    public void setSessionMessages(String sessionId, List<ChatMessage> messages, int limit) {
        setSessionMessages(sessionId, messages, limit, MESSAGES_TTL);
    }

    /**
     * Caches the answer to "the session's last {@code limit} messages" for {@code ttl}. The list is
     * copied, in its order.
     *
     * @throws InvalidInputException if the id, limit or TTL is invalid, or the list is null, holds a null
     *     or holds more than {@code limit} messages
     */
    public void setSessionMessages(String sessionId, List<ChatMessage> messages, int limit, Duration ttl) {
        cache.set(layout.sessionMessagesKey(sessionId, limit), copyList(messages, limit, "messages"), ttl);
    }

    /** The cached last 50 messages of the session, if present. */
    public Optional<List<ChatMessage>> getSessionMessages(String sessionId) {
        return getSessionMessages(sessionId, DEFAULT_MESSAGE_LIMIT);
    }

    /** The cached last {@code limit} messages of the session, if present. */
    public Optional<List<ChatMessage>> getSessionMessages(String sessionId, int limit) {
        return getList(layout.sessionMessagesKey(sessionId, limit), MESSAGES, ChatMessage.class);
    }

    // ---- user sessions

    /** Caches a user's sessions for the default limit (20) and {@link #USER_SESSIONS_TTL}. */
    public void setUserSessions(String userId, List<ChatSession> sessions) {
        setUserSessions(userId, sessions, DEFAULT_USER_SESSIONS_LIMIT, USER_SESSIONS_TTL);
    }

    /** Caches the answer to "the user's {@code limit} latest sessions" for {@link #USER_SESSIONS_TTL}. */
    public void setUserSessions(String userId, List<ChatSession> sessions, int limit) {
        setUserSessions(userId, sessions, limit, USER_SESSIONS_TTL);
    }

    /**
     * Caches the answer to "the user's {@code limit} latest sessions" for {@code ttl}; the list is copied.
     *
     * @throws InvalidInputException if the id, limit or TTL is invalid, or the list is null, holds a null
     *     or holds more than {@code limit} sessions
     */
    public void setUserSessions(String userId, List<ChatSession> sessions, int limit, Duration ttl) {
        cache.set(layout.userSessionsKey(userId, limit), copyList(sessions, limit, "sessions"), ttl);
    }

    /** The cached 20 latest sessions of the user, if present. */
    public Optional<List<ChatSession>> getUserSessions(String userId) {
        return getUserSessions(userId, DEFAULT_USER_SESSIONS_LIMIT);
    }

    /** The cached {@code limit} latest sessions of the user, if present. */
    public Optional<List<ChatSession>> getUserSessions(String userId, int limit) {
        return getList(layout.userSessionsKey(userId, limit), SESSIONS, ChatSession.class);
    }

    // ---- search results

    /** Caches the results of a search for {@link #SEARCH_RESULTS_TTL}. */
    public void setSearchResults(String query, Map<String, ?> filters, List<SearchResult> results) {
        setSearchResults(query, filters, results, SEARCH_RESULTS_TTL);
    }

    /**
     * Caches the results of a search for {@code ttl}; the list is copied. See {@link #searchKey}.
     *
     * @throws InvalidInputException if the query, a filter, the results or the TTL is invalid
     */
    public void setSearchResults(String query, Map<String, ?> filters, List<SearchResult> results, Duration ttl) {
        cache.set(layout.searchKey(query, filters), copyList(results, Integer.MAX_VALUE, "results"), ttl);
    }

    /** The cached results of the search, if present; filters may be given in any order. */
    public Optional<List<SearchResult>> getSearchResults(String query, Map<String, ?> filters) {
        return getList(layout.searchKey(query, filters), RESULTS, SearchResult.class);
    }

    // ---- invalidation

    /**
     * Drops the session and all its message lists (every limit).
     *
     * @return how many entries were removed
     */
    public long invalidateSession(String sessionId) {
        long removed = cache.delete(layout.sessionKey(sessionId)) ? 1 : 0;
        return removed + cache.invalidatePattern(layout.sessionMessagesPattern(sessionId));
    }

    /**
     * Drops all cached session lists of the user (every limit).
     *
     * @return how many entries were removed
     */
    public long invalidateUserSessions(String userId) {
        return cache.invalidatePattern(layout.userSessionsPattern(userId));
    }

    /**
     * Drops every cached search result.
     *
     * @return how many entries were removed
     */
    public long invalidateSearchResults() {
        return cache.invalidatePattern(ALL_SEARCH_RESULTS);
    }

    /**
     * What a chat back end calls after it stored a new message in a session of {@code userId}: drops the
     * session's message lists (they miss the message), the session (its update time changed) and the
     * user's session lists (their order by recency changed). The next reads reload them.
     *
     * @return how many entries were removed
     * @throws InvalidInputException if an id is invalid
     */
    public long onNewMessage(String sessionId, String userId) {
        layout.userSessionsKey(userId, 1);
        return invalidateSession(sessionId) + invalidateUserSessions(userId);
    }

    private <T> Optional<List<T>> getList(String key, ValueType<List<T>> type, Class<T> elementType) {
        // A store that keeps objects (memory) hands back whatever list was stored under the key; only
        // lists whose every element is of the expected type are answers.
        return cache.typed(type).get(key).filter(list -> list.stream().allMatch(elementType::isInstance));
    }

    private static <E> List<E> copyList(List<E> list, int limit, String name) {
        CacheInputs.requireNonNull(list, name);
        if (list.size() > limit) {
            throw new InvalidInputException(name, "must hold at most limit (" + limit + ") elements, held "
                    + list.size());
        }
        List<E> copy = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            E element = list.get(i);
            if (element == null) {
                throw new InvalidInputException(name, "must not hold null, found one at index " + i);
            }
            copy.add(element);
        }
        return Collections.unmodifiableList(copy);
    }
}

package io.chatcache.example.spring;

import io.chatcache.chat.ChatCacheManager;
import io.chatcache.chat.ChatMessage;
import io.chatcache.chat.ChatSession;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.Caching;
import org.springframework.stereotype.Service;

/**
 * The chat logic: sessions and message pages through Spring's cache annotations (caches {@code sessions} and
 * {@code messages} of {@code application.yml}), a user's session list through the {@link ChatCacheManager}.
 */
@Service
public class ChatService {

    private final ChatRepository repository;
    private final ChatCacheManager chatCache;
    private final Clock clock = Clock.systemUTC();

    public ChatService(ChatRepository repository, ChatCacheManager chatCache) {
        this.repository = repository;
        this.chatCache = chatCache;
    }

    /** The session, or null (cached as such: a repeated lookup of an unknown id does not reach the database). */
    @Cacheable("sessions")
    public ChatSession session(String id) {
        return repository.findSession(id).orElse(null);
    }

    /** Creates a session, caches it, and drops its user's cached session lists. */
    @CachePut(cacheNames = "sessions", key = "#result.id()")
    public ChatSession createSession(String userId, String title) {
        Instant now = clock.instant();
        ChatSession session = new ChatSession(UUID.randomUUID().toString(), userId, title, now, now, Map.of());
        repository.save(session);
        chatCache.invalidateUserSessions(userId);
        return session;
    }

    @Cacheable(cacheNames = "messages", key = "#sessionId")
    public MessagePage messages(String sessionId) {
        return new MessagePage(sessionId, repository.findMessages(sessionId));
    }

    /** Adds a message: drops the session's cached page on every instance, and what the chat manager holds. */
    @Caching(evict = {@CacheEvict(cacheNames = "messages", key = "#sessionId")})
    public ChatMessage addMessage(String sessionId, String role, String content) {
        ChatSession session = repository.findSession(sessionId)
                .orElseThrow(() -> new UnknownSessionException(sessionId));
        ChatMessage message = new ChatMessage(UUID.randomUUID().toString(), sessionId, role, content, clock.instant());
        repository.save(message);
        chatCache.onNewMessage(sessionId, session.userId());
        return message;
    }

    /** A user's sessions through the chat manager ({@code user:{id}:sessions:<limit>}, 2 h). */
    public List<ChatSession> sessionsOf(String userId, int limit) {
        return chatCache.getUserSessions(userId, limit).orElseGet(() -> {
            List<ChatSession> sessions = repository.findSessionsOf(userId).stream().limit(limit).toList();
            chatCache.setUserSessions(userId, sessions, limit);
            return sessions;
        });
    }

    /** No session with that id. */
    public static final class UnknownSessionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownSessionException(String id) {
            super("no session " + id);
        }
    }
}

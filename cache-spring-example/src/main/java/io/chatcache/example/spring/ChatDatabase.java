package io.chatcache.example.spring;

import io.chatcache.chat.ChatMessage;
import io.chatcache.chat.ChatSession;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The example's "database": one store shared by every application instance in this JVM (a stand-in for the
 * real database the instances would share), so that a change made through one instance is seen by the others'
 * repositories once their caches let go of the old value.
 */
public final class ChatDatabase {

    private static final Map<String, ChatSession> SESSIONS = new ConcurrentHashMap<>();
    private static final Map<String, List<ChatMessage>> MESSAGES = new ConcurrentHashMap<>();

    private ChatDatabase() {
    }

    static Optional<ChatSession> session(String id) {
        return Optional.ofNullable(SESSIONS.get(id));
    }

    static void saveSession(ChatSession session) {
        SESSIONS.put(session.id(), session);
    }

    static List<ChatSession> sessionsOf(String userId) {
        return SESSIONS.values().stream().filter(s -> s.userId().equals(userId))
                .sorted(java.util.Comparator.comparing(ChatSession::id)).toList();
    }

    static List<ChatMessage> messages(String sessionId) {
        return List.copyOf(MESSAGES.getOrDefault(sessionId, List.of()));
    }

    static void addMessage(ChatMessage message) {
        MESSAGES.computeIfAbsent(message.sessionId(), id -> new CopyOnWriteArrayList<>()).add(message);
    }
}

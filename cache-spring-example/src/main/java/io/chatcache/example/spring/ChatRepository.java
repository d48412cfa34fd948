package io.chatcache.example.spring;

import io.chatcache.chat.ChatMessage;
import io.chatcache.chat.ChatSession;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Repository;

/** Reads and writes the database, counting its reads: what the caches in front of it save. */
@Repository
public class ChatRepository {

    private final AtomicInteger reads = new AtomicInteger();

    /** Reads from the database since this instance started. */
    public int reads() {
        return reads.get();
    }

    public Optional<ChatSession> findSession(String id) {
        reads.incrementAndGet();
        return ChatDatabase.session(id);
    }

    public List<ChatMessage> findMessages(String sessionId) {
        reads.incrementAndGet();
        return ChatDatabase.messages(sessionId);
    }

    public List<ChatSession> findSessionsOf(String userId) {
        reads.incrementAndGet();
        return ChatDatabase.sessionsOf(userId);
    }

    public void save(ChatSession session) {
        ChatDatabase.saveSession(session);
    }

    public void save(ChatMessage message) {
        ChatDatabase.addMessage(message);
    }
}

package io.chatcache.chat;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A chat session as the chat manager caches it. A plain record of simple types, so JSON serializers
 * (Jackson with java.time support) read and write it without annotations.
 *
 * @param id the session's id
 * @param userId the owning user's id
 * @param title the title shown to the user; may be null
 * @param createdAt when the session was created; may be null
 * @param updatedAt when it last changed (a new message); may be null
 * @param metadata further attributes; never null (null reads as empty), immutable
 */
public record ChatSession(String id, String userId, String title, Instant createdAt, Instant updatedAt,
                          Map<String, Object> metadata) {

    /** Copies the metadata, keeping its order; null metadata becomes empty. */
    public ChatSession {
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A session without metadata. */
    public ChatSession(String id, String userId, String title, Instant createdAt, Instant updatedAt) {
        this(id, userId, title, createdAt, updatedAt, Map.of());
    }
}

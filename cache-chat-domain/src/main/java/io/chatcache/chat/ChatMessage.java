package io.chatcache.chat;

import java.time.Instant;

/**
 * A chat message as the chat manager caches it. A plain record of simple types, so JSON serializers read
 * and write it without annotations.
 *
 * @param id the message's id
 * @param sessionId the session it belongs to
 * @param role who wrote it, such as {@code "user"} or {@code "assistant"}
 * @param content the text
 * @param createdAt when it was written; may be null
 */
public record ChatMessage(String id, String sessionId, String role, String content, Instant createdAt) {
}

package io.chatcache.example.spring;

import io.chatcache.chat.ChatMessage;
import java.util.List;

/**
 * A session's messages. A record rather than a bare {@code List<ChatMessage>}: a cache's value type is one class
 * in {@code application.yml} ({@code chatcache.spring.caches.messages.value-type}); generic types need
 * {@code ValueType.listOf(...)} in code.
 */
public record MessagePage(String sessionId, List<ChatMessage> messages) {
}

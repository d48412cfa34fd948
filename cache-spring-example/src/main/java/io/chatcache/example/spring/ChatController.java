package io.chatcache.example.spring;

import io.chatcache.chat.ChatMessage;
import io.chatcache.chat.ChatSession;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The REST API. */
@RestController
public class ChatController {

    /** The body of a new session. */
    public record NewSession(String userId, String title) {
    }

    /** The body of a new message. */
    public record NewMessage(String role, String content) {
    }

    private final ChatService chat;

    public ChatController(ChatService chat) {
        this.chat = chat;
    }

    @PostMapping("/sessions")
    @ResponseStatus(HttpStatus.CREATED)
    public ChatSession createSession(@RequestBody NewSession body) {
        return chat.createSession(body.userId(), body.title());
    }

    @GetMapping("/sessions/{id}")
    public ResponseEntity<ChatSession> session(@PathVariable String id) {
        ChatSession session = chat.session(id);
        return session == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(session);
    }

    @GetMapping("/sessions/{id}/messages")
    public MessagePage messages(@PathVariable String id) {
        return chat.messages(id);
    }

    @PostMapping("/sessions/{id}/messages")
    @ResponseStatus(HttpStatus.CREATED)
    public ChatMessage addMessage(@PathVariable String id, @RequestBody NewMessage body) {
        return chat.addMessage(id, body.role(), body.content());
    }

    @GetMapping("/users/{userId}/sessions")
    public List<ChatSession> sessionsOf(@PathVariable String userId, @RequestParam(defaultValue = "20") int limit) {
        return chat.sessionsOf(userId, limit);
    }

    @ExceptionHandler(ChatService.UnknownSessionException.class)
    @ResponseStatus(HttpStatus.NOT_FOUND)
    public String unknown(ChatService.UnknownSessionException e) {
        return e.getMessage();
    }
}

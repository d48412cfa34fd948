package io.chatcache.chat;

import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.SerializationException;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link ChatCacheService} seen through one value type, from {@link ChatCacheService#typed(ValueType)}: the
 * one place where reads of generic types ({@code List<ChatMessage>}) live, so that the service itself needs
 * only its {@code Class} forms.
 *
 * <pre>{@code
 * TypedCache<List<ChatMessage>> messages = cache.typed(ValueType.listOf(ChatMessage.class));
 * messages.set("session:42:messages", loaded);
 * List<ChatMessage> recent = messages.getOrLoad("session:42:messages", () -> db.lastMessages(42));
 * }</pre>
 *
 * Every call behaves as the service's call of the same name with this view's {@link #type()}: the same key
 * rules, failure handling, statistics and single-flight loading. A view holds no state besides the service
 * and the type; it is thread-safe and cheap to keep in a field.
 *
 * @param <V> the type of the values read and written through this view
 */
public interface TypedCache<V> {

    /** The type values are read as. */
    ValueType<V> type();

    /**
     * The value under {@code key}, if present, unexpired and readable as {@link #type()}.
     *
     * @throws InvalidInputException if the key is invalid
     */
    Optional<V> get(String key);

    /** The value under {@code key}, or {@code defaultValue} (which may be {@code null}) if absent. */
    V get(String key, V defaultValue);

    /**
     * Stores {@code value} for the service's default TTL; see {@link ChatCacheService#set(String, Object)}.
     *
     * @throws InvalidInputException if the key is invalid or the value is null
     * @throws SerializationException if the value cannot be written (by the Redis serializer, or by the
     *     value check of a MEMORY service)
     */
    void set(String key, V value);

    /**
     * Stores {@code value} for {@code ttl} ({@link CacheStore#NO_EXPIRY} for no expiry); see
     * {@link ChatCacheService#set(String, Object, Duration)}.
     */
    void set(String key, V value, Duration ttl);

    /**
     * The value under {@code key}, or the one {@code loader} loads, stored for the service's default TTL;
     * see {@link #getOrLoad(String, Supplier, Duration)}.
     */
    V getOrLoad(String key, Supplier<? extends V> loader);

    /**
     * The value under {@code key}, or the one {@code loader} loads, stored for {@code ttl}: at most one load
     * per key at a time in the service; see {@link ChatCacheService#getOrLoad(String, Class, Supplier, Duration)}
     * for the whole contract.
     *
     * @throws InvalidInputException if the key, loader or TTL is invalid
     */
    V getOrLoad(String key, Supplier<? extends V> loader, Duration ttl);

    /**
     * The value under {@code key}, or the one {@code loader} loads, with {@code options} (TTL, lease,
     * refresh-ahead, negative caching, jitter); see
     * {@link ChatCacheService#getOrLoad(String, Class, Supplier, LoadOptions)} for the whole contract.
     *
     * @throws InvalidInputException if the key, loader or options are invalid
     */
    V getOrLoad(String key, Supplier<? extends V> loader, LoadOptions options);
}

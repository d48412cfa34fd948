package io.chatcache.chat;

import io.chatcache.core.SerializationException;
import io.chatcache.core.Serializer;
import io.chatcache.core.ValueType;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The service's value check: a value must survive the trip through a {@link Serializer} (written, then read
 * back as its own type) before a store that keeps objects takes it, so that what works on the MEMORY backend
 * also works on Redis. The value stored is still the caller's instance; the round trip only proves it could
 * be written and read.
 */
final class ValueCheck {

    /** No check. */
    static final ValueCheck NONE = new ValueCheck(null);

    private final Serializer serializer;

    private ValueCheck(Serializer serializer) {
        this.serializer = serializer;
    }

    /** A check through {@code serializer}, or {@link #NONE} if it is null. */
    static ValueCheck through(Serializer serializer) {
        return serializer == null ? NONE : new ValueCheck(serializer);
    }

    boolean enabled() {
        return serializer != null;
    }

    /**
     * Writes and reads back {@code value}.
     *
     * @throws SerializationException if either step fails; the message names the value's type and how to turn
     *     the check off
     */
    void check(Object value) {
        if (serializer == null) {
            return;
        }
        try {
            serializer.deserialize(serializer.serialize(value), readType(value));
        } catch (SerializationException e) {
            throw new SerializationException("a " + value.getClass().getName() + " does not survive the serializer "
                    + "(written and read back), so Redis could not cache it either: " + e.getMessage()
                    + " (the MEMORY backend checks values by default; ChatCacheService.Builder.checkValues(false) "
                    + "turns the check off)", e);
        }
    }

    /** The type to read {@code value} back as: its collection interface, else its class. */
    private static ValueType<?> readType(Object value) {
        if (value instanceof List<?>) {
            return ValueType.of(List.class);
        }
        if (value instanceof Set<?>) {
            return ValueType.of(Set.class);
        }
        if (value instanceof Map<?, ?>) {
            return ValueType.of(Map.class);
        }
        return ValueType.of(value.getClass());
    }

    @Override
    public String toString() {
        return serializer == null ? "ValueCheck[off]" : "ValueCheck[" + serializer.getClass().getSimpleName() + "]";
    }
}

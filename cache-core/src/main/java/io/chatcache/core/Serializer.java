package io.chatcache.core;

/**
 * Turns values into bytes and back, for stores that keep bytes (Redis). Implementations are
 * thread-safe, never embed class names in the bytes, and never use Java serialization.
 */
public interface Serializer {
    /**
     * Writes {@code value} as bytes.
     *
     * @throws InvalidInputException if {@code value} is null
     * @throws SerializationException if the value cannot be written; the message names its type
     */
    byte[] serialize(Object value);

    /**
     * Reads bytes written by {@link #serialize} (or by another program in the same format) as
     * {@code type}.
     *
     * @throws SerializationException if the bytes cannot be read as {@code type}
     */
    <T> T deserialize(byte[] bytes, ValueType<T> type);
}

package io.chatcache.spring.internal;

/**
 * What a Spring cache stores under a key: the value, or {@code null} for a cached {@code null} result
 * (Spring's {@code allowNullValues}). In Redis it is the JSON {@code {"value":...}}, and {@code {"value":null}}
 * for a cached null: a marker that a value of any type could never be mistaken for. Not part of the API.
 *
 * @param value the cached value, or null for a cached null
 * @param <T> the cache's value type
 */
public record StoredValue<T>(T value) {

    private static final StoredValue<?> NULL = new StoredValue<>(null);

    /** The marker of a cached null. */
    @SuppressWarnings("unchecked")
    public static <T> StoredValue<T> ofNull() {
        return (StoredValue<T>) NULL;
    }

    @Override
    public String toString() {
        // never any part of a value in a log line
        return value == null ? "StoredValue[null]" : "StoredValue[" + value.getClass().getSimpleName() + "]";
    }
}

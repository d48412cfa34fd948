package io.chatcache.redis;

/**
 * How {@link JacksonSerializer} names the JSON properties of records and beans. Map keys and properties
 * named explicitly ({@code @JsonProperty("...")}) are written as they are in either naming. Read from
 * {@code REDIS_JSON_NAMING} ({@code camel_case} or {@code snake_case}).
 */
public enum JsonNaming {
    /** The Java names as they are: {@code userId}, {@code createdAt}. */
    CAMEL_CASE,
    /**
     * The Python reference service's JSON: {@code user_id}, {@code created_at}. An {@link java.time.Instant}
     * is then written as Python's {@code datetime.isoformat()} writes an aware UTC datetime
     * ({@code 2024-01-15T10:30:00+00:00}, or {@code 2024-01-15T10:30:00.123456+00:00}: microseconds, the
     * precision of a Python datetime, so nanoseconds are truncated), which {@code datetime.fromisoformat}
     * reads on every Python version that has it (3.7 and later).
     */
    SNAKE_CASE
}

package io.chatcache.testkit.redis;

/**
 * The harness could not provide or operate a Redis server: no Redis is available, a server did not start
 * or answer in time, a tool such as {@code redis-cli} or {@code openssl} is missing or failed. The
 * message says what happened and, where it can, what to install or set.
 */
public class RedisHarnessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what happened and what to do
     */
    public RedisHarnessException(String message) {
        super(message);
    }

    /**
     * An exception with a message and a cause.
     *
     * @param message what happened and what to do
     * @param cause the underlying failure
     */
    public RedisHarnessException(String message, Throwable cause) {
        super(message, cause);
    }
}

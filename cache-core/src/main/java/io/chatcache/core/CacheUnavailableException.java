package io.chatcache.core;

/**
 * The store's backend could not be reached or did not answer in time (a Redis server down, paused or
 * unreachable). The operation may or may not have taken effect; retrying later may succeed.
 */
public class CacheUnavailableException extends CacheException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public CacheUnavailableException(String message) {
        super(message);
    }

    /** An exception with a message and its cause. */
    public CacheUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

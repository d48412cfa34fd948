package io.chatcache.core;

/** The root of the exceptions that chat-cache throws for failures of a store or its backend. */
public class CacheException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public CacheException(String message) {
        super(message);
    }

    /** An exception with a message and its cause. */
    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }
}

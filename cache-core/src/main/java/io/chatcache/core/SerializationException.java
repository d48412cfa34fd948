package io.chatcache.core;

/** A value could not be turned into bytes, or bytes into a value of the requested type. */
public class SerializationException extends CacheException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public SerializationException(String message) {
        super(message);
    }

    /** An exception with a message and its cause. */
    public SerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}

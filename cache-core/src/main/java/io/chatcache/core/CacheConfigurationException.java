package io.chatcache.core;

/**
 * A configuration is invalid: a malformed option or environment variable, a wrong password, a missing
 * adapter. Retrying does not help; the message names what to fix.
 */
public class CacheConfigurationException extends CacheException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public CacheConfigurationException(String message) {
        super(message);
    }

    /** An exception with a message and its cause. */
    public CacheConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}

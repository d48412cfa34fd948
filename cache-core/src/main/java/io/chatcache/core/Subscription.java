package io.chatcache.core;

/** A registration (of a listener) that ends when closed. Closing twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Ends the registration. */
    @Override
    void close();
}

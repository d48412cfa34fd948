package io.chatcache.chat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, last opened first, after each test: register it as an instance field with
 * {@code @RegisterExtension} and pass what must be closed through {@link #add}.
 */
final class Closer implements AfterEachCallback {

    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** Closes {@code closeable} after the test; returns it. */
    <C extends AutoCloseable> C add(C closeable) {
        toClose.add(closeable);
        return closeable;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (int i = toClose.size() - 1; i >= 0; i--) {
                toClose.get(i).close();
            }
        } finally {
            toClose.clear();
        }
    }
}

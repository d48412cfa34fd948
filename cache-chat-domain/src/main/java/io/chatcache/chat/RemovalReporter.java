package io.chatcache.chat;

import io.chatcache.core.LogText;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.Subscription;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hybrid store's removal listeners, and which removals they hear of. L1 and L2 report every key they
 * remove to {@link #collect}; only the keys removed inside {@link #collecting} on the same thread (a caller's
 * delete, pattern delete or clear, another instance's invalidation) are kept, and the store then
 * {@linkplain #fire fires} them once. Removals that are no caller's (an L1 drop, a journal replay) run
 * {@link #uncollected}, so that a caller's call that happens to trigger them does not report them as its own.
 *
 * <p>Thread-safe.
 */
final class RemovalReporter {

    /** Logged under the hybrid store's name: that is where operators look. */
    private static final Logger LOG = LoggerFactory.getLogger(HybridCacheStore.class);

    /** What a collecting call returned, and the keys removed on its behalf. */
    record Collected<R>(R result, Set<String> removed) {
    }

    private final CopyOnWriteArrayList<RemovalListener> listeners = new CopyOnWriteArrayList<>();
    /** The keys L1 or L2 report removing during a call of this thread that wants to report them. */
    private final ThreadLocal<Set<String>> collected = new ThreadLocal<>();

    Subscription add(RemovalListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** What L1 and L2 tell: kept if a collecting call of this thread is under way. */
    void collect(String key, RemovalCause cause) {
        if (cause == RemovalCause.EXPLICIT || cause == RemovalCause.CLEARED) {
            Set<String> collector = collected.get();
            if (collector != null) {
                collector.add(key);
            }
        }
    }

    /** Runs {@code call}, keeping the keys L1 and L2 report removing meanwhile on this thread. */
    <R> Collected<R> collecting(Supplier<R> call) {
        Set<String> removed = new LinkedHashSet<>();
        Set<String> outer = collected.get();
        collected.set(removed);
        try {
            return new Collected<>(call.get(), removed);
        } finally {
            restore(outer);
        }
    }

    /** Runs {@code removal} without keeping what it removes: it is nobody's caller's removal. */
    void uncollected(Runnable removal) {
        Set<String> outer = collected.get();
        collected.remove();
        try {
            removal.run();
        } finally {
            restore(outer);
        }
    }

    /** Tells every listener of each key; a listener that throws is logged and the others still hear. */
    void fire(Set<String> keys, RemovalCause cause) {
        if (keys.isEmpty() || listeners.isEmpty()) {
            return;
        }
        for (String key : keys) {
            for (RemovalListener listener : listeners) {
                try {
                    listener.onRemoval(key, cause);
                } catch (RuntimeException e) {
                    LOG.warn("Removal listener {} failed for key {}", listener, LogText.escape(key), e);
                }
            }
        }
    }

    private void restore(Set<String> outer) {
        if (outer == null) {
            collected.remove();
        } else {
            collected.set(outer);
        }
    }
}

package io.chatcache.chat;

import io.chatcache.core.KeyPattern;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What this instance changed while L2 was out of use: the keys it wrote or deleted, the patterns it
 * deleted, and whether it cleared. Those changes reached L1 only, so L2 still holds the values from
 * before them, and the other instances their L1 copies; on recovery the hybrid store deletes them from
 * L2 and publishes the invalidations, so that nobody serves what this instance already replaced.
 *
 * <p>Bounded: past {@code maxKeys} keys (or as many patterns) it stops listing and asks for a clear
 * instead, which is always correct for a cache, only costlier.
 *
 * <p>Thread-safe.
 */
final class OutageJournal {

    /** What to replay, taken at once so that changes recorded meanwhile wait for the next replay. */
    record Replay(boolean clear, List<KeyPattern> patterns, List<String> keys) {
        boolean isEmpty() {
            return !clear && patterns.isEmpty() && keys.isEmpty();
        }

        /** How many invalidations this replay applies: one clear, or its patterns and keys. */
        long size() {
            return clear ? 1 : patterns.size() + keys.size();
        }
    }

    private final int maxKeys;
    private final Set<String> keys = new LinkedHashSet<>();
    private final List<KeyPattern> patterns = new ArrayList<>();
    private boolean clear;
    private boolean overflowed;
    /** Read without the lock on every L2 success, so it must stay cheap. */
    private volatile boolean pending;

    OutageJournal(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    synchronized void key(String key) {
        pending = true;
        if (!clear && !keys.contains(key)) {
            if (keys.size() >= maxKeys) {
                overflow();
            } else {
                keys.add(key);
            }
        }
    }

    synchronized void pattern(KeyPattern pattern) {
        pending = true;
        if (!clear && !patterns.contains(pattern)) {
            if (patterns.size() >= maxKeys) {
                overflow();
            } else {
                patterns.add(pattern);
            }
        }
    }

    synchronized void clear() {
        pending = true;
        clear = true;
        keys.clear();
        patterns.clear();
    }

    /** Whether the journal ran out of room and asks for a clear; reset by {@link #take()}. */
    synchronized boolean overflowed() {
        return overflowed;
    }

    /** Whether anything is recorded. */
    boolean hasPending() {
        return pending;
    }

    /** Empties the journal and returns what it held. */
    synchronized Replay take() {
        Replay replay = new Replay(clear, List.copyOf(patterns), List.copyOf(keys));
        clear = false;
        overflowed = false;
        pending = false;
        keys.clear();
        patterns.clear();
        return replay;
    }

    /** Puts back what a replay could not finish (replaying twice is harmless: it only deletes). */
    synchronized void restore(Replay unfinished) {
        if (unfinished.clear()) {
            clear();
            return;
        }
        unfinished.patterns().forEach(this::pattern);
        unfinished.keys().forEach(this::key);
    }

    private void overflow() {
        overflowed = true;
        clear();
    }
}

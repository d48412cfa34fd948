package io.chatcache.testkit;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.Subscription;
import io.chatcache.core.Ticker;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An obviously correct store (one lock, one HashMap) that proves the contract suite passes for a store
 * that keeps the port's promises, and, with a {@link Flaw}, that the suite catches one that does not.
 */
public final class ReferenceCacheStore implements CacheStore {

    /** A deliberate bug, to check that the contract suite notices it. */
    public enum Flaw {
        NONE,
        /** Stores every entry forever. */
        IGNORES_TTL,
        /** putAll checks and writes entry by entry, so a bad entry leaves the earlier ones written. */
        WRITES_BEFORE_VALIDATING,
        /** A value of another type escapes as a ClassCastException. */
        THROWS_ON_WRONG_TYPE,
        /** deleteMatching treats the pattern as a prefix. */
        PATTERN_AS_PREFIX,
        /** Closing a subscription does not remove the listener. */
        KEEPS_CLOSED_LISTENERS,
        /** getEntry reports the TTL given at put, not what remains of it. */
        REPORTS_FULL_TTL
    }

    private record Entry(Object value, long writtenAt, long ttlNanos) {
        boolean expiredAt(long now) {
            return ttlNanos != Long.MAX_VALUE && now - writtenAt >= ttlNanos;
        }
    }

    private final Ticker ticker;
    private final Duration defaultTtl;
    private final Flaw flaw;
    private final Map<String, Entry> entries = new HashMap<>();
    private final List<RemovalListener> listeners = new CopyOnWriteArrayList<>();
    private long hits;
    private long misses;
    private long errors;
    private long expirations;

    /** A store reading time from {@code ticker}, with {@code flaw} built in. */
    public ReferenceCacheStore(Ticker ticker, Flaw flaw) {
        this.ticker = ticker;
        this.defaultTtl = Duration.ofHours(1);
        this.flaw = flaw;
    }

    @Override
    public synchronized <T> Optional<T> get(String key, ValueType<T> type) {
        return getEntry(key, type).map(CacheEntry::value);
    }

    @Override
    public synchronized <T> Optional<CacheEntry<T>> getEntry(String key, ValueType<T> type) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        long now = ticker.read();
        Entry entry = live(key, now);
        if (entry == null) {
            misses++;
            return Optional.empty();
        }
        if (!type.isInstance(entry.value()) && flaw != Flaw.THROWS_ON_WRONG_TYPE) {
            misses++;
            errors++;
            return Optional.empty();
        }
        hits++;
        Duration remaining = entry.ttlNanos() == Long.MAX_VALUE
                ? NO_EXPIRY
                : Duration.ofNanos(entry.ttlNanos() - (flaw == Flaw.REPORTS_FULL_TTL ? 0 : now - entry.writtenAt()));
        return Optional.of(new CacheEntry<>(type.cast(entry.value()), remaining));
    }

    @Override
    public void put(String key, Object value) {
        put(key, value, defaultTtl);
    }

    @Override
    public void put(String key, Object value, Duration ttl) {
        CacheInputs.requireKey(key);
        CacheInputs.requireValue(value);
        CacheInputs.requireTtl(ttl);
        List<String> replaced = new ArrayList<>();
        synchronized (this) {
            long now = ticker.read();
            if (live(key, now) != null) {
                replaced.add(key);
            }
            entries.put(key, new Entry(value, now, ttlNanos(ttl)));
        }
        notify(replaced, RemovalCause.REPLACED);
    }

    @Override
    public void putAll(Map<String, ?> toPut, Duration ttl) {
        if (flaw != Flaw.WRITES_BEFORE_VALIDATING) {
            CacheStore.super.putAll(toPut, ttl);
            return;
        }
        toPut.forEach((key, value) -> put(key, value, ttl));
    }

    @Override
    public boolean delete(String key) {
        CacheInputs.requireKey(key);
        boolean removed;
        synchronized (this) {
            removed = live(key, ticker.read()) != null;
            entries.remove(key);
        }
        if (removed) {
            notify(List.of(key), RemovalCause.EXPLICIT);
        }
        return removed;
    }

    @Override
    public long deleteMatching(KeyPattern pattern) {
        CacheInputs.requireNonNull(pattern, "pattern");
        List<String> removed = new ArrayList<>();
        synchronized (this) {
            long now = ticker.read();
            for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Entry> entry = it.next();
                boolean matches = flaw == Flaw.PATTERN_AS_PREFIX
                        ? entry.getKey().startsWith(pattern.pattern().replaceAll("[*?\\\\\\[\\]].*", ""))
                        : pattern.matches(entry.getKey());
                if (matches) {
                    it.remove();
                    if (!entry.getValue().expiredAt(now)) {
                        removed.add(entry.getKey());
                    }
                }
            }
        }
        notify(removed, RemovalCause.EXPLICIT);
        return removed.size();
    }

    @Override
    public void clear() {
        List<String> removed = new ArrayList<>();
        synchronized (this) {
            long now = ticker.read();
            entries.forEach((key, entry) -> {
                if (!entry.expiredAt(now)) {
                    removed.add(key);
                }
            });
            entries.clear();
        }
        notify(removed, RemovalCause.CLEARED);
    }

    @Override
    public Subscription addRemovalListener(RemovalListener listener) {
        CacheInputs.requireNonNull(listener, "listener");
        listeners.add(listener);
        if (flaw == Flaw.KEEPS_CLOSED_LISTENERS) {
            return () -> { };
        }
        return () -> listeners.remove(listener);
    }

    @Override
    public synchronized CacheStats stats() {
        return new CacheStats(hits, misses, entries.size(), 0, 0, expirations, errors);
    }

    @Override
    public void close() {
    }

    /** The live entry under key, dropping (and reporting) it if it has expired. Called holding the lock. */
    private Entry live(String key, long now) {
        Entry entry = entries.get(key);
        if (entry != null && entry.expiredAt(now)) {
            entries.remove(key);
            expirations++;
            notify(List.of(key), RemovalCause.EXPIRED);
            return null;
        }
        return entry;
    }

    private long ttlNanos(Duration ttl) {
        if (flaw == Flaw.IGNORES_TTL || ttl.equals(NO_EXPIRY)) {
            return Long.MAX_VALUE;
        }
        try {
            return ttl.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE - 1;
        }
    }

    private void notify(List<String> keys, RemovalCause cause) {
        for (String key : keys) {
            for (RemovalListener listener : listeners) {
                try {
                    listener.onRemoval(key, cause);
                } catch (RuntimeException ignored) {
                    // the port promises that a failing listener does not break the store
                }
            }
        }
    }
}

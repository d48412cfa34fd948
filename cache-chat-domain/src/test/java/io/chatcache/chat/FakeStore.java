package io.chatcache.chat;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A small map-backed {@link CacheStore} on a manual clock, standing in for L1 or L2 in the hybrid's
 * unit tests: it can be switched to fail as an unreachable backend does, and counts the calls that
 * reach it, so that a test can tell that an open breaker makes none.
 */
final class FakeStore implements CacheStore {

    private record Entry(Object value, long deadline) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final List<RemovalListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong clock;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder calls = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final java.util.concurrent.atomic.AtomicReference<Runnable> beforeNextPut =
            new java.util.concurrent.atomic.AtomicReference<>();

    private volatile Runnable onEveryCall;

    FakeStore(AtomicLong clock) {
        this.clock = clock;
    }

    /** Makes every later call throw {@link CacheUnavailableException}, or stops doing so. */
    void setDown(boolean down) {
        this.down.set(down);
    }

    /** Runs {@code hook} at the start of every later call (to block it, or to let the clock run); null for none. */
    void onEveryCall(Runnable hook) {
        onEveryCall = hook;
    }

    /** Runs {@code hook} once, inside the next put, before the value is stored. */
    void beforeNextPut(Runnable hook) {
        beforeNextPut.set(hook);
    }

    /** How many calls reached this store (refused ones included). */
    long calls() {
        return calls.sum();
    }

    boolean isClosed() {
        return closed.get();
    }

    /** The raw content, without counting a read. */
    Optional<Object> peek(String key) {
        Entry entry = live(key);
        return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    /** The remaining TTL of the raw entry, without counting a read. */
    Optional<Duration> peekTtl(String key) {
        Entry entry = live(key);
        return entry == null ? Optional.empty() : Optional.of(remaining(entry));
    }

    private void enter() {
        calls.increment();
        Runnable hook = onEveryCall;
        if (hook != null) {
            hook.run();
        }
        if (down.get()) {
            throw new CacheUnavailableException("fake backend is down");
        }
    }

    private Entry live(String key) {
        Entry entry = entries.get(key);
        if (entry != null && entry.deadline() <= clock.get()) {
            if (entries.remove(key, entry)) {
                tell(key, RemovalCause.EXPIRED);
            }
            return null;
        }
        return entry;
    }

    private Duration remaining(Entry entry) {
        return entry.deadline() == Long.MAX_VALUE ? NO_EXPIRY : Duration.ofNanos(entry.deadline() - clock.get());
    }

    @Override
    public <T> Optional<T> get(String key, ValueType<T> type) {
        return getEntry(key, type).map(CacheEntry::value);
    }

    @Override
    public <T> Optional<CacheEntry<T>> getEntry(String key, ValueType<T> type) {
        CacheInputs.requireKey(key);
        CacheInputs.requireNonNull(type, "type");
        enter();
        Entry entry = live(key);
        if (entry == null) {
            misses.increment();
            return Optional.empty();
        }
        if (!type.isInstance(entry.value())) {
            misses.increment();
            errors.increment();
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(new CacheEntry<>(type.cast(entry.value()), remaining(entry)));
    }

    @Override
    public void put(String key, Object value) {
        put(key, value, Duration.ofHours(1));
    }

    @Override
    public void put(String key, Object value, Duration ttl) {
        CacheInputs.requireKey(key);
        CacheInputs.requireValue(value);
        CacheInputs.requireTtl(ttl);
        enter();
        Runnable hook = beforeNextPut.getAndSet(null);
        if (hook != null) {
            hook.run();
        }
        long deadline = ttl.equals(NO_EXPIRY) || ttl.toSeconds() > 1_000_000_000L
                ? Long.MAX_VALUE : clock.get() + ttl.toNanos();
        Entry old = entries.put(key, new Entry(value, deadline));
        if (old != null && old.deadline() > clock.get()) {
            tell(key, RemovalCause.REPLACED);
        }
    }

    @Override
    public boolean delete(String key) {
        CacheInputs.requireKey(key);
        enter();
        Entry entry = live(key);
        if (entry != null && entries.remove(key, entry)) {
            tell(key, RemovalCause.EXPLICIT);
            return true;
        }
        return false;
    }

    @Override
    public long deleteMatching(KeyPattern pattern) {
        CacheInputs.requireNonNull(pattern, "pattern");
        enter();
        long removed = 0;
        for (String key : new ArrayList<>(entries.keySet())) {
            Entry entry = live(key);
            if (entry != null && pattern.matches(key) && entries.remove(key, entry)) {
                removed++;
                tell(key, RemovalCause.EXPLICIT);
            }
        }
        return removed;
    }

    @Override
    public void clear() {
        enter();
        for (String key : new ArrayList<>(entries.keySet())) {
            Entry entry = live(key);
            if (entry != null && entries.remove(key, entry)) {
                tell(key, RemovalCause.CLEARED);
            }
        }
    }

    @Override
    public Subscription addRemovalListener(RemovalListener listener) {
        CacheInputs.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void tell(String key, RemovalCause cause) {
        listeners.forEach(listener -> listener.onRemoval(key, cause));
    }

    @Override
    public CacheStats stats() {
        enter();
        long count = entries.values().stream().filter(e -> e.deadline() > clock.get()).count();
        return new CacheStats(hits.sum(), misses.sum(), count, 0, 0, 0, errors.sum());
    }

    @Override
    public void close() {
        closed.set(true);
    }
}

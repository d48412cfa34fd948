package io.chatcache.chat;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.ReservedValueReads;
import io.chatcache.core.StoreSettings;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real memory store (found through its provider), recording the TTL of every write and counting the bulk
 * calls (the bulk reads {@code getAll}, {@code getEntries}, {@code getEntriesOrReserved}, and {@code putAll}). Offers
 * the memory store's {@link ReservedValueReads}, as the stores the library builds do.
 */
final class RecordingStore implements CacheStore, ReservedValueReads {

    private final ProvidedStore memory = AdapterLookup.SERVICE_LOADER.apply("memory")
            .orElseThrow(() -> new AssertionError("the memory adapter must be on the test class path"))
            .open(StoreSettings.defaults(Map.of()));
    private final CacheStore delegate = memory.store();
    private final Map<String, Duration> ttls = new ConcurrentHashMap<>();
    /** How many bulk reads ({@code getAll}, {@code getEntries}, {@code getEntriesOrReserved}) reached this store. */
    final AtomicInteger bulkReads = new AtomicInteger();
    /** How many {@code putAll} calls reached this store. */
    final AtomicInteger putAlls = new AtomicInteger();

    /** The TTL of the last write of {@code key}, or null. */
    Duration ttlOf(String key) {
        return ttls.get(key);
    }

    /** The keys written so far. */
    java.util.Set<String> keysWritten() {
        return ttls.keySet();
    }

    @Override
    public <T> Optional<T> get(String key, ValueType<T> type) {
        return delegate.get(key, type);
    }

    @Override
    public void put(String key, Object value) {
        throw new AssertionError("the facade always passes a TTL");
    }

    @Override
    public void put(String key, Object value, Duration ttl) {
        delegate.put(key, value, ttl);
        ttls.put(key, ttl);
    }

    @Override
    public <T> Map<String, T> getAll(Collection<String> keys, ValueType<T> type) {
        bulkReads.incrementAndGet();
        return delegate.getAll(keys, type);
    }

    @Override
    public <T> Map<String, CacheEntry<T>> getEntries(Collection<String> keys, ValueType<T> type) {
        bulkReads.incrementAndGet();
        return delegate.getEntries(keys, type);
    }

    @Override
    public <T> Optional<CacheEntry<Object>> getEntryOrReserved(String key, ValueType<T> type, String reserved) {
        return ReservedValueReads.read(delegate, key, type, reserved);
    }

    @Override
    public <T> Map<String, CacheEntry<Object>> getEntriesOrReserved(Collection<String> keys, ValueType<T> type,
                                                                    String reserved) {
        bulkReads.incrementAndGet();
        return ReservedValueReads.readAll(delegate, keys, type, reserved);
    }

    @Override
    public void putAll(Map<String, ?> entries, Duration ttl) {
        putAlls.incrementAndGet();
        delegate.putAll(entries, ttl);
        entries.keySet().forEach(key -> ttls.put(key, ttl));
    }

    @Override
    public boolean delete(String key) {
        return delegate.delete(key);
    }

    @Override
    public long deleteMatching(KeyPattern pattern) {
        return delegate.deleteMatching(pattern);
    }

    @Override
    public void clear() {
        delegate.clear();
    }

    @Override
    public Subscription addRemovalListener(RemovalListener listener) {
        return delegate.addRemovalListener(listener);
    }

    @Override
    public CacheStats stats() {
        return delegate.stats();
    }

    @Override
    public void close() {
        memory.close();
    }
}

package io.chatcache.core;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A key-value cache: the one port that the memory, Redis and hybrid stores implement, and that a store
 * of your own implements to plug into chat-cache (check it with the contract suite in
 * {@code cache-testkit}).
 *
 * <h2>Keys, values and time to live</h2>
 * <ul>
 *   <li>Keys are non-empty strings of at most {@link CacheInputs#MAX_KEY_LENGTH} characters.</li>
 *   <li>Values are non-null objects. A cache never stores {@code null}; "absent" is
 *       {@link Optional#empty()}.</li>
 *   <li>A time to live (TTL) is a positive {@link Duration}, or {@link #NO_EXPIRY} for an entry that
 *       never expires (it can still be evicted, deleted or cleared). An entry whose TTL has elapsed is
 *       absent to every read, whether or not it has been cleaned up yet.</li>
 * </ul>
 * Arguments that break these rules are refused with {@link InvalidInputException} before anything is
 * changed: nothing already stored is lost or altered by a refused call.
 *
 * <h2>Reads and types</h2>
 * Reads take a {@link ValueType} so that stores which serialise values can rebuild generic types
 * ({@code List<ChatMessage>}). A stored value that cannot be read as the requested type reads as a miss
 * and counts as an error in {@link #stats()}; it is never an exception to the caller.
 *
 * <h2>Values are shared, not copied</h2>
 * Treat a value as immutable once it is handed to {@link #put}, and never change a value a read returned.
 * A store that keeps objects (the memory store, the hybrid's L1) stores the very instance it was given and
 * returns that instance to every read, so mutating it changes the cache for every caller; a store that
 * keeps bytes (Redis) stores a serialised copy and returns a new instance per read. Records and immutable
 * collections ({@code List.copyOf}) make the difference invisible. A store that keeps objects also accepts
 * values a serialising store would refuse; {@code ChatCacheService}'s value check (on by default for its
 * MEMORY backend) refuses them before they reach the store.
 *
 * <h2>Names</h2>
 * The port uses the names of Java's collections and caches ({@code put}, {@code deleteMatching},
 * {@code stats}); {@code ChatCacheService} keeps the reference service's ({@code set},
 * {@code invalidatePattern}, {@code getStats}) and maps them one to one. Both load with
 * {@link #getOrLoad}.
 *
 * <h2>Failures</h2>
 * A store that cannot reach its backend throws {@link CacheUnavailableException}; a value that cannot
 * be serialised throws {@link SerializationException} and leaves the old value in place.
 *
 * <p>Implementations are thread-safe.
 */
public interface CacheStore extends AutoCloseable {

    /**
     * The TTL meaning "never expires". Pass it to {@link #put(String, Object, Duration)}; stores report it
     * as the remaining TTL of such entries in {@link CacheEntry#remainingTtl()}.
     */
    Duration NO_EXPIRY = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    /**
     * Returns the value stored under {@code key}, if present, unexpired and readable as {@code type}.
     *
     * @throws InvalidInputException if the key or type breaks the input rules
     * @throws CacheUnavailableException if the backend cannot be reached
     */
    <T> Optional<T> get(String key, ValueType<T> type);

    /** Shorthand for {@code get(key, ValueType.of(type))}. */
    default <T> Optional<T> get(String key, Class<T> type) {
        return get(key, ValueType.of(type));
    }

    /**
     * Returns the value with its remaining time to live ({@link #NO_EXPIRY} if it never expires). The
     * hybrid store uses it to keep its L1 copy no longer than the L2 entry lives. Stores that cannot tell
     * the remaining TTL report {@link #NO_EXPIRY}; the default implementation does so.
     */
    default <T> Optional<CacheEntry<T>> getEntry(String key, ValueType<T> type) {
        return get(key, type).map(value -> new CacheEntry<>(value, NO_EXPIRY));
    }

    /**
     * Stores {@code value} under {@code key} with the store's default TTL, replacing any earlier value.
     *
     * @throws InvalidInputException if the key or value breaks the input rules
     * @throws SerializationException if the value cannot be written; the earlier value stays
     * @throws CacheUnavailableException if the backend cannot be reached
     */
    void put(String key, Object value);

    /**
     * Stores {@code value} under {@code key} for {@code ttl} ({@link #NO_EXPIRY} for no expiry),
     * replacing any earlier value and its TTL.
     *
     * @throws InvalidInputException if the key, value or TTL breaks the input rules
     * @throws SerializationException if the value cannot be written; the earlier value stays
     * @throws CacheUnavailableException if the backend cannot be reached
     */
    void put(String key, Object value, Duration ttl);

    /**
     * Removes the entry under {@code key}.
     *
     * @return whether an unexpired entry was removed
     */
    boolean delete(String key);

    /**
     * Removes every entry whose key matches {@code pattern} (Redis glob semantics, see
     * {@link KeyPattern}).
     *
     * @return how many entries were removed
     */
    long deleteMatching(KeyPattern pattern);

    /** Removes every entry of this store (for a Redis store: of its namespace only). */
    void clear();

    /**
     * Returns the value under {@code key}, or loads it with {@code loader}, stores it for {@code ttl} and
     * returns it. A {@code null} from the loader is returned and nothing is stored. An exception from the
     * loader reaches the caller and nothing is stored.
     *
     * <p>A store may return a loaded value without storing it when the key is written (put, deleted,
     * cleared) while the loader runs, so that a value read before an invalidation does not outlive it;
     * the memory store does.
     *
     * <p>The default implementation does not coordinate concurrent callers: two threads that miss at the
     * same time both load. Stores that can do better (the memory store loads at most once per key at a
     * time) override it.
     */
    default <T> T getOrLoad(String key, ValueType<T> type, Supplier<? extends T> loader, Duration ttl) {
        CacheInputs.requireTtl(ttl);
        CacheInputs.requireNonNull(loader, "loader");
        Optional<T> cached = get(key, type);
        if (cached.isPresent()) {
            return cached.get();
        }
        T loaded = loader.get();
        if (loaded != null) {
            put(key, loaded, ttl);
        }
        return loaded;
    }

    /**
     * Reads several keys at once; absent keys are missing from the result. The default reads one key at
     * a time; the Redis store sends one pipelined round trip.
     */
    default <T> Map<String, T> getAll(Collection<String> keys, ValueType<T> type) {
        CacheInputs.requireNonNull(keys, "keys");
        keys.forEach(CacheInputs::requireKey);
        Map<String, T> found = new LinkedHashMap<>();
        for (String key : keys) {
            get(key, type).ifPresent(value -> found.put(key, value));
        }
        return found;
    }

    /**
     * Reads several keys at once with their remaining TTLs, as {@link #getEntry} reads one; absent keys are
     * missing from the result, which follows the order of {@code keys} (each key once). The hybrid store
     * uses it to copy the L2 hits of {@link #getAll} into L1 for no longer than they live in L2. The default
     * calls {@link #getEntry} once per key; the Redis store reads every key in one round trip.
     *
     * @throws InvalidInputException if the collection, a key or the type breaks the input rules; nothing
     *     is read then
     * @throws CacheUnavailableException if the backend cannot be reached
     */
    default <T> Map<String, CacheEntry<T>> getEntries(Collection<String> keys, ValueType<T> type) {
        CacheInputs.requireNonNull(keys, "keys");
        keys.forEach(CacheInputs::requireKey);
        CacheInputs.requireNonNull(type, "type");
        Map<String, CacheEntry<T>> found = new LinkedHashMap<>();
        for (String key : new LinkedHashSet<>(keys)) {
            getEntry(key, type).ifPresent(entry -> found.put(key, entry));
        }
        return found;
    }

    /**
     * Stores several entries with one TTL. Every key and value is checked before anything is written.
     * The default writes one entry at a time; the Redis store sends one pipelined round trip.
     */
    default void putAll(Map<String, ?> entries, Duration ttl) {
        CacheInputs.requireNonNull(entries, "entries");
        CacheInputs.requireTtl(ttl);
        entries.forEach((key, value) -> {
            CacheInputs.requireKey(key);
            CacheInputs.requireValue(value);
        });
        entries.forEach((key, value) -> put(key, value, ttl));
    }

    /**
     * Registers a listener told of entries removed from this store, with the cause. Which causes a store
     * can report is its own: the memory store reports all of them; a Redis store cannot see expiry or
     * eviction inside the server and reports explicit removals only. Listeners run on the thread that
     * caused the removal (or the cleanup thread) and must be quick; an exception from a listener is
     * logged and swallowed.
     *
     * @return a subscription whose {@link Subscription#close()} removes the listener
     */
    Subscription addRemovalListener(RemovalListener listener);

    /**
     * This store as {@code capability}, an optional interface such as {@link ExpiringStore} or
     * {@link PublishingStore}, if it offers it: ask this rather than testing with {@code instanceof}, which a
     * wrapper hides. The default answers for this object itself; a store that wraps another (a decorator)
     * overrides it to answer for itself first and then ask the store it wraps, so that wrapping never hides
     * what the store underneath can do (the role of Caffeine's {@code policy()}).
     *
     * @throws InvalidInputException if {@code capability} is null
     */
    default <C> Optional<C> capability(Class<C> capability) {
        CacheInputs.requireNonNull(capability, "capability");
        return capability.isInstance(this) ? Optional.of(capability.cast(this)) : Optional.empty();
    }

    /** A snapshot of this store's statistics. */
    CacheStats stats();

    /**
     * Releases the store's resources (threads, connections it owns). Further calls may fail.
     * Idempotent.
     */
    @Override
    void close();
}

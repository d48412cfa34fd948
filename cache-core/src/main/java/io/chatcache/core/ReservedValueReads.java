package io.chatcache.core;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An optional capability of a {@link CacheStore}: a read that recognises one reserved string value without
 * decoding it as the requested type. A layer above the store may keep such a string under a key in place of a
 * value ({@code ChatCacheService.ABSENT_MARKER}, "known to be absent", is one); read as another type, it would be
 * what the store contract calls a value of the wrong type: a miss counted as an error (and logged by a Redis
 * store). Through this capability it is a plain hit on the reserved string, found in the same single read that
 * would have returned the value. Callers ask with {@link CacheStore#capability(Class)}, or use
 * {@link #read(CacheStore, String, ValueType, String)}, which falls back to two plain reads for a store without it.
 * {@link #getEntriesOrReserved} (and {@link #readAll}) is the same for several keys, as
 * {@link CacheStore#getEntries} is to {@code getEntry}.
 * Implementations are thread-safe.
 */
public interface ReservedValueReads {

    /**
     * Reads {@code key} as {@code type} with its remaining TTL, as {@link CacheStore#getEntry} does, except that
     * a stored value equal to {@code reserved} is returned as that string (a hit, not an error), whatever
     * {@code type} is.
     *
     * @return empty on a miss (absent, expired, or neither {@code reserved} nor readable as {@code type}, which
     *     counts as an error as for {@code getEntry}); otherwise an entry whose value is {@code reserved} (compare
     *     with {@code equals}) or a value of {@code type}
     * @throws InvalidInputException if the key is invalid, or {@code type} or {@code reserved} is null
     * @throws CacheUnavailableException if the backend cannot be reached
     */
    <T> Optional<CacheEntry<Object>> getEntryOrReserved(String key, ValueType<T> type, String reserved);

    /**
     * {@link #getEntryOrReserved} for several keys, as {@link CacheStore#getEntries} reads them: absent keys are
     * missing from the result, which follows the order of {@code keys} (each key once). The default calls
     * {@link #getEntryOrReserved} once per key; the Redis store reads every key in one round trip.
     *
     * @return each key found with an entry whose value is {@code reserved} (compare with {@code equals}) or a
     *     value of {@code type}; a key neither {@code reserved} nor readable as {@code type} is missing and counts
     *     as an error, as for {@code getEntries}
     * @throws InvalidInputException if the collection, a key, {@code type} or {@code reserved} is invalid;
     *     nothing is read then
     * @throws CacheUnavailableException if the backend cannot be reached
     */
    default <T> Map<String, CacheEntry<Object>> getEntriesOrReserved(Collection<String> keys, ValueType<T> type,
                                                                     String reserved) {
        CacheInputs.requireNonNull(keys, "keys");
        keys.forEach(CacheInputs::requireKey);
        CacheInputs.requireNonNull(type, "type");
        CacheInputs.requireNonNull(reserved, "reserved");
        Map<String, CacheEntry<Object>> found = new LinkedHashMap<>();
        for (String key : new LinkedHashSet<>(keys)) {
            getEntryOrReserved(key, type, reserved).ifPresent(entry -> found.put(key, entry));
        }
        return found;
    }

    /**
     * {@link #getEntryOrReserved} on {@code store} if it offers this capability; otherwise {@code getEntry} as
     * {@code type} and, on a miss where {@code type} cannot hold a string, a second {@code getEntry} as a string
     * (where the first read of a reserved value counts as the store's error, as it always did).
     *
     * @throws InvalidInputException if the store, key, type or reserved string is invalid
     * @throws CacheUnavailableException if the backend cannot be reached
     */
    static <T> Optional<CacheEntry<Object>> read(CacheStore store, String key, ValueType<T> type, String reserved) {
        CacheInputs.requireNonNull(store, "store");
        CacheInputs.requireNonNull(reserved, "reserved");
        Optional<ReservedValueReads> reads = store.capability(ReservedValueReads.class);
        if (reads.isPresent()) {
            return reads.get().getEntryOrReserved(key, type, reserved);
        }
        Optional<CacheEntry<Object>> found = store.getEntry(key, type).map(ReservedValueReads::widen);
        if (found.isEmpty() && !type.isInstance(reserved)) {
            found = store.getEntry(key, ValueType.of(String.class)).filter(entry -> reserved.equals(entry.value()))
                    .map(ReservedValueReads::widen);
        }
        return found;
    }

    /** {@code entry} as an entry of {@code Object}. */
    static CacheEntry<Object> widen(CacheEntry<?> entry) {
        return new CacheEntry<>(entry.value(), entry.remainingTtl());
    }

    /**
     * {@link #getEntriesOrReserved} on {@code store} if it offers this capability; otherwise
     * {@link CacheStore#getEntries} as {@code type} and, for the keys it missed where {@code type} cannot hold a
     * string, a second {@code getEntries} as a string (where the first read of a reserved value counts as the
     * store's error).
     *
     * @throws InvalidInputException if the store, collection, a key, type or reserved string is invalid
     * @throws CacheUnavailableException if the backend cannot be reached
     */
    static <T> Map<String, CacheEntry<Object>> readAll(CacheStore store, Collection<String> keys, ValueType<T> type,
                                                      String reserved) {
        CacheInputs.requireNonNull(store, "store");
        CacheInputs.requireNonNull(reserved, "reserved");
        Optional<ReservedValueReads> reads = store.capability(ReservedValueReads.class);
        if (reads.isPresent()) {
            return reads.get().getEntriesOrReserved(keys, type, reserved);
        }
        Map<String, CacheEntry<T>> typed = store.getEntries(keys, type);
        Map<String, CacheEntry<Object>> reservedOnes = Map.of();
        if (typed.size() < new LinkedHashSet<>(keys).size() && !type.isInstance(reserved)) {
            Set<String> missed = new LinkedHashSet<>(keys);
            missed.removeAll(typed.keySet());
            reservedOnes = new LinkedHashMap<>();
            for (Map.Entry<String, CacheEntry<String>> entry
                    : store.getEntries(missed, ValueType.of(String.class)).entrySet()) {
                if (reserved.equals(entry.getValue().value())) {
                    reservedOnes.put(entry.getKey(), widen(entry.getValue()));
                }
            }
        }
        Map<String, CacheEntry<Object>> found = new LinkedHashMap<>();
        for (String key : new LinkedHashSet<>(keys)) {
            CacheEntry<T> entry = typed.get(key);
            if (entry != null) {
                found.put(key, widen(entry));
            } else if (reservedOnes.containsKey(key)) {
                found.put(key, reservedOnes.get(key));
            }
        }
        return found;
    }
}

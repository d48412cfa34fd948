package io.chatcache.core;

import java.util.Optional;

/**
 * An optional capability of a {@link CacheStore}: a read that recognises one reserved string value without
 * decoding it as the requested type. A layer above the store may keep such a string under a key in place of a
 * value ({@code ChatCacheService.ABSENT_MARKER}, "known to be absent", is one); read as another type, it would be
 * what the store contract calls a value of the wrong type: a miss counted as an error (and logged by a Redis
 * store). Through this capability it is a plain hit on the reserved string, found in the same single read that
 * would have returned the value. Callers ask with {@link CacheStore#capability(Class)}, or use
 * {@link #read(CacheStore, String, ValueType, String)}, which falls back to two plain reads for a store without it.
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
}

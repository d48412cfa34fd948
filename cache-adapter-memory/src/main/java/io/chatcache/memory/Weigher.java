package io.chatcache.memory;

/**
 * Estimates how many bytes of heap an entry holds, for {@link MemoryCacheStore}'s
 * {@code totalSizeBytes} statistic and its optional {@code maximumWeightBytes} bound. Set one with
 * {@link MemoryCacheStore.Builder#weigher(Weigher)}; the default is {@link #estimating()}.
 *
 * <p>A weigher is called once per put, on the putting thread, before the store changes anything; it
 * must be thread-safe, quick and free of side effects, and must not call the store. An exception from it
 * fails the put and leaves the store unchanged. Weights above 2<sup>30</sup> - 1 (a byte less than 1 GiB)
 * count as 2<sup>30</sup> - 1.
 */
@FunctionalInterface
public interface Weigher {

    /**
     * The estimated size of the entry in bytes.
     *
     * @param key the entry's key, never null
     * @param value the entry's value, never null
     * @return the size in bytes; never negative (a negative weight fails the put with
     *     {@link io.chatcache.core.InvalidInputException})
     */
    long weigh(String key, Object value);

    /**
     * The default estimate: a fixed per-entry overhead for the store's own bookkeeping, plus the key,
     * plus the value measured by walking it.
     * <ul>
     *   <li>the key: 40 bytes plus 2 per character; the store's per-entry overhead: 80 bytes;</li>
     *   <li>strings: 40 bytes plus 2 per character; {@code byte[]} and other primitive arrays: 16 bytes
     *       plus their length times the element size; boxed primitives: 16 bytes;</li>
     *   <li>collections, maps and object arrays: a header plus a per-element cost plus each element,
     *       measured the same way, to a depth of 8 and at most 1,000 elements per container (the rest are
     *       counted at the average of the measured ones);</li>
     *   <li>other JDK objects ({@code java.time} values, UUIDs): 32 bytes; enum constants: nothing
     *       (they are shared);</li>
     *   <li>other objects, records included: 16 bytes plus 8 per field, plus the estimate of each
     *       reference field, to the same depth; an object whose fields cannot be read counts 64 bytes.</li>
     * </ul>
     * One estimate visits at most 10,000 objects. A shared object is counted wherever it is reached, so the estimate errs on the high side; it is an
     * estimate for monitoring and for a soft memory bound, not an exact measurement.
     */
    static Weigher estimating() {
        return DefaultWeigher.INSTANCE;
    }
}

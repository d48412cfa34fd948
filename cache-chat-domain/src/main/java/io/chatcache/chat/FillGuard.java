package io.chatcache.chat;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The hybrid store's guard against the fill race: a reader that fetched a value from L2 must not put
 * it into L1 if the key was written or invalidated in the meantime, or L1 would keep the old value
 * after the invalidation for it has already come and gone.
 *
 * <p>A stamp is the sum of a global epoch (bumped by pattern and clear invalidations, bus reconnects,
 * sequence gaps and L2 recovery) and a striped per-key counter (bumped by every local write or delete
 * and every incoming key invalidation). Both only grow, so the sum is unchanged exactly when neither
 * moved. Striping keeps the memory fixed whatever the key count; two keys on one stripe only cost a
 * skipped fill, never a stale one. Taking a stamp costs a hash and two volatile reads, so the read
 * path stays cheap.
 *
 * <p>Thread-safe.
 */
final class FillGuard {

    /** A power of two, so that the stripe index is a mask; 8 KiB per store. */
    private static final int STRIPES = 1024;

    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final AtomicLong epoch = new AtomicLong();
    // Only the test that proves the race is detected turns this off.
    private volatile boolean enabled = true;

    /** The key's current stamp, to be taken before reading L2. */
    long stamp(String key) {
        return epoch.get() + stripes.get(index(key));
    }

    /** Whether nothing covering {@code key} changed since {@code stamp} was taken. */
    boolean unchangedSince(String key, long stamp) {
        return !enabled || stamp(key) == stamp;
    }

    /**
     * Records a change of {@code key} and tells whether it was the only change covering the key since
     * {@code stampBefore}: if so, the writer's own value is the newest this instance knows of.
     */
    boolean bumpAndCheckSole(String key, long stampBefore) {
        // The epoch is read after the increment so that an epoch change before the bump is seen.
        long stripe = stripes.incrementAndGet(index(key));
        return !enabled || epoch.get() + stripe == stampBefore + 1;
    }

    /** Records a change of {@code key}. */
    void bump(String key) {
        stripes.incrementAndGet(index(key));
    }

    /** Records a change that may cover any key. */
    void bumpAll() {
        epoch.incrementAndGet();
    }

    void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    private static int index(String key) {
        int h = key.hashCode();
        // Spread the high bits: String hashes of similar keys differ mostly in the low ones, but not only.
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }
}

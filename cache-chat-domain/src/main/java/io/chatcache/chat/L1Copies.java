package io.chatcache.chat;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStore;
import io.chatcache.core.KeyPattern;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The hybrid store's L1 side: what goes into L1 and when it must come out, guarded against the races with L2
 * and the bus.
 *
 * <ul>
 *   <li>The fill race: a value read from L2 is not copied into L1 if the key was written or invalidated while
 *       the read was in flight ({@link FillGuard}), so an invalidation that overtakes a read is never undone by
 *       it; nor while L1 is suspect.</li>
 *   <li>A value written to L2 goes into L1 only if no other change of the key came meanwhile (then the order
 *       of the two in L2 is unknown, and the key leaves L1).</li>
 *   <li>A value written while L2 is out of use goes into L1 only, unless a change from outside this instance's
 *       own writes (another instance's invalidation, an L1 drop, a journal replay) covered the key meanwhile or
 *       L2 came back: either may be newer.</li>
 *   <li>No copy outlives its L2 entry or the L1 TTL ceiling.</li>
 * </ul>
 *
 * <p><b>Dropping one shard's copies.</b> L1 cannot list its keys, so on a sharded L2 this class remembers, per
 * shard, the keys it put into L1 since that shard's last drop ({@link #trackShards}): a drop deletes those. The
 * list may hold keys L1 no longer has (evictions and expirations are not taken off it, since a removal report
 * may race with a new put of the key and would then hide a live copy), never miss one it has: a key is listed
 * after it is put, and taken off before it is deleted. A drop also takes the keys listed under other shards that
 * now belong to the dropped one (after a resharding). Past {@link #MAX_TRACKED_KEYS} keys in a shard, the list
 * stops and shard drops drop L1 whole until the next whole drop, which is always correct.
 *
 * <p>Thread-safe.
 */
final class L1Copies {

    /** Keys remembered per shard for {@link #dropShard}; past it, a drop of that shard drops L1 whole. */
    static final int MAX_TRACKED_KEYS = 65_536;

    /** The keys of one shard put into L1 since its last drop. */
    private static final class ShardKeys {
        final Set<String> keys = ConcurrentHashMap.newKeySet();
        volatile boolean overflowed;
    }

    /** Taken before an L2 write: what the L1 side of the write checks afterwards. */
    record WriteStamp(long recovery, long stamp, long outsideStamp, long startNanos) {
    }

    private final CacheStore l1;
    private final Duration ceiling;
    /** Whether L1 may be filled for a key (the coherence's state). */
    private final Predicate<String> coherent;
    private final RemovalReporter reporter;
    private final FillGuard guard = new FillGuard();
    /**
     * Changes made outside this instance's own L1 writes: other instances' invalidations, L1 drops for lost
     * messages or recovery, journal replays. An L1-only write that sees one undoes itself, because the change
     * may be newer than its value; its own concurrent local writes and deletes do not count.
     */
    private final FillGuard outsideChanges = new FillGuard();
    /** Bumped whenever L2 comes back; an L1-only write that sees it move undoes itself. */
    private final AtomicLong recoveries = new AtomicLong();
    private final LongAdder drops = new LongAdder();
    private final LongAdder shardDrops = new LongAdder();
    /** A key's shard while L2 is sharded; null otherwise (then nothing is tracked). */
    private volatile Function<String, String> shardOf;
    private final Map<String, ShardKeys> tracked = new ConcurrentHashMap<>();
    /** Test hook: runs after an L2 read and before its value is copied into L1. */
    private volatile Consumer<String> beforeFillHook;

    L1Copies(CacheStore l1, Duration ceiling, Predicate<String> coherent, RemovalReporter reporter) {
        this.l1 = l1;
        this.ceiling = ceiling;
        this.coherent = coherent;
        this.reporter = reporter;
    }

    /**
     * Starts (or, with null, stops) remembering which shard's keys are put into L1, so that {@link #dropShard} can
     * drop them. Whatever was put before is not known: L1 is dropped whole, unreported.
     */
    void trackShards(Function<String, String> shards) {
        if (shards == null && shardOf == null) {
            return;
        }
        tracked.clear();
        shardOf = shards;
        if (shards != null) {
            // Not counted as a drop: L1 is usually empty here (the store is being built, or L2 was just reached).
            reporter.uncollected(() -> {
                guard.bumpAll();
                outsideChanges.bumpAll();
                l1.clear();
            });
        }
    }

    /** Puts a copy into L1, then lists it under its shard (in that order: a drop must never miss a copy). */
    private void put(String key, Object value, Duration ttl) {
        l1.put(key, value, ttl);
        Function<String, String> shards = shardOf;
        if (shards != null) {
            ShardKeys keys = tracked.computeIfAbsent(shards.apply(key), id -> new ShardKeys());
            if (!keys.overflowed) {
                if (keys.keys.size() >= MAX_TRACKED_KEYS) {
                    keys.overflowed = true;
                    keys.keys.clear();
                } else {
                    keys.keys.add(key);
                }
            }
        }
    }

    /**
     * Drops the L1 copies of shard {@code shard}'s keys without reporting them (they still live in L2), and makes
     * in-flight fills and L1-only writes of any key fail, as {@link #dropAll} does. L1 whole if the shard's keys
     * are not all known.
     */
    void dropShard(String shard) {
        if (shardOf == null) {
            dropAll();
            return;
        }
        Function<String, String> shards = shardOf;
        if (shards == null || tracked.values().stream().anyMatch(keys -> keys.overflowed)) {
            dropAll();
            return;
        }
        shardDrops.increment();
        reporter.uncollected(() -> {
            guard.bumpAll();
            outsideChanges.bumpAll();
            // The shard's own list, and keys listed under another shard that now belong to this one (slots moved,
            // or their shard vanished): a rare event, and this is rare too, so every list is looked through.
            for (Map.Entry<String, ShardKeys> listed : tracked.entrySet()) {
                boolean own = listed.getKey().equals(shard);
                Set<String> keys = listed.getValue().keys;
                for (String key : keys) {
                    if (own || shard.equals(shards.apply(key))) {
                        // Taken off the list first: a put after this lists the key again.
                        keys.remove(key);
                        l1.delete(key);
                    }
                }
            }
        });
    }

    /** L2's shard {@code shard} is back after an outage: its L1 copies missed invalidations. */
    void recoveredShard(String shard) {
        recoveries.incrementAndGet();
        dropShard(shard);
    }

    /** How often one shard's L1 copies were dropped (not L1 whole). */
    long shardDrops() {
        return shardDrops.sum();
    }

    /** The key's stamp, to be taken before reading L2 and handed to {@link #fill}. */
    long readStamp(String key) {
        return guard.stamp(key);
    }

    /** What {@link #afterL2Write} and {@link #withoutL2} check; taken before the L2 write. */
    WriteStamp writeStamp(String key) {
        return new WriteStamp(recoveries.get(), guard.stamp(key), outsideChanges.stamp(key), System.nanoTime());
    }

    /**
     * Copies an L2 hit into L1 unless the key changed since {@code stamp} was taken (before the L2 read). The
     * check is repeated after the put, because an invalidation can land between the first check and the put:
     * it bumps the stamp before it deletes from L1, so either its delete comes after our put, or our second
     * check sees its bump and we delete the copy ourselves.
     */
    <T> void fill(String key, CacheEntry<T> entry, long stamp, long startNanos) {
        Consumer<String> hook = beforeFillHook;
        if (hook != null) {
            hook.accept(key);
        }
        Optional<Duration> ttl = ttlOfCopy(entry.remainingTtl(), startNanos);
        // A suspicion bumps the guard, so a fill that began before it fails the second check below.
        if (ttl.isEmpty() || !coherent.test(key) || !guard.unchangedSince(key, stamp)) {
            return;
        }
        put(key, entry.value(), ttl.get());
        if (!guard.unchangedSince(key, stamp)) {
            l1.delete(key);
        }
    }

    /**
     * Puts a value just written to L2 into L1, unless something else changed the key since {@code before}:
     * then the order of the two changes in L2 is unknown, so L1 drops the key and the next read asks L2.
     */
    void afterL2Write(String key, Object value, Duration ttl, WriteStamp before) {
        boolean sole = guard.bumpAndCheckSole(key, before.stamp());
        Optional<Duration> l1Ttl = ttlOfCopy(ttl, before.startNanos());
        if (sole && l1Ttl.isPresent() && coherent.test(key)) {
            put(key, value, l1Ttl.get());
            if (!guard.unchangedSince(key, before.stamp() + 1)) {
                l1.delete(key);
            }
        } else {
            l1.delete(key);
        }
    }

    /**
     * Puts a value that did not reach L2 into L1 (the caller journals the key). If a change from outside this
     * instance's own writes covered the key since {@code before} (another instance's write heard over the bus,
     * a journal replay run by another call), that change may be newer, so L1 drops the key instead. The check is
     * repeated after the put, as for fills, so such a change landing during the put is not undone by it.
     */
    void withoutL2(String key, Object value, Duration ttl, WriteStamp before) {
        guard.bump(key);
        if (!outsideChanges.unchangedSince(key, before.outsideStamp())) {
            l1.delete(key);
            return;
        }
        put(key, value, capped(ttl));
        // L2 came back while we wrote (the L1 drop of the recovery may have run before our put, and this
        // value is not in L2), or the key changed from outside meanwhile.
        if (recoveries.get() != before.recovery() || !outsideChanges.unchangedSince(key, before.outsideStamp())) {
            l1.delete(key);
        }
    }

    /** A caller deletes {@code key}: whether L1 held it. */
    boolean delete(String key) {
        guard.bump(key);
        return l1.delete(key);
    }

    /** A caller deletes the keys matching {@code pattern}: how many L1 held. */
    long deleteMatching(KeyPattern pattern) {
        guard.bumpAll();
        return l1.deleteMatching(pattern);
    }

    /** A caller clears the cache. */
    void clear() {
        guard.bumpAll();
        clearTracked();
        l1.clear();
    }

    private void clearTracked() {
        tracked.values().forEach(keys -> {
            keys.keys.clear();
            keys.overflowed = false;
        });
    }

    /** Another instance (or a replay) changed {@code key}: whether L1 held it. */
    boolean forgetFromOutside(String key) {
        guard.bump(key);
        outsideChanges.bump(key);
        return l1.delete(key);
    }

    /**
     * Another instance deleted the keys matching {@code glob}; L1 is dropped whole if Redis may match other keys
     * than L1 does ({@link #matchesBytewiseInL2}).
     */
    void forgetMatchingFromOutside(String glob) {
        guard.bumpAll();
        outsideChanges.bumpAll();
        l1.deleteMatching(KeyPattern.glob(glob));
        if (matchesBytewiseInL2(glob)) {
            dropAll();
        }
    }

    /** Another instance cleared the cache. */
    void clearFromOutside() {
        guard.bumpAll();
        outsideChanges.bumpAll();
        clearTracked();
        l1.clear();
    }

    /** Drops every L1 copy without reporting it: the keys still live in L2. */
    void dropAll() {
        drops.increment();
        reporter.uncollected(() -> {
            guard.bumpAll();
            outsideChanges.bumpAll();
            // The lists first, then L1: a copy put in between is listed again after its put.
            clearTracked();
            l1.clear();
        });
    }

    /** L2 is back after an outage: L1 missed invalidations and holds values L2 lacks. */
    void recovered() {
        recoveries.incrementAndGet();
        dropAll();
    }

    /** Makes in-flight fills fail without dropping L1 (L1 just became suspect). */
    void invalidateFills() {
        guard.bumpAll();
    }

    /** How often L1 was dropped whole. */
    long drops() {
        return drops.sum();
    }

    Duration capped(Duration ttl) {
        return ttl.compareTo(ceiling) <= 0 ? ttl : ceiling;
    }

    /**
     * Whether Redis may match {@code glob} against other keys than L1 does: Redis matches {@code ?} and
     * {@code [...]} against single bytes of the UTF-8 key, L1 against characters, so for a key with a
     * non-ASCII character ("user:\u00e9" and "user:??") the two disagree. L1 cannot list its keys to apply
     * Redis's rule, so after such a pattern it is dropped whole. A {@code *} or a literal matches alike either
     * way.
     */
    static boolean matchesBytewiseInL2(String glob) {
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    /**
     * The TTL of an L1 copy of an L2 entry that had {@code l2Ttl} left when the L2 call started: what is left of
     * it now, at most the ceiling; empty if nothing is left. Counting from the start of the call keeps the copy
     * from outliving the L2 entry by the call's duration.
     */
    private Optional<Duration> ttlOfCopy(Duration l2Ttl, long startNanos) {
        if (l2Ttl.equals(CacheStore.NO_EXPIRY)) {
            return Optional.of(ceiling);
        }
        Duration left = l2Ttl.minusNanos(System.nanoTime() - startNanos);
        if (left.isNegative() || left.isZero()) {
            return Optional.empty();
        }
        return Optional.of(capped(left));
    }

    // Test seams.

    void setFillGuardEnabled(boolean enabled) {
        guard.setEnabled(enabled);
    }

    void setBeforeFillHook(Consumer<String> hook) {
        this.beforeFillHook = hook;
    }
}

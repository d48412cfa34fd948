package io.chatcache.memory;

import java.util.Optional;

/**
 * One entry: the map's value and a link of the intrusive access-order list.
 *
 * <p>A put never changes a node; it makes a new one. That keeps {@link #key}, {@link #value},
 * {@link #expiresAt} and {@link #weight} final, so a reader that got the node from the map sees a
 * consistent value and expiry without any lock or fence. Only the links change, and only under the
 * store's eviction lock.
 *
 * <p>The value is held as a ready-made {@link Optional}: a hit then returns it as it is and allocates
 * nothing. It costs one small object per entry, paid on the write path instead of on every read.
 *
 * <p>Kept small on purpose (12-byte header, four references, a long and an int: 40 bytes with compressed
 * references), because it is paid per entry.
 */
final class Node {
    /** The {@link #expiresAt} of an entry that never expires. */
    static final long NEVER = Long.MAX_VALUE;

    final String key;
    final Optional<Object> value;
    /** Ticker reading at which the entry expires, or {@link #NEVER}. */
    final long expiresAt;
    /** The estimated size in bytes, saturated at {@link Integer#MAX_VALUE}. */
    final int weight;

    /**
     * Links of the access-order list, guarded by the eviction lock. Both are null once the node has
     * left the list: that is how a replayed read recognises a node that was removed meanwhile.
     */
    Node prev;
    Node next;

    Node(String key, Object value, long expiresAt, int weight) {
        this.key = key;
        this.value = Optional.of(value);
        this.expiresAt = expiresAt;
        this.weight = weight;
    }

    /** The list's sentinel: it holds no entry and is never in the map. */
    Node() {
        this.key = null;
        this.value = Optional.empty();
        this.expiresAt = NEVER;
        this.weight = 0;
        this.prev = this;
        this.next = this;
    }

    boolean isExpiredAt(long now) {
        return expiresAt != NEVER && now - expiresAt >= 0;
    }

    /** Whether the node is still in the access-order list (read under the eviction lock). */
    boolean isLinked() {
        return next != null;
    }
}

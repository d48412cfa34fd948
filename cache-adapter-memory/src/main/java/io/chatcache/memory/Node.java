package io.chatcache.memory;

/**
 * One entry: the map's value and a link of the intrusive access-order list.
 *
 * <p>Kept small on purpose, because it is paid per entry: a 12-byte header, four references and an int
 * make 32 bytes with compressed references. Entries that can expire use {@link Expiring}, 8 bytes more
 * for the deadline; entries of stores that never expire do not pay for it.
 *
 * <p>Who may touch what:
 * <ul>
 *   <li>{@link #value} (and the deadline) change in place when a key is put again. A put does so holding
 *       the node's monitor, and retiring a node (setting {@code value} to null) holds it too, so that a
 *       put never revives a node that has left the store. Readers take neither lock: they read the
 *       volatile {@code value}, and treat null as absent.</li>
 *   <li>{@link #weight} changes only under both the monitor and the eviction lock, so totals computed under
 *       the lock stay exact.</li>
 *   <li>{@link #prev} and {@link #next} change only under the eviction lock; both are null once the node
 *       has left the list, which is how a replayed read recognises a node removed meanwhile.</li>
 * </ul>
 */
class Node {
    /** The deadline of an entry that never expires. */
    static final long NEVER = Long.MAX_VALUE;

    final String key;
    /** The value; null once the node has been retired (removed from the store). */
    volatile Object value;
    /** The estimated size in bytes, saturated at {@link Integer#MAX_VALUE}. */
    int weight;

    Node prev;
    Node next;

    Node(String key, Object value, int weight) {
        this.key = key;
        this.value = value;
        this.weight = weight;
    }

    /** The list's sentinel: it holds no entry and is never in the map. */
    Node() {
        this.key = null;
        this.value = null;
        this.prev = this;
        this.next = this;
    }

    /** A node for the deadline: the smaller kind if it never expires. */
    static Node create(String key, Object value, long expiresAt, int weight) {
        return expiresAt == NEVER ? new Node(key, value, weight) : new Expiring(key, value, expiresAt, weight);
    }

    /** Ticker reading at which the entry expires, or {@link #NEVER}. */
    long expiresAt() {
        return NEVER;
    }

    /** Whether this node can take the deadline in place (a node without one can only take NEVER). */
    boolean canExpireAt(long expiresAt) {
        return expiresAt == NEVER;
    }

    /** Sets the deadline; only with a deadline {@link #canExpireAt} accepts, holding the monitor. */
    void setExpiresAt(long expiresAt) {
        if (expiresAt != NEVER) {
            throw new IllegalStateException("a node without expiry cannot take a deadline");
        }
    }

    final boolean isExpiredAt(long now) {
        long at = expiresAt();
        // A difference, not a comparison, so that tickers wrapping around (as nanoTime may) still work.
        return at != NEVER && now - at >= 0;
    }

    /** Whether the node is still in the access-order list (read under the eviction lock). */
    final boolean isLinked() {
        return next != null;
    }

    /** A node with a deadline. */
    static final class Expiring extends Node {
        private volatile long expiresAt;

        Expiring(String key, Object value, long expiresAt, int weight) {
            super(key, value, weight);
            this.expiresAt = expiresAt;
        }

        @Override
        long expiresAt() {
            return expiresAt;
        }

        @Override
        boolean canExpireAt(long at) {
            return true;
        }

        @Override
        void setExpiresAt(long at) {
            this.expiresAt = at;
        }
    }
}

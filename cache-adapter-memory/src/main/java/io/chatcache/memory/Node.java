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
 *   <li>{@link #value} (and the deadline) change in place when a key is put again with the same kind of
 *       expiry. A put does so holding the node's monitor, and retiring a node (setting {@code value} to
 *       null) holds it too, so that a put never revives a node that has left the store. Readers take
 *       neither lock: they read the volatile {@code value}, and treat null as retired.</li>
 *   <li>A put that needs the other kind of node (a deadline where there was none, or none where there
 *       was one) replaces the node in the map with one {@code ConcurrentHashMap.replace}, then retires
 *       the old one, both under its monitor. So the map never lacks the key meanwhile, and a reader that
 *       finds the old node retired finds its replacement in the map.</li>
 *   <li>{@link #weight()} changes only under both the monitor and the eviction lock, so totals computed under
 *       the lock stay exact.</li>
 *   <li>{@link #prev} and {@link #next} change only under the eviction lock; both are null once the node
 *       has left the list, which is how a replayed read recognises a node removed meanwhile. Under the
 *       adaptive policy they link the node into its region's queue, and the region (also under the lock) is
 *       {@link AdaptivePolicy#NONE} once it has left.</li>
 * </ul>
 */
class Node implements AdaptivePolicy.Links<Node> {
    /** What {@link #expiresAt()} answers for an entry that never expires (only nodes without a deadline). */
    static final long NEVER = Long.MAX_VALUE;
    /** The heaviest weight a node records (1 GiB less a byte): the top two bits hold the policy region. */
    static final int MAXIMUM_WEIGHT = (1 << 30) - 1;
    private static final int REGION_SHIFT = 30;

    final String key;
    /** The value; null once the node has been retired (removed from the store). */
    volatile Object value;
    /**
     * The estimated size in bytes (low 30 bits) and the adaptive policy's region (top 2 bits, always 0 under
     * LRU): one int, so that the adaptive policy costs no byte per entry.
     */
    private int weightAndRegion;

    Node prev;
    Node next;

    Node(String key, Object value, int weight) {
        this.key = key;
        this.value = value;
        this.weightAndRegion = weight;
    }

    /** The list's sentinel: it holds no entry and is never in the map. */
    Node() {
        this.key = null;
        this.value = null;
        this.prev = this;
        this.next = this;
    }

    /** A node of the kind {@code expires} asks for: the smaller kind if it never expires. */
    static Node create(String key, Object value, boolean expires, long expiresAt, int weight) {
        return expires ? new Expiring(key, value, expiresAt, weight) : new Node(key, value, weight);
    }

    /**
     * Whether this node has a deadline. Every {@code long} is a possible deadline (tickers may wrap), so
     * the kind of node, not a value of the deadline, says whether an entry expires.
     */
    boolean expires() {
        return false;
    }

    /** Ticker reading at which the entry expires; {@link #NEVER} if it does not {@link #expires()}. */
    long expiresAt() {
        return NEVER;
    }

    /** Sets the deadline; only on a node that {@link #expires()}, holding the monitor. */
    void setExpiresAt(long expiresAt) {
        throw new IllegalStateException("a node without expiry cannot take a deadline");
    }

    /** Whether the entry has expired at ticker reading {@code now}. */
    boolean isExpiredAt(long now) {
        return false;
    }

    /** The estimated size in bytes, at most {@link #MAXIMUM_WEIGHT}. */
    final int weight() {
        return weightAndRegion & MAXIMUM_WEIGHT;
    }

    /** Sets the weight (0 to {@link #MAXIMUM_WEIGHT}), keeping the region. */
    final void weight(int weight) {
        weightAndRegion = (weightAndRegion & ~MAXIMUM_WEIGHT) | weight;
    }

    @Override
    public final int region() {
        return weightAndRegion >>> REGION_SHIFT;
    }

    @Override
    public final void region(int region) {
        weightAndRegion = (weightAndRegion & MAXIMUM_WEIGHT) | (region << REGION_SHIFT);
    }

    @Override
    public final Node policyPrev() {
        return prev;
    }

    @Override
    public final void policyPrev(Node node) {
        prev = node;
    }

    @Override
    public final Node policyNext() {
        return next;
    }

    @Override
    public final void policyNext(Node node) {
        next = node;
    }

    @Override
    public final int keyHash() {
        return key.hashCode();
    }

    /** Whether the node is still in the access-order list (read under the eviction lock). */
    final boolean isLinked() {
        return next != null;
    }

    /** A node with a deadline, which may be any {@code long}. */
    static final class Expiring extends Node {
        private volatile long expiresAt;

        Expiring(String key, Object value, long expiresAt, int weight) {
            super(key, value, weight);
            this.expiresAt = expiresAt;
        }

        @Override
        boolean expires() {
            return true;
        }

        @Override
        long expiresAt() {
            return expiresAt;
        }

        @Override
        void setExpiresAt(long at) {
            this.expiresAt = at;
        }

        @Override
        boolean isExpiredAt(long now) {
            // A difference, not a comparison, so that tickers wrapping around (as nanoTime may) still work.
            return now - expiresAt >= 0;
        }
    }
}

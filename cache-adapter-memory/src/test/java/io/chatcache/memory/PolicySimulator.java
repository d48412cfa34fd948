package io.chatcache.memory;

import java.util.HashMap;
import java.util.Map;

/**
 * The adaptive policy alone, over integer keys of weight one: what the store does with it, without the
 * store's map, values, expiry or buffers. Replays traces for hit rates and synthetic workloads with known
 * answers.
 */
final class PolicySimulator {

    /** An entry: a key and the policy's links. */
    static final class Entry implements AdaptivePolicy.Links<Entry> {
        final int key;
        private Entry prev;
        private Entry next;
        private int region;

        Entry(int key) {
            this.key = key;
        }

        @Override
        public Entry policyPrev() {
            return prev;
        }

        @Override
        public void policyPrev(Entry prev) {
            this.prev = prev;
        }

        @Override
        public Entry policyNext() {
            return next;
        }

        @Override
        public void policyNext(Entry next) {
            this.next = next;
        }

        @Override
        public int region() {
            return region;
        }

        @Override
        public void region(int region) {
            this.region = region;
        }

        @Override
        public int keyHash() {
            return Integer.hashCode(key);
        }
    }

    private final int capacity;
    private final Map<Integer, Entry> entries = new HashMap<>();
    private final AdaptivePolicy<Entry> policy;
    private final AdaptivePolicy.Eviction<Entry> eviction = new AdaptivePolicy.Eviction<>() {
        @Override
        public boolean overBound() {
            return entries.size() > capacity;
        }

        @Override
        public boolean isDead(Entry node) {
            return false;
        }

        @Override
        public void evict(Entry node) {
            entries.remove(node.key);
            policy.onRemove(node);
            evictions++;
        }
    };
    private long hits;
    private long misses;
    private long evictions;

    PolicySimulator(int capacity, long seed) {
        this.capacity = capacity;
        this.policy = new AdaptivePolicy<>(capacity, capacity, seed, () -> new Entry(-1));
    }

    /** Reads the key and adds it on a miss (cache-aside); whether it was a hit. */
    boolean access(int key) {
        Entry entry = entries.get(key);
        if (entry != null) {
            hits++;
            policy.onAccess(entry);
            return true;
        }
        misses++;
        entry = new Entry(key);
        entries.put(key, entry);
        policy.onAdd(entry, entries.size());
        policy.evict(eviction);
        return false;
    }

    boolean contains(int key) {
        return entries.containsKey(key);
    }

    int size() {
        return entries.size();
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }

    long evictions() {
        return evictions;
    }

    AdaptivePolicy<Entry> policy() {
        return policy;
    }
}

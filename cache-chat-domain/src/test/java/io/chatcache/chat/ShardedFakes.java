package io.chatcache.chat;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.Sharding;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test doubles of a sharded L2 and a sharded bus, as a Redis Cluster offers them: three shards {@code a},
 * {@code b} and {@code c}. A key {@code "a:..."} lives on shard {@code a} (and so on); any other key on the shard
 * its hash picks. Each shard of the store is a {@link FakeStore} that can fail on its own; the bus has one channel
 * per shard whose subscription can be dropped on its own.
 */
final class ShardedFakes {

    static final List<String> SHARDS = List.of("a", "b", "c");

    private ShardedFakes() {
    }

    /** The shard of {@code key}: its prefix before ':' if that names a shard, else one picked by hash. */
    static String shardOf(String key) {
        int colon = key.indexOf(':');
        if (colon > 0 && SHARDS.contains(key.substring(0, colon))) {
            return key.substring(0, colon);
        }
        return SHARDS.get(Math.floorMod(key.hashCode(), SHARDS.size()));
    }

    /**
     * Which shards exist and where keys live, shared by a store and its bus: all three at first; a resharding
     * moves every key of a shard into another and the shard vanishes. Counts the key lookups.
     */
    static final class Topology {
        private final Set<String> live = new java.util.concurrent.CopyOnWriteArraySet<>(SHARDS);
        private final Map<String, String> moves = new ConcurrentHashMap<>();
        private final AtomicLong lookups = new AtomicLong();

        String shardOf(String key) {
            lookups.incrementAndGet();
            String base = ShardedFakes.shardOf(key);
            return moves.getOrDefault(base, base);
        }

        /** Shard {@code gone}'s keys now live on shard {@code into}; {@code gone} leaves the topology. */
        void reshard(String gone, String into) {
            moves.put(gone, into);
            live.remove(gone);
        }

        /** How often a key's shard was asked for. */
        long lookups() {
            return lookups.get();
        }
    }

    /** The shards, as both fakes name them. */
    static class Shards implements Sharding {
        final Topology topology;

        Shards(Topology topology) {
            this.topology = topology;
        }

        @Override
        public String shardOf(String key) {
            return topology.shardOf(key);
        }

        @Override
        public Set<String> shards() {
            return new LinkedHashSet<>(topology.live);
        }
    }

    /**
     * An L2 whose keys live on three {@link FakeStore}s. A bulk call, a pattern delete, a clear or the statistics
     * fail if any shard they touch is down (the pattern delete, clear and statistics touch every shard).
     */
    static final class Store extends Shards implements CacheStore {
        private final Map<String, FakeStore> shards = new LinkedHashMap<>();
        /** The threads that deleted keys, by shard. */
        private final Map<String, List<String>> deleters = new ConcurrentHashMap<>();

        Store(AtomicLong clock) {
            super(new Topology());
            SHARDS.forEach(id -> shards.put(id, new FakeStore(clock)));
        }

        FakeStore shard(String id) {
            return shards.get(id);
        }

        void setDown(String id, boolean down) {
            shards.get(id).setDown(down);
        }

        /** The names of the threads that called delete on shard {@code id}. */
        List<String> deleters(String id) {
            return deleters.computeIfAbsent(id, any -> new CopyOnWriteArrayList<>());
        }

        Optional<Object> peek(String key) {
            return of(key).peek(key);
        }

        private FakeStore of(String key) {
            return shards.get(topology.shardOf(key));
        }

        @Override
        public <C> Optional<C> capability(Class<C> capability) {
            return capability.isInstance(this) ? Optional.of(capability.cast(this)) : Optional.empty();
        }

        @Override
        public <T> Optional<T> get(String key, ValueType<T> type) {
            return of(key).get(key, type);
        }

        @Override
        public <T> Optional<CacheEntry<T>> getEntry(String key, ValueType<T> type) {
            return of(key).getEntry(key, type);
        }

        @Override
        public void put(String key, Object value) {
            of(key).put(key, value);
        }

        @Override
        public void put(String key, Object value, Duration ttl) {
            of(key).put(key, value, ttl);
        }

        @Override
        public boolean delete(String key) {
            deleters(topology.shardOf(key)).add(Thread.currentThread().getName());
            return of(key).delete(key);
        }

        @Override
        public <T> Map<String, T> getAll(Collection<String> keys, ValueType<T> type) {
            Map<String, T> found = new LinkedHashMap<>();
            for (String key : keys) {
                of(key).get(key, type).ifPresent(value -> found.put(key, value));
            }
            return found;
        }

        @Override
        public void putAll(Map<String, ?> entries, Duration ttl) {
            // Like a cluster's pipeline: a down shard fails the call (after the others took their part).
            entries.forEach((key, value) -> of(key).put(key, value, ttl));
        }

        @Override
        public long deleteMatching(KeyPattern pattern) {
            long removed = 0;
            for (FakeStore shard : shards.values()) {
                removed += shard.deleteMatching(pattern);
            }
            return removed;
        }

        @Override
        public void clear() {
            shards.values().forEach(FakeStore::clear);
        }

        @Override
        public Subscription addRemovalListener(RemovalListener listener) {
            List<Subscription> subscriptions = new ArrayList<>();
            shards.values().forEach(shard -> subscriptions.add(shard.addRemovalListener(listener)));
            return () -> subscriptions.forEach(Subscription::close);
        }

        @Override
        public CacheStats stats() {
            long entries = 0;
            for (FakeStore shard : shards.values()) {
                entries += shard.stats().entryCount();
            }
            return new CacheStats(0, 0, entries, 0, 0, 0, 0);
        }

        @Override
        public void close() {
            shards.values().forEach(FakeStore::close);
        }
    }

    /**
     * A bus with one channel per shard, delivering synchronously: a KEY message on its key's shard, the others on
     * every shard once each, numbered per publisher and shard. A shard's subscription can be dropped (its
     * messages are lost; listeners hear DISCONNECTED and later RECONNECTED for that shard only), and the next
     * messages of one shard can be lost silently.
     */
    static final class Bus {
        private final Topology topology;
        private final FakeBusMembers members = new FakeBusMembers();
        private final Set<String> down = ConcurrentHashMap.newKeySet();
        private final Set<String> silent = ConcurrentHashMap.newKeySet();
        private final Map<String, AtomicInteger> toDrop = new ConcurrentHashMap<>();

        /** A bus on {@code store}'s shards. */
        Bus(Store store) {
            this.topology = store.topology;
        }

        InvalidationBus join(String instanceId) {
            return new Member(instanceId);
        }

        /** Shard {@code shard}'s channel stops delivering to everyone; listeners are told. */
        void disconnect(String shard) {
            down.add(shard);
            members.tellAll(l -> l.onShardEvent(shard, InvalidationListener.BusEvent.DISCONNECTED));
        }

        void reconnect(String shard) {
            down.remove(shard);
            members.tellAll(l -> l.onShardEvent(shard, InvalidationListener.BusEvent.RECONNECTED));
        }

        /** Shard {@code shard}'s channel silently loses every message, heartbeats included, until told to stop. */
        void dropNextEverything(String shard) {
            silent.add(shard);
        }

        void stopDroppingEverything(String shard) {
            silent.remove(shard);
        }

        /** Loses the next {@code count} messages (heartbeats aside) on shard {@code shard}'s channel, silently. */
        void dropNext(String shard, int count) {
            toDrop.computeIfAbsent(shard, any -> new AtomicInteger()).addAndGet(count);
        }

        private final class Member extends FakeBusMembers.Member implements Sharding {
            private final Shards sharding = new Shards(topology);
            private final Map<String, AtomicLong> sequences = new ConcurrentHashMap<>();

            Member(String instanceId) {
                super(members, instanceId);
            }

            @Override
            public String shardOf(String key) {
                return sharding.shardOf(key);
            }

            @Override
            public Set<String> shards() {
                return sharding.shards();
            }

            @Override
            public <C> Optional<C> capability(Class<C> capability) {
                return capability.isInstance(this) ? Optional.of(capability.cast(this)) : Optional.empty();
            }

            @Override
            public synchronized Invalidation publish(Invalidation.Kind kind, String target) {
                Invalidation last = null;
                Collection<String> on = kind == Invalidation.Kind.KEY ? List.of(topology.shardOf(target))
                        : shards();
                for (String shard : on) {
                    Invalidation message = new Invalidation(instanceId(),
                            sequences.computeIfAbsent(shard, any -> new AtomicLong()).incrementAndGet(), kind, target,
                            shard);
                    last = message;
                    AtomicInteger drop = toDrop.get(shard);
                    boolean lost = down.contains(shard) || silent.contains(shard) || (kind != Invalidation.Kind.HEARTBEAT && drop != null
                            && drop.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
                    if (!lost) {
                        members.tellAll(l -> l.onInvalidation(message));
                    }
                }
                return last;
            }
        }
    }
}

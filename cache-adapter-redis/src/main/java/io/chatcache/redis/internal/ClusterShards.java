package io.chatcache.redis.internal;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.LogText;
import io.chatcache.core.Sharding;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisClusterMaster;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.cluster.ClusterSlotRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shards of a Redis Cluster as this process last saw them: which master's slot ranges hold a key, as a
 * {@link Sharding}. A shard is the set of slot ranges served by one master (with its replicas); its id is
 * {@code "slots-<n>"}, {@code n} the lowest slot of those ranges, so a promoted replica serves the same shard
 * under the same id, and the id changes only when slots move between masters.
 *
 * <p>{@link #shardOf(String)} takes a <em>Redis</em> key (as written to Redis, namespace prefix included) and
 * answers from a local slot table (CRC16 of the key or its hash tag, modulo 16384, as Redis computes it); a
 * store or bus whose callers give keys without the prefix uses {@link #withPrefix(String)}. The table is read
 * with {@code CLUSTER SLOTS} when this is built and then every {@link RedissonClients#TOPOLOGY_SCAN_INTERVAL}
 * on a thread of its own, each time within the deadline given; a read that fails keeps the last table (the
 * first failure of a run is logged at WARN, later ones at DEBUG). Listeners added with
 * {@link #addListener(Runnable)} hear when the table changed.
 *
 * <p><b>One per client.</b> The store and the bus of one application take the same instance for the same
 * {@link RedissonClient} with {@link #acquire(RedissonClient, Duration)}, so that they name a key's shard
 * alike at every moment (as {@link Sharding} promises), and one process runs one {@code CLUSTER SLOTS} reader
 * and one refresh thread ({@code chatcache-cluster-shards}) per client, not one per store and one per bus.
 * Each user keeps its own {@link #withPrefix(String)} view and removes the listeners it added; the last
 * {@link Handle#close()} stops the refresh. The refresh also stops by itself once the client is shut down,
 * so that a client shut down while its stores are still open leaves no thread behind. The public
 * constructor builds an instance of its own, shared with nobody.
 *
 * <p>Thread-safe; nothing but the constructor, {@link #acquire(RedissonClient, Duration)} and
 * {@link #refresh()} waits for the network.
 */
public final class ClusterShards implements Sharding, AutoCloseable {

    /** The number of hash slots of a Redis Cluster. */
    public static final int SLOTS = 16384;
    /** The prefix of every shard id. */
    public static final String SHARD_ID_PREFIX = "slots-";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterShards.class);
    private static final int[] CRC16_TABLE = crc16Table();
    /** The shared instances, by client (identity, not equality); guarded by itself. */
    private static final Map<RedissonClient, Shared> SHARED = new IdentityHashMap<>();

    /** The users of one client's shared instance; {@link #users} guarded by {@link #SHARED}. */
    private static final class Shared {
        /** Handles handed out and not closed yet, plus acquisitions under way. */
        int users;
        /** Built by the first acquisition (under this object's monitor); null until then or if that failed. */
        volatile ClusterShards shards;
    }

    /**
     * One user's share of the {@link ClusterShards} of a client, from {@link #acquire(RedissonClient, Duration)}.
     * Thread-safe.
     */
    public static final class Handle implements AutoCloseable {
        private final RedissonClient client;
        private final Shared shared;
        private final ClusterShards shards;
        private final AtomicBoolean released = new AtomicBoolean();

        private Handle(RedissonClient client, Shared shared, ClusterShards shards) {
            this.client = client;
            this.shared = shared;
            this.shards = shards;
        }

        /**
         * The shared instance. Use it while this handle is open; do not {@link ClusterShards#close() close}
         * it (close this handle), and remove the listeners you added to it.
         */
        public ClusterShards shards() {
            return shards;
        }

        /** Gives this share back; the last one stops the refresh. Idempotent. */
        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                release(client, shared);
            }
        }

        @Override
        public String toString() {
            return "ClusterShards.Handle[" + shards + (released.get() ? ", closed" : "") + "]";
        }
    }

    /** Reads the cluster's slot map: slot range to the addresses of the nodes serving it. */
    @FunctionalInterface
    interface SlotSource {
        Map<ClusterSlotRange, Set<String>> read(Duration deadline) throws Exception;
    }

    /** One slot table and what is derived from it; immutable once published. */
    private record Table(String[] shardOfSlot, Set<String> shards, Map<String, String> channelKeys) {
        boolean sameAs(Table other) {
            return other != null && Arrays.equals(shardOfSlot, other.shardOfSlot)
                    && channelKeys.equals(other.channelKeys);
        }
    }

    /** For each slot, the first {@code "s<i>"} whose slot it is; computed once, when first needed. */
    private static final class SlotTags {
        static final String[] TAGS = new String[SLOTS];

        static {
            int found = 0;
            for (int i = 0; found < SLOTS; i++) {
                String tag = "s" + i;
                int slot = slot(tag);
                if (TAGS[slot] == null) {
                    TAGS[slot] = tag;
                    found++;
                }
            }
        }

        private SlotTags() {
        }
    }

    private final SlotSource source;
    /** The client whose slot map this reads, or null for a slot source given by a test. */
    private final RedissonClient client;
    private final Duration deadline;
    private final Duration interval;
    private final String where;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object refreshLock = new Object();
    private volatile Table table;
    /** Whether the last refresh failed, so that a run of failures is logged at WARN once. */
    private boolean failing;

    /**
     * Reads the slot map of the cluster {@code client} talks to (asking one master in turn, and all the
     * others too if it has not answered within a third of {@code deadline}; the first full answer wins) and
     * keeps it up to date every {@link RedissonClients#TOPOLOGY_SCAN_INTERVAL}.
     *
     * @param client a client configured for a Redis Cluster
     * @param deadline how long one read of the slot map may take (the configuration's Redis timeout)
     * @throws IllegalArgumentException if {@code client} is not configured for a cluster
     * @throws CacheUnavailableException if no master tells its slot map within {@code deadline}
     */
    public ClusterShards(RedissonClient client, Duration deadline) {
        this(masters(CacheInputs.requireNonNull(client, "client")), client, deadline,
                RedissonClients.TOPOLOGY_SCAN_INTERVAL, RedissonClients.where(client));
    }

    ClusterShards(SlotSource source, Duration deadline, Duration interval, String where) {
        this(source, null, deadline, interval, where);
    }

    private ClusterShards(SlotSource source, RedissonClient client, Duration deadline, Duration interval,
            String where) {
        this.source = source;
        this.client = client;
        this.deadline = CacheInputs.requirePositive(deadline, "deadline");
        this.interval = CacheInputs.requirePositive(interval, "interval");
        this.where = where;
        try {
            this.table = read();
        } catch (RuntimeException e) {
            throw new CacheUnavailableException("cannot read the slot map of " + where + " (CLUSTER SLOTS) within "
                    + deadline.toMillis() + " ms: " + RedisErrors.describeRedacted(e), e);
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "chatcache-cluster-shards");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(1, interval.toMillis());
        scheduler.scheduleWithFixedDelay(this::refreshQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * A share of the one {@link ClusterShards} of {@code client} (compared by identity), built (and its slot
     * map read, within {@code deadline}) by the first acquisition and kept up to date until the last handle
     * is closed or the client is shut down. Later acquisitions share it as it is: the deadline of its
     * first acquisition stays.
     *
     * @param client a client configured for a Redis Cluster
     * @param deadline how long one read of the slot map may take (the configuration's Redis timeout)
     * @return a handle; close it when done
     * @throws IllegalArgumentException if {@code client} is not configured for a cluster
     * @throws CacheUnavailableException if no master tells its slot map within {@code deadline}
     */
    public static Handle acquire(RedissonClient client, Duration deadline) {
        CacheInputs.requireNonNull(client, "client");
        CacheInputs.requirePositive(deadline, "deadline");
        Shared shared;
        synchronized (SHARED) {
            shared = SHARED.computeIfAbsent(client, any -> new Shared());
            shared.users++;
        }
        try {
            ClusterShards shards;
            synchronized (shared) {
                shards = shared.shards;
                if (shards == null || shards.closed.get()) {
                    shards = new ClusterShards(client, deadline);
                    shared.shards = shards;
                }
            }
            return new Handle(client, shared, shards);
        } catch (RuntimeException e) {
            release(client, shared);
            throw e;
        }
    }

    /** Ends one user's share of {@code shared}; the last one closes it. */
    private static void release(RedissonClient client, Shared shared) {
        ClusterShards last = null;
        synchronized (SHARED) {
            if (--shared.users == 0) {
                SHARED.remove(client, shared);
                last = shared.shards;
            }
        }
        if (last != null) {
            last.close();
        }
    }

    /** Forgets the shared instance of {@code client} if it is {@code shards}, which stopped. */
    private static void forget(RedissonClient client, ClusterShards shards) {
        synchronized (SHARED) {
            Shared shared = SHARED.get(client);
            if (shared != null && shared.shards == shards) {
                SHARED.remove(client);
            }
        }
    }

    /** How many clients have a shared instance now (for tests). */
    static int sharedCount() {
        synchronized (SHARED) {
            return SHARED.size();
        }
    }

    private static SlotSource masters(RedissonClient client) {
        if (!client.getConfig().isClusterConfig()) {
            throw new IllegalArgumentException("ClusterShards needs a client configured for a Redis Cluster");
        }
        // One master a refresh, the same one as long as it answers (masters' views differ for a moment while
        // a change spreads by gossip, and alternating between them would make the map flap); if it has not
        // answered within a third of the deadline, the others are asked too, the first full answer wins and its
        // master is asked next time: a master that hangs (paused, or on a dead host) must not use up the
        // deadline, and a healthy cluster costs one small command per refresh.
        AtomicInteger turn = new AtomicInteger();
        return deadline -> {
            List<RedisClusterMaster> masters = new ArrayList<>(client.getRedisNodes(RedisNodes.CLUSTER).getMasters());
            if (masters.isEmpty()) {
                throw new IllegalStateException("the client knows no master");
            }
            masters.sort(java.util.Comparator.comparing(master -> String.valueOf(master.getAddr())));
            long end = System.nanoTime() + deadline.toNanos();
            int firstAsked = Math.floorMod(turn.get(), masters.size());
            CompletableFuture<Map<ClusterSlotRange, Set<String>>> first = new CompletableFuture<>();
            AtomicInteger unanswered = new AtomicInteger(masters.size());
            CompletableFuture<?> firstReply = askSlots(masters.get(firstAsked), first, unanswered);
            try {
                CompletableFuture.anyOf(first, firstReply)
                        .get(Math.max(1, deadline.toNanos() / 3), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // Ask the others.
            }
            if (first.isDone() && !first.isCompletedExceptionally()) {
                return first.join();
            }
            List<CompletableFuture<?>> replies = new ArrayList<>();
            for (int i = 0; i < masters.size(); i++) {
                replies.add(i == firstAsked ? firstReply : askSlots(masters.get(i), first, unanswered));
            }
            try {
                Map<ClusterSlotRange, Set<String>> slots = first.get(Math.max(1, end - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
                for (int i = 0; i < replies.size(); i++) {
                    CompletableFuture<?> reply = replies.get(i);
                    if (reply.isDone() && !reply.isCompletedExceptionally() && reply.join() == slots) {
                        turn.set(i);
                    }
                }
                return slots;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                turn.incrementAndGet();
                throw e instanceof ExecutionException && e.getCause() instanceof Exception cause ? cause : e;
            }
        };
    }

    private static CompletableFuture<?> askSlots(RedisClusterMaster master,
            CompletableFuture<Map<ClusterSlotRange, Set<String>>> first, AtomicInteger unanswered) {
        CompletableFuture<Map<ClusterSlotRange, Set<String>>> reply;
        try {
            reply = master.clusterSlotsAsync().toCompletableFuture();
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((slots, failure) -> {
            if (failure == null && slots != null && !slots.isEmpty()) {
                first.complete(slots);
            } else if (unanswered.decrementAndGet() == 0) {
                first.completeExceptionally(failure != null ? failure
                        : new IllegalStateException("no master named any slots"));
            }
        });
        return reply;
    }

    /** The hash slot of {@code redisKey}, as Redis computes it (CRC16/XMODEM of the key or its hash tag). */
    public static int slot(String redisKey) {
        byte[] bytes = CacheInputs.requireNonNull(redisKey, "redisKey").getBytes(StandardCharsets.UTF_8);
        int from = 0;
        int to = bytes.length;
        for (int open = 0; open < bytes.length; open++) {
            if (bytes[open] == '{') {
                for (int close = open + 1; close < bytes.length; close++) {
                    if (bytes[close] == '}') {
                        if (close > open + 1) {
                            from = open + 1;
                            to = close;
                        }
                        break;
                    }
                }
                break;
            }
        }
        return crc16(bytes, from, to) & (SLOTS - 1);
    }

    /** CRC16/XMODEM (polynomial 0x1021, initial value 0) of {@code bytes[from, to)}, as Redis Cluster uses it. */
    static int crc16(byte[] bytes, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ CRC16_TABLE[((crc >>> 8) ^ bytes[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }

    private static int[] crc16Table() {
        int[] table = new int[256];
        for (int n = 0; n < 256; n++) {
            int crc = n << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            table[n] = crc & 0xffff;
        }
        return table;
    }

    /**
     * The shard of a Redis key (namespace prefix included), from the local table.
     *
     * @throws InvalidInputException if {@code redisKey} is null
     */
    @Override
    public String shardOf(String redisKey) {
        return table.shardOfSlot()[slot(redisKey)];
    }

    /** The shard of {@code slot} (0 to 16383), from the local table. */
    public String shardOfSlot(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new InvalidInputException("slot", "must be 0 to " + (SLOTS - 1) + ", was " + slot);
        }
        return table.shardOfSlot()[slot];
    }

    @Override
    public Set<String> shards() {
        return table.shards();
    }

    /**
     * The hash tag of {@code shard}'s channels: {@code "s<i>"} for the smallest {@code i} whose slot is the
     * shard's lowest slot (the one its id names), so a channel named with it lives on that shard, and keeps
     * living there whatever other slots move, as long as the shard keeps its id.
     *
     * @throws InvalidInputException if {@code shard} is not one of {@link #shards()}
     */
    public String channelTag(String shard) {
        String key = table.channelKeys().get(CacheInputs.requireNonNull(shard, "shard"));
        if (key == null) {
            throw new InvalidInputException("shard", "is not a shard of the cluster now: " + LogText.escape(shard));
        }
        return key.substring(0, key.indexOf('}'));
    }

    /**
     * The name of each shard's channel, by shard id, from one table: {@code <base>{<tag>}<n>}, the
     * {@linkplain #channelTag(String) tag} placing it on the shard and {@code n} the last slot of the shard's
     * first range. Every process that sees the same slot map derives the same names. The name changes when
     * the shard's first range changes, so that a name is not used again by another shard after the slot it
     * lives in has moved (Redisson 4.7.0 cannot subscribe again to a sharded channel whose slot moved away
     * while it was subscribed).
     *
     * @throws InvalidInputException if {@code base} is null or contains a <code>{</code>
     */
    public Map<String, String> channelNames(String base) {
        if (CacheInputs.requireNonNull(base, "base").indexOf('{') >= 0) {
            throw new InvalidInputException("base", "must not contain '{' (the channel's hash tag follows it)");
        }
        Map<String, String> names = new LinkedHashMap<>();
        table.channelKeys().forEach((shard, key) -> names.put(shard, base + "{" + key));
        return Collections.unmodifiableMap(names);
    }

    /**
     * How often the slot map is re-read (the client's topology scan interval,
     * {@link RedissonClients#TOPOLOGY_SCAN_INTERVAL}, for a client of this adapter).
     */
    public Duration refreshInterval() {
        return interval;
    }

    /**
     * A view for keys given without {@code prefix}: its {@code shardOf(key)} checks the key
     * ({@link CacheInputs#requireKey}) and answers the shard of the Redis key {@code prefix + key}.
     */
    public Sharding withPrefix(String prefix) {
        CacheInputs.requireNonNull(prefix, "prefix");
        ClusterShards shards = this;
        return new Sharding() {
            @Override
            public String shardOf(String key) {
                return shards.shardOf(prefix + CacheInputs.requireKey(key));
            }

            @Override
            public Set<String> shards() {
                return shards.shards();
            }

            @Override
            public String toString() {
                return "Sharding[prefix=" + LogText.escape(prefix) + ", " + shards + "]";
            }
        };
    }

    /**
     * Tells {@code listener} each time a refresh finds a different table (shards, their slots or their channel
     * tags); it runs on the refresh thread (the next refresh waits for it) and should be quick. An exception
     * from it is logged.
     *
     * @return removes the listener
     */
    public Runnable addListener(Runnable listener) {
        CacheInputs.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Reads the slot map now, within the deadline, and tells the listeners if it changed.
     *
     * @return whether the table changed
     * @throws CacheUnavailableException if the map could not be read; the last table stays
     */
    public boolean refresh() {
        Table next;
        synchronized (refreshLock) {
            try {
                next = read();
            } catch (RuntimeException e) {
                throw new CacheUnavailableException("cannot read the slot map of " + where + " (CLUSTER SLOTS): "
                        + RedisErrors.describeRedacted(e), e);
            }
            if (next.sameAs(table)) {
                return false;
            }
            LOG.info("the cluster's slot map changed: shards {} -> {}", table.shards(), next.shards());
            table = next;
        }
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("a listener of the cluster's shards failed", e);
            }
        }
        return true;
    }

    private void refreshQuietly() {
        if (closed.get()) {
            return;
        }
        if (clientShutDown()) {
            LOG.debug("the client of {} is shut down: the slot map is no longer refreshed", where);
            close();
            return;
        }
        try {
            refresh();
            if (failing) {
                failing = false;
                LOG.info("the slot map of {} can be read again", where);
            }
        } catch (RuntimeException e) {
            if (closed.get() || clientShutDown()) {
                // Closed (the read was interrupted) or shut down under the read: nothing to warn about.
                close();
                return;
            }
            if (!failing) {
                failing = true;
                LOG.warn("{}; keeping the last one (further failures are logged at DEBUG)",
                        LogText.escape(e.getMessage()));
            } else {
                LOG.debug("{}", LogText.escape(e.getMessage()));
            }
        }
    }

    private boolean clientShutDown() {
        return client != null && (client.isShutdown() || client.isShuttingDown());
    }

    private Table read() {
        Map<ClusterSlotRange, Set<String>> slots;
        try {
            slots = source.read(deadline);
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(e.getClass().getSimpleName() + " " + e.getMessage(), e);
        }
        return derive(slots, table);
    }

    /**
     * The table for {@code slots}: ranges that share a node form one shard, named after its lowest
     * slot. A slot no range covers keeps its shard of {@code previous} if that shard still exists, else takes
     * the shard of the nearest covered slot below it (wrapping around).
     */
    private static Table derive(Map<ClusterSlotRange, Set<String>> slots, Table previous) {
        if (slots == null || slots.isEmpty()) {
            throw new IllegalStateException("CLUSTER SLOTS named no slots");
        }
        // Ranges that share a node are one shard: a master's ranges all name it (and its replicas), while a
        // view caught in the middle of a change may list a replica for some of its ranges and not others.
        List<ClusterSlotRange> ranges = new ArrayList<>(slots.keySet());
        int[] group = new int[ranges.size()];
        Map<String, Integer> rangeOfNode = new HashMap<>();
        for (int i = 0; i < ranges.size(); i++) {
            ClusterSlotRange range = ranges.get(i);
            if (range.getStartSlot() < 0 || range.getEndSlot() >= SLOTS || range.getStartSlot() > range.getEndSlot()) {
                throw new IllegalStateException("CLUSTER SLOTS named a range outside 0-16383: "
                        + range.getStartSlot() + "-" + range.getEndSlot());
            }
            group[i] = i;
            for (String node : slots.get(range)) {
                Integer other = rangeOfNode.putIfAbsent(node, i);
                if (other != null) {
                    group[root(group, i)] = root(group, other);
                }
            }
        }
        Map<Integer, Integer> lowestByGroup = new HashMap<>();
        for (int i = 0; i < ranges.size(); i++) {
            lowestByGroup.merge(root(group, i), ranges.get(i).getStartSlot(), Math::min);
        }
        String[] shardOfSlot = new String[SLOTS];
        for (int i = 0; i < ranges.size(); i++) {
            String shard = SHARD_ID_PREFIX + lowestByGroup.get(root(group, i));
            Arrays.fill(shardOfSlot, ranges.get(i).getStartSlot(), ranges.get(i).getEndSlot() + 1, shard);
        }
        Set<String> shards = new TreeSet<>();
        for (int lowest : lowestByGroup.values()) {
            shards.add(SHARD_ID_PREFIX + lowest);
        }
        int firstCovered = 0;
        while (shardOfSlot[firstCovered] == null) {
            firstCovered++;
        }
        String below = shardOfSlot[firstCovered];
        for (int i = 0; i < SLOTS; i++) {
            int slot = (firstCovered + i) % SLOTS;
            if (shardOfSlot[slot] != null) {
                below = shardOfSlot[slot];
            } else {
                String kept = previous == null ? null : previous.shardOfSlot()[slot];
                shardOfSlot[slot] = kept != null && shards.contains(kept) ? kept : below;
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (String shard : shards) {
            int lowest = Integer.parseInt(shard.substring(SHARD_ID_PREFIX.length()));
            int end = lowest;
            while (end + 1 < SLOTS && shard.equals(shardOfSlot[end + 1])) {
                end++;
            }
            tags.put(shard, SlotTags.TAGS[lowest] + "}" + end);
        }
        return new Table(shardOfSlot, Collections.unmodifiableSet(shards), Map.copyOf(tags));
    }

    private static int root(int[] group, int i) {
        while (group[i] != i) {
            group[i] = group[group[i]];
            i = group[i];
        }
        return i;
    }

    /**
     * Stops the periodic refresh. Idempotent. A user of a shared instance closes its {@link Handle} instead.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            scheduler.shutdownNow();
            listeners.clear();
            if (client != null) {
                forget(client, this);
            }
        }
    }

    @Override
    public String toString() {
        return "ClusterShards[" + table.shards() + ", " + where + "]";
    }
}

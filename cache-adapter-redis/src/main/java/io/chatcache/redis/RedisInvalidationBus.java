package io.chatcache.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.InvalidationListener.BusEvent;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.LogText;
import io.chatcache.core.Sharding;
import io.chatcache.core.Subscription;
import io.chatcache.redis.internal.ClusterShards;
import io.chatcache.redis.internal.ConnectionEvents;
import io.chatcache.redis.internal.RedisErrors;
import io.chatcache.redis.internal.RedissonClients;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RTopic;
import org.redisson.api.RTopicAsync;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.api.redisnode.RedisClusterMaster;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * An {@link InvalidationBus} over Redis pub/sub (a Redisson {@code RTopic}). Messages are JSON that any
 * program can publish or read:
 * <pre>{@code {"origin":"<instance id>","seq":42,"kind":"KEY","target":"session:1"}}</pre>
 * {@code kind} is {@code KEY}, {@code PATTERN}, {@code CLEAR} (with an empty target) or {@code HEARTBEAT}.
 *
 * <h2>Channels</h2>
 * With one server or Sentinel the bus uses one channel, {@link #channel()}. In a cluster whose masters run
 * Redis 7 or later it uses sharded pub/sub ({@code SPUBLISH}/{@code SSUBSCRIBE}) and one channel per
 * shard (per master's slot ranges), {@code <channel>{<tag>}<n>}, the hash tag placing the channel in the
 * shard's lowest slot and {@code n} the last slot of the shard's first range ({@link #channels()}), so
 * that every instance that sees the same slot map derives the same names: a key's invalidation travels on
 * its key's shard's channel only, and {@code PATTERN}, {@code CLEAR} and {@code HEARTBEAT} messages on
 * every shard's channel, one copy each with that shard's next sequence number. So a master that fails takes only its own keys' invalidations with it.
 * Received messages carry the shard of the channel they came on ({@link Invalidation#shard()}; empty with
 * one channel), and the bus offers the {@link Sharding} of keys through {@link #capability(Class)}: a key's
 * shard is the shard of the Redis key {@code <namespace>:<key>}, as the {@link RedisCacheStore} of the same
 * namespace names it, from the same slot map: the stores and buses on one client share one, re-read every
 * 200 ms on one thread. The bus follows the cluster's slot map: it subscribes to the
 * channels of new shards and drops those of vanished ones; a shard that is new, or whose slots changed,
 * is reported as {@link BusEvent#DISCONNECTED}, since messages for its keys may have travelled elsewhere
 * meanwhile, and as {@link BusEvent#RECONNECTED} once a probe published on its channel has come back; a
 * channel that cannot be subscribed yet leaves its shard reported {@code DISCONNECTED} and is tried again
 * every second. (A channel's name changes when its shard's first slot range changes, so that
 * no name is used again after the slot it lives in moved: Redisson 4.7.0 cannot subscribe again to a
 * sharded channel that Redis unsubscribed because its slot moved.) The ACL rule for a cluster is therefore
 * {@code &<channel>*}. A base channel with a <code>{</code> is refused in a cluster.
 *
 * <h2>Hostile messages</h2>
 * Anything on a channel may come from anyone allowed to publish there (messages are not
 * authenticated, as Redisson's own topics are not; limit who may publish with the Redis ACL, see the
 * README). A message longer than {@value #MAX_MESSAGE_BYTES} bytes is dropped before it is decoded; a
 * message that is not JSON, whose origin is longer than {@value #MAX_ORIGIN_LENGTH} characters, or
 * whose target breaks the key rules ({@link io.chatcache.core.CacheInputs#MAX_KEY_LENGTH} characters for
 * a key, {@link KeyPattern#MAX_PATTERN_LENGTH} for a pattern) is ignored. Either way the message is
 * counted in {@link #rejectedMessages()} and logged with its text escaped and cut ({@link LogText}): an
 * oversized one once, malformed ones the first {@value #LOGGED_MALFORMED} times and then every
 * thousandth.
 *
 * <h2>Connection events</h2>
 * Pub/sub is at most once: messages published while a subscription is down are lost. When Redisson
 * reports a lost connection (for clients created from a {@link RedisConfig} by this adapter; Redisson
 * tells nobody else), the bus probes each of its subscriptions by publishing a message to itself on that
 * channel; if none comes back within one second, listeners hear {@link BusEvent#DISCONNECTED}. They
 * hear {@link BusEvent#RECONNECTED} only once the subscription is back and proven: when a probe comes
 * back, or when Redisson re-subscribes (then, if no {@code DISCONNECTED} was told yet, both events come
 * together, because messages may have been lost in between). A message published after
 * {@code RECONNECTED} reaches the listener. A listener may hear more than one pair for one outage; each
 * pair means "what you hold may be stale". With one channel the events go to
 * {@link InvalidationListener#onBusEvent}; with a channel per shard each channel's go to
 * {@link InvalidationListener#onShardEvent} with its shard, and the other shards are unaffected. Probes are
 * messages of kind {@code PROBE}; other buses ignore them, and they take no sequence number.
 *
 * <p>Listeners run on the bus's own thread, one at a time, in the order messages and events arrived; an
 * exception from a listener is logged and delivery continues. Instances are thread-safe.
 */
public final class RedisInvalidationBus implements InvalidationBus {

    /** How often a bus that doubts a subscription probes it. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
    /** How long a lost connection may go unconfirmed by a probe before listeners hear DISCONNECTED. */
    static final Duration DISCONNECT_GRACE = Duration.ofSeconds(1);
    /** How often subscribing is tried when SUBSCRIBE's answer does not come within the command timeout. */
    static final int SUBSCRIBE_ATTEMPTS = 5;
    /** How long {@link #close()} waits for messages already published to go out. */
    static final Duration CLOSE_DRAIN = Duration.ofSeconds(2);
    /** How much longer than a slot map refresh the bus waits after a change before it subscribes. */
    static final Duration TOPOLOGY_SETTLE = Duration.ofMillis(100);
    /** How soon subscribing to a new shard's channel is tried again after it failed. */
    static final Duration RESUBSCRIBE_DELAY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(RedisInvalidationBus.class);
    /**
     * The longest message accepted, in bytes: room for the longest origin and pattern, every character
     * written as a six-byte JSON escape. Longer ones are dropped before they are decoded.
     */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024;
    /** The longest origin (instance id) accepted, in characters. */
    public static final int MAX_ORIGIN_LENGTH = 256;
    private static final String PROBE = "PROBE";
    private static final int LOGGED_MALFORMED = 10;
    /** The shard of the one channel of a bus that is not sharded. */
    private static final String NO_SHARD = "";

    private final RedissonClient client;
    private final boolean ownsClient;
    private final String channel;
    private final String instanceId;
    private final boolean sharded;
    /** Whether the client talks to one server (single or Sentinel), where a batch keeps its order. */
    private final boolean oneServer;
    private final String where;
    private final String user;
    private final ObjectMapper mapper = JacksonSerializer.defaultObjectMapper();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicBoolean oversizedLogged = new AtomicBoolean();
    private final List<InvalidationListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService dispatcher;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable removeConnectionListener;
    private final String probeNonce = UUID.randomUUID().toString();
    /** This bus's share of the client's slot map when the bus has a channel per shard, else null. */
    private final ClusterShards.Handle shardsHandle;
    /**
     * The cluster's shards when the bus has a channel per shard, else null: the client's one slot map, shared
     * with the other buses and the stores on the client.
     */
    private final ClusterShards shards;
    /** The shard of a cache key ({@code <namespace>:<key>}) when the bus has a channel per shard, else null. */
    private final Sharding keySharding;
    /** Subscribes to new shards' channels, off the dispatcher and the refresh thread; null without shards. */
    private final ScheduledExecutorService topology;
    private final Runnable removeTopologyListener;
    /** Guards changes of {@link #channels} and {@link #lastSlots}. */
    private final Object channelsLock = new Object();
    /** The channel of each shard ({@link #NO_SHARD} for the one channel of a bus that is not sharded). */
    private volatile Map<String, Channel> channels = Map.of();
    /** How long subscribing a channel may take (Redisson's subscription timeout plus a command timeout). */
    private final Duration subscribeWait;
    /** The shard of each slot when the channels were last matched to the shards. */
    private String[] lastSlots;
    /** Shards whose channel could not be subscribed yet (listeners were told DISCONNECTED). */
    private final Set<String> missing = new HashSet<>();

    /**
     * The channel's prefix for the empty namespace of the reference layout, which has no name to put
     * there: its channel is {@code chatcache.reference:invalidations}, apart from the default namespace's
     * {@code chatcache:invalidations}, whose instances hold other keys.
     */
    static final String EMPTY_NAMESPACE_CHANNEL_PREFIX = "chatcache.reference";

    private RedisInvalidationBus(Builder builder, RedissonClient client, boolean ownsClient, String where,
            String user) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.where = where;
        this.user = user;
        String namespace = builder.namespace != null ? builder.namespace
                : builder.config != null ? builder.config.namespace() : RedisConfig.DEFAULT_NAMESPACE;
        this.channel = builder.channel != null ? builder.channel
                : (namespace.isEmpty() ? EMPTY_NAMESPACE_CHANNEL_PREFIX : namespace) + ":invalidations";
        this.instanceId = builder.instanceId != null ? builder.instanceId : UUID.randomUUID().toString();
        this.sharded = builder.sharded != null ? builder.sharded : shardedPubSubAvailable(client);
        this.oneServer = client.getConfig().isSingleConfig() || client.getConfig().isSentinelConfig();
        boolean perShard = sharded && client.getConfig().isClusterConfig();
        this.subscribeWait = subscribeWait(client);
        if (perShard && channel.indexOf('{') >= 0) {
            throw new CacheConfigurationException("RedisInvalidationBus option channel must not contain '{' in a"
                    + " cluster (the bus appends a hash tag per shard), was '" + LogText.escape(channel) + "'");
        }
        this.dispatcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "chatcache-redis-bus-" + channel);
            thread.setDaemon(true);
            return thread;
        });
        ClusterShards.Handle handle = null;
        ClusterShards clusterShards = null;
        ScheduledExecutorService topologyThread = null;
        Runnable removeConnection = () -> { };
        Runnable removeTopology = () -> { };
        try {
            if (perShard) {
                Duration deadline = builder.config != null ? builder.config.timeout()
                        : Duration.ofMillis(Math.max(100, client.getConfig().useClusterServers().getTimeout() * 10L / 9));
                handle = ClusterShards.acquire(client, deadline);
                clusterShards = handle.shards();
                topologyThread = Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "chatcache-redis-bus-topology-" + channel);
                    thread.setDaemon(true);
                    return thread;
                });
            }
            this.shardsHandle = handle;
            this.shards = clusterShards;
            this.topology = topologyThread;
            this.keySharding = clusterShards == null ? null
                    : clusterShards.withPrefix(namespace.isEmpty() ? "" : namespace + ":");
            removeConnection = ConnectionEvents.of(client)
                    .map(events -> events.addListener(new ConnectionEvents.Listener() {
                        @Override
                        public void onDisconnect(InetSocketAddress address) {
                            LOG.debug("connection to {} lost (channel {})", address, channel);
                            dispatch(() -> channels.values().forEach(Channel::suspect));
                        }

                        @Override
                        public void onConnect(InetSocketAddress address) {
                            LOG.debug("connected to {} (channel {})", address, channel);
                            dispatch(() -> channels.values().forEach(Channel::connectionBack));
                        }
                    }))
                    .orElse(() -> { });
            if (clusterShards == null) {
                channels = Map.of(NO_SHARD, new Channel(NO_SHARD, channel, SUBSCRIBE_ATTEMPTS));
            } else {
                synchronized (channelsLock) {
                    lastSlots = slotTable(clusterShards);
                    Map<String, Channel> opened = new LinkedHashMap<>();
                    try {
                        for (Map.Entry<String, String> shard : clusterShards.channelNames(channel).entrySet()) {
                            opened.put(shard.getKey(), new Channel(shard.getKey(), shard.getValue(), SUBSCRIBE_ATTEMPTS));
                        }
                    } catch (RuntimeException e) {
                        opened.values().forEach(Channel::unsubscribe);
                        throw e;
                    }
                    channels = Map.copyOf(opened);
                }
                removeTopology = clusterShards.addListener(() -> topologyChanged(false));
                // A change between reading the shards above and listening is caught up with here.
                topologyThread.execute(() -> matchChannelsToShards(false));
            }
        } catch (RuntimeException e) {
            removeConnection.run();
            removeTopology.run();
            dispatcher.shutdownNow();
            if (topologyThread != null) {
                topologyThread.shutdownNow();
            }
            if (handle != null) {
                handle.close();
            }
            throw e;
        }
        this.removeConnectionListener = removeConnection;
        this.removeTopologyListener = removeTopology;
    }

    /** For tests: the cluster's slot map when the bus has a channel per shard, else null. */
    ClusterShards clusterShards() {
        return shards;
    }

    private static Duration subscribeWait(RedissonClient client) {
        org.redisson.config.Config config = client.getConfig();
        org.redisson.config.BaseConfig<?> servers = config.isClusterConfig() ? config.useClusterServers()
                : config.isSentinelConfig() ? config.useSentinelServers()
                : config.isSingleConfig() ? config.useSingleServer() : null;
        return servers == null ? Duration.ofSeconds(10)
                : Duration.ofMillis((long) servers.getSubscriptionTimeout() + servers.getTimeout());
    }

    private static String[] slotTable(ClusterShards clusterShards) {
        String[] table = new String[ClusterShards.SLOTS];
        for (int slot = 0; slot < table.length; slot++) {
            table[slot] = clusterShards.shardOfSlot(slot);
        }
        return table;
    }

    /**
     * The cluster's slot map changed (or subscribing to a shard's channel failed before and is tried again):
     * subscribes to the channels of new shards (and of shards whose tag changed), drops those of vanished
     * shards, and tells listeners of a possible gap for every shard that is new or whose slots changed.
     * Runs on the refresh thread, and does its blocking work on the topology thread.
     */
    private void topologyChanged(boolean retry) {
        if (closed.get()) {
            return;
        }
        try {
            // Redisson routes SSUBSCRIBE by its own slot map, re-read as often as ours: wait for its next read,
            // or a channel whose slot moved would be subscribed on its old master and never answered.
            topology.schedule(() -> matchChannelsToShards(retry),
                    shards.refreshInterval().plus(TOPOLOGY_SETTLE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // The bus is closing.
        }
    }

    private void matchChannelsToShards(boolean retry) {
        List<Channel> gaps = new ArrayList<>();
        List<String> newlyMissing = new ArrayList<>();
        boolean retryLater = false;
        boolean moved;
        synchronized (channelsLock) {
            if (closed.get()) {
                return;
            }
            Map<String, String> names = shards.channelNames(channel);
            String[] slots = slotTable(shards);
            Set<String> changed = new HashSet<>();
            for (int slot = 0; slot < slots.length; slot++) {
                if (!slots[slot].equals(lastSlots[slot])) {
                    // The shard that gained the slot, and the one that lost it (under its id now).
                    changed.add(slots[slot]);
                    changed.add(lastSlots[slot]);
                }
            }
            // Channels whose shard vanished or whose name changed go first, so that a name that moved to
            // another shard is unsubscribed before it is subscribed again.
            Map<String, Channel> next = new LinkedHashMap<>();
            List<Channel> dropped = new ArrayList<>();
            channels.forEach((shard, one) -> {
                if (one.name.equals(names.get(shard))) {
                    next.put(shard, one);
                } else {
                    dropped.add(one);
                }
            });
            dropped.forEach(Channel::unsubscribe);
            channels = Map.copyOf(next);
            if (!retry) {
                next.forEach((shard, one) -> {
                    if (changed.contains(shard)) {
                        gaps.add(one);
                    }
                });
            }
            int opened = 0;
            for (Map.Entry<String, String> shard : names.entrySet()) {
                if (next.containsKey(shard.getKey())) {
                    continue;
                }
                String name = shard.getValue();
                try {
                    Channel one = new Channel(shard.getKey(), name, 1);
                    next.put(shard.getKey(), one);
                    gaps.add(one);
                    missing.remove(shard.getKey());
                    opened++;
                } catch (RuntimeException e) {
                    if (missing.add(shard.getKey())) {
                        LOG.warn("cannot subscribe to channel {} of shard {} yet ({}); trying again every {}", name,
                                shard.getKey(), RedisErrors.describeRedacted(e), RESUBSCRIBE_DELAY);
                        newlyMissing.add(shard.getKey());
                    } else {
                        LOG.debug("cannot subscribe to channel {} of shard {} yet ({})", name, shard.getKey(),
                                RedisErrors.describeRedacted(e));
                    }
                    retryLater = true;
                }
            }
            missing.retainAll(names.keySet());
            channels = Map.copyOf(next);
            lastSlots = slots;
            moved = !dropped.isEmpty() || opened > 0;
        }
        if (moved) {
            LOG.info("invalidation bus {} follows the cluster's shards: channels {}", channel, channels());
        }
        dispatch(() -> {
            for (Channel one : gaps) {
                one.gap();
            }
            for (String shard : newlyMissing) {
                tellShard(shard, BusEvent.DISCONNECTED);
            }
        });
        if (retryLater) {
            try {
                topology.schedule(() -> matchChannelsToShards(true), RESUBSCRIBE_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // The bus is closing.
            }
        }
    }

    /**
     * Redisson waits for SUBSCRIBE's answer for its command timeout (the operation budget, 270 ms by
     * default), which a busy host at start-up can exceed without anything wrong with Redis: a subscription
     * that timed out is tried again, {@code attempts} times in all ({@link #SUBSCRIBE_ATTEMPTS} at start-up;
     * once after a change of the cluster's slot map, which tries again every {@link #RESUBSCRIBE_DELAY}). A
     * listener added after its attempt timed out is removed again.
     */
    private static int subscribing(int attempts, java.util.function.IntSupplier subscribe) {
        for (int attempt = 1; ; attempt++) {
            try {
                return subscribe.getAsInt();
            } catch (RuntimeException e) {
                if (attempt >= attempts || !timedOut(e)) {
                    throw e;
                }
                LOG.debug("SUBSCRIBE timed out (attempt {} of {}); trying again", attempt, attempts);
            }
        }
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.redisson.client.RedisTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** A builder; give it a {@link RedisConfig} or a {@link RedissonClient}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    /**
     * The Redis channel the bus publishes on and listens to; in a cluster with sharded pub/sub, the base
     * name of its channels, one per shard (see {@link #channels()}).
     */
    public String channel() {
        return channel;
    }

    /**
     * The channels the bus publishes on and listens to now: {@link #channel()} alone, or in a cluster with
     * sharded pub/sub one channel per shard, {@code <channel>{<tag>}<n>}.
     */
    public Set<String> channels() {
        Set<String> names = new TreeSet<>();
        channels.values().forEach(one -> names.add(one.name));
        return Collections.unmodifiableSet(names);
    }

    /** Whether the bus uses sharded pub/sub ({@code SPUBLISH}/{@code SSUBSCRIBE}). */
    public boolean sharded() {
        return sharded;
    }

    /**
     * Offers {@link Sharding} when the bus has a channel per shard (a cluster with sharded pub/sub): the shard
     * of a key is the shard of the Redis key {@code <namespace>:<key>}, as {@link RedisCacheStore} names it.
     */
    @Override
    public <C> Optional<C> capability(Class<C> capability) {
        CacheInputs.requireNonNull(capability, "capability");
        if (capability == Sharding.class && keySharding != null) {
            return Optional.of(capability.cast(keySharding));
        }
        return InvalidationBus.super.capability(capability);
    }

    /**
     * Publishes a message stamped with this instance's id and its next sequence number, and waits until
     * Redis has taken it. A publish that fails still uses up its sequence number, so receivers see a gap
     * and know they may have missed something. With a channel per shard, a message of a kind sent to every
     * shard fails if any shard's copy failed; the other copies were sent all the same.
     *
     * @throws io.chatcache.core.InvalidInputException if the target does not fit the kind
     * @throws io.chatcache.core.CacheUnavailableException if Redis cannot be reached
     * @throws IllegalStateException if the bus is closed
     */
    @Override
    public Invalidation publish(Invalidation.Kind kind, String target) {
        CompletableFuture<Invalidation> sent = publishAsync(kind, target);
        try {
            return sent.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    /**
     * Publishes a message without waiting for Redis. Messages go out in the order of the calls (of this
     * method and {@link #publish} together), so receivers see sequence numbers in order: at most one
     * pipelined batch per channel is on its way at a time, and the messages queued meanwhile follow in the
     * next batch, on one connection. A caller thus never waits for another caller's round trip. With a
     * channel per shard, the order holds per shard (each shard's channel has its own sequence), and a message
     * of a kind sent to every shard completes once every copy was taken or failed: with the first copy, or
     * exceptionally with the first failure of a copy (which names its channel and shard; the failures of
     * further copies are added to it as suppressed exceptions). The copies for the other shards are sent
     * all the same.
     *
     * @return a future that completes with the message once Redis has taken it, or exceptionally with
     *     {@link io.chatcache.core.CacheUnavailableException} (or another translated failure) if it could
     *     not be sent; the sequence number is used up either way. It completes on a Redisson thread:
     *     keep what depends on it short
     * @throws io.chatcache.core.InvalidInputException if the target does not fit the kind
     * @throws IllegalStateException if the bus is closed
     */
    @Override
    public CompletableFuture<Invalidation> publishAsync(Invalidation.Kind kind, String target) {
        return enqueue(kind, target, null, null);
    }

    /**
     * Whether a write to Redis through {@code redisson} can go out in this bus's pipelined batches, ahead of
     * its message: the same client, on one server (single or Sentinel). In a cluster a batch's commands
     * go to several masters at once, so a message could reach other instances before its write.
     */
    boolean carriesWritesOf(RedissonClient redisson) {
        return redisson == client && oneServer;
    }

    /**
     * Queues {@code write}'s commands and then a message, to go out together in the next pipelined batch
     * (one round trip), in order with the bus's other messages. Only for a client that
     * {@link #carriesWritesOf} accepts.
     *
     * @param write adds the write's commands to the batch and returns the reply that tells whether it
     *     succeeded
     * @param redisKey the key written, for error messages
     * @return completes with the message once both went out; exceptionally (translated as the bus's
     *     other failures) if either failed
     */
    CompletableFuture<Invalidation> publishAfter(Function<RBatch, RFuture<?>> write, String redisKey,
            Invalidation.Kind kind, String target) {
        return enqueue(kind, target, CacheInputs.requireNonNull(write, "write"), redisKey);
    }

    private CompletableFuture<Invalidation> enqueue(Invalidation.Kind kind, String target,
            Function<RBatch, RFuture<?>> write, String redisKey) {
        new Invalidation(instanceId, 1, kind, target);
        ensureOpen();
        Map<String, Channel> now = channels;
        if (keySharding == null) {
            return now.get(NO_SHARD).enqueue(kind, target, write, redisKey);
        }
        if (write != null) {
            throw new IllegalStateException("a write goes out with a message only on one server");
        }
        if (kind == Invalidation.Kind.KEY) {
            Channel own = now.get(keySharding.shardOf(target));
            if (own != null) {
                return own.enqueue(kind, target, null, null);
            }
            // The bus is catching up with a change of the slot map: the key's shard has no channel yet, so
            // the message goes to every channel rather than nowhere.
        }
        List<CompletableFuture<Invalidation>> copies = new ArrayList<>(now.size());
        for (Channel one : now.values()) {
            copies.add(one.enqueue(kind, target, null, null));
        }
        if (copies.size() == 1) {
            return copies.get(0);
        }
        CompletableFuture<Invalidation> all = new CompletableFuture<>();
        CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)).whenComplete((ignored, anyFailure) -> {
            Throwable first = null;
            for (CompletableFuture<Invalidation> copy : copies) {
                if (copy.isCompletedExceptionally()) {
                    Throwable failure = copy.handle((value, error) -> error).join();
                    if (first == null) {
                        first = failure;
                    } else if (failure != first) {
                        first.addSuppressed(failure);
                    }
                }
            }
            if (first != null) {
                all.completeExceptionally(first);
            } else {
                all.complete(copies.get(0).join());
            }
        });
        return all;
    }

    /** A message waiting to be sent, the write to send before it (or null), and who waits for them. */
    private record Outgoing(Invalidation message, byte[] payload, Function<RBatch, RFuture<?>> write,
            String redisKey, CompletableFuture<Invalidation> sent) {
        Outgoing(Invalidation message, byte[] payload, Function<RBatch, RFuture<?>> write, String redisKey) {
            this(message, payload, write, redisKey, new CompletableFuture<>());
        }
    }

    /**
     * Why one message (and its write) failed: its own commands' errors first; the batch's error if one
     * of them has no answer (the batch failed before they were sent); null if both succeeded.
     */
    private static Throwable firstFailure(RFuture<?> write, RFuture<?> publish, Throwable batchFailure) {
        for (RFuture<?> reply : new RFuture<?>[] {write, publish}) {
            if (reply == null) {
                continue;
            }
            CompletableFuture<?> future = reply.toCompletableFuture();
            if (!future.isDone()) {
                return batchFailure != null ? batchFailure
                        : new IllegalStateException("Redis answered the batch but not this command");
            }
            if (future.isCompletedExceptionally()) {
                return future.handle((value, error) -> error).join();
            }
        }
        return write == null && publish == null ? batchFailure : null;
    }

    @Override
    public Subscription subscribe(InvalidationListener listener) {
        CacheInputs.requireNonNull(listener, "listener");
        ensureOpen();
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Waits up to {@link #CLOSE_DRAIN} for messages already published to go out, then unsubscribes,
     * stops the bus's threads and, if the bus created its client, shuts it down. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        removeTopologyListener.run();
        if (topology != null) {
            topology.shutdownNow();
        }
        Map<String, Channel> open;
        synchronized (channelsLock) {
            open = channels;
        }
        List<CompletableFuture<Invalidation>> last = new ArrayList<>();
        open.values().forEach(one -> last.add(one.lastQueued()));
        try {
            CompletableFuture.allOf(last.toArray(CompletableFuture[]::new))
                    .get(CLOSE_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // Its caller heard of it.
        } catch (TimeoutException e) {
            LOG.warn("closing the bus on {} before its last invalidations went out (waited {})", channel, CLOSE_DRAIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeConnectionListener.run();
        open.values().forEach(Channel::unsubscribe);
        if (shardsHandle != null) {
            shardsHandle.close();
        }
        dispatcher.shutdownNow();
        listeners.clear();
        if (ownsClient) {
            client.shutdown();
        }
    }

    @Override
    public String toString() {
        return "RedisInvalidationBus[channel=" + channel + ", instanceId=" + instanceId + ", sharded=" + sharded
                + (shards == null ? "" : ", shards=" + channels.keySet()) + ", " + where + "]";
    }

    private void dispatch(Runnable task) {
        try {
            dispatcher.execute(task);
        } catch (RejectedExecutionException closing) {
            // The bus is closing: nobody is listening any more.
        }
    }

    /** Tells the listeners of an event of {@code shard}'s channel, or of the one channel's. */
    private void tellShard(String shard, BusEvent event) {
        LOG.info("invalidation bus on channel {}{}: {}", channel, shard.isEmpty() ? "" : " (shard " + shard + ")", event);
        for (InvalidationListener listener : listeners) {
            try {
                if (shard.isEmpty()) {
                    listener.onBusEvent(event);
                } else {
                    listener.onShardEvent(shard, event);
                }
            } catch (RuntimeException e) {
                LOG.warn("invalidation listener {} failed on {}", listener, event, e);
            }
        }
    }

    /**
     * One channel: its topic, its outgoing queue and sequence, and the health of its subscription. The bus
     * has one, or one per shard.
     */
    private final class Channel {
        /** Where the subscription stands; touched only on the dispatcher thread, like the fields below. */
        private enum State { CONNECTED, VERIFYING, DISCONNECTED }

        final String shard;
        final String name;
        private final RTopic topic;
        /** Guards the sequence, {@link #queued}, {@link #sending} and {@link #lastQueued}. */
        private final Object publishLock = new Object();
        private final List<Outgoing> queued = new ArrayList<>();
        private boolean sending;
        private CompletableFuture<Invalidation> lastQueued = CompletableFuture.completedFuture(null);
        private final AtomicLong sequence = new AtomicLong();
        private final int messageListenerId;
        private final int statusListenerId;
        private volatile boolean dropped;

        private State state = State.CONNECTED;
        private boolean subscribedOnce;
        private long probeEpoch;
        private ScheduledFuture<?> probing;
        private ScheduledFuture<?> graceEnd;

        /**
         * Checks the right to publish on the channel, then subscribes.
         *
         * @throws CacheConfigurationException if the user lacks the channel or Redis refuses the credentials
         * @throws io.chatcache.core.CacheUnavailableException if the channel's master cannot be reached
         */
        Channel(String shard, String name, int attempts) {
            this.shard = shard;
            this.name = name;
            this.topic = sharded ? client.getShardedTopic(name, ByteArrayCodec.INSTANCE)
                    : client.getTopic(name, ByteArrayCodec.INSTANCE);
            int status = -1;
            int messages;
            try {
                // A publish that times out on a busy host is tried again, as SUBSCRIBE is.
                subscribing(attempts, () -> {
                    checkRights();
                    return 0;
                });
                status = subscribing(attempts, () -> awaitSubscription(topic.addListenerAsync(new StatusListener() {
                    @Override
                    public void onSubscribe(String subscribed) {
                        LOG.debug("subscribed to {}", subscribed);
                        dispatch(Channel.this::subscribed);
                    }

                    @Override
                    public void onUnsubscribe(String unsubscribed) {
                        // Only our own close() unsubscribes; nothing to tell listeners.
                    }
                })));
                messages = subscribing(attempts, () -> awaitSubscription(topic.addListenerAsync(byte[].class,
                        (ignored, message) -> {
                            // Checked on Redisson's thread, so that an oversized message is neither queued nor
                            // decoded.
                            if (message.length > MAX_MESSAGE_BYTES) {
                                oversized(name, message.length);
                            } else {
                                dispatch(() -> received(message));
                            }
                        })));
            } catch (RuntimeException e) {
                if (status >= 0) {
                    try {
                        topic.removeListenerAsync(status);
                    } catch (RuntimeException ignored) {
                        // The master is gone: nothing to undo there.
                    }
                }
                if (e instanceof CacheConfigurationException) {
                    throw e;
                }
                throw RedisErrors.translate(e, (sharded ? "SSUBSCRIBE " : "SUBSCRIBE ") + name, null, where, user);
            }
            this.statusListenerId = status;
            this.messageListenerId = messages;
        }

        /**
         * Waits for a listener to be added (and the channel subscribed) no longer than Redisson's subscription
         * timeout plus one command timeout: Redisson's own wait has no bound, and a subscription to a channel
         * whose slot is moving can stay unanswered. A listener added after the wait is removed again.
         */
        private int awaitSubscription(RFuture<Integer> adding) {
            CompletableFuture<Integer> added = adding.toCompletableFuture();
            try {
                return added.get(subscribeWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                added.thenAccept(topic::removeListenerAsync);
                throw new org.redisson.client.RedisTimeoutException("no answer to subscribing channel " + name
                        + " within " + subscribeWait.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                added.thenAccept(topic::removeListenerAsync);
                throw new CompletionException(e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new CompletionException(e.getCause());
            }
        }

        /**
         * Publishes one probe (which every bus ignores) before subscribing: an ACL user without the channel
         * would otherwise only see the subscription time out, and a hybrid store run on without its bus.
         *
         * @throws CacheConfigurationException naming the channel right the user lacks
         */
        private void checkRights() {
            String operation = (sharded ? "SPUBLISH " : "PUBLISH ") + name;
            try {
                topic.publish(encode(instanceId, 0, PROBE, "rights:" + probeNonce));
            } catch (RuntimeException e) {
                RuntimeException translated = RedisErrors.translate(e, operation, null, where, user);
                if (translated instanceof CacheConfigurationException) {
                    String rule = shard.isEmpty() ? "&" + channel : "&" + channel + "*";
                    throw new CacheConfigurationException("the invalidation bus needs the right to publish and"
                            + " subscribe on channel '" + name + "' (ACL rule " + rule + ", commands " + (sharded
                            ? "SPUBLISH and SSUBSCRIBE" : "PUBLISH and SUBSCRIBE") + "): " + translated.getMessage(), e);
                }
                throw translated;
            }
        }

        CompletableFuture<Invalidation> lastQueued() {
            synchronized (publishLock) {
                return lastQueued;
            }
        }

        CompletableFuture<Invalidation> enqueue(Invalidation.Kind kind, String target,
                Function<RBatch, RFuture<?>> write, String redisKey) {
            Outgoing outgoing;
            synchronized (publishLock) {
                Invalidation message = new Invalidation(instanceId, sequence.incrementAndGet(), kind, target, shard);
                outgoing = new Outgoing(message, encode(message.origin(), message.sequence(), kind.name(), target),
                        write, redisKey);
                queued.add(outgoing);
                lastQueued = outgoing.sent;
                if (sending) {
                    return outgoing.sent;
                }
                sending = true;
            }
            sendQueued();
            return outgoing.sent;
        }

        /**
         * Sends everything queued as one pipelined batch (writes before their messages); when Redis has
         * answered, sends what was queued meanwhile. Runs on the thread that found nothing on its way, then
         * on Redisson's I/O threads.
         */
        private void sendQueued() {
            List<Outgoing> batch;
            synchronized (publishLock) {
                if (queued.isEmpty()) {
                    sending = false;
                    return;
                }
                batch = new ArrayList<>(queued);
                queued.clear();
            }
            List<RFuture<?>> writes = new ArrayList<>(batch.size());
            List<RFuture<?>> publishes = new ArrayList<>(batch.size());
            CompletionStage<?> reply;
            try {
                if (batch.size() == 1 && batch.get(0).write() == null) {
                    RFuture<?> published = topic.publishAsync(batch.get(0).payload());
                    writes.add(null);
                    publishes.add(published);
                    reply = published;
                } else {
                    RBatch pipeline = client.createBatch(BatchOptions.defaults());
                    RTopicAsync batchTopic = sharded ? pipeline.getShardedTopic(name, ByteArrayCodec.INSTANCE)
                            : pipeline.getTopic(name, ByteArrayCodec.INSTANCE);
                    for (Outgoing outgoing : batch) {
                        writes.add(outgoing.write() == null ? null : outgoing.write().apply(pipeline));
                        publishes.add(batchTopic.publishAsync(outgoing.payload()));
                    }
                    reply = pipeline.executeAsync();
                }
            } catch (RuntimeException e) {
                reply = CompletableFuture.failedFuture(e);
            }
            reply.whenComplete((ignored, batchFailure) -> {
                for (int i = 0; i < batch.size(); i++) {
                    Outgoing outgoing = batch.get(i);
                    Throwable failure = firstFailure(writes.size() > i ? writes.get(i) : null,
                            publishes.size() > i ? publishes.get(i) : null, batchFailure);
                    if (failure == null) {
                        outgoing.sent().complete(outgoing.message());
                    } else {
                        String operation = (outgoing.write() == null ? "" : "SET+") + (sharded ? "SPUBLISH " : "PUBLISH ")
                                + name + (shard.isEmpty() ? "" : " (shard " + shard + ")");
                        outgoing.sent().completeExceptionally(
                                RedisErrors.translate(failure, operation, outgoing.redisKey(), where, user));
                    }
                }
                sendQueued();
            });
        }

        /** Stops listening on the channel (the bus closes, or the shard vanished). */
        void unsubscribe() {
            dropped = true;
            dispatch(this::stopProbing);
            try {
                // Not waited for: Redisson's wait has no bound, and the master may be gone.
                topic.removeListenerAsync(messageListenerId, statusListenerId).whenComplete((ignored, e) -> {
                    if (e != null) {
                        LOG.debug("could not unsubscribe from {}: {}", name, RedisErrors.describe(e));
                    }
                });
            } catch (RuntimeException e) {
                LOG.debug("could not unsubscribe from {}: {}", name, RedisErrors.describe(e));
            }
        }

        private boolean current() {
            return !dropped && !closed.get();
        }

        private void subscribed() {
            if (!subscribedOnce) {
                subscribedOnce = true;
                return;
            }
            if (!current()) {
                return;
            }
            // A second subscribe is Redisson re-subscribing after the subscription was lost: whatever was
            // published meanwhile is gone, so listeners hear of the gap even if no probe noticed it.
            if (state != State.DISCONNECTED) {
                tellShard(shard, BusEvent.DISCONNECTED);
            }
            connected(true);
        }

        /**
         * The channel was subscribed after the bus started, or its shard's slots changed: messages for its
         * keys may have gone elsewhere, so listeners hear {@link BusEvent#DISCONNECTED} now and
         * {@link BusEvent#RECONNECTED} once a probe has come back on the channel (a subscription that Redisson
         * reports made but that does not deliver, as after a slot move, stays reported as disconnected).
         */
        void gap() {
            if (!current()) {
                return;
            }
            if (state != State.DISCONNECTED) {
                tellShard(shard, BusEvent.DISCONNECTED);
            }
            state = State.DISCONNECTED;
            stopProbing();
            probeEpoch++;
            probing = dispatcher.scheduleWithFixedDelay(this::probe, 0, PROBE_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        /**
         * A connection was lost. Redisson also closes connections it no longer needs, so this is only a
         * suspicion: the channel is probed, and {@link BusEvent#DISCONNECTED} reported only if no probe
         * comes back within {@link #DISCONNECT_GRACE}.
         */
        void suspect() {
            if (state != State.CONNECTED || !current()) {
                return;
            }
            state = State.VERIFYING;
            probeEpoch++;
            graceEnd = dispatcher.schedule(this::graceExpired, DISCONNECT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            probing = dispatcher.scheduleWithFixedDelay(this::probe, 0, PROBE_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        private void graceExpired() {
            if (state == State.VERIFYING && current()) {
                state = State.DISCONNECTED;
                tellShard(shard, BusEvent.DISCONNECTED);
            }
        }

        /** A connection came back: probe at once instead of waiting for the next round. */
        void connectionBack() {
            if (state != State.CONNECTED) {
                probe();
            }
        }

        /** The subscription delivers again (a probe came back, or Redisson re-subscribed). */
        private void connected(boolean tellReconnected) {
            boolean wasDisconnected = state == State.DISCONNECTED;
            state = State.CONNECTED;
            stopProbing();
            if (tellReconnected || wasDisconnected) {
                tellShard(shard, BusEvent.RECONNECTED);
            }
        }

        private void stopProbing() {
            if (probing != null) {
                probing.cancel(false);
                probing = null;
            }
            if (graceEnd != null) {
                graceEnd.cancel(false);
                graceEnd = null;
            }
        }

        private void probe() {
            if (state == State.CONNECTED || !current()) {
                return;
            }
            try {
                topic.publishAsync(encode(instanceId, 0, PROBE, probeTarget()));
            } catch (RuntimeException e) {
                LOG.debug("probe on {} not sent: {}", name, RedisErrors.describe(e));
            }
        }

        private String probeTarget() {
            return probeNonce + ":" + probeEpoch;
        }

        private void received(byte[] message) {
            if (!current()) {
                return;
            }
            JsonNode json;
            try {
                json = mapper.readTree(message);
            } catch (IOException | RuntimeException e) {
                malformed(name, message, "not JSON");
                return;
            }
            if (!(json instanceof ObjectNode object)) {
                malformed(name, message, "not a JSON object");
                return;
            }
            String kind = object.path("kind").asText(null);
            String origin = object.path("origin").asText(null);
            String target = object.path("target").asText(null);
            if (origin != null && origin.length() > MAX_ORIGIN_LENGTH) {
                malformed(name, message, "origin longer than " + MAX_ORIGIN_LENGTH + " characters");
                return;
            }
            if (PROBE.equals(kind)) {
                if (state != State.CONNECTED && instanceId.equals(origin) && probeTarget().equals(target)) {
                    connected(false);
                }
                return;
            }
            Invalidation invalidation;
            try {
                Invalidation.Kind parsedKind = Invalidation.Kind.valueOf(String.valueOf(kind));
                if (!object.path("seq").canConvertToLong() || !object.path("seq").isIntegralNumber()) {
                    malformed(name, message, "seq is not an integer");
                    return;
                }
                invalidation = new Invalidation(origin, object.path("seq").asLong(), parsedKind, target, shard);
            } catch (IllegalArgumentException e) {
                malformed(name, message, String.valueOf(e.getMessage()));
                return;
            }
            for (InvalidationListener listener : listeners) {
                try {
                    listener.onInvalidation(invalidation);
                } catch (RuntimeException e) {
                    LOG.warn("invalidation listener {} failed on {}", listener, LogText.escape(invalidation.toString()),
                            e);
                }
            }
        }
    }

    /**
     * How many messages this bus received and ignored since it was built: longer than
     * {@value #MAX_MESSAGE_BYTES} bytes, not JSON, or not a valid invalidation.
     */
    public long rejectedMessages() {
        return malformed.get();
    }

    private void oversized(String on, int length) {
        long count = malformed.incrementAndGet();
        if (oversizedLogged.compareAndSet(false, true)) {
            LOG.warn("dropped a message of {} bytes on channel {} without reading it (more than {}; {} rejected"
                    + " so far); further oversized messages are counted in rejectedMessages() but not logged",
                    length, on, MAX_MESSAGE_BYTES, count);
        }
    }

    private void malformed(String on, byte[] message, String why) {
        long count = malformed.incrementAndGet();
        if (count <= LOGGED_MALFORMED || count % 1000 == 0) {
            LOG.warn("ignoring a malformed message on channel {} ({}; {} rejected so far): {}", on,
                    LogText.escape(why), count, LogText.escape(new String(message, StandardCharsets.UTF_8)));
        }
    }

    private byte[] encode(String origin, long seq, String kind, String target) {
        ObjectNode json = mapper.createObjectNode();
        json.put("origin", origin);
        json.put("seq", seq);
        json.put("kind", kind);
        json.put("target", target);
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this RedisInvalidationBus (channel " + channel + ") is closed");
        }
    }

    /**
     * Sharded pub/sub needs a cluster whose masters all run Redis 7 or later. When INFO is refused, the
     * bus assumes they do.
     */
    private static boolean shardedPubSubAvailable(RedissonClient client) {
        if (!client.getConfig().isClusterConfig()) {
            return false;
        }
        try {
            for (RedisClusterMaster master : client.getRedisNodes(RedisNodes.CLUSTER).getMasters()) {
                String version = master.info(RedisNode.InfoSection.SERVER).getOrDefault("redis_version", "0");
                int major = Integer.parseInt(version.substring(0, Math.max(1, version.indexOf('.'))));
                if (major < 7) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            // Every instance on a channel must choose alike; an instance whose user may not run INFO
            // assumes what every supported Redis offers rather than silently diverging from its peers.
            LOG.info("cannot tell the cluster's Redis version ({}); assuming Redis 7 or later and using sharded"
                    + " pub/sub (set sharded(false) for an older cluster)", RedisErrors.describe(e));
            return true;
        }
    }

    /**
     * Builds a {@link RedisInvalidationBus}. Give exactly one of {@link #config(RedisConfig)} and
     * {@link #client(RedissonClient)}. Not thread-safe.
     */
    public static final class Builder {
        private RedisConfig config;
        private RedissonClient client;
        private String namespace;
        private String channel;
        private String instanceId;
        private Boolean sharded;
        private UnaryOperator<RedisInvalidationBus> onBuild = UnaryOperator.identity();

        private Builder() {
        }

        /** What {@link RedisConnection} does with the bus it hands out (keeps it to close it). */
        Builder onBuild(UnaryOperator<RedisInvalidationBus> hook) {
            this.onBuild = hook;
            return this;
        }

        /** Connect with {@code config}; the bus owns the client it creates and closes it. */
        public Builder config(RedisConfig config) {
            this.config = require(config, "config");
            return this;
        }

        /** Use {@code client}; the bus never closes it. */
        public Builder client(RedissonClient client) {
            this.client = require(client, "client");
            return this;
        }

        /**
         * The namespace whose channel to use, {@code <namespace>:invalidations} (default: the config's); the
         * empty namespace of the reference layout uses {@code chatcache.reference:invalidations}.
         */
        public Builder namespace(String namespace) {
            RedisConfig.requireNamespace(namespace, RedisConfig.KeyLayout.REFERENCE, "namespace");
            this.namespace = namespace;
            return this;
        }

        /** The channel (default {@code <namespace>:invalidations}). */
        public Builder channel(String channel) {
            if (channel == null || channel.isBlank()) {
                throw new CacheConfigurationException("RedisInvalidationBus option channel must not be empty");
            }
            this.channel = channel;
            return this;
        }

        /** This instance's id, unique among the instances sharing the channel (default a random UUID). */
        public Builder instanceId(String instanceId) {
            if (instanceId == null || instanceId.isEmpty()) {
                throw new CacheConfigurationException("RedisInvalidationBus option instanceId must not be empty");
            }
            if (instanceId.length() > MAX_ORIGIN_LENGTH
                    || instanceId.chars().anyMatch(c -> Character.isISOControl(c))) {
                throw new CacheConfigurationException("RedisInvalidationBus option instanceId must be at most "
                        + MAX_ORIGIN_LENGTH + " characters without control characters, was '"
                        + LogText.escape(instanceId) + "'");
            }
            this.instanceId = instanceId;
            return this;
        }

        /**
         * Whether to use sharded pub/sub (default: yes in a cluster whose masters run Redis 7 or later, or
         * whose version the user may not read with INFO; no otherwise). Every instance on a channel must
         * make the same choice, or their messages do not meet.
         */
        public Builder sharded(boolean sharded) {
            this.sharded = sharded;
            return this;
        }

        /**
         * Builds the bus and subscribes. With a config it connects now.
         *
         * @throws CacheConfigurationException if neither or both of config and client are given, or
         *     Redis refuses the credentials, or the user may not publish on the channel (the message names
         *     the ACL rule to grant: a probe is published before subscribing)
         * @throws io.chatcache.core.CacheUnavailableException if Redis cannot be reached
         */
        public RedisInvalidationBus build() {
            if ((config == null) == (client == null)) {
                throw new CacheConfigurationException("RedisInvalidationBus needs exactly one of config(RedisConfig)"
                        + " and client(RedissonClient), was " + (config == null ? "neither" : "both"));
            }
            if (client != null) {
                return onBuild.apply(new RedisInvalidationBus(this, client, false, RedissonClients.where(client),
                        client.getConfig().getUsername()));
            }
            RedissonClient created = RedissonClients.connect(config);
            try {
                return new RedisInvalidationBus(this, created, true, "Redis at " + RedissonClients.describe(config),
                        config.username());
            } catch (RuntimeException e) {
                created.shutdown();
                throw e;
            }
        }

        private static <V> V require(V value, String option) {
            if (value == null) {
                throw new CacheConfigurationException("RedisInvalidationBus option " + option + " must not be null");
            }
            return value;
        }
    }
}

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
import io.chatcache.core.Subscription;
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
import java.util.List;
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
 * An {@link InvalidationBus} over Redis pub/sub (a Redisson {@code RTopic}; in a cluster whose masters
 * run Redis 7 or later, sharded pub/sub, so that a message travels to one shard and not the whole
 * cluster). Messages are JSON that any program can publish or read:
 * <pre>{@code {"origin":"<instance id>","seq":42,"kind":"KEY","target":"session:1"}}</pre>
 * {@code kind} is {@code KEY}, {@code PATTERN} or {@code CLEAR} (with an empty target).
 *
 * <h2>Hostile messages</h2>
 * Anything on the channel may come from anyone allowed to publish there (messages are not
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
 * Pub/sub is at most once: messages published while the subscription is down are lost. When Redisson
 * reports a lost connection (for clients created from a {@link RedisConfig} by this adapter; Redisson
 * tells nobody else), the bus probes its own subscription by publishing a message to itself; if none
 * comes back within one second, listeners hear {@link BusEvent#DISCONNECTED}. They
 * hear {@link BusEvent#RECONNECTED} only once the subscription is back and proven: when a probe comes
 * back, or when Redisson re-subscribes (then, if no {@code DISCONNECTED} was told yet, both events come
 * together, because messages may have been lost in between). A message published after
 * {@code RECONNECTED} reaches the listener. A listener may hear more than one pair for one outage; each
 * pair means "what you hold may be stale". Probes are messages of kind {@code PROBE}; other buses ignore
 * them, and they take no sequence number.
 *
 * <p>Listeners run on the bus's own thread, one at a time, in the order messages and events arrived; an
 * exception from a listener is logged and delivery continues. Instances are thread-safe.
 */
public final class RedisInvalidationBus implements InvalidationBus {

    /** How often a bus that doubts its subscription probes it. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
    /** How long a lost connection may go unconfirmed by a probe before listeners hear DISCONNECTED. */
    static final Duration DISCONNECT_GRACE = Duration.ofSeconds(1);
    /** How often subscribing is tried when SUBSCRIBE's answer does not come within the command timeout. */
    static final int SUBSCRIBE_ATTEMPTS = 5;
    /** How long {@link #close()} waits for messages already published to go out. */
    static final Duration CLOSE_DRAIN = Duration.ofSeconds(2);
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

    private final RedissonClient client;
    private final boolean ownsClient;
    private final String channel;
    private final String instanceId;
    private final boolean sharded;
    /** Whether the client talks to one server (single or Sentinel), where a batch keeps its order. */
    private final boolean oneServer;
    private final String where;
    private final String user;
    private final RTopic topic;
    private final ObjectMapper mapper = JacksonSerializer.defaultObjectMapper();
    /** Guards the sequence, {@link #queued}, {@link #sending} and {@link #lastQueued}. */
    private final Object publishLock = new Object();
    private final List<Outgoing> queued = new ArrayList<>();
    private boolean sending;
    private CompletableFuture<Invalidation> lastQueued = CompletableFuture.completedFuture(null);
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicBoolean oversizedLogged = new AtomicBoolean();
    private final List<InvalidationListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService dispatcher;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable removeConnectionListener;
    private final int messageListenerId;
    private final int statusListenerId;

    /** Where the subscription stands; touched only on the dispatcher thread, like the fields below. */
    private enum State { CONNECTED, VERIFYING, DISCONNECTED }

    private State state = State.CONNECTED;
    private boolean subscribedOnce;
    private final String probeNonce = UUID.randomUUID().toString();
    private long probeEpoch;
    private ScheduledFuture<?> probing;
    private ScheduledFuture<?> graceEnd;

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
        this.topic = sharded ? client.getShardedTopic(channel, ByteArrayCodec.INSTANCE)
                : client.getTopic(channel, ByteArrayCodec.INSTANCE);
        this.dispatcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "chatcache-redis-bus-" + channel);
            thread.setDaemon(true);
            return thread;
        });
        this.removeConnectionListener = ConnectionEvents.of(client)
                .map(events -> events.addListener(new ConnectionEvents.Listener() {
                    @Override
                    public void onDisconnect(InetSocketAddress address) {
                        LOG.debug("connection to {} lost (channel {})", address, channel);
                        dispatch(RedisInvalidationBus.this::suspect);
                    }

                    @Override
                    public void onConnect(InetSocketAddress address) {
                        LOG.debug("connected to {} (channel {})", address, channel);
                        dispatch(RedisInvalidationBus.this::connectionBack);
                    }
                }))
                .orElse(() -> { });
        try {
            // A publish that times out on a busy host is tried again, as SUBSCRIBE is.
            subscribing(() -> {
                checkChannelRights();
                return 0;
            });
            this.statusListenerId = subscribing(() -> topic.addListener(new StatusListener() {
                @Override
                public void onSubscribe(String subscribed) {
                    LOG.debug("subscribed to {}", subscribed);
                    dispatch(RedisInvalidationBus.this::subscribed);
                }

                @Override
                public void onUnsubscribe(String unsubscribed) {
                    // Only our own close() unsubscribes; nothing to tell listeners.
                }
            }));
            this.messageListenerId = subscribing(() -> topic.addListener(byte[].class, (ignored, message) -> {
                // Checked on Redisson's thread, so that an oversized message is neither queued nor decoded.
                if (message.length > MAX_MESSAGE_BYTES) {
                    oversized(message.length);
                } else {
                    dispatch(() -> received(message));
                }
            }));
        } catch (CacheConfigurationException e) {
            removeConnectionListener.run();
            dispatcher.shutdownNow();
            throw e;
        } catch (RuntimeException e) {
            removeConnectionListener.run();
            dispatcher.shutdownNow();
            throw RedisErrors.translate(e, "SUBSCRIBE " + channel, null, where, user);
        }
    }

    /**
     * Publishes one probe (which every bus ignores) before subscribing: an ACL user without the channel
     * would otherwise only see the subscription time out, and a hybrid store run on without its bus.
     *
     * @throws CacheConfigurationException naming the channel right the user lacks
     */
    private void checkChannelRights() {
        String operation = (sharded ? "SPUBLISH " : "PUBLISH ") + channel;
        try {
            topic.publish(encode(instanceId, 0, PROBE, "rights:" + probeNonce));
        } catch (RuntimeException e) {
            RuntimeException translated = RedisErrors.translate(e, operation, null, where, user);
            if (translated instanceof CacheConfigurationException) {
                throw new CacheConfigurationException("the invalidation bus needs the right to publish and subscribe"
                        + " on channel '" + channel + "' (ACL rule &" + channel + ", commands " + (sharded
                        ? "SPUBLISH and SSUBSCRIBE" : "PUBLISH and SUBSCRIBE") + "): " + translated.getMessage(), e);
            }
            throw translated;
        }
    }

    /**
     * Redisson waits for SUBSCRIBE's answer for its command timeout (the operation budget, 270 ms by
     * default), which a busy host at start-up can exceed without anything wrong with Redis: a subscription
     * that timed out is tried again, {@link #SUBSCRIBE_ATTEMPTS} times in all. (Should a timed-out attempt
     * have subscribed after all, its listener hears messages twice; receivers take duplicates in stride.)
     */
    private static int subscribing(java.util.function.IntSupplier subscribe) {
        for (int attempt = 1; ; attempt++) {
            try {
                return subscribe.getAsInt();
            } catch (RuntimeException e) {
                if (attempt >= SUBSCRIBE_ATTEMPTS || !timedOut(e)) {
                    throw e;
                }
                LOG.debug("SUBSCRIBE timed out (attempt {} of {}); trying again", attempt, SUBSCRIBE_ATTEMPTS);
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

    /** The Redis channel the bus publishes on and listens to. */
    public String channel() {
        return channel;
    }

    /** Whether the bus uses sharded pub/sub ({@code SPUBLISH}/{@code SSUBSCRIBE}). */
    public boolean sharded() {
        return sharded;
    }

    /**
     * Publishes a message stamped with this instance's id and its next sequence number, and waits until
     * Redis has taken it. A publish that fails still uses up its sequence number, so receivers see a gap
     * and know they may have missed something.
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
     * pipelined batch is on its way at a time, and the messages queued meanwhile follow in the next
     * batch, on one connection. A caller thus never waits for another caller's round trip.
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
        Outgoing outgoing;
        synchronized (publishLock) {
            Invalidation message = new Invalidation(instanceId, sequence.incrementAndGet(), kind, target);
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

    /** A message waiting to be sent, the write to send before it (or null), and who waits for them. */
    private record Outgoing(Invalidation message, byte[] payload, Function<RBatch, RFuture<?>> write,
            String redisKey, CompletableFuture<Invalidation> sent) {
        Outgoing(Invalidation message, byte[] payload, Function<RBatch, RFuture<?>> write, String redisKey) {
            this(message, payload, write, redisKey, new CompletableFuture<>());
        }
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
                RTopicAsync batchTopic = sharded ? pipeline.getShardedTopic(channel, ByteArrayCodec.INSTANCE)
                        : pipeline.getTopic(channel, ByteArrayCodec.INSTANCE);
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
                            + channel;
                    outgoing.sent().completeExceptionally(
                            RedisErrors.translate(failure, operation, outgoing.redisKey(), where, user));
                }
            }
            sendQueued();
        });
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
     * stops the bus's thread and, if the bus created its client, shuts it down. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Invalidation> last;
        synchronized (publishLock) {
            last = lastQueued;
        }
        try {
            last.get(CLOSE_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // Its caller heard of it.
        } catch (TimeoutException e) {
            LOG.warn("closing the bus on {} before its last invalidations went out (waited {})", channel, CLOSE_DRAIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeConnectionListener.run();
        try {
            topic.removeListener(messageListenerId, statusListenerId);
        } catch (RuntimeException e) {
            LOG.debug("could not unsubscribe from {} while closing: {}", channel, RedisErrors.describe(e));
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
                + ", " + where + "]";
    }

    private void dispatch(Runnable task) {
        try {
            dispatcher.execute(task);
        } catch (RejectedExecutionException closing) {
            // The bus is closing: nobody is listening any more.
        }
    }

    private void subscribed() {
        if (!subscribedOnce) {
            subscribedOnce = true;
            return;
        }
        // A second subscribe is Redisson re-subscribing after the subscription was lost: whatever was
        // published meanwhile is gone, so listeners hear of the gap even if no probe noticed it.
        if (state != State.DISCONNECTED) {
            tell(BusEvent.DISCONNECTED);
        }
        connected(true);
    }

    /**
     * A connection was lost. Redisson also closes connections it no longer needs, so this is only a
     * suspicion: the bus probes its subscription, and reports {@link BusEvent#DISCONNECTED} only if no
     * probe comes back within {@link #DISCONNECT_GRACE}.
     */
    private void suspect() {
        if (state != State.CONNECTED || closed.get()) {
            return;
        }
        state = State.VERIFYING;
        probeEpoch++;
        graceEnd = dispatcher.schedule(this::graceExpired, DISCONNECT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        probing = dispatcher.scheduleWithFixedDelay(this::probe, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void graceExpired() {
        if (state == State.VERIFYING) {
            state = State.DISCONNECTED;
            tell(BusEvent.DISCONNECTED);
        }
    }

    /** A connection came back: probe at once instead of waiting for the next round. */
    private void connectionBack() {
        if (state != State.CONNECTED) {
            probe();
        }
    }

    /** The subscription delivers again (a probe came back, or Redisson re-subscribed). */
    private void connected(boolean tellReconnected) {
        boolean wasDisconnected = state == State.DISCONNECTED;
        state = State.CONNECTED;
        if (probing != null) {
            probing.cancel(false);
            probing = null;
        }
        if (graceEnd != null) {
            graceEnd.cancel(false);
            graceEnd = null;
        }
        if (tellReconnected || wasDisconnected) {
            tell(BusEvent.RECONNECTED);
        }
    }

    private void probe() {
        if (state == State.CONNECTED) {
            return;
        }
        try {
            topic.publishAsync(encode(instanceId, 0, PROBE, probeTarget()));
        } catch (RuntimeException e) {
            LOG.debug("probe on {} not sent: {}", channel, RedisErrors.describe(e));
        }
    }

    private String probeTarget() {
        return probeNonce + ":" + probeEpoch;
    }

    private void received(byte[] message) {
        JsonNode json;
        try {
            json = mapper.readTree(message);
        } catch (IOException | RuntimeException e) {
            malformed(message, "not JSON");
            return;
        }
        if (!(json instanceof ObjectNode object)) {
            malformed(message, "not a JSON object");
            return;
        }
        String kind = object.path("kind").asText(null);
        String origin = object.path("origin").asText(null);
        String target = object.path("target").asText(null);
        if (origin != null && origin.length() > MAX_ORIGIN_LENGTH) {
            malformed(message, "origin longer than " + MAX_ORIGIN_LENGTH + " characters");
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
                malformed(message, "seq is not an integer");
                return;
            }
            invalidation = new Invalidation(origin, object.path("seq").asLong(), parsedKind, target);
        } catch (IllegalArgumentException e) {
            malformed(message, String.valueOf(e.getMessage()));
            return;
        }
        for (InvalidationListener listener : listeners) {
            try {
                listener.onInvalidation(invalidation);
            } catch (RuntimeException e) {
                LOG.warn("invalidation listener {} failed on {}", listener, LogText.escape(invalidation.toString()), e);
            }
        }
    }

    private void tell(BusEvent event) {
        LOG.info("invalidation bus on channel {}: {}", channel, event);
        for (InvalidationListener listener : listeners) {
            try {
                listener.onBusEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("invalidation listener {} failed on {}", listener, event, e);
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

    private void oversized(int length) {
        long count = malformed.incrementAndGet();
        if (oversizedLogged.compareAndSet(false, true)) {
            LOG.warn("dropped a message of {} bytes on channel {} without reading it (more than {}; {} rejected"
                    + " so far); further oversized messages are counted in rejectedMessages() but not logged",
                    length, channel, MAX_MESSAGE_BYTES, count);
        }
    }

    private void malformed(byte[] message, String why) {
        long count = malformed.incrementAndGet();
        if (count <= LOGGED_MALFORMED || count % 1000 == 0) {
            LOG.warn("ignoring a malformed message on channel {} ({}; {} rejected so far): {}", channel,
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

package io.chatcache.redis.internal;

import org.redisson.api.NodeType;
import org.redisson.api.RedissonClient;
import org.redisson.connection.ConnectionListener;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * Connection events of a client created by {@link RedissonClients}. Redisson reports connects and
 * disconnects only to the listener given in its configuration before the client exists, so the events
 * are kept here per client for the buses that share it; a client created elsewhere has none.
 */
public final class ConnectionEvents implements ConnectionListener {

    private static final Map<RedissonClient, ConnectionEvents> BY_CLIENT = new WeakHashMap<>();

    /** Told of connection changes; called on a Redisson I/O thread and must be quick. */
    public interface Listener {
        /** A connection to {@code address} was lost. */
        void onDisconnect(InetSocketAddress address);

        /** A connection to {@code address} was (re-)established. */
        void onConnect(InetSocketAddress address);
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile String description = "Redis";

    ConnectionEvents() {
    }

    static void register(RedissonClient client, ConnectionEvents events) {
        synchronized (BY_CLIENT) {
            BY_CLIENT.put(client, events);
        }
    }

    /** The events of {@code client}, if {@link RedissonClients} created it. */
    public static Optional<ConnectionEvents> of(RedissonClient client) {
        synchronized (BY_CLIENT) {
            return Optional.ofNullable(BY_CLIENT.get(client));
        }
    }

    void describe(String where) {
        this.description = where;
    }

    /** Where the client connects, for messages ("Redis at 127.0.0.1:6379"); never a secret. */
    public String description() {
        return description;
    }

    /** Adds a listener; the returned runnable removes it. */
    public Runnable addListener(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void onConnect(InetSocketAddress address, NodeType nodeType) {
        listeners.forEach(listener -> listener.onConnect(address));
    }

    @Override
    public void onDisconnect(InetSocketAddress address, NodeType nodeType) {
        listeners.forEach(listener -> listener.onDisconnect(address));
    }

    // Redisson 4 calls the two-argument forms; the one-argument forms are abstract and deprecated, so they
    // must be implemented and are never the ones called.
    @SuppressWarnings("deprecation")
    @Override
    public void onConnect(InetSocketAddress address) {
        onConnect(address, null);
    }

    @SuppressWarnings("deprecation")
    @Override
    public void onDisconnect(InetSocketAddress address) {
        onDisconnect(address, null);
    }
}

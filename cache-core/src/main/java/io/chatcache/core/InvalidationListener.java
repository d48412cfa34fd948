package io.chatcache.core;

/**
 * Receives what an {@link InvalidationBus} carries. Callbacks run on the bus's own thread and must be
 * quick; an exception thrown from one is logged by the bus and does not stop delivery.
 */
public interface InvalidationListener {

    /**
     * A message arrived, including this instance's own messages (test {@link Invalidation#isFrom}
     * against {@link InvalidationBus#instanceId()} to skip them).
     */
    void onInvalidation(Invalidation invalidation);

    /**
     * The bus's connection changed. After {@link BusEvent#DISCONNECTED} messages may be lost until
     * {@link BusEvent#RECONNECTED}; a receiver that caches should drop what it cannot vouch for.
     */
    default void onBusEvent(BusEvent event) {
    }

    /**
     * On a {@linkplain Sharding sharded} bus, the subscription to one shard's channel changed: messages for
     * that shard's keys (and that shard's copies of pattern, clear and heartbeat messages) may be lost after
     * {@link BusEvent#DISCONNECTED} until {@link BusEvent#RECONNECTED}; the other shards are unaffected. The
     * default treats it as an event of the whole bus.
     *
     * @param shard the shard's id, as {@link Sharding#shards()} names it
     */
    default void onShardEvent(String shard, BusEvent event) {
        onBusEvent(event);
    }

    /** A change in the bus's connection. */
    enum BusEvent {
        /** The connection to the transport was lost; messages may be missed. */
        DISCONNECTED,
        /** The connection is back and the subscription re-established; messages flow again. */
        RECONNECTED
    }
}

package io.chatcache.core;

import java.util.Set;

/**
 * An optional capability of a {@link CacheStore} or an {@link InvalidationBus} whose keys live on several
 * shards that fail independently, such as the masters of a Redis Cluster. A caller that keeps failure state
 * (a circuit breaker, an outage journal, whether its near cache is coherent) keeps it per shard, so that a
 * failed shard falls back alone while the others stay in use.
 *
 * <p>A shard's id is stable across a failover (a promoted replica serves the same shard under the same id);
 * it changes only when keys move between shards (resharding). A store and a bus on the same deployment name
 * a key's shard alike. Stores and buses that are not sharded do not offer this capability: to their callers
 * everything is one shard.
 *
 * <p>Implementations are thread-safe and answer from local state, without a network call.
 */
public interface Sharding {

    /**
     * The id of the shard that holds {@code key}, one of {@link #shards()} as last seen.
     *
     * @throws InvalidInputException if {@code key} is not a valid key
     */
    String shardOf(String key);

    /** The ids of the shards as last seen; never empty. */
    Set<String> shards();
}

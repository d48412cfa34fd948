package io.chatcache.redis;

import io.chatcache.testkit.redis.RedisServers;

/** The shared CacheStore contract, against a Redis Cluster of three masters. */
class RedisClusterCacheStoreContractTest extends RedisStoreContractBase {

    @Override
    RedisConfig.Builder config(RedisServers redis) {
        return RedisTestSupport.configFor(redis.cluster());
    }
}

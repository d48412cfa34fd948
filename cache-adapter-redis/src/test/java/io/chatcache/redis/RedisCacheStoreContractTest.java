package io.chatcache.redis;

import io.chatcache.testkit.redis.RedisServers;

/** The shared CacheStore contract, against one standalone Redis server. */
class RedisCacheStoreContractTest extends RedisStoreContractBase {

    @Override
    RedisConfig.Builder config(RedisServers redis) {
        return RedisTestSupport.configFor(redis.single());
    }
}

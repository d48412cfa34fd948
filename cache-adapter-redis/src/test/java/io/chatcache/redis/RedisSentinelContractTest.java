package io.chatcache.redis;

import io.chatcache.testkit.redis.RedisServers;

/** The shared CacheStore contract, against a master found through Redis Sentinel (with a replica). */
class RedisSentinelContractTest extends RedisStoreContractBase {

    @Override
    RedisConfig.Builder config(RedisServers redis) {
        return RedisTestSupport.configFor(redis.sentinel());
    }
}

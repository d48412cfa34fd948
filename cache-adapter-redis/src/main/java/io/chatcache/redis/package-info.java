/**
 * The Redis adapter of chat-cache, on Redisson and Jackson.
 *
 * <ul>
 *   <li>{@link io.chatcache.redis.RedisCacheStore}: a {@link io.chatcache.core.CacheStore} keeping values as
 *       plain JSON under a namespace, with the TTL held by Redis.</li>
 *   <li>{@link io.chatcache.redis.JacksonSerializer}: the {@link io.chatcache.core.Serializer} it uses by
 *       default (no class names in the data, no Java serialization).</li>
 *   <li>{@link io.chatcache.redis.RedisInvalidationBus}: an {@link io.chatcache.core.InvalidationBus} over
 *       Redis pub/sub.</li>
 *   <li>{@link io.chatcache.redis.RedisConfig}: how to reach Redis, from code or from {@code REDIS_*}
 *       environment variables.</li>
 * </ul>
 * The provider named {@code "redis"} for {@link io.chatcache.core.CacheStoreProvider} opens a store and a
 * bus on one connection from the environment. Classes in {@code io.chatcache.redis.internal} are not API.
 */
package io.chatcache.redis;

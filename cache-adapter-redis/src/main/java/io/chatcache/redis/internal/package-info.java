/**
 * Implementation of the Redis adapter: client creation, error translation, connection events and the
 * {@code "redis"} store provider. Not API: these classes may change in any release.
 */
package io.chatcache.redis.internal;

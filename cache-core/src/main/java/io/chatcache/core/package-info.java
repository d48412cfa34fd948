/**
 * The ports of chat-cache and the value types they speak in.
 *
 * <p>{@link io.chatcache.core.CacheStore} is the one port every store implements (memory, Redis, hybrid,
 * or a store of your own); {@link io.chatcache.core.Serializer} turns values into bytes for stores that
 * need them; {@link io.chatcache.core.InvalidationBus} carries invalidations between application
 * instances. This package depends on the JDK only.
 */
package io.chatcache.core;

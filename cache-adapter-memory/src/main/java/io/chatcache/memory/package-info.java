/**
 * The memory adapter: {@link io.chatcache.memory.MemoryCacheStore}, a hand-written, thread-safe LRU
 * {@link io.chatcache.core.CacheStore} with per-entry time to live, built with
 * {@link io.chatcache.memory.MemoryCacheStore#builder()}; the {@link io.chatcache.memory.Weigher} that
 * estimates entry sizes; and {@link io.chatcache.memory.InProcessInvalidationBus}, an
 * {@link io.chatcache.core.InvalidationBus} inside one JVM.
 *
 * <p>The store is also available by name, {@code "memory"}, through
 * {@link io.chatcache.core.CacheStoreProvider}. Everything else in this package is package-private; the
 * {@code internal} package holds the provider and is not API.
 */
package io.chatcache.memory;

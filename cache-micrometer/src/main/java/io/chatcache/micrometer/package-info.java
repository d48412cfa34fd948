/**
 * Micrometer meters for chat-cache: {@link io.chatcache.micrometer.ChatCacheMetrics} for a
 * {@link io.chatcache.chat.ChatCacheService}, {@link io.chatcache.micrometer.CacheStoreMetrics} for any
 * {@link io.chatcache.core.CacheStore}. Micrometer's cache meter names, so Caffeine dashboards work; no Spring.
 */
package io.chatcache.micrometer;

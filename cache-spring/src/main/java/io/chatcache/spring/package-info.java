/**
 * Spring Framework's cache abstraction on chat-cache: {@link io.chatcache.spring.ChatCacheSpringCacheManager}
 * makes {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict} store through a
 * {@link io.chatcache.chat.ChatCacheService}.
 */
package io.chatcache.spring;

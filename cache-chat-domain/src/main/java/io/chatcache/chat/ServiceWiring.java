package io.chatcache.chat;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.StoreSettings;

/** Opens the HYBRID backend for {@link ChatCacheService.Builder}. */
final class ServiceWiring {

    private ServiceWiring() {
    }

    static ChatCacheService.Wiring hybrid(ChatCacheService.Builder builder, StoreSettings memorySettings,
                                          StoreSettings redisSettings) {
        builder.redisProvider();
        throw new CacheConfigurationException("the HYBRID backend is not wired yet");
    }
}

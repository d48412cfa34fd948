package io.chatcache.chat;

import io.chatcache.testkit.redis.RedisServer;
import java.util.HashMap;
import java.util.Map;

/** The environment variables {@link ChatCacheService#builderFromEnvironment} reads, for a harness server. */
final class RedisEnvironment {

    private RedisEnvironment() {
    }

    /**
     * {@code CACHE_BACKEND} {@code backend} on {@code server} (with its password, if it has one) in
     * {@code namespace}; a map the caller may add to.
     */
    static Map<String, String> of(RedisServer server, String backend, String namespace) {
        Map<String, String> env = new HashMap<>(Map.of(
                "CACHE_BACKEND", backend,
                "REDIS_HOST", server.host(),
                "REDIS_PORT", String.valueOf(server.port()),
                "REDIS_NAMESPACE", namespace));
        if (server.password() != null) {
            env.put("REDIS_PASSWORD", server.password());
        }
        return env;
    }
}

package io.chatcache.chat;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** HYBRID with an ACL user that may not use the invalidation channel fails at start-up, not silently L1-only. */
class HybridAclTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    @Test
    void aUserWithoutTheChannelRightFailsAtStartUpNamingIt() {
        RedisServer server = REDIS.startSingle();
        server.addAclUser("app", "app-pw-9", "resetchannels", "~app:*", "+@all");
        Map<String, String> env = Map.of("CACHE_BACKEND", "hybrid", "REDIS_HOST", server.host(),
                "REDIS_PORT", String.valueOf(server.port()), "REDIS_USERNAME", "app", "REDIS_PASSWORD", "app-pw-9",
                "REDIS_NAMESPACE", "app", "REDIS_STARTUP_TIMEOUT", RedisEnvironment.STARTUP_TIMEOUT);

        CacheConfigurationException e = assertThrows(CacheConfigurationException.class,
                () -> ChatCacheService.fromEnvironment(env).close());

        assertThat(e.getMessage()).contains("&app:invalidations").contains("'app'").doesNotContain("app-pw-9");
    }

    @Test
    void withTheRightItStartsWithRedis() {
        RedisServer server = REDIS.startSingle();
        server.addAclUser("app", "app-pw-9", "resetchannels", "&app:invalidations", "~app:*", "+@all");
        Map<String, String> env = Map.of("CACHE_BACKEND", "hybrid", "REDIS_HOST", server.host(),
                "REDIS_PORT", String.valueOf(server.port()), "REDIS_USERNAME", "app", "REDIS_PASSWORD", "app-pw-9",
                "REDIS_NAMESPACE", "app", "REDIS_STARTUP_TIMEOUT", RedisEnvironment.STARTUP_TIMEOUT);

        try (ChatCacheService cache = ChatCacheService.fromEnvironment(env)) {
            cache.set("k", "v");

            assertThat(cache.info().redisAvailable()).isTrue();
            assertThat(server.cliAs("app", "app-pw-9", "GET", "app:k")).isEqualTo("\"v\"");
        }
    }
}

package io.chatcache.chat;

import io.chatcache.testkit.redis.RedisServer;
import java.util.HashMap;
import java.util.Map;

/** The environment variables {@link ChatCacheService#builderFromEnvironment} reads, for a harness server. */
final class RedisEnvironment {

    /**
     * {@code REDIS_STARTUP_TIMEOUT} for a running harness server: 30 s instead of the default 5 s. Connecting
     * at start-up (Redisson's event loops, the idle connections, the first PING) can take longer than 5 s on
     * a loaded 2-core CI machine. No test that uses this measures start-up (the adapter's RedisStartupTest
     * and RedisSlowStartTest check the budget itself), and a refused connection or refused credentials are
     * reported at once, whatever the budget.
     */
    static final String STARTUP_TIMEOUT = "30s";

    private RedisEnvironment() {
    }

    /**
     * {@code CACHE_BACKEND} {@code backend} on {@code server} (with its password, if it has one) in
     * {@code namespace}, with the start-up budget {@link #STARTUP_TIMEOUT}; a map the caller may add to.
     */
    static Map<String, String> of(RedisServer server, String backend, String namespace) {
        Map<String, String> env = new HashMap<>(Map.of(
                "CACHE_BACKEND", backend,
                "REDIS_HOST", server.host(),
                "REDIS_PORT", String.valueOf(server.port()),
                "REDIS_NAMESPACE", namespace,
                "REDIS_STARTUP_TIMEOUT", STARTUP_TIMEOUT));
        if (server.password() != null) {
            env.put("REDIS_PASSWORD", server.password());
        }
        return env;
    }
}

package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServerOptions;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up fails fast, with a message that names the cause, instead of hanging. */
class RedisStartupTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    /** Generous for a loaded CI machine, far below Redisson's own worst case of a minute. */
    private static final Duration FAST = Duration.ofSeconds(8);

    private static RedisServer protectedServer;

    @BeforeAll
    static void startProtectedServer() {
        protectedServer = redis.startSingle(RedisServerOptions.builder().password("right-password").build());
    }

    private static RedisConfig.Builder config(String address) {
        return RedisConfig.builder().single(address)
                .connectTimeout(Duration.ofSeconds(1))
                .timeout(Duration.ofSeconds(1))
                .connectionMinimumIdleSize(1);
    }

    @Test
    void wrongPasswordFailsAtStartupWithAConfigurationError() {
        RedisConfig config = config(protectedServer.address()).password("wrong-password").build();
        long start = System.nanoTime();

        assertThatThrownBy(() -> RedisCacheStore.create(config))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("refused the credentials for user 'default'")
                .hasMessageContaining(protectedServer.host() + ":" + protectedServer.port())
                .hasMessageNotContaining("wrong-password");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
    }

    @Test
    void missingPasswordFailsAtStartupWithAConfigurationError() {
        RedisConfig config = config(protectedServer.address()).build();

        assertThatThrownBy(() -> RedisCacheStore.create(config))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("refused the credentials");
    }

    @Test
    void rightPasswordConnects() {
        RedisConfig config = config(protectedServer.address()).password("right-password").build();

        try (RedisCacheStore store = RedisCacheStore.create(config)) {
            store.put("k", "v", Duration.ofMinutes(1));
            assertThat(store.get("k", String.class)).contains("v");
        }
    }

    @Test
    void unknownHostFailsFastAsUnavailableNamingTheHost() {
        RedisConfig config = config("redis://no-such-host.invalid:6379").build();
        long start = System.nanoTime();

        assertThatThrownBy(() -> RedisCacheStore.create(config))
                .isInstanceOf(CacheUnavailableException.class)
                .hasMessageContaining("cannot reach Redis at no-such-host.invalid:6379");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
    }

    @Test
    void closedPortFailsFastAsUnavailableNamingTheAddress() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RedisConfig config = config("127.0.0.1:" + port).build();
        long start = System.nanoTime();

        assertThatThrownBy(() -> RedisCacheStore.create(config))
                .isInstanceOf(CacheUnavailableException.class)
                .hasMessageContaining("cannot reach Redis at 127.0.0.1:" + port)
                .hasMessageContaining("within 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
    }

    @Test
    void serverThatDoesNotAnswerIsGivenUpWithinTheStartupBudget() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            // It accepts connections but never answers: start-up tries again until its budget is spent.
            RedisConfig config = config("127.0.0.1:" + silent.getLocalPort())
                    .startupTimeout(Duration.ofSeconds(2)).build();
            long start = System.nanoTime();

            assertThatThrownBy(() -> RedisCacheStore.create(config))
                    .isInstanceOf(CacheUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + silent.getLocalPort());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
        }
    }

    @Test
    void badEnvironmentValueFailsBeforeAnyConnection() {
        assertThatThrownBy(() -> RedisConfig.fromEnvironment(java.util.Map.of("REDIS_PORT", "abc")))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("REDIS_PORT")
                .hasMessageContaining("'abc'");
    }
}

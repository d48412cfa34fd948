package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheStoreProvider;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationBus;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.StoreSettings;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServerOptions;
import io.chatcache.testkit.redis.RedisServers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The "redis" provider, found through ServiceLoader and configured from the environment. */
class RedisCacheStoreProviderTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static CacheStoreProvider provider() {
        return ServiceLoader.load(CacheStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(candidate -> candidate.name().equals("redis"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no CacheStoreProvider named redis on the class path"));
    }

    @Test
    void providerOpensAStoreAndABusOnOneConnectionFromTheEnvironment() {
        RedisServer server = redis.startSingle(RedisServerOptions.builder().password("env-password").build());
        String namespace = RedisTestSupport.uniqueNamespace("provided");
        Map<String, String> environment = Map.of(
                "REDIS_HOST", server.host(),
                "REDIS_PORT", Integer.toString(server.port()),
                "REDIS_PASSWORD", "env-password",
                "REDIS_NAMESPACE", namespace);

        ProvidedStore provided = provider().open(new StoreSettings(10, Duration.ofSeconds(120), environment));
        try {
            provided.store().put("k", "v");
            InvalidationBus bus = provided.invalidationBus().orElseThrow();
            List<Invalidation> heard = new CopyOnWriteArrayList<>();
            bus.subscribe(heard::add);
            Invalidation sent = bus.publish(Invalidation.Kind.KEY, "k");

            assertThat(provided.store().get("k", String.class)).contains("v");
            assertThat(server.cliAs("default", "env-password", "GET", namespace + ":k")).isEqualTo("\"v\"");
            assertThat(Long.parseLong(server.cliAs("default", "env-password", "PTTL", namespace + ":k")))
                    .as("the settings' default TTL").isBetween(100_000L, 120_000L);
            Awaitility.await("the bus to deliver").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(heard).containsExactly(sent));

        } finally {
            provided.close();
        }
        provided.close();
        assertThatThrownBy(() -> provided.store().get("k", String.class)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badEnvironmentValueFailsNamingTheVariable() {
        StoreSettings settings = StoreSettings.defaults(Map.of("REDIS_PORT", "70000"));

        assertThatThrownBy(() -> provider().open(settings))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("REDIS_PORT")
                .hasMessageContaining("1 to 65535");
    }

    @Test
    void unreachableServerFailsAsUnavailable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        StoreSettings settings = StoreSettings.defaults(Map.of("REDIS_HOST", "127.0.0.1", "REDIS_PORT", "" + port));

        assertThatThrownBy(() -> provider().open(settings))
                .isInstanceOf(CacheUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }
}

package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheException;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServerOptions;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS and ACL users. */
class RedisSecurityTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    @Test
    void storeWorksOverTlsWithTheServersTrustStore() {
        RedisServer server = redis.startSingle(RedisServerOptions.builder().tls(true).build());
        RedisConfig config = RedisTestSupport.configFor(server).namespace("tls").build();
        assertThat(config.addresses().get(0)).startsWith("rediss://");

        try (RedisCacheStore store = RedisCacheStore.create(config)) {
            store.put("k", Map.of("secure", true), Duration.ofMinutes(5));

            assertThat(store.get("k", io.chatcache.core.ValueType.mapOf(String.class, Boolean.class)))
                    .contains(Map.of("secure", true));
            assertThat(server.cli("GET", "tls:k")).isEqualTo("{\"secure\":true}");
        }
    }

    @Test
    void tlsIsConfiguredFromTheEnvironmentToo() {
        RedisServer server = redis.startSingle(RedisServerOptions.builder().tls(true).password("tls-pw").build());
        Map<String, String> environment = Map.of(
                "REDIS_URL", server.address(),
                "REDIS_PASSWORD", "tls-pw",
                "REDIS_SSL_TRUSTSTORE", server.trustStore().toString(),
                "REDIS_SSL_TRUSTSTORE_PASSWORD", server.trustStorePassword(),
                "REDIS_NAMESPACE", "tls-env");
        io.chatcache.core.CacheStoreProvider provider = new io.chatcache.redis.internal.RedisCacheStoreProvider();

        try (io.chatcache.core.ProvidedStore provided = provider.open(io.chatcache.core.StoreSettings.defaults(environment))) {
            provided.store().put("k", "v");

            assertThat(provided.store().get("k", String.class)).contains("v");
            assertThat(server.cli("GET", "tls-env:k")).isEqualTo("\"v\"");
        }
    }

    @Test
    void tlsServerWithoutItsCertificateAuthorityFailsAtStartupNamingTls() {
        RedisServer server = redis.startSingle(RedisServerOptions.builder().tls(true).build());
        RedisConfig config = RedisConfig.builder().single(server.address())
                .connectTimeout(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(1)).build();
        long start = System.nanoTime();

        // Usually the handshake failure itself surfaces (a configuration error); when Redisson swallows
        // it, the start-up deadline ends the wait and the message still points at TLS.
        assertThatThrownBy(() -> RedisCacheStore.create(config))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("TLS")
                .hasMessageContaining(server.host() + ":" + server.port());
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isLessThan(RedissonClients.startupDeadline(config).plusSeconds(2));
    }

    @Test
    void aclUserWorksInItsNamespaceAndGetsAClearErrorOutsideIt() {
        RedisServer server = redis.startSingle();
        server.addAclUser("app", "app-password", "~app:*", "&*", "+@all");
        RedisConfig.Builder asApp = RedisTestSupport.configFor(server).username("app").password("app-password");

        try (RedisCacheStore inside = RedisCacheStore.create(asApp.namespace("app").build());
                RedisCacheStore outside = RedisCacheStore.create(asApp.namespace("other").build())) {
            inside.put("k", "v", Duration.ofMinutes(5));
            assertThat(inside.get("k", String.class)).contains("v");
            assertThat(inside.delete("k")).isTrue();

            assertThatThrownBy(() -> outside.put("k", "v", Duration.ofMinutes(5)))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("user 'app' lacks permission")
                    .hasMessageContaining("'other:k'");
            assertThatThrownBy(() -> outside.get("k", String.class))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("'other:k'");
        }
        assertThat(server.cli("EXISTS", "other:k")).isEqualTo("0");
    }

    @Test
    void aclUserWithAWrongPasswordFailsAtStartupNamingTheUser() {
        RedisServer server = redis.startSingle();
        server.addAclUser("app", "app-password", "~app:*", "+@all");
        RedisConfig config = RedisTestSupport.configFor(server).username("app").password("wrong").build();

        assertThatThrownBy(() -> RedisCacheStore.create(config))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("refused the credentials for user 'app'")
                .hasMessageNotContaining("wrong");
    }
}

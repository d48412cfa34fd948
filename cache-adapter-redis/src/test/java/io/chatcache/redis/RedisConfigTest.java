package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisConfigTest {

    @Test
    void emptyEnvironmentGivesTheReferenceDefaults() {
        RedisConfig config = RedisConfig.fromEnvironment(Map.of());

        assertThat(config.topology()).isEqualTo(RedisConfig.Topology.SINGLE);
        assertThat(config.addresses()).containsExactly("redis://localhost:6379");
        assertThat(config.database()).isZero();
        assertThat(config.password()).isNull();
        assertThat(config.username()).isNull();
        assertThat(config.tls()).isFalse();
        assertThat(config.namespace()).isEqualTo("chatcache");
        assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.timeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.startupTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.tcpKeepAlive()).isTrue();
    }

    @Test
    void referenceVariablesSetHostPortPasswordAndDatabase() {
        RedisConfig config = RedisConfig.fromEnvironment(Map.of(
                "REDIS_HOST", "cache.internal", "REDIS_PORT", "6380", "REDIS_PASSWORD", "s3cret", "REDIS_DB", "3"));

        assertThat(config.addresses()).containsExactly("redis://cache.internal:6380");
        assertThat(config.password()).isEqualTo("s3cret");
        assertThat(config.database()).isEqualTo(3);
    }

    @Test
    void blankVariablesKeepTheDefaults() {
        RedisConfig config = RedisConfig.fromEnvironment(Map.of("REDIS_HOST", " ", "REDIS_PORT", "", "REDIS_PASSWORD", ""));

        assertThat(config.addresses()).containsExactly("redis://localhost:6379");
        assertThat(config.password()).isNull();
    }

    @Test
    void urlGivesAddressUserPasswordDatabaseAndTls() {
        RedisConfig config = RedisConfig.fromEnvironment(Map.of("REDIS_URL", "rediss://app:p%40ss@redis.example:6390/2"));

        assertThat(config.addresses()).containsExactly("rediss://redis.example:6390");
        assertThat(config.username()).isEqualTo("app");
        assertThat(config.password()).isEqualTo("p@ss");
        assertThat(config.database()).isEqualTo(2);
        assertThat(config.tls()).isTrue();
    }

    @Test
    void explicitVariablesWinOverTheUrlParts() {
        RedisConfig config = RedisConfig.fromEnvironment(Map.of(
                "REDIS_URL", "redis://app:old@redis.example/2",
                "REDIS_USERNAME", "other", "REDIS_PASSWORD", "new", "REDIS_DB", "5"));

        assertThat(config.username()).isEqualTo("other");
        assertThat(config.password()).isEqualTo("new");
        assertThat(config.database()).isEqualTo(5);
        assertThat(config.addresses()).containsExactly("redis://redis.example:6379");
    }

    @Test
    void sslVariableTurnsTlsOnForEveryAddress() {
        RedisConfig config = RedisConfig.fromEnvironment(Map.of("REDIS_HOST", "h", "REDIS_SSL", "TRUE"));

        assertThat(config.tls()).isTrue();
        assertThat(config.addresses()).containsExactly("rediss://h:6379");
    }

    @Test
    void clusterNodesSelectClusterMode() {
        RedisConfig config = RedisConfig.fromEnvironment(Map.of("REDIS_CLUSTER_NODES", "10.0.0.1:7000, 10.0.0.2:7001,redis://10.0.0.3:7002"));

        assertThat(config.topology()).isEqualTo(RedisConfig.Topology.CLUSTER);
        assertThat(config.addresses())
                .containsExactly("redis://10.0.0.1:7000", "redis://10.0.0.2:7001", "redis://10.0.0.3:7002");
    }

    @Test
    void sentinelVariablesSelectSentinelMode() {
        RedisConfig config = RedisConfig.fromEnvironment(Map.of(
                "REDIS_SENTINEL_MASTER", "mymaster", "REDIS_SENTINEL_NODES", "s1:26379,s2:26379"));

        assertThat(config.topology()).isEqualTo(RedisConfig.Topology.SENTINEL);
        assertThat(config.sentinelMaster()).isEqualTo("mymaster");
        assertThat(config.addresses()).containsExactly("redis://s1:26379", "redis://s2:26379");
    }

    @Test
    void timeoutVariablesTakeMillisecondsOrAUnit() {
        RedisConfig config = RedisConfig.fromEnvironment(Map.of("REDIS_TIMEOUT", "250",
                "REDIS_CONNECT_TIMEOUT", "2s", "REDIS_STARTUP_TIMEOUT", "1500ms"));

        assertThat(config.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.startupTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void namespaceVariableSetsTheNamespace() {
        assertThat(RedisConfig.fromEnvironment(Map.of("REDIS_NAMESPACE", "app")).namespace()).isEqualTo("app");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "REDIS_PORT|abc|an integer from 1 to 65535",
        "REDIS_PORT|70000|an integer from 1 to 65535",
        "REDIS_PORT|0|an integer from 1 to 65535",
        "REDIS_DB|-1|an integer 0 or more",
        "REDIS_DB|one|an integer 0 or more",
        "REDIS_SSL|maybe|true or false",
        "REDIS_URL|http://host:6379|redis[s]://",
        "REDIS_URL|redis://host:port|port from 1 to 65535",
        "REDIS_URL|redis://host:6379/x|database number",
        "REDIS_URL|redis://:6379|must name a host",
        "REDIS_HOST|host:6379|without scheme or port",
        "REDIS_HOST|redis://host|without scheme or port",
        "REDIS_CLUSTER_NODES|a:1,,b:2|no empty entry",
        "REDIS_CLUSTER_NODES|a:99999|port from 1 to 65535",
        "REDIS_SENTINEL_MASTER|mymaster|must be set together with REDIS_SENTINEL_MASTER for sentinel mode",
        "REDIS_NAMESPACE|has space|whitespace",
        "REDIS_TIMEOUT|fast|a duration from 20 ms to 1 hour",
        "REDIS_TIMEOUT|5|a duration from 20 ms to 1 hour",
        "REDIS_TIMEOUT|-300|a duration from 20 ms to 1 hour",
        "REDIS_CONNECT_TIMEOUT|2h|a duration from 1 ms to 1 hour",
        "REDIS_STARTUP_TIMEOUT|0|a duration from 1 ms to 1 hour",
    })
    void invalidVariableFailsNamingTheVariableAndTheAcceptedValues(String variable, String value, String accepted) {
        assertThatThrownBy(() -> RedisConfig.fromEnvironment(Map.of(variable, value)))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining(variable)
                .hasMessageContaining(accepted);
    }

    @Test
    void clusterAndSentinelTogetherAreRefused() {
        assertThatThrownBy(() -> RedisConfig.fromEnvironment(Map.of("REDIS_CLUSTER_NODES", "a:1",
                "REDIS_SENTINEL_MASTER", "m", "REDIS_SENTINEL_NODES", "s:26379")))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("REDIS_CLUSTER_NODES")
                .hasMessageContaining("REDIS_SENTINEL_MASTER");
    }

    @Test
    void databaseOtherThanZeroIsRefusedInACluster() {
        assertThatThrownBy(() -> RedisConfig.fromEnvironment(Map.of("REDIS_CLUSTER_NODES", "a:1", "REDIS_DB", "2")))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("database must be 0 in a cluster");
    }

    @Test
    void malformedUrlMessageDoesNotShowThePassword() {
        assertThatThrownBy(() -> RedisConfig.fromEnvironment(Map.of("REDIS_URL", "redis://u:topsecret@host:notaport")))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("REDIS_URL")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void toStringMasksThePasswordAndTrustStorePassword() {
        RedisConfig config = RedisConfig.builder()
                .single("localhost", 6379)
                .username("app")
                .password("topsecret")
                .tls(true)
                .trustStore(Path.of("/tmp/trust.p12"), "storesecret")
                .build();

        assertThat(config.toString())
                .contains("username=app", "password=****", "trustStorePassword=****")
                .doesNotContain("topsecret", "storesecret");
    }

    @Test
    void builderRejectsOutOfRangeOptionsNamingThem() {
        assertThatThrownBy(() -> RedisConfig.builder().single("h", 0))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> RedisConfig.builder().database(-1))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("database");
        assertThatThrownBy(() -> RedisConfig.builder().timeout(Duration.ZERO))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> RedisConfig.builder().timeout(Duration.ofMillis(5)))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("at least 20 ms");
        assertThatThrownBy(() -> RedisConfig.builder().connectTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> RedisConfig.builder().startupTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("startupTimeout");
        assertThatThrownBy(() -> RedisConfig.builder().connectionPoolSize(0))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("connectionPoolSize");
        assertThatThrownBy(() -> RedisConfig.builder().namespace("").build())
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("namespace");
        assertThatThrownBy(() -> RedisConfig.builder().namespace("a b"))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("namespace");
        assertThatThrownBy(() -> RedisConfig.builder().single("ftp://h:1"))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("redis:// or rediss://");
    }

    @Test
    void namespaceHoldingTheKeySeparatorIsRefusedSoThatNoNamespaceClearsAnother() {
        // Keys are "<namespace>:<key>": with "app" and "app:staging" both allowed, clear() of "app"
        // (SCAN MATCH app:*) would delete every key of "app:staging" too.
        assertThatThrownBy(() -> RedisConfig.builder().namespace("app:staging"))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("namespace")
                .hasMessageContaining("':'");
        assertThatThrownBy(() -> RedisCacheStore.builder().namespace("app:staging"))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("namespace");
        assertThatThrownBy(() -> RedisConfig.fromEnvironment(Map.of("REDIS_NAMESPACE", "app:staging")))
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("REDIS_NAMESPACE");
    }

    @Test
    void conflictingOptionsAreRefusedAtBuild() {
        assertThatThrownBy(() -> RedisConfig.builder().connectionPoolSize(2).connectionMinimumIdleSize(5).build())
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("connectionMinimumIdleSize");
        assertThatThrownBy(() -> RedisConfig.builder().trustStore(Path.of("t.p12"), "pw").build())
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("trustStore needs TLS");
        assertThatThrownBy(() -> RedisConfig.builder().cluster("a:1").database(1).build())
                .isInstanceOf(CacheConfigurationException.class).hasMessageContaining("database");
    }

    @Test
    void builderUrlAndToBuilderRoundTrip() {
        RedisConfig config = RedisConfig.builder().url("redis://:pw@[::1]:7000/4").namespace("ns").build();

        assertThat(config.addresses()).containsExactly("redis://[::1]:7000");
        assertThat(config.password()).isEqualTo("pw");
        assertThat(config.database()).isEqualTo(4);
        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.toBuilder().cluster(List.of("a:1", "b:2")).database(0).build().topology())
                .isEqualTo(RedisConfig.Topology.CLUSTER);
    }
}

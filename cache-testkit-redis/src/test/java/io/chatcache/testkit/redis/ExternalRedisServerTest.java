package io.chatcache.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExternalRedisServerTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    @Test
    void hostAndPortAreParsed() {
        ExternalRedisServer server = ExternalRedisServer.parse("redis.internal:6390");

        assertThat(server.host()).isEqualTo("redis.internal");
        assertThat(server.port()).isEqualTo(6390);
        assertThat(server.tls()).isFalse();
        assertThat(server.password()).isNull();
        assertThat(server.address()).isEqualTo("redis://redis.internal:6390");
    }

    @Test
    void redisUrlWithPasswordIsParsedAndTheAddressHoldsNoPassword() {
        ExternalRedisServer server = ExternalRedisServer.parse("redis://:p%40ss@10.1.2.3:7000/0");

        assertThat(server.host()).isEqualTo("10.1.2.3");
        assertThat(server.port()).isEqualTo(7000);
        assertThat(server.password()).isEqualTo("p@ss");
        assertThat(server.address()).isEqualTo("redis://10.1.2.3:7000");
    }

    @Test
    void redissUrlMeansTlsAndDefaultsToPort6379() {
        ExternalRedisServer server = ExternalRedisServer.parse("rediss://cache.example");

        assertThat(server.tls()).isTrue();
        assertThat(server.port()).isEqualTo(6379);
        assertThat(server.address()).isEqualTo("rediss://cache.example:6379");
    }

    @Test
    void malformedValueIsRejectedNamingTheVariableWithoutThePassword() {
        assertThatThrownBy(() -> ExternalRedisServer.parse("http://:hunter2@host:1"))
                .isInstanceOf(RedisHarnessException.class)
                .hasMessageContaining("CHATCACHE_TEST_REDIS")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void portOutOfRangeIsRejected() {
        assertThatThrownBy(() -> ExternalRedisServer.parse("host:70000"))
                .isInstanceOf(RedisHarnessException.class).hasMessageContaining("1..65535");
    }

    @Test
    void nonDefaultUserIsRejected() {
        assertThatThrownBy(() -> ExternalRedisServer.parse("redis://app:pw@host:6379"))
                .isInstanceOf(RedisHarnessException.class).hasMessageContaining("default user");
    }

    @Test
    void externalServerRefusesFaultOperations() {
        ExternalRedisServer server = ExternalRedisServer.parse("127.0.0.1:1");

        assertThatThrownBy(server::kill).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("CHATCACHE_TEST_REDIS");
        assertThatThrownBy(server::restart).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void externalServerTalksToTheServerItNames() {
        RedisServer local = redis.startSingle(RedisServerOptions.builder().password("pw").build());
        ExternalRedisServer external = ExternalRedisServer.parse("redis://:pw@127.0.0.1:" + local.port());
        local.cli("SET", "external-test", "seen");

        assertThat(external.isRunning()).isTrue();
        assertThat(external.cli("GET", "external-test")).isEqualTo("seen");
    }
}

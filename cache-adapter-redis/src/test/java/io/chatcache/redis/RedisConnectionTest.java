package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The public way to open a store and a bus on one client: what it shares, what close() closes. */
class RedisConnectionTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    @Test
    void theStoreAndTheBusShareTheConnectionsClientAndItsNamespace() {
        String namespace = RedisTestSupport.uniqueNamespace("connection");
        try (RedisConnection connection = RedisConnection.open(
                RedisTestSupport.configFor(redis.single()).namespace(namespace).build())) {
            RedisCacheStore store = connection.store();
            RedisInvalidationBus bus = connection.bus();

            store.put("k", "v");

            assertThat(store.namespace()).isEqualTo(namespace);
            assertThat(bus.channel()).isEqualTo(namespace + ":invalidations");
            assertThat(store.publishesOn(bus)).as("one client carries the write and the message").isTrue();
            assertThat(connection.redissonClient().getBucket(namespace + ":k").isExists()).isTrue();
            assertThat(store.get("k", ValueType.of(String.class))).contains("v");
        }
    }

    @Test
    void closeClosesWhatItHandedOutAndTheClient() {
        RedisConnection connection = RedisConnection.open(RedisTestSupport.configFor(redis.single()).build());
        RedisCacheStore store = connection.store();

        connection.close();
        connection.close();

        assertThat(connection.redissonClient().isShutdown()).isTrue();
        assertThatThrownBy(() -> store.get("k", ValueType.of(String.class))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(connection::store).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RedisConnection is closed");
        assertThat(connection.toString()).contains("closed");
    }

    @Test
    void openRefusesANullConfig() {
        assertThatThrownBy(() -> RedisConnection.open(null)).isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("RedisConfig");
    }

    @Test
    void configsWithTheSameValuesAreEqualAndPrintWithoutSecrets() {
        RedisConfig one = RedisConfig.builder().single("cache", 6380).password("hunter2").namespace("app").build();
        RedisConfig two = RedisConfig.builder().url("redis://cache:6380").password("hunter2").namespace("app").build();

        assertThat(one).isEqualTo(two).hasSameHashCodeAs(two);
        assertThat(one.toBuilder().password("other").build()).isNotEqualTo(one);
        assertThat(one.toBuilder().jsonNaming(JsonNaming.SNAKE_CASE).build()).isNotEqualTo(one);
        assertThat(one.toString()).doesNotContain("hunter2").contains("password=****");
    }
}

package io.chatcache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatcache.chat.CacheBackend;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cache.Cache;

/** Two HYBRID "instances" (two services on one real Redis, each with its own bus) and a Spring cache on each. */
class ChatCacheSpringCacheHybridTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    record Session(String id, String title, Instant created) {
    }

    private static final Instant T0 = Instant.parse("2024-01-01T10:00:00Z");

    private ChatCacheService serviceA;
    private ChatCacheService serviceB;
    private ChatCacheSpringCacheManager a;
    private ChatCacheSpringCacheManager b;

    private static ChatCacheService hybrid(RedisServer server) {
        return ChatCacheService.builder().backend(CacheBackend.HYBRID)
                .redis(server.host(), server.port(), server.password()).build();
    }

    private static ChatCacheSpringCacheManager manager(ChatCacheService service) {
        return ChatCacheSpringCacheManager.builder(service)
                .cache("sessions", Duration.ofMinutes(5), Session.class)
                .cache("lists", Duration.ofMinutes(5), ValueType.listOf(Session.class))
                .build();
    }

    @BeforeEach
    void start() {
        RedisServer server = REDIS.single();
        server.cli("FLUSHALL");
        serviceA = hybrid(server);
        serviceB = hybrid(server);
        await().atMost(Duration.ofSeconds(20)).until(() -> serviceA.probeRedis() && serviceB.probeRedis());
        a = manager(serviceA);
        b = manager(serviceB);
    }

    @AfterEach
    void stop() {
        serviceA.close();
        serviceB.close();
    }

    @Test
    void aRecordWrittenOnOneInstanceIsReadOnTheOtherThroughRedisWithItsType() {
        Session session = new Session("s1", "Chat", T0);
        a.getCache("sessions").put("s1", session);
        assertThat(b.getCache("sessions").get("s1")).extracting(Cache.ValueWrapper::get).isEqualTo(session);
        assertThat(b.getCache("sessions").get("s1", Session.class)).isEqualTo(session);

        a.getCache("lists").put(new org.springframework.cache.interceptor.SimpleKey("u1", 20), List.of(session));
        assertThat(b.getCache("lists").get(new org.springframework.cache.interceptor.SimpleKey("u1", 20L)))
                .extracting(Cache.ValueWrapper::get).isEqualTo(List.of(session));
        // plain JSON in Redis, no class names
        assertThat(REDIS.single().cli("GET", "chatcache:sessions:s1")).contains("\"title\":\"Chat\"")
                .doesNotContain("Session");
    }

    @Test
    void evictOnOneInstanceReachesTheOthersL1() {
        Session session = new Session("s2", "Chat", T0);
        a.getCache("sessions").put("s2", session);
        assertThat(b.getCache("sessions").get("s2", Session.class)).isEqualTo(session);    // now in B's L1
        a.getCache("sessions").evict("s2");
        await().atMost(Duration.ofSeconds(10)).until(() -> b.getCache("sessions").get("s2") == null);
    }

    @Test
    void clearOnOneInstanceClearsThatCacheEverywhereAndNoOtherCache() {
        a.getCache("sessions").put("x", new Session("x", "t", T0));
        a.getCache("lists").put("y", List.of());
        assertThat(b.getCache("sessions").get("x")).isNotNull();
        a.getCache("sessions").clear();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.getCache("sessions").get("x") == null);
        assertThat(b.getCache("lists").get("y")).isNotNull();
    }

    @Test
    void aCachedNullCrossesInstancesAsANull() {
        a.getCache("sessions").put("gone", null);
        Cache.ValueWrapper wrapper = b.getCache("sessions").get("gone");
        assertThat(wrapper).isNotNull();
        assertThat(wrapper.get()).isNull();
        assertThat(REDIS.single().cli("GET", "chatcache:sessions:gone")).isEqualTo("{\"value\":null}");
    }

    @Test
    void anUntypedCacheKeepsJsonValuesAndRefusesRecordsWithRedis() {
        Cache untyped = a.getCache("anything");
        untyped.put("m", Map.of("k", List.of(1, "two")));
        assertThat(b.getCache("anything").get("m")).extracting(Cache.ValueWrapper::get)
                .isEqualTo(Map.of("k", List.of(1, "two")));
        assertThatThrownBy(() -> untyped.put("r", new Session("r", "t", T0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chatcache.spring.caches.anything.value-type");
        assertThat(b.getCache("anything").get("r")).isNull();
    }
}

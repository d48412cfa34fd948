package io.chatcache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatcache.chat.CacheBackend;
import io.chatcache.chat.ChatCacheManager;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.chat.ChatKeyLayout;
import io.chatcache.micrometer.ChatCacheMetrics;
import io.chatcache.spring.ChatCacheSpringCacheManager;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ChatCacheAutoConfigurationTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ChatCacheAutoConfiguration.class));

    private static String[] redisProperties(RedisServer server, String backend) {
        List<String> properties = new ArrayList<>(List.of("chatcache.backend=" + backend,
                "chatcache.redis.host=" + server.host(), "chatcache.redis.port=" + server.port()));
        if (server.password() != null) {
            properties.add("chatcache.redis.password=" + server.password());
        }
        return properties.toArray(String[]::new);
    }

    @Test
    void byDefaultAMemoryServiceWithEveryBean() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ChatCacheService.class).hasSingleBean(ChatCacheManager.class)
                    .hasSingleBean(ChatCacheSpringCacheManager.class).hasSingleBean(ChatCacheMetrics.class)
                    .hasSingleBean(SpringCacheMetrics.class).hasBean("chatcacheHealthIndicator");
            assertThat(context.getBean(ChatCacheService.class).backend()).isEqualTo(CacheBackend.MEMORY);
            Health health = context.getBean(ChatCacheHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("backend", "MEMORY").doesNotContainKey("redis");
        });
    }

    @Test
    void backsOffFromTheApplicationsOwnBeans() {
        runner.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasSingleBean(ChatCacheService.class).hasSingleBean(CacheManager.class)
                    .doesNotHaveBean(ChatCacheSpringCacheManager.class);
            assertThat(context.getBean(ChatCacheService.class)).isSameAs(context.getBean("ownService"));
            assertThat(context.getBean(ChatCacheService.class).defaultTtl()).isEqualTo(Duration.ofSeconds(7));
        });
    }

    @Test
    void turnsOffEntirely() {
        runner.withPropertyValues("chatcache.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ChatCacheService.class));
    }

    @Test
    void environmentVariablesApplyAndPropertiesWinOverThem() {
        runner.withPropertyValues("CACHE_DEFAULT_TTL=120", "CACHE_BACKEND=memory").run(context ->
                assertThat(context.getBean(ChatCacheService.class).defaultTtl()).isEqualTo(Duration.ofSeconds(120)));
        runner.withPropertyValues("CACHE_DEFAULT_TTL=120", "chatcache.default-ttl=45s", "CACHE_BACKEND=redis",
                "chatcache.backend=memory").run(context -> {
                    ChatCacheService service = context.getBean(ChatCacheService.class);
                    assertThat(service.defaultTtl()).isEqualTo(Duration.ofSeconds(45));
                    assertThat(service.backend()).isEqualTo(CacheBackend.MEMORY);
                });
    }

    @Test
    void memoryChecksValuesUnlessTurnedOff() {
        runner.run(context -> assertThat(context.getBean(ChatCacheService.class).checksValues()).isTrue());
        runner.withPropertyValues("chatcache.check-values=false")
                .run(context -> assertThat(context.getBean(ChatCacheService.class).checksValues()).isFalse());
    }

    @Test
    void theEvictionPolicyComesFromThePropertyOrTheVariable() {
        runner.withPropertyValues("chatcache.eviction-policy=adaptive", "CACHE_EVICTION_POLICY=sideways")
                .run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues("CACHE_EVICTION_POLICY=sideways").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("CACHE_EVICTION_POLICY"));
    }

    @Test
    void badSettingsFailStartUpNamingTheSetting() {
        runner.withPropertyValues("chatcache.default-ttl=1500ms").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("chatcache.default-ttl"));
        runner.withPropertyValues("CACHE_BACKEND=memcached").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("CACHE_BACKEND"));
    }

    @Test
    void springCachesGetTheirTtlAndTypeAndTheirMeters() {
        runner.withPropertyValues("chatcache.spring.caches.sessions.ttl=5m",
                "chatcache.spring.caches.sessions.value-type=java.lang.String",
                "chatcache.spring.default-ttl=90s", "chatcache.spring.dynamic=false").run(context -> {
                    ChatCacheSpringCacheManager manager = context.getBean(ChatCacheSpringCacheManager.class);
                    assertThat(manager.getCache("sessions").ttl()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(manager.getCache("sessions").valueType().rawType()).isEqualTo(String.class);
                    assertThat(manager.getCache("other")).isNull();
                    assertThat(manager.defaultTtl()).isEqualTo(Duration.ofSeconds(90));

                    MeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(SpringCacheMetrics.class).bindTo(registry);
                    context.getBean(ChatCacheMetrics.class).bindTo(registry);
                    manager.getCache("sessions").put("a", "x");
                    manager.getCache("sessions").get("a");
                    manager.getCache("sessions").get("b");
                    assertThat(registry.get("cache.gets").tags("cache", "sessions", "result", "hit")
                            .functionCounter().count()).isEqualTo(1);
                    assertThat(registry.get("cache.gets").tags("cache", "sessions", "result", "miss")
                            .functionCounter().count()).isEqualTo(1);
                    assertThat(registry.get("cache.puts").tags("cache", "sessions").functionCounter().count())
                            .isEqualTo(1);
                    assertThat(registry.get("cache.gets").tags("cache", "chatcache", "result", "hit")
                            .functionCounter().count()).isEqualTo(1);
                });
    }

    @Test
    void redisDeadlinesBindFromThePropertyThenTheVariable() {
        runner.withPropertyValues("chatcache.redis.timeout=2s", "chatcache.redis.connect-timeout=1500ms",
                "REDIS_CONNECT_TIMEOUT=9s", "REDIS_STARTUP_TIMEOUT=7000").run(context -> {
                    ChatCacheProperties properties = context.getBean(ChatCacheProperties.class);
                    assertThat(properties.getRedis().getTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(ServiceEnvironment.of(properties, context.getEnvironment()::getProperty))
                            .containsEntry("REDIS_TIMEOUT", "2000ms")
                            .containsEntry("REDIS_CONNECT_TIMEOUT", "1500ms")      // the property wins
                            .containsEntry("REDIS_STARTUP_TIMEOUT", "7000");       // the variable applies
                });
        runner.run(context -> assertThat(ServiceEnvironment.of(context.getBean(ChatCacheProperties.class),
                context.getEnvironment()::getProperty)).doesNotContainKeys("REDIS_TIMEOUT", "REDIS_CONNECT_TIMEOUT",
                "REDIS_STARTUP_TIMEOUT"));                                        // the adapter's defaults
    }

    @Test
    void theReferenceLayoutBindsAndReachesTheChatManager() {
        runner.withPropertyValues("chatcache.redis.key-layout=reference", "chatcache.redis.json-naming=snake_case",
                "chatcache.redis.owned-keys=session:*,search:*").run(context -> {
                    assertThat(ServiceEnvironment.of(context.getBean(ChatCacheProperties.class),
                            context.getEnvironment()::getProperty))
                            .containsEntry("REDIS_KEY_LAYOUT", "reference")
                            .containsEntry("REDIS_JSON_NAMING", "snake_case")
                            .containsEntry("REDIS_OWNED_KEYS", "session:*,search:*");
                    assertThat(context.getBean(ChatCacheManager.class).keyLayout()).isEqualTo(ChatKeyLayout.REFERENCE);
                });
        runner.withPropertyValues("REDIS_KEY_LAYOUT=sideways").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("REDIS_KEY_LAYOUT"));
    }

    @Test
    void redisDeadlinesReachTheRedisAdapter() {
        RedisServer server = REDIS.startSingle();
        // Below the adapter's 20 ms floor: refused by the Redis adapter's reader, which names the variable.
        runner.withPropertyValues(redisProperties(server, "redis")).withPropertyValues("chatcache.redis.timeout=5ms")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("REDIS_TIMEOUT"));
        runner.withPropertyValues("chatcache.redis.startup-timeout=0s").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("chatcache.redis.startup-timeout"));
        // A REDIS service comes up with deadlines and a breaker of the application's choosing.
        runner.withPropertyValues(redisProperties(server, "redis")).withPropertyValues("chatcache.redis.timeout=2s",
                "chatcache.redis.connect-timeout=5s", "chatcache.redis.startup-timeout=20s",
                "chatcache.breaker.failure-threshold=1", "chatcache.breaker.open-duration=5m").run(context -> {
                    ChatCacheService service = context.getBean(ChatCacheService.class);
                    assertThat(service.probeRedis()).isTrue();
                    server.kill();
                    // Threshold 1: the first failed call opens REDIS mode's breaker.
                    assertThat(service.get("k", String.class)).isEmpty();
                    assertThat(service.l2Counters().orElseThrow().breaker())
                            .isEqualTo(io.chatcache.chat.L2Counters.Breaker.OPEN);
                });
    }

    @Test
    void redisHealthIsDownWithoutRedis() {
        RedisServer server = REDIS.startSingle();
        runner.withPropertyValues(redisProperties(server, "redis")).run(context -> {
            ChatCacheHealthIndicator indicator = context.getBean(ChatCacheHealthIndicator.class);
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
            server.kill();
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsEntry("redis", "unavailable");
            assertThat(health.toString()).doesNotContain(String.valueOf(server.password()));
        });
    }

    @Test
    void hybridHealthStaysUpAndTurnsDegradedWithoutRedis() {
        RedisServer server = REDIS.startSingle();
        runner.withPropertyValues(redisProperties(server, "hybrid")).withPropertyValues("chatcache.l1-ttl-ceiling=30s",
                "chatcache.breaker.failure-threshold=1", "chatcache.breaker.open-duration=5m").run(context -> {
                    ChatCacheHealthIndicator indicator = context.getBean(ChatCacheHealthIndicator.class);
                    await().atMost(Duration.ofSeconds(20)).until(() ->
                            "available".equals(indicator.health().getDetails().get("redis")));
                    server.kill();
                    Health health = indicator.health();          // threshold 1: the first failed probe opens it
                    assertThat(health.getDetails()).containsEntry("degraded", true).containsEntry("redis", "unavailable");
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                });
        runner.withPropertyValues("chatcache.breaker.failure-threshold=2").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("breaker is for the REDIS and HYBRID backends"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        @Bean(destroyMethod = "close")
        ChatCacheService ownService() {
            return ChatCacheService.builder().defaultTtl(Duration.ofSeconds(7)).build();
        }

        @Bean
        CacheManager ownCacheManager() {
            return new ConcurrentMapCacheManager();
        }
    }
}

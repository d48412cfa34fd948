package io.chatcache.spring.boot;

import io.chatcache.chat.ChatCacheManager;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.chat.HybridCacheStore;
import io.chatcache.core.Serializer;
import io.chatcache.core.ValueType;
import io.chatcache.micrometer.ChatCacheMetrics;
import io.chatcache.spring.ChatCacheSpringCacheManager;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of chat-cache: a {@link ChatCacheService} from the {@code chatcache.*} properties and the
 * service's environment variables (properties win), a {@link ChatCacheManager}, Spring's {@link CacheManager}
 * ({@link ChatCacheSpringCacheManager}, used by {@code @Cacheable} once {@code @EnableCaching} is on), Micrometer
 * meters (bound by Boot to every {@code MeterRegistry}) and an Actuator health indicator named {@code chatcache}.
 * Each bean backs off when the application defines its own of that type; {@code chatcache.enabled=false}
 * turns it all off.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnBooleanProperty(name = "chatcache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ChatCacheProperties.class)
public class ChatCacheAutoConfiguration {

    /**
     * The service; closed with the context. A {@link Serializer} bean of the application (for instance a
     * {@code JacksonSerializer} with modules of its own) is the one the Redis store uses.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ChatCacheService chatCacheService(ChatCacheProperties properties, Environment environment,
                                             ObjectProvider<Serializer> serializer) {
        ChatCacheService.Builder builder = ChatCacheService.builderFromEnvironment(
                ServiceEnvironment.of(properties, environment::getProperty));
        serializer.ifAvailable(builder::serializer);
        if (properties.getL1TtlCeiling() != null) {
            builder.l1TtlCeiling(properties.getL1TtlCeiling());
        }
        if (properties.getCheckValues() != null) {
            builder.checkValues(properties.getCheckValues());
        }
        ChatCacheProperties.Breaker breaker = properties.getBreaker();
        if (breaker.getFailureThreshold() != null || breaker.getOpenDuration() != null) {
            builder.breaker(breaker.getFailureThreshold() == null ? HybridCacheStore.Builder.DEFAULT_FAILURE_THRESHOLD
                            : breaker.getFailureThreshold(),
                    breaker.getOpenDuration() == null ? HybridCacheStore.Builder.DEFAULT_OPEN_DURATION
                            : breaker.getOpenDuration());
        }
        return builder.build();
    }

    /** The chat manager (sessions, messages, search results). */
    @Bean
    @ConditionalOnMissingBean
    public ChatCacheManager chatCacheManager(ChatCacheService service) {
        return new ChatCacheManager(service);
    }

    /** Spring's cache manager on the service, with the caches of {@code chatcache.spring.caches}. */
    @Bean
    @ConditionalOnMissingBean(CacheManager.class)
    public ChatCacheSpringCacheManager cacheManager(ChatCacheService service, ChatCacheProperties properties) {
        ChatCacheProperties.Spring spring = properties.getSpring();
        ChatCacheSpringCacheManager.Builder builder = ChatCacheSpringCacheManager.builder(service)
                .allowNullValues(spring.isAllowNullValues())
                .dynamic(spring.isDynamic());
        if (spring.getDefaultTtl() != null) {
            builder.defaultTtl(spring.getDefaultTtl());
        }
        spring.getCaches().forEach((name, spec) -> builder.cache(name, spec.getTtl(),
                spec.getValueType() == null ? ValueType.of(Object.class) : ValueType.of(spec.getValueType())));
        return builder.build();
    }

    /** Micrometer meters; Boot binds MeterBinder beans to its registries. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    @ConditionalOnBooleanProperty(name = "chatcache.metrics.enabled", matchIfMissing = true)
    public static class Metrics {

        /** The service's meters, tagged {@code cache=<chatcache.metrics.cache-name>}. */
        @Bean
        @ConditionalOnMissingBean
        public ChatCacheMetrics chatCacheMetrics(ChatCacheService service, ChatCacheProperties properties) {
            return new ChatCacheMetrics(service, properties.getMetrics().getCacheName(), Tags.empty());
        }

        /** Micrometer's cache meters of each Spring cache configured by name, tagged with that name. */
        @Bean
        @ConditionalOnMissingBean
        public SpringCacheMetrics chatCacheSpringCacheMetrics(ObjectProvider<CacheManager> cacheManagers) {
            return new SpringCacheMetrics(cacheManagers);
        }
    }

    /** The Actuator health indicator {@code chatcache}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("chatcache")
    public static class Health {

        /** Probes Redis on each health check (REDIS, HYBRID). */
        @Bean
        @ConditionalOnMissingBean(name = "chatcacheHealthIndicator")
        public ChatCacheHealthIndicator chatcacheHealthIndicator(ChatCacheService service) {
            return new ChatCacheHealthIndicator(service);
        }
    }
}

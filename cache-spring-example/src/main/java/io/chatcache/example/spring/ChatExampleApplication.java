package io.chatcache.example.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A chat back end on Spring Boot with chat-cache in HYBRID mode (see {@code application.yml}): sessions and
 * message pages are cached with {@code @Cacheable} and evicted with {@code @CacheEvict} on every instance, a
 * user's session list goes through the {@code ChatCacheManager}, and Actuator shows the cache's health and
 * meters. Run it against a local Redis with {@code REDIS_HOST}/{@code REDIS_PORT} or {@code chatcache.redis.*}.
 */
@SpringBootApplication
@EnableCaching
public class ChatExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ChatExampleApplication.class, args);
    }
}

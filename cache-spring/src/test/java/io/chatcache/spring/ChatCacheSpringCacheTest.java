package io.chatcache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.chat.CacheKeys;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.core.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Spring cache on a MEMORY service, through Spring's own annotations and proxies. */
class ChatCacheSpringCacheTest {

    record Profile(String id, String name) {
    }

    /** A repository that counts its calls; its methods are cached by Spring. */
    static class Profiles {
        private final AtomicInteger loads = new AtomicInteger();
        private volatile CountDownLatch gate = new CountDownLatch(0);

        // Spring proxies this class (CGLIB): the test reaches the target's state through methods.
        public int loads() {
            return loads.get();
        }

        public void gate(CountDownLatch latch) {
            gate = latch;
        }

        public void open() {
            gate.countDown();
        }

        @Cacheable("profiles")
        public Profile find(String id) {
            loads.incrementAndGet();
            return "none".equals(id) ? null : new Profile(id, "name-" + id);
        }

        @Cacheable(cacheNames = "profiles", sync = true)
        public Profile findOnce(String id) throws InterruptedException {
            loads.incrementAndGet();
            gate.await(10, TimeUnit.SECONDS);
            return new Profile(id, "once");
        }

        @Cacheable("search")
        public List<String> search(String query, int limit) {
            loads.incrementAndGet();
            return List.of(query + ":" + limit);
        }

        @Cacheable("async")
        public CompletableFuture<Profile> findAsync(String id) {
            loads.incrementAndGet();
            return CompletableFuture.completedFuture(new Profile(id, "async"));
        }

        @CacheEvict("profiles")
        public void rename(String id) {
        }

        @CacheEvict(cacheNames = "profiles", allEntries = true)
        public void renameAll() {
        }
    }

    @Configuration
    @EnableCaching
    static class Config {
        @Bean(destroyMethod = "close")
        ChatCacheService service() {
            return ChatCacheService.builder().build();
        }

        @Bean
        CacheManager cacheManager(ChatCacheService service) {
            return ChatCacheSpringCacheManager.builder(service)
                    .cache("profiles", Duration.ofMinutes(5), Profile.class)
                    .build();
        }

        @Bean
        Profiles profiles() {
            return new Profiles();
        }
    }

    private AnnotationConfigApplicationContext context;
    private Profiles profiles;
    private ChatCacheSpringCacheManager manager;
    private ChatCacheService service;

    @BeforeEach
    void start() {
        context = new AnnotationConfigApplicationContext(Config.class);
        profiles = context.getBean(Profiles.class);
        manager = (ChatCacheSpringCacheManager) context.getBean(CacheManager.class);
        service = context.getBean(ChatCacheService.class);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void cacheableServesTheSecondCallFromTheServiceUnderThePrefixedKey() {
        assertThat(profiles.find("42")).isEqualTo(new Profile("42", "name-42"));
        assertThat(profiles.find("42")).isEqualTo(new Profile("42", "name-42"));
        assertThat(profiles.loads()).isEqualTo(1);
        assertThat(service.get("profiles:42", io.chatcache.spring.internal.StoredValue.class)).isPresent();
        assertThat(manager.getCache("profiles").counters()).isEqualTo(new SpringCacheCounters(1, 1, 1, 0));
    }

    @Test
    void evictAndClearDropEntriesOfTheirCacheOnly() {
        profiles.find("1");
        profiles.find("2");
        profiles.search("q", 5);
        profiles.rename("1");
        profiles.find("1");
        profiles.find("2");
        assertThat(profiles.loads()).isEqualTo(4);              // 1, 2, search, 1 again

        profiles.renameAll();
        profiles.find("2");
        profiles.search("q", 5);
        assertThat(profiles.loads()).isEqualTo(5);              // 2 again; search untouched
        assertThat(manager.getCache("profiles").counters().evictions()).isEqualTo(3);
    }

    @Test
    void nullResultsAreCachedAsAMarkerAndReadBackAsNull() {
        assertThat(profiles.find("none")).isNull();
        assertThat(profiles.find("none")).isNull();
        assertThat(profiles.loads()).isEqualTo(1);
        Cache.ValueWrapper wrapper = manager.getCache("profiles").get("none");
        assertThat(wrapper).isNotNull();
        assertThat(wrapper.get()).isNull();
    }

    @Test
    void withoutNullValuesANullIsNotCached() {
        try (ChatCacheService own = ChatCacheService.builder().build()) {
            ChatCacheSpringCache cache = ChatCacheSpringCacheManager.builder(own).allowNullValues(false).build()
                    .getCache("c");
            Object loaded = cache.get("k", () -> null);
            assertThat(loaded).isNull();
            assertThat(cache.get("k")).isNull();
            assertThatThrownBy(() -> cache.put("k", null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'c'");
        }
    }

    @Test
    void syncCacheableLoadsOnceForConcurrentCallers() throws Exception {
        profiles.gate(new CountDownLatch(1));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Profile>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(() -> profiles.findOnce("7")));
            }
            // Every caller is in: one in the loader, three waiting for it (the service's single flight).
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> profiles.loads() == 1);
            profiles.open();
            for (Future<Profile> call : calls) {
                assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(new Profile("7", "once"));
            }
            assertThat(profiles.loads()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void loaderExceptionsComeAsValueRetrievalExceptionsAndNothingIsStored() {
        ChatCacheSpringCache cache = manager.getCache("profiles");
        assertThatThrownBy(() -> cache.get("x", () -> {
            throw new java.io.IOException("database down");
        })).isInstanceOf(Cache.ValueRetrievalException.class).hasRootCauseMessage("database down");
        assertThat(cache.get("x")).isNull();
    }

    @Test
    void completableFutureMethodsAreCached() throws Exception {
        assertThat(profiles.findAsync("a").get()).isEqualTo(new Profile("a", "async"));
        assertThat(profiles.findAsync("a").get()).isEqualTo(new Profile("a", "async"));
        assertThat(profiles.loads()).isEqualTo(1);
        ChatCacheSpringCache cache = manager.getCache("async");
        assertThat(cache.retrieve("a").get()).isInstanceOf(Cache.ValueWrapper.class);
        assertThat(cache.retrieve("missing")).isNull();
        assertThat(cache.retrieve("b", () -> CompletableFuture.completedFuture("loaded")).get()).isEqualTo("loaded");
        assertThat(cache.get("b")).extracting(Cache.ValueWrapper::get).isEqualTo("loaded");
    }

    @Test
    void keysAreStableTextNeverHashCodes() {
        ChatCacheSpringCache cache = manager.getCache("search");
        assertThat(cache.serviceKey("abc")).isEqualTo("search:abc");
        assertThat(cache.serviceKey(7L)).isEqualTo("search:7").isEqualTo(cache.serviceKey(7));
        assertThat(cache.serviceKey(1.50)).isEqualTo("search:1.5");
        assertThat(cache.serviceKey(java.time.Month.MAY)).isEqualTo("search:MAY");
        String twoArguments = cache.serviceKey(new SimpleKey("q", 5));
        assertThat(twoArguments).isEqualTo("search:#" + CacheKeys.sha256(CacheKeys.canonicalJson(List.of("q", 5), "k")))
                .isEqualTo(cache.serviceKey(new SimpleKey("q", 5L)));
        assertThat(cache.serviceKey(SimpleKey.EMPTY)).isEqualTo("search:#" + CacheKeys.sha256("[]"));
        assertThat(cache.serviceKey(new Profile("1", "x"))).startsWith("search:#").hasSize("search:#".length() + 64);
        assertThat(cache.serviceKey("x".repeat(2000))).hasSize("search:#".length() + 64);
        assertThatThrownBy(() -> cache.serviceKey(new Object())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cache 'search'");
    }

    @Test
    void typedReadsCheckTheType() {
        ChatCacheSpringCache cache = manager.getCache("profiles");
        cache.put("p", new Profile("p", "n"));
        assertThat(cache.get("p", Profile.class)).isEqualTo(new Profile("p", "n"));
        assertThat(cache.get("p", Object.class)).isEqualTo(new Profile("p", "n"));
        assertThatThrownBy(() -> cache.get("p", String.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("required type");
        assertThat(cache.putIfAbsent("p", new Profile("p", "other"))).extracting(Cache.ValueWrapper::get)
                .isEqualTo(new Profile("p", "n"));
        assertThat(cache.evictIfPresent("p")).isTrue();
        assertThat(cache.evictIfPresent("p")).isFalse();
        assertThat(cache.invalidate()).isFalse();
    }

    @Test
    void unknownNamesAreRefusedWhenNotDynamicAndBadNamesAlways() {
        try (ChatCacheService own = ChatCacheService.builder().build()) {
            ChatCacheSpringCacheManager fixed = ChatCacheSpringCacheManager.builder(own)
                    .cache("a", null, String.class).dynamic(false).build();
            assertThat(fixed.getCache("a")).isNotNull();
            assertThat(fixed.getCache("b")).isNull();
            assertThat(fixed.getCacheNames()).containsExactly("a");
            ChatCacheSpringCacheManager open = ChatCacheSpringCacheManager.builder(own).build();
            assertThatThrownBy(() -> open.getCache("")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> open.getCache("a\nb")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("control");
        }
    }
}

package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheStoreProvider;
import io.chatcache.core.EvictionPolicy;
import io.chatcache.core.InvalidInputException;
import io.chatcache.memory.MemoryCacheStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentConfigurationTest {

    /** An adapter lookup that finds the memory adapter only, as an application without the Redis jar. */
    private static final Function<String, Optional<CacheStoreProvider>> WITHOUT_REDIS =
            name -> name.equals("redis") ? Optional.empty() : AdapterLookup.SERVICE_LOADER.apply(name);

    @Test
    void anEmptyEnvironmentGivesTheMemoryBackendWithTheReferenceDefaults() {
        try (ChatCacheService cache = ChatCacheService.fromEnvironment(Map.of())) {
            assertThat(cache.backend()).isEqualTo(CacheBackend.MEMORY);
            assertThat(cache.defaultTtl()).isEqualTo(Duration.ofSeconds(3600));
            assertThat(cache.getStats()).containsOnlyKeys("memory");
        }
    }

    @Test
    void variablesSetTheBackendTtlAndSize() {
        EnvironmentSettings settings = EnvironmentSettings.parse(Map.of(
                "CACHE_BACKEND", "HyBrId", "CACHE_DEFAULT_TTL", "1800", "CACHE_MAX_MEMORY_SIZE", " 5000 "));

        assertThat(settings).isEqualTo(new EnvironmentSettings(CacheBackend.HYBRID, Duration.ofSeconds(1800), 5000, null, null));
    }

    @Test
    void blankVariablesTakeTheirDefaults() {
        EnvironmentSettings settings = EnvironmentSettings.parse(Map.of(
                "CACHE_BACKEND", " ", "CACHE_DEFAULT_TTL", "", "CACHE_MAX_MEMORY_SIZE", "", "CACHE_CLEANUP_INTERVAL", " "));

        assertThat(settings).isEqualTo(new EnvironmentSettings(CacheBackend.MEMORY, Duration.ofHours(1), 1000, null, null));
    }

    @Test
    void anUnknownBackendFailsNamingTheVariableTheValueAndTheAcceptedValues() {
        assertThatThrownBy(() -> ChatCacheService.fromEnvironment(Map.of("CACHE_BACKEND", "memcached")))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessage("CACHE_BACKEND must be one of memory, redis, hybrid (any case), was 'memcached'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "ten", "1.5", "99999999999"})
    void aBadDefaultTtlFailsNamingTheVariableAndTheValue(String value) {
        assertThatThrownBy(() -> ChatCacheService.fromEnvironment(Map.of("CACHE_DEFAULT_TTL", value)))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageStartingWith("CACHE_DEFAULT_TTL must be a positive integer (a whole number of seconds")
                .hasMessageEndingWith("was '" + value + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "lots", "1e3"})
    void aBadMaxMemorySizeFailsNamingTheVariableAndTheValue(String value) {
        assertThatThrownBy(() -> ChatCacheService.fromEnvironment(Map.of("CACHE_MAX_MEMORY_SIZE", value)))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageStartingWith("CACHE_MAX_MEMORY_SIZE must be a positive integer (a whole number of entries")
                .hasMessageEndingWith("was '" + value + "'");
    }

    @Test
    void cleanupIntervalReachesTheMemoryStoreWhichSweepsExpiredEntriesNobodyReads() {
        assertThat(EnvironmentSettings.parse(Map.of("CACHE_CLEANUP_INTERVAL", "0")).cleanupInterval()).isZero();
        try (ChatCacheService cache = ChatCacheService.fromEnvironment(Map.of("CACHE_CLEANUP_INTERVAL", "1"))) {
            cache.set("short-lived", "v", Duration.ofMillis(200));

            // With the default interval (five minutes) nothing would sweep it within the wait.
            Awaitility.await("the cleanup to expire the entry").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(cache.getStats().get("memory").expirations()).isEqualTo(1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "soon", "1.5", "99999999999"})
    void aBadCleanupIntervalFailsNamingTheVariableAndTheValue(String value) {
        assertThatThrownBy(() -> ChatCacheService.fromEnvironment(Map.of("CACHE_CLEANUP_INTERVAL", value)))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageStartingWith("CACHE_CLEANUP_INTERVAL must be a positive integer (a whole number of seconds; "
                        + "0 disables the periodic cleanup")
                .hasMessageEndingWith("was '" + value + "'");
    }

    @Test
    void cleanupIntervalIsRefusedWhereTheServiceBuildsNoMemoryStoreAndWhenNotWholeSeconds() {
        assertThatThrownBy(() -> ChatCacheService.builder().backend(CacheBackend.REDIS)
                .cleanupInterval(Duration.ofSeconds(60)).build())
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("cleanupInterval").hasMessageContaining("the backend is REDIS");
        try (MemoryCacheStore own = MemoryCacheStore.create()) {
            assertThatThrownBy(() -> ChatCacheService.builder().memoryStore(own)
                    .cleanupInterval(Duration.ofSeconds(60)).build())
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("a handed-in memoryStore has its own");
        }
        assertThatThrownBy(() -> ChatCacheService.builder().cleanupInterval(Duration.ofMillis(500)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cleanupInterval").hasMessageContaining("PT0.5S");
    }

    @Test
    void theEvictionPolicyVariableMakesTheMemoryStoreAdaptive() {
        assertThat(EnvironmentSettings.parse(Map.of("CACHE_EVICTION_POLICY", " ADAPTIVE ")).evictionPolicy())
                .isEqualTo(EvictionPolicy.ADAPTIVE);
        // A loop 10% larger than the store: LRU never hits it, the adaptive policy keeps most of it.
        for (String policy : new String[] {"lru", "adaptive"}) {
            try (ChatCacheService cache = ChatCacheService.fromEnvironment(Map.of(
                    "CACHE_MAX_MEMORY_SIZE", "100", "CACHE_EVICTION_POLICY", policy))) {
                for (int round = 0; round < 30; round++) {
                    for (int i = 0; i < 110; i++) {
                        if (cache.get("loop-" + i, Integer.class).isEmpty()) {
                            cache.set("loop-" + i, i);
                        }
                    }
                }
                long hits = cache.getStats().get("memory").hits();
                if (policy.equals("lru")) {
                    assertThat(hits).as("LRU hits on the loop").isZero();
                } else {
                    assertThat(hits).as("adaptive hits on the loop, of 3,300 reads").isGreaterThan(2_000);
                }
            }
        }
    }

    @Test
    void aBadEvictionPolicyFailsNamingTheVariableAndTheValue() {
        assertThatThrownBy(() -> ChatCacheService.fromEnvironment(Map.of("CACHE_EVICTION_POLICY", "lfu")))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessage("CACHE_EVICTION_POLICY must be lru or adaptive, was 'lfu'");
        assertThatThrownBy(() -> ChatCacheService.builder().backend(CacheBackend.REDIS)
                .evictionPolicy(EvictionPolicy.ADAPTIVE).build())
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("evictionPolicy").hasMessageContaining("the backend is REDIS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis", "hybrid"})
    void redisBackendsWithoutTheRedisAdapterFailNamingTheArtifactToAdd(String backend) {
        assertThatThrownBy(() -> ChatCacheService.fromEnvironment(Map.of("CACHE_BACKEND", backend), WITHOUT_REDIS))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("io.chatcache:cache-adapter-redis")
                .hasMessageContaining(backend.toUpperCase());
    }

    @Test
    void theMemoryBackendWithoutTheMemoryAdapterFailsNamingItsArtifact() {
        assertThatThrownBy(() -> ChatCacheService.fromEnvironment(Map.of(), name -> Optional.empty()))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("io.chatcache:cache-adapter-memory");
    }

    @Test
    void redisSettingsMustNotLeakIntoMessagesOrToString() {
        ChatCacheService.Builder builder = ChatCacheService.builder().backend(CacheBackend.MEMORY)
                .redis("localhost", 6379, "s3cret");

        try (ChatCacheService cache = builder.build()) {
            assertThat(cache.toString()).doesNotContain("s3cret");
            assertThat(cache.info().toString()).doesNotContain("s3cret");
        }
    }
}

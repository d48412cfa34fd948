package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheStoreProvider;
import io.chatcache.core.ProvidedStore;
import io.chatcache.core.StoreSettings;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class MemoryCacheStoreProviderTest {

    private static CacheStoreProvider memoryProvider() {
        return ServiceLoader.load(CacheStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(provider -> provider.name().equals("memory"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no CacheStoreProvider named memory on the class path"));
    }

    @Test
    void serviceLoaderFindsTheMemoryProvider() {
        assertThat(memoryProvider().getClass().getName())
                .isEqualTo("io.chatcache.memory.internal.MemoryCacheStoreProvider");
    }

    @Test
    void openedStoreFollowsTheSettingsAndHasNoBus() {
        try (ProvidedStore provided = memoryProvider().open(new StoreSettings(2, Duration.ofMinutes(5),
                Map.of("CACHE_CLEANUP_INTERVAL", "0")))) {
            assertThat(provided.invalidationBus()).isEmpty();
            assertThat(provided.store()).isInstanceOf(MemoryCacheStore.class);
            MemoryCacheStore store = (MemoryCacheStore) provided.store();
            store.put("a", 1);
            store.put("b", 2);
            store.put("c", 3);

            assertThat(store.stats().entryCount()).isEqualTo(2);
            assertThat(store.get("a", Integer.class)).isEmpty();
            assertThat(store.isCleanupScheduled()).isFalse();
            assertThat(store.toString()).contains("maximumSize=2", "defaultTtl=PT5M");
        }
    }

    @Test
    void defaultSettingsScheduleTheCleanupAndCloseStopsIt() {
        ProvidedStore provided = memoryProvider().open(StoreSettings.defaults(Map.of()));
        MemoryCacheStore store = (MemoryCacheStore) provided.store();
        assertThat(store.isCleanupScheduled()).isTrue();

        provided.close();

        assertThat(store.isCleanupScheduled()).isFalse();
    }

    @Test
    void invalidCleanupIntervalIsRefusedNamingTheVariable() {
        CacheStoreProvider provider = memoryProvider();
        assertThatThrownBy(() -> provider.open(StoreSettings.defaults(Map.of("CACHE_CLEANUP_INTERVAL", "soon"))))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("CACHE_CLEANUP_INTERVAL");
        assertThatThrownBy(() -> provider.open(StoreSettings.defaults(Map.of("CACHE_CLEANUP_INTERVAL", "-5"))))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("CACHE_CLEANUP_INTERVAL");
    }

    @Test
    void theEvictionPolicyComesFromTheEnvironment() {
        CacheStoreProvider provider = memoryProvider();
        try (ProvidedStore adaptive = provider.open(StoreSettings.defaults(Map.of("CACHE_EVICTION_POLICY", " Adaptive ")));
                ProvidedStore lru = provider.open(StoreSettings.defaults(Map.of("CACHE_EVICTION_POLICY", "lru")));
                ProvidedStore unset = provider.open(StoreSettings.defaults(Map.of()))) {
            assertThat(adaptive.store().toString()).contains("evictionPolicy=ADAPTIVE");
            assertThat(lru.store().toString()).doesNotContain("evictionPolicy");
            assertThat(unset.store().toString()).doesNotContain("evictionPolicy");
        }
        assertThatThrownBy(() -> provider.open(StoreSettings.defaults(Map.of("CACHE_EVICTION_POLICY", "lfu\n"))))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("CACHE_EVICTION_POLICY must be lru or adaptive, was 'lfu\\n'");
    }
}

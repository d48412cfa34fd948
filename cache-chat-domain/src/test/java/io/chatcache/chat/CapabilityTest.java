package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.ExpiringStore;
import io.chatcache.core.PublishingStore;
import io.chatcache.core.Ticker;
import io.chatcache.memory.MemoryCacheStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Wrappers the service puts around stores do not hide what the stores underneath can do. */
class CapabilityTest {

    @Test
    void theRedisGuardPassesCapabilitiesThroughButNotPublishing() {
        try (MemoryCacheStore memory = MemoryCacheStore.builder().build()) {
            GuardedStore guarded = new GuardedStore(memory, new L2Gateway("test", 3, Duration.ofSeconds(1),
                    Duration.ofSeconds(1), 4, Ticker.system()));

            assertThat(guarded.capability(ExpiringStore.class)).containsSame(memory);
            assertThat(guarded.capability(PublishingStore.class)).isEmpty();
            assertThat(guarded.capability(GuardedStore.class)).containsSame(guarded);
        }
    }

    @Test
    void aHandedInMemoryStoreIsCleanedUpThroughItsCapabilityInHybridMode() {
        AtomicLong now = new AtomicLong();
        try (MemoryCacheStore memory = MemoryCacheStore.builder().ticker(now::get).build();
                MemoryCacheStore l2 = MemoryCacheStore.builder().build();
                ChatCacheService cache = ChatCacheService.builder().backend(CacheBackend.HYBRID)
                        .memoryStore(memory).l2Store(l2).build()) {
            memory.put("short", "v", Duration.ofSeconds(1));
            now.addAndGet(Duration.ofSeconds(2).toNanos());

            assertThat(cache.cleanupExpired()).isEqualTo(1);
        }
    }
}

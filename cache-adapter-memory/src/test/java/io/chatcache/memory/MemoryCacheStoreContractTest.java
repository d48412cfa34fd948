package io.chatcache.memory;

import io.chatcache.core.CacheStore;
import io.chatcache.testkit.CacheStoreContract;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;

/**
 * The memory store keeps every promise of the {@link CacheStore} port. It runs on a {@link ManualTicker}
 * so expiry is instant and exact, with a busy cleanup thread so that the cleanup and the lazy expiry on
 * read race each other (an expiry must still be reported once).
 */
class MemoryCacheStoreContractTest extends CacheStoreContract {

    private final ManualTicker ticker = new ManualTicker();

    @Override
    protected CacheStore createStore() {
        return MemoryCacheStore.builder()
                .maximumSize(10_000)
                .ticker(ticker)
                .cleanupInterval(Duration.ofMillis(20))
                .build();
    }

    @Override
    protected void advanceTime(Duration duration) {
        ticker.advance(duration);
    }
}

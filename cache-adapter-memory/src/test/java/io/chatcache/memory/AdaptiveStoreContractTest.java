package io.chatcache.memory;

import io.chatcache.core.CacheStore;
import io.chatcache.core.EvictionPolicy;
import io.chatcache.testkit.CacheStoreContract;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;

/** The port's whole contract again, for the store under the adaptive eviction policy. */
class AdaptiveStoreContractTest extends CacheStoreContract {

    private final ManualTicker ticker = new ManualTicker();

    @Override
    protected CacheStore createStore() {
        return MemoryCacheStore.builder()
                .maximumSize(10_000)
                .ticker(ticker)
                .cleanupInterval(Duration.ofMillis(20))
                .evictionPolicy(EvictionPolicy.ADAPTIVE)
                .build();
    }

    @Override
    protected void advanceTime(Duration duration) {
        ticker.advance(duration);
    }
}

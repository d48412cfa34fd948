package io.chatcache.memory;

import io.chatcache.core.CacheStore;
import io.chatcache.testkit.CacheStoreContract;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.Optional;

/**
 * The memory store keeps every promise of the {@link CacheStore} port. It runs on a {@link ManualTicker}
 * so expiry is instant and exact, with a busy cleanup thread so that the cleanup and the lazy expiry on
 * read race each other (an expiry must still be reported once), and with a byte bound, so that the
 * bulk-write tests also put a value too heavy to store.
 */
class MemoryCacheStoreContractTest extends CacheStoreContract {

    /** Far more than the suite's values need, so that only {@link #valueTooLargeToStore()} is refused. */
    private static final long MAXIMUM_WEIGHT_BYTES = 1 << 20;

    private final ManualTicker ticker = new ManualTicker();

    @Override
    protected CacheStore createStore() {
        return configured(MemoryCacheStore.builder()
                .maximumSize(10_000)
                .maximumWeightBytes(MAXIMUM_WEIGHT_BYTES)
                .ticker(ticker)
                .cleanupInterval(Duration.ofMillis(20)))
                .build();
    }

    /** The hook of {@link AdaptiveStoreContractTest}, which runs the same suite under the other policy. */
    MemoryCacheStore.Builder configured(MemoryCacheStore.Builder builder) {
        return builder;
    }

    @Override
    protected Optional<Object> valueTooLargeToStore() {
        return Optional.of("x".repeat((int) MAXIMUM_WEIGHT_BYTES));
    }

    @Override
    protected void advanceTime(Duration duration) {
        ticker.advance(duration);
    }
}

package io.chatcache.testkit.usage;

import io.chatcache.core.CacheStore;
import io.chatcache.testkit.CacheStoreContract;
import io.chatcache.testkit.ManualTicker;
import io.chatcache.testkit.ReferenceCacheStore;
import java.time.Duration;

/**
 * The suite passes for a correct store on a ManualTicker, advancing it instead of waiting. It lives in
 * another package, as a user's subclass would, to prove the inherited tests and hooks run from there.
 */
class ReferenceStoreOnManualTickerContractTest extends CacheStoreContract {
    private final ManualTicker ticker = new ManualTicker();

    @Override
    protected CacheStore createStore() {
        return new ReferenceCacheStore(ticker, ReferenceCacheStore.Flaw.NONE);
    }

    @Override
    protected void advanceTime(Duration duration) {
        ticker.advance(duration);
    }

    @Override
    protected Duration expiryTimeout() {
        // the ticker has moved before the suite waits, so any wait at all would be a bug in the suite
        return Duration.ofMillis(500);
    }
}

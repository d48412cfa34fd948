package io.chatcache.testkit;

import io.chatcache.core.CacheStore;
import io.chatcache.core.Ticker;

/** The suite passes for a correct store on real time, waiting out TTLs with Awaitility. */
class ReferenceStoreOnRealTimeContractTest extends CacheStoreContract {
    @Override
    protected CacheStore createStore() {
        return new ReferenceCacheStore(Ticker.system(), ReferenceCacheStore.Flaw.NONE);
    }
}

package io.chatcache.memory;

import io.chatcache.core.EvictionPolicy;

/** The port's whole contract again, for the store under the adaptive eviction policy. */
class AdaptiveStoreContractTest extends MemoryCacheStoreContractTest {

    @Override
    MemoryCacheStore.Builder configured(MemoryCacheStore.Builder builder) {
        return builder.evictionPolicy(EvictionPolicy.ADAPTIVE);
    }
}

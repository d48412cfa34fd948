package io.chatcache.memory;

import io.chatcache.core.EvictionPolicy;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Param;

/**
 * The store under {@link EvictionPolicy#ADAPTIVE} is linearizable too: the same operations, scenarios and
 * sequential specification as {@link MemoryCacheStoreLincheckTest} (whose tests this class inherits), on a
 * store bounded to exactly the two keys the scenarios use. So nothing is ever evicted (a HashMap stays the
 * specification), yet the store is above half its bound once both keys are held, so that reads are recorded
 * and replayed into the policy, and every put and delete moves entries through the policy's queues and sketch.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:2")
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class AdaptiveStoreLincheckTest extends MemoryCacheStoreLincheckTest {

    @Override
    MemoryCacheStore createStore() {
        return MemoryCacheStore.builder()
                .maximumSize(2)
                .evictionPolicy(EvictionPolicy.ADAPTIVE)
                .ticker(new ManualTicker())
                .cleanupInterval(Duration.ZERO)
                .build();
    }

    /**
     * Fewer random scenarios than the LRU store's: the policy's code multiplies the interleavings the model
     * checker explores (about 75 s at 80 invocations on the loaded 2-core host); the hand-written scenarios
     * all run.
     */
    @Override
    int modelCheckingInvocations() {
        return 25;
    }

    @Override
    int stressInvocations() {
        return 100;
    }
}

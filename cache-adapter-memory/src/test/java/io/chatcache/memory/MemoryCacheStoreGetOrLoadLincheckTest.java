package io.chatcache.memory;

import static io.chatcache.memory.LincheckScenarios.call;
import static io.chatcache.memory.MemoryCacheStoreLincheckTest.ANY;
import static io.chatcache.memory.MemoryCacheStoreLincheckTest.TTL;
import static io.chatcache.memory.MemoryCacheStoreLincheckTest.key;

import io.chatcache.core.CacheStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * getOrLoad is linearizable with get and put (with and without TTL): it returns the value present,
 * or stores and returns what its loader gives, as one atomic step. It never loads a key that holds a
 * value throughout, whatever puts replace that value meanwhile.
 *
 * <p>Without delete, on purpose: a delete (or deleteMatching, clear) while a load runs makes the load
 * return its value without storing it, even when the delete found nothing to remove, because the loader
 * may have read what the delete invalidates (see {@link CacheStore#getOrLoad}). A history such as
 * "getOrLoad returns 1; get then reads nothing; a concurrent delete returned false" is that documented
 * behaviour, and no sequential map explains it. A put during a load is explained: the load then counts
 * as happening just before the put.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:2")
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class MemoryCacheStoreGetOrLoadLincheckTest {

    private final MemoryCacheStore store = MemoryCacheStoreLincheckTest.newStore();

    @Operation
    public Object get(@Param(name = "key") int key) {
        return store.get(key(key), ANY).orElse(null);
    }

    @Operation
    public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
        store.put(key(key), value, CacheStore.NO_EXPIRY);
    }

    @Operation
    public void putWithTtl(@Param(name = "key") int key, @Param(name = "value") int value) {
        store.put(key(key), value, TTL);
    }

    @Operation
    public Object getOrLoad(@Param(name = "key") int key, @Param(name = "value") int value) {
        return store.getOrLoad(key(key), ANY, () -> value, TTL);
    }

    /**
     * Model checking: random scenarios, plus getOrLoad racing with a put that replaces the entry by
     * one of the other kind (it must return the old or the new value, never load).
     */
    @Test
    void modelChecking() {
        ModelCheckingOptions options = MemoryCacheStoreLincheckTest.configure(new ModelCheckingOptions(), 100)
                .sequentialSpecification(Spec.class);
        options.addCustomScenario(LincheckScenarios.of(getClass(),
                List.of(call("put", 1, 1)), List.of(call("putWithTtl", 1, 2)), List.of(call("getOrLoad", 1, 3))));
        options.addCustomScenario(LincheckScenarios.of(getClass(),
                List.of(call("putWithTtl", 1, 1)), List.of(call("put", 1, 2)), List.of(call("getOrLoad", 1, 3))));
        options.addCustomScenario(LincheckScenarios.of(getClass(),
                List.of(), List.of(call("getOrLoad", 1, 1), call("get", 1)), List.of(call("getOrLoad", 1, 2))));
        options.check(getClass());
    }

    @Test
    void stress() {
        MemoryCacheStoreLincheckTest.configure(new StressOptions(), 200).sequentialSpecification(Spec.class)
                .check(getClass());
    }

    /** The sequential specification: a HashMap; getOrLoad stores the loaded value if absent. */
    public static class Spec {
        private final Map<Integer, Object> entries = new HashMap<>();

        public Object get(int key) {
            return entries.get(key);
        }

        public void put(int key, int value) {
            entries.put(key, value);
        }

        public void putWithTtl(int key, int value) {
            entries.put(key, value);
        }

        public Object getOrLoad(int key, int value) {
            return entries.computeIfAbsent(key, k -> value);
        }
    }
}

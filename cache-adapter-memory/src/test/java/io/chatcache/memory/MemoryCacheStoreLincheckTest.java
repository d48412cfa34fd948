package io.chatcache.memory;

import static io.chatcache.memory.LincheckScenarios.call;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStore;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * The memory store is linearizable: every concurrent history of get, getEntry, put with and without
 * TTL, and delete over a few keys (no eviction, nothing expires: the ticker stands still) is explained by
 * some order of the same operations on a plain {@link HashMap}, checked by Lincheck's model checker
 * (which explores thread interleavings at every shared-memory access, so it finds a write that leaves a
 * gap between retiring the old entry and publishing the new one) and by its stress mode (real threads).
 *
 * <p>getOrLoad is checked in {@link MemoryCacheStoreGetOrLoadLincheckTest}, without delete: see
 * there why.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:2")
@Param(name = "value", gen = IntGen.class, conf = "1:3")
public class MemoryCacheStoreLincheckTest {

    static final ValueType<Object> ANY = ValueType.of(Object.class);
    /** Far beyond any test: the ticker never moves, so nothing expires anyway. */
    static final Duration TTL = Duration.ofHours(1);

    private final MemoryCacheStore store = createStore();

    /** The store under test; {@link AdaptiveStoreLincheckTest} checks the adaptive policy's store the same way. */
    MemoryCacheStore createStore() {
        return newStore();
    }

    /** A store that never evicts or expires in these tests: the bounds are far above a few keys. */
    static MemoryCacheStore newStore() {
        return MemoryCacheStore.builder()
                .maximumSize(1_000)
                .ticker(new ManualTicker())
                .cleanupInterval(Duration.ZERO)
                .build();
    }

    static String key(int key) {
        return "k" + key;
    }

    @Operation
    public Object get(@Param(name = "key") int key) {
        return store.get(key(key), ANY).orElse(null);
    }

    /** The value and whether it expires: "value/ttl", "value/never", or null. */
    @Operation
    public String getEntry(@Param(name = "key") int key) {
        return store.getEntry(key(key), ANY).map(MemoryCacheStoreLincheckTest::describe).orElse(null);
    }

    @Operation
    public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
        store.put(key(key), value, CacheStore.NO_EXPIRY);
    }

    @Operation
    public void putWithTtl(@Param(name = "key") int key, @Param(name = "value") int value) {
        store.put(key(key), value, TTL);
    }

    /** A value of another weight, so that the put also changes the entry's weight. */
    @Operation
    public void putHeavier(@Param(name = "key") int key, @Param(name = "value") int value) {
        store.put(key(key), heavy(value), TTL);
    }

    static String heavy(int value) {
        return value + "-".repeat(100);
    }

    @Operation
    public boolean delete(@Param(name = "key") int key) {
        return store.delete(key(key));
    }

    static String describe(CacheEntry<Object> entry) {
        return entry.value() + (entry.remainingTtl().equals(CacheStore.NO_EXPIRY) ? "/never" : "/" + entry.remainingTtl());
    }

    /**
     * Model checking: random scenarios, plus the ones that replace an entry by one of the other kind
     * (no expiry to a TTL and back) while another thread reads or deletes the key. Reverting the
     * replacement to "retire, then publish" fails this test (checked when it was written).
     */
    @Test
    void modelChecking() {
        ModelCheckingOptions options = new ModelCheckingOptions();
        configure(options, modelCheckingInvocations());
        for (String writeFirst : new String[] {"put", "putWithTtl"}) {
            String writeThen = writeFirst.equals("put") ? "putWithTtl" : "put";
            for (String racing : new String[] {"get", "getEntry", "delete"}) {
                options.addCustomScenario(LincheckScenarios.of(getClass(),
                        List.of(call(writeFirst, 1, 1)),
                        List.of(call(writeThen, 1, 2)),
                        List.of(call(racing, 1))));
            }
        }
        options.check(getClass());
    }

    @Test
    void stress() {
        configure(new StressOptions(), stressInvocations()).check(getClass());
    }

    /** Invocations per iteration of the model checker's random scenarios. */
    int modelCheckingInvocations() {
        return 80;
    }

    /** Invocations per iteration of the stress mode. */
    int stressInvocations() {
        return 200;
    }

    /**
     * Small scenarios over two keys: a few random ones on top of the hand-written ones, bounded to seconds
     * on two shared cores (about 20 s each at a load of 18, a few seconds on an idle machine).
     */
    static <O extends Options<O, ?>> O configure(O options, int invocations) {
        return options
                .iterations(3)
                .invocationsPerIteration(invocations)
                .threads(2)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1)
                .sequentialSpecification(Spec.class);
    }

    /** The sequential specification: a HashMap of value and TTL ("never" or the TTL given). */
    public static class Spec {
        private final Map<Integer, Object[]> entries = new HashMap<>();

        public Object get(int key) {
            Object[] entry = entries.get(key);
            return entry == null ? null : entry[0];
        }

        public String getEntry(int key) {
            Object[] entry = entries.get(key);
            return entry == null ? null : describe(new CacheEntry<>(entry[0], (Duration) entry[1]));
        }

        public void put(int key, int value) {
            entries.put(key, new Object[] {value, CacheStore.NO_EXPIRY});
        }

        public void putWithTtl(int key, int value) {
            entries.put(key, new Object[] {value, TTL});
        }

        public void putHeavier(int key, int value) {
            entries.put(key, new Object[] {heavy(value), TTL});
        }

        public boolean delete(int key) {
            return entries.remove(key) != null;
        }
    }
}

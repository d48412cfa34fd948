package io.chatcache.testkit;

import static io.chatcache.core.CacheStore.NO_EXPIRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.Subscription;
import io.chatcache.core.ValueType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every {@link CacheStore} promises, as a JUnit 5 suite. The memory, Redis and hybrid
 * stores all pass it; run it against a store of your own by extending this class:
 *
 * <pre>{@code
 * class MyStoreContractTest extends CacheStoreContract {
 *     @Override
 *     protected CacheStore createStore() {
 *         return new MyStore(...);
 *     }
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * Before each test the suite calls {@link #createStore()} and then {@link CacheStore#clear()}, so a
 * store may share a backend with earlier tests; after each test it closes the store. Tests use fixed
 * keys, so a store whose backend is shared with tests running in parallel must isolate itself (a Redis
 * store: a namespace of its own per test class).
 *
 * <h2>Time</h2>
 * Expiry tests write entries with {@link #shortTtl()} and wait (with Awaitility, polling, never
 * sleeping) up to {@link #expiryTimeout()} for them to read as absent. A store on a
 * {@link ManualTicker} overrides {@link #advanceTime(Duration)} to advance the ticker, and the waits end
 * at once.
 *
 * <h2>Where stores legitimately differ</h2>
 * <ul>
 *   <li>{@link #reportedRemovalCauses()}: which causes reach removal listeners (a Redis store cannot see
 *       expiry, eviction or replacement inside the server). For a cause not reported, the suite checks
 *       that the listener hears nothing instead.</li>
 *   <li>{@link #reportsRemainingTtl()}: whether {@link CacheStore#getEntry} tells the remaining TTL, or
 *       reports {@link CacheStore#NO_EXPIRY} as the port's default implementation does.</li>
 * </ul>
 *
 * <p>Values used by the suite are strings, numbers, lists, maps and the public records {@link Sample}
 * and {@link Conversation}, so stores that serialise (with Jackson, say) can rebuild every one of them.
 */
public abstract class CacheStoreContract {

    /** A key the input-validation tests write before each refused call, and check afterwards. */
    private static final String EXISTING = "existing";
    private static final String ORIGINAL = "original";
    /** A key that refused calls try to write, and that must stay absent. */
    private static final String OTHER = "other";
    private static final Duration LONG_TTL = Duration.ofMinutes(10);
    private static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(5);

    private CacheStore store;

    /**
     * A new store for one test. The suite clears it before the test and closes it afterwards. It must hold
     * at least 1,000 entries without evicting (one test writes 400) and accept values of the types in
     * the class description: strings, numbers, lists, maps, {@link Sample} and {@link Conversation}.
     *
     * @return the store under test, never null
     */
    protected abstract CacheStore createStore();

    /**
     * The TTL of the entries that expiry tests wait out. Short enough to keep the suite fast on real
     * time, long enough that a put and the read right after it happen well within it. Default 300 ms.
     *
     * @return a positive duration, much shorter than ten minutes
     */
    protected Duration shortTtl() {
        return Duration.ofMillis(300);
    }

    /**
     * How long the suite waits for an entry written with {@link #shortTtl()} to read as absent once
     * {@link #advanceTime(Duration)} has been called. Default {@link #shortTtl()} plus five seconds.
     *
     * @return a positive duration
     */
    protected Duration expiryTimeout() {
        return shortTtl().plusSeconds(5);
    }

    /**
     * Called when a test needs {@code duration} to pass for the store. The default does nothing: a store
     * on real time sees time pass while the suite waits. A store on a {@link ManualTicker} advances the
     * ticker here.
     *
     * @param duration how much time should pass, positive
     */
    protected void advanceTime(Duration duration) {
    }

    /**
     * The removal causes this store reports to its listeners. Default: all of them, as the memory store
     * does. A Redis store reports {@link RemovalCause#EXPLICIT} and {@link RemovalCause#CLEARED} only.
     * The suite checks {@code EXPLICIT} always; the others only as declared here (and that an undeclared
     * cause is not reported in its place).
     *
     * @return the reported causes
     */
    protected Set<RemovalCause> reportedRemovalCauses() {
        return EnumSet.allOf(RemovalCause.class);
    }

    /**
     * Whether {@link CacheStore#getEntry} reports the real remaining TTL. Default true. A store relying on
     * the port's default {@code getEntry} (which reports {@link CacheStore#NO_EXPIRY}) returns false, and
     * the suite then accepts {@code NO_EXPIRY} or a TTL no longer than the one given.
     *
     * @return whether remaining TTLs are reported
     */
    protected boolean reportsRemainingTtl() {
        return true;
    }

    /**
     * A value this store refuses with {@link InvalidInputException} because it is too large (a store with
     * a byte bound, such as a memory store built with {@code maximumWeightBytes}), or empty if the store
     * has no such limit (the default). The bulk-write tests then also check that {@code putAll} with such a
     * value anywhere in the map writes nothing.
     *
     * @return a value too large to store, or empty
     */
    protected Optional<Object> valueTooLargeToStore() {
        return Optional.empty();
    }

    /**
     * The store of the current test, for tests a subclass adds.
     *
     * @return the store created by {@link #createStore()} for this test
     */
    protected final CacheStore store() {
        return store;
    }

    @BeforeEach
    final void createAndClearStore() {
        store = createStore();
        assertThat(store).as("createStore() must return a store").isNotNull();
        store.clear();
    }

    @AfterEach
    final void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    /**
     * A record value, as chat back ends cache them. Public so that serialising stores can rebuild it.
     *
     * @param id an identifier
     * @param count a number
     * @param at a point in time, may be null
     */
    public record Sample(String id, int count, Instant at) {
    }

    /**
     * A record holding collections of records, to check that nested generic values survive a store.
     *
     * @param id an identifier
     * @param samples some samples
     * @param counters named counters
     */
    public record Conversation(String id, List<Sample> samples, Map<String, Long> counters) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.chatcache.testkit.CacheStoreContract#values")
    void getReturnsTheValuePut(Object value, ValueType<?> type) {
        store.put("value", value, LONG_TTL);

        Optional<Object> read = store.get("value", type).map(Object.class::cast);

        assertThat(read).contains(value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.chatcache.testkit.CacheStoreContract#values")
    void getEntryReturnsTheValuePut(Object value, ValueType<?> type) {
        store.put("value", value, LONG_TTL);

        Optional<Object> read = store.getEntry("value", type).map(CacheEntry::value);

        assertThat(read).contains(value);
    }

    @Test
    void getOfAbsentKeyIsEmpty() {
        assertThat(store.get("absent", String.class)).isEmpty();
        assertThat(store.getEntry("absent", ValueType.of(String.class))).isEmpty();
    }

    @Test
    void getWithClassIsGetWithValueTypeOfThatClass() {
        store.put("count", 7, LONG_TTL);

        assertThat(store.get("count", Integer.class)).contains(7);
        assertThat(store.get("count", int.class)).contains(7);
    }

    @Test
    void putReplacesTheEarlierValue() {
        store.put("key", "first", LONG_TTL);
        store.put("key", "second", LONG_TTL);

        assertThat(store.get("key", String.class)).contains("second");
    }

    @Test
    void putWithDefaultTtlStoresAnExpiringOrLastingEntry() {
        store.put("key", "value");

        assertThat(store.get("key", String.class)).contains("value");
        assertThat(store.getEntry("key", ValueType.of(String.class)))
                .hasValueSatisfying(entry -> assertThat(entry.remainingTtl()).isPositive());
    }

    @Test
    void keysAreExactNotPatterns() {
        store.put("a*b", "star", LONG_TTL);
        store.put("a?b", "question", LONG_TTL);

        assertThat(store.get("a*b", String.class)).contains("star");
        assertThat(store.get("a?b", String.class)).contains("question");
        assertThat(store.get("aXb", String.class)).isEmpty();
        assertThat(store.get("a[*]b", String.class)).isEmpty();
    }

    @Test
    void keysOfAnyCharactersAreDistinct() {
        List<String> keys = List.of("k", "K", "k ", " k", "k\u00e9", "ke\u0301", "\u043a\u043b\u044e\u0447",
                "\ud83d\udc4b", "\ud83d\udc4c", "session:{42}:messages:50", "a\\b", "a\\\\b", "tab\tnewline\n");
        for (int i = 0; i < keys.size(); i++) {
            store.put(keys.get(i), i, LONG_TTL);
        }
        for (int i = 0; i < keys.size(); i++) {
            assertThat(store.get(keys.get(i), Integer.class)).as("key %s", keys.get(i)).contains(i);
        }
    }

    @Test
    void keyOfMaximumLengthIsAccepted() {
        String longest = "k".repeat(CacheInputs.MAX_KEY_LENGTH);

        store.put(longest, "value", LONG_TTL);

        assertThat(store.get(longest, String.class)).contains("value");
        assertThat(store.delete(longest)).isTrue();
    }

    @Test
    void concurrentWritersAndReadersSeeTheirOwnValues() throws Exception {
        int threads = 4;
        int keysPerThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<List<String>> work = () -> {
                    start.await();
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < keysPerThread; i++) {
                        String key = "t" + thread + ":" + i;
                        store.put(key, key, LONG_TTL);
                        if (!store.get(key, String.class).equals(Optional.of(key))) {
                            wrong.add(key);
                        }
                    }
                    return wrong;
                };
                results.add(pool.submit(work));
            }
            start.countDown();
            for (Future<List<String>> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).as("keys read back wrong").isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.stats().entryCount()).isEqualTo(threads * keysPerThread);
    }

    @Test
    void entryReadsAsAbsentOnceItsTtlElapses() {
        long writtenAt = System.nanoTime();
        store.put("short", "value", shortTtl());
        assertPresentUnlessShortTtlElapsed("short", "value", writtenAt);

        letShortTtlElapse();

        awaitExpiry().untilAsserted(() -> assertThat(store.get("short", String.class)).isEmpty());
        assertThat(store.getEntry("short", ValueType.of(String.class))).isEmpty();
    }

    @Test
    void entryWithLongerTtlOutlivesShorterOne() {
        store.put("short", "value", shortTtl());
        store.put("long", "value", LONG_TTL);
        store.put("forever", "value", NO_EXPIRY);

        letShortTtlElapse();

        awaitExpiry().untilAsserted(() -> assertThat(store.get("short", String.class)).isEmpty());
        assertThat(store.get("long", String.class)).contains("value");
        assertThat(store.get("forever", String.class)).contains("value");
    }

    @Test
    void overwriteWithLongerTtlReplacesTheShortTtl() {
        store.put("key", "first", shortTtl());
        store.put("key", "second", LONG_TTL);
        store.put("probe", "value", shortTtl());

        letShortTtlElapse();

        awaitExpiry().untilAsserted(() -> assertThat(store.get("probe", String.class)).isEmpty());
        assertThat(store.get("key", String.class)).contains("second");
    }

    @Test
    void overwriteWithShortTtlReplacesNoExpiry() {
        store.put("key", "first", NO_EXPIRY);
        store.put("key", "second", shortTtl());

        letShortTtlElapse();

        awaitExpiry().untilAsserted(() -> assertThat(store.get("key", String.class)).isEmpty());
    }

    @Test
    void getEntryReportsARemainingTtlNoLongerThanTheTtlGiven() {
        store.put("key", "value", LONG_TTL);

        Duration remaining = store.getEntry("key", ValueType.of(String.class)).orElseThrow().remainingTtl();

        if (reportsRemainingTtl()) {
            assertThat(remaining).isPositive().isLessThanOrEqualTo(LONG_TTL)
                    .isGreaterThan(LONG_TTL.minusMinutes(1));
        } else {
            assertThat(remaining).satisfiesAnyOf(
                    ttl -> assertThat(ttl).isEqualTo(NO_EXPIRY),
                    ttl -> assertThat(ttl).isPositive().isLessThanOrEqualTo(LONG_TTL));
        }
    }

    @Test
    void remainingTtlShrinksAsTimePasses() {
        store.put("key", "value", LONG_TTL);
        store.put("probe", "value", shortTtl());

        letShortTtlElapse();
        awaitExpiry().untilAsserted(() -> assertThat(store.get("probe", String.class)).isEmpty());

        Duration remaining = store.getEntry("key", ValueType.of(String.class)).orElseThrow().remainingTtl();
        if (reportsRemainingTtl()) {
            assertThat(remaining).isPositive().isLessThanOrEqualTo(LONG_TTL.minus(shortTtl()));
        } else {
            assertThat(remaining).satisfiesAnyOf(
                    ttl -> assertThat(ttl).isEqualTo(NO_EXPIRY),
                    ttl -> assertThat(ttl).isPositive().isLessThanOrEqualTo(LONG_TTL.minus(shortTtl())));
        }
    }

    @Test
    void getEntryReportsNoExpiryForAnEntryThatNeverExpires() {
        store.put("key", "value", NO_EXPIRY);

        CacheEntry<String> entry = store.getEntry("key", ValueType.of(String.class)).orElseThrow();

        assertThat(entry.remainingTtl()).isEqualTo(NO_EXPIRY);
        assertThat(entry.neverExpires()).isTrue();
    }

    @Test
    void putAllAppliesItsTtlToEveryEntry() {
        store.putAll(Map.of("a", "1", "b", "2"), shortTtl());

        letShortTtlElapse();

        awaitExpiry().untilAsserted(() -> {
            assertThat(store.get("a", String.class)).isEmpty();
            assertThat(store.get("b", String.class)).isEmpty();
        });
        assertThat(store.getAll(List.of("a", "b"), ValueType.of(String.class))).isEmpty();
    }

    @Test
    void computedEntryExpiresAfterItsTtl() {
        assertThat(store.getOrCompute("key", ValueType.of(String.class), () -> "value", shortTtl()))
                .isEqualTo("value");

        letShortTtlElapse();

        awaitExpiry().untilAsserted(() -> assertThat(store.get("key", String.class)).isEmpty());
    }

    @Test
    void deleteRemovesTheEntryAndReturnsTrue() {
        store.put("key", "value", LONG_TTL);

        assertThat(store.delete("key")).isTrue();
        assertThat(store.get("key", String.class)).isEmpty();
    }

    @Test
    void deleteOfAbsentKeyReturnsFalse() {
        assertThat(store.delete("absent")).isFalse();
    }

    @Test
    void deleteOfExpiredEntryReturnsFalse() {
        store.put("key", "value", shortTtl());
        letShortTtlElapse();
        awaitExpiry().untilAsserted(() -> assertThat(store.get("key", String.class)).isEmpty());

        assertThat(store.delete("key")).isFalse();
    }

    @Test
    void deleteMatchingCountsOnlyUnexpiredEntries() {
        store.put("x:short", "value", shortTtl());
        store.put("x:long", "value", LONG_TTL);
        store.put("probe", "value", shortTtl());

        letShortTtlElapse();
        awaitExpiry().untilAsserted(() -> assertThat(store.get("probe", String.class)).isEmpty());

        assertThat(store.deleteMatching(KeyPattern.glob("x:*"))).isEqualTo(1);
        assertThat(store.get("x:long", String.class)).isEmpty();
    }

    @Test
    void deleteLeavesOtherKeys() {
        store.put("key", "value", LONG_TTL);
        store.put("key2", "value2", LONG_TTL);

        store.delete("key");

        assertThat(store.get("key2", String.class)).contains("value2");
    }

    @Test
    void secondDeleteReturnsFalse() {
        store.put("key", "value", LONG_TTL);

        assertThat(store.delete("key")).isTrue();
        assertThat(store.delete("key")).isFalse();
    }

    @Test
    void clearRemovesEveryEntry() {
        store.put("a", "1", LONG_TTL);
        store.put("b", "2", NO_EXPIRY);

        store.clear();

        assertThat(store.get("a", String.class)).isEmpty();
        assertThat(store.get("b", String.class)).isEmpty();
        assertThat(store.stats().entryCount()).isZero();
    }

    @Test
    void storeAcceptsWritesAfterClear() {
        store.put("a", "1", LONG_TTL);
        store.clear();

        store.put("a", "2", LONG_TTL);

        assertThat(store.get("a", String.class)).contains("2");
    }

    @ParameterizedTest(name = "{0} deletes {1}")
    @MethodSource("io.chatcache.testkit.CacheStoreContract#globs")
    void deleteMatchingRemovesExactlyTheMatchingKeys(String glob, Set<String> expected) {
        for (String key : PATTERN_KEYS) {
            store.put(key, key, LONG_TTL);
        }

        long removed = store.deleteMatching(KeyPattern.glob(glob));

        assertThat(removed).isEqualTo(expected.size());
        for (String key : PATTERN_KEYS) {
            assertThat(store.get(key, String.class).isPresent())
                    .as("%s should %s after deleteMatching(%s)", key,
                            expected.contains(key) ? "be deleted" : "remain", glob)
                    .isEqualTo(!expected.contains(key));
        }
    }

    @Test
    void literalPatternDeletesOnlyThatKeyWhateverItsCharacters() {
        for (String key : PATTERN_KEYS) {
            store.put(key, key, LONG_TTL);
        }

        for (String key : List.of("a*b", "a?b", "a[b", "a]b", "a\\b", "a-b", "a^b")) {
            assertThat(store.deleteMatching(KeyPattern.literal(key))).as("literal %s", key).isEqualTo(1);
            assertThat(store.get(key, String.class)).isEmpty();
        }
        assertThat(store.get("aXb", String.class)).contains("aXb");
    }

    @Test
    void prefixPatternDeletesOnlyKeysStartingWithThePrefix() {
        store.put("session:1", "s", LONG_TTL);
        store.put("session:1:messages:50", "m", LONG_TTL);
        store.put("session:10", "other", LONG_TTL);
        store.put("x:session:1", "other", LONG_TTL);

        assertThat(store.deleteMatching(KeyPattern.prefix("session:1:"))).isEqualTo(1);
        assertThat(store.get("session:1", String.class)).contains("s");
        assertThat(store.get("session:10", String.class)).contains("other");
        assertThat(store.get("x:session:1", String.class)).contains("other");
    }

    @Test
    void deleteMatchingOnAnEmptyStoreReturnsZero() {
        assertThat(store.deleteMatching(KeyPattern.glob("*"))).isZero();
    }

    @Test
    void getAllReturnsPresentKeysAndOmitsAbsentOnes() {
        store.put("a", "1", LONG_TTL);
        store.put("c", "3", LONG_TTL);

        Map<String, String> found = store.getAll(List.of("a", "b", "c"), ValueType.of(String.class));

        assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "c", "3"));
    }

    @Test
    void getAllOfNoKeysIsEmpty() {
        assertThat(store.getAll(List.of(), ValueType.of(String.class))).isEmpty();
    }

    @Test
    void getAllRebuildsGenericValues() {
        store.put("a", List.of(new Sample("x", 1, null)), LONG_TTL);

        assertThat(store.getAll(List.of("a"), ValueType.listOf(Sample.class)))
                .containsExactlyEntriesOf(Map.of("a", List.of(new Sample("x", 1, null))));
    }

    @Test
    void putAllStoresEveryEntry() {
        store.put("a", "old", LONG_TTL);

        store.putAll(Map.of("a", "1", "b", "2", "c", "3"), LONG_TTL);

        assertThat(store.get("a", String.class)).contains("1");
        assertThat(store.get("b", String.class)).contains("2");
        assertThat(store.get("c", String.class)).contains("3");
    }

    @ParameterizedTest(name = "{0} with the bad entry {1}")
    @MethodSource("io.chatcache.testkit.CacheStoreContract#badBulkWrites")
    void aRefusedPutAllLeavesTheStoreAsItWas(BadEntry bad, Placement placement) {
        store.put(EXISTING, ORIGINAL, NO_EXPIRY);
        Optional<Object> tooLarge = valueTooLargeToStore();
        if (bad == BadEntry.VALUE_TOO_LARGE && tooLarge.isEmpty()) {
            // The store has no size limit: such a value is no bad input for it, and it is stored.
            store.putAll(Map.of(OTHER, "large enough"), LONG_TTL);
            assertThat(store.get(OTHER, String.class)).contains("large enough");
            return;
        }
        // Valid entries that replace a key and add keys, and the bad one first, in the middle or last:
        // a store that writes as it checks leaves the entries before the bad one written.
        Map<String, Object> entries = new LinkedHashMap<>();
        if (placement == Placement.FIRST) {
            bad.addTo(entries, tooLarge);
        }
        entries.put(EXISTING, "replacement");
        entries.put(OTHER, "replacement");
        if (placement == Placement.MIDDLE) {
            bad.addTo(entries, tooLarge);
        }
        entries.put(OTHER + "-2", "replacement");
        if (placement == Placement.LAST) {
            bad.addTo(entries, tooLarge);
        }
        Duration ttl = bad.ttl();
        long entriesBefore = store.stats().entryCount();

        assertThatThrownBy(() -> store.putAll(entries, ttl))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        refused -> assertThat(refused.argument()).isEqualTo(bad.argument));

        assertThat(store.get(EXISTING, String.class)).as("the value stored before the refused putAll")
                .contains(ORIGINAL);
        if (reportsRemainingTtl()) {
            assertThat(store.getEntry(EXISTING, ValueType.of(String.class)).orElseThrow().remainingTtl())
                    .as("the TTL stored before the refused putAll").isEqualTo(NO_EXPIRY);
        }
        assertThat(store.getAll(List.of(OTHER, OTHER + "-2", BadEntry.HEAVY_KEY), ValueType.of(Object.class)))
                .as("keys the refused putAll tried to add").isEmpty();
        assertThat(store.stats().entryCount()).as("entries after the refused putAll").isEqualTo(entriesBefore);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.chatcache.testkit.CacheStoreContract#badBulkReads")
    void aRefusedGetAllReadsAndCountsNothing(List<String> keys, String argument) {
        store.put(EXISTING, ORIGINAL, NO_EXPIRY);
        CacheStats before = store.stats();

        assertThatThrownBy(() -> store.getAll(keys, ValueType.of(String.class)))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        refused -> assertThat(refused.argument()).isEqualTo(argument));

        CacheStats after = store.stats();
        assertThat(after.hits()).as("hits counted by the refused getAll").isEqualTo(before.hits());
        assertThat(after.misses()).as("misses counted by the refused getAll").isEqualTo(before.misses());
        assertThat(store.get(EXISTING, String.class)).contains(ORIGINAL);
    }

    /** The one bad entry (or TTL) of a refused putAll. */
    enum BadEntry {
        NULL_KEY("key"),
        EMPTY_KEY("key"),
        TOO_LONG_KEY("key"),
        NULL_VALUE("value"),
        VALUE_TOO_LARGE("value"),
        NULL_TTL("ttl"),
        ZERO_TTL("ttl"),
        NEGATIVE_TTL("ttl");

        /** The key of the bad value (and of the valid value put where the bad one is a TTL). */
        static final String HEAVY_KEY = "bad-entry";

        final String argument;

        BadEntry(String argument) {
            this.argument = argument;
        }

        void addTo(Map<String, Object> entries, Optional<Object> tooLarge) {
            switch (this) {
                case NULL_KEY -> entries.put(null, "replacement");
                case EMPTY_KEY -> entries.put("", "replacement");
                case TOO_LONG_KEY -> entries.put("k".repeat(CacheInputs.MAX_KEY_LENGTH + 1), "replacement");
                case NULL_VALUE -> entries.put(HEAVY_KEY, null);
                case VALUE_TOO_LARGE -> entries.put(HEAVY_KEY, tooLarge.orElseThrow());
                default -> entries.put(HEAVY_KEY, "replacement");
            }
        }

        Duration ttl() {
            return switch (this) {
                case NULL_TTL -> null;
                case ZERO_TTL -> Duration.ZERO;
                case NEGATIVE_TTL -> Duration.ofSeconds(-1);
                default -> LONG_TTL;
            };
        }
    }

    /** Where the bad entry sits among the valid ones, in the map's iteration order. */
    enum Placement {
        FIRST, MIDDLE, LAST
    }

    static Stream<Arguments> badBulkWrites() {
        return Stream.of(BadEntry.values())
                .flatMap(bad -> Stream.of(Placement.values()).map(placement -> Arguments.of(bad, placement)));
    }

    static Stream<Arguments> badBulkReads() {
        String tooLong = "k".repeat(CacheInputs.MAX_KEY_LENGTH + 1);
        return Stream.of(
                Arguments.of(Named.of("getAll with a null key last", Arrays.asList(EXISTING, OTHER, null)), "key"),
                Arguments.of(Named.of("getAll with an empty key last", List.of(EXISTING, OTHER, "")), "key"),
                Arguments.of(Named.of("getAll with a too long key last", List.of(EXISTING, OTHER, tooLong)), "key"),
                Arguments.of(Named.of("getAll with a null key first", Arrays.asList(null, EXISTING)), "key"));
    }

    @Test
    void putAllOfNoEntriesChangesNothing() {
        store.put("a", "1", LONG_TTL);

        store.putAll(Map.of(), LONG_TTL);

        assertThat(store.get("a", String.class)).contains("1");
    }

    @Test
    void loadsOnceThenServesTheCachedValue() {
        AtomicInteger loads = new AtomicInteger();

        String first = store.getOrCompute("key", ValueType.of(String.class),
                () -> "value" + loads.incrementAndGet(), LONG_TTL);
        String second = store.getOrCompute("key", ValueType.of(String.class),
                () -> "value" + loads.incrementAndGet(), LONG_TTL);

        assertThat(first).isEqualTo("value1");
        assertThat(second).isEqualTo("value1");
        assertThat(loads).hasValue(1);
        assertThat(store.get("key", String.class)).contains("value1");
    }

    @Test
    void cachedValueIsServedWithoutCallingTheLoader() {
        store.put("key", "cached", LONG_TTL);

        String value = store.getOrCompute("key", ValueType.of(String.class),
                () -> fail("the loader must not run for a cached key"), LONG_TTL);

        assertThat(value).isEqualTo("cached");
    }

    @Test
    void nullFromTheLoaderIsReturnedAndNotCached() {
        AtomicInteger loads = new AtomicInteger();

        String first = store.getOrCompute("key", ValueType.of(String.class), () -> {
            loads.incrementAndGet();
            return null;
        }, LONG_TTL);

        assertThat(first).isNull();
        assertThat(store.get("key", String.class)).isEmpty();
        assertThat(store.getOrCompute("key", ValueType.of(String.class), () -> "loaded" + loads.incrementAndGet(),
                LONG_TTL)).isEqualTo("loaded2");
    }

    @Test
    void exceptionFromTheLoaderReachesTheCallerAndIsNotCached() {
        IllegalStateException failure = new IllegalStateException("loader failed");

        assertThatThrownBy(() -> store.getOrCompute("key", ValueType.of(String.class), () -> {
            throw failure;
        }, LONG_TTL)).isSameAs(failure);

        assertThat(store.get("key", String.class)).isEmpty();
        assertThat(store.getOrCompute("key", ValueType.of(String.class), () -> "loaded", LONG_TTL))
                .isEqualTo("loaded");
    }

    @Test
    void genericValuesAreComputedAndRebuilt() {
        List<Sample> samples = List.of(new Sample("a", 1, Instant.parse("2026-01-02T03:04:05Z")));

        store.getOrCompute("key", ValueType.listOf(Sample.class), () -> samples, LONG_TTL);

        assertThat(store.get("key", ValueType.listOf(Sample.class))).contains(samples);
    }

    @Test
    void freshStoreHasCountedNothing() {
        CacheStats stats = store.stats();

        assertThat(stats.hits()).isZero();
        assertThat(stats.misses()).isZero();
        assertThat(stats.hitRate()).isZero();
        assertThat(stats.entryCount()).isZero();
    }

    @Test
    void hitsAndMissesAreCounted() {
        store.put("key", "value", LONG_TTL);

        store.get("key", String.class);
        store.get("key", String.class);
        store.get("key", String.class);
        store.get("absent", String.class);

        CacheStats stats = store.stats();
        assertThat(stats.hits()).isEqualTo(3);
        assertThat(stats.misses()).isEqualTo(1);
        assertThat(stats.hitRate()).isEqualTo(75.0);
    }

    @Test
    void readOfAnExpiredEntryCountsAsAMiss() {
        store.put("key", "value", shortTtl());
        letShortTtlElapse();
        awaitExpiry().untilAsserted(() -> assertThat(store.get("key", String.class)).isEmpty());
        CacheStats before = store.stats();

        store.get("key", String.class);

        assertThat(store.stats().misses()).isEqualTo(before.misses() + 1);
        assertThat(store.stats().hits()).isEqualTo(before.hits());
    }

    @Test
    void getAllCountsEachKey() {
        store.put("a", "1", LONG_TTL);
        store.put("b", "2", LONG_TTL);

        store.getAll(List.of("a", "b", "c"), ValueType.of(String.class));

        assertThat(store.stats().hits()).isEqualTo(2);
        assertThat(store.stats().misses()).isEqualTo(1);
    }

    @Test
    void entryCountFollowsPutsDeletesAndClear() {
        store.put("a", "1", LONG_TTL);
        store.put("b", "2", LONG_TTL);
        store.put("c", "3", NO_EXPIRY);
        assertThat(store.stats().entryCount()).isEqualTo(3);

        store.put("a", "replaced", LONG_TTL);
        assertThat(store.stats().entryCount()).isEqualTo(3);

        store.delete("b");
        assertThat(store.stats().entryCount()).isEqualTo(2);

        store.clear();
        assertThat(store.stats().entryCount()).isZero();
    }

    @Test
    void valueNotReadableAsTheRequestedTypeReadsAsAMissAndCountsAnError() {
        store.put("text", "not a number", LONG_TTL);
        store.put("record", new Sample("x", 1, null), LONG_TTL);
        CacheStats before = store.stats();

        assertThat(store.get("text", Integer.class)).isEmpty();
        assertThat(store.get("record", Integer.class)).isEmpty();
        assertThat(store.get("record", ValueType.listOf(String.class))).isEmpty();

        CacheStats after = store.stats();
        assertThat(after.errors()).isEqualTo(before.errors() + 3);
        assertThat(after.misses()).isEqualTo(before.misses() + 3);
        assertThat(after.hits()).isEqualTo(before.hits());
    }

    @Test
    void valueNotReadableAsTheRequestedTypeIsAMissForGetEntryAndGetAllToo() {
        store.put("text", "not a number", LONG_TTL);

        assertThat(store.getEntry("text", ValueType.of(Integer.class))).isEmpty();
        assertThat(store.getAll(List.of("text"), ValueType.of(Integer.class))).isEmpty();
        assertThat(store.getOrCompute("text", ValueType.of(Integer.class), () -> 5, LONG_TTL)).isEqualTo(5);
        assertThat(store.get("text", Integer.class)).contains(5);
    }

    @Test
    void deleteIsReportedAsExplicit() {
        RecordingListener listener = new RecordingListener();
        store.addRemovalListener(listener);
        store.put("key", "value", LONG_TTL);

        store.delete("absent");
        store.delete("key");

        listener.awaitExactly(new Removal("key", RemovalCause.EXPLICIT));
    }

    @Test
    void deleteMatchingReportsEachRemovedKeyAsExplicit() {
        RecordingListener listener = new RecordingListener();
        store.put("user:1", "a", LONG_TTL);
        store.put("user:2", "b", LONG_TTL);
        store.put("session:1", "c", LONG_TTL);
        store.addRemovalListener(listener);

        store.deleteMatching(KeyPattern.glob("user:*"));

        listener.awaitExactly(new Removal("user:1", RemovalCause.EXPLICIT),
                new Removal("user:2", RemovalCause.EXPLICIT));
    }

    @Test
    void clearIsReportedAsClearedWhereTheStoreReportsIt() {
        RecordingListener listener = new RecordingListener();
        store.put("a", "1", LONG_TTL);
        store.put("b", "2", NO_EXPIRY);
        store.addRemovalListener(listener);

        store.clear();

        if (reportedRemovalCauses().contains(RemovalCause.CLEARED)) {
            listener.awaitExactly(new Removal("a", RemovalCause.CLEARED), new Removal("b", RemovalCause.CLEARED));
        } else {
            listener.assertNothingHeard();
        }
    }

    @Test
    void overwriteIsReportedAsReplacedWhereTheStoreReportsIt() {
        RecordingListener listener = new RecordingListener();
        store.addRemovalListener(listener);
        store.put("key", "first", LONG_TTL);

        store.put("key", "second", LONG_TTL);

        if (reportedRemovalCauses().contains(RemovalCause.REPLACED)) {
            listener.awaitExactly(new Removal("key", RemovalCause.REPLACED));
        } else {
            listener.assertNothingHeard();
        }
    }

    @Test
    void expiryIsReportedOnceAsExpiredWhereTheStoreReportsIt() {
        RecordingListener listener = new RecordingListener();
        store.addRemovalListener(listener);
        store.put("key", "value", shortTtl());

        letShortTtlElapse();
        awaitExpiry().untilAsserted(() -> assertThat(store.get("key", String.class)).isEmpty());

        if (reportedRemovalCauses().contains(RemovalCause.EXPIRED)) {
            listener.awaitExactly(new Removal("key", RemovalCause.EXPIRED));
        } else {
            listener.assertNothingHeard();
        }
    }

    @Test
    void closedSubscriptionHearsNothingMore() {
        RecordingListener listener = new RecordingListener();
        Subscription subscription = store.addRemovalListener(listener);
        store.put("key", "value", LONG_TTL);

        subscription.close();
        subscription.close();
        store.delete("key");

        listener.assertNothingHeard();
    }

    @Test
    void everyListenerIsToldAndOneThatThrowsDoesNotBreakTheStore() {
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        store.addRemovalListener(first);
        store.addRemovalListener((key, cause) -> {
            throw new IllegalStateException("listener failure the store must swallow");
        });
        store.addRemovalListener(second);
        store.put("key", "value", LONG_TTL);

        assertThat(store.delete("key")).isTrue();

        first.awaitExactly(new Removal("key", RemovalCause.EXPLICIT));
        second.awaitExactly(new Removal("key", RemovalCause.EXPLICIT));
        assertThat(store.get("key", String.class)).isEmpty();
    }

    @ParameterizedTest(name = "{0} is refused naming \"{1}\"")
    @MethodSource("io.chatcache.testkit.CacheStoreContract#invalidCalls")
    void badInputIsRefusedNamingTheArgumentBeforeAnythingChanges(Consumer<CacheStore> call, String argument) {
        store.put(EXISTING, ORIGINAL, NO_EXPIRY);

        assertThatThrownBy(() -> call.accept(store))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        refused -> assertThat(refused.argument()).isEqualTo(argument))
                .hasMessageContaining(argument);

        assertThat(store.get(EXISTING, String.class)).as("the value stored before the refused call")
                .contains(ORIGINAL);
        if (reportsRemainingTtl()) {
            assertThat(store.getEntry(EXISTING, ValueType.of(String.class)).orElseThrow().remainingTtl())
                    .as("the TTL stored before the refused call").isEqualTo(NO_EXPIRY);
        }
        assertThat(store.get(OTHER, String.class)).as("a key the refused call tried to write").isEmpty();
    }

    @Test
    void closeIsIdempotent() {
        store.put("key", "value", LONG_TTL);

        store.close();

        assertThatCode(store::close).doesNotThrowAnyException();
    }

    private void letShortTtlElapse() {
        advanceTime(shortTtl().multipliedBy(2));
    }

    private ConditionFactory awaitExpiry() {
        return Awaitility.await("entry written with TTL " + shortTtl() + " to read as absent")
                .atMost(expiryTimeout())
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10));
    }

    /**
     * Checks the entry right after writing it; a slow machine may have let its short TTL pass already,
     * and only then is absence acceptable.
     */
    private void assertPresentUnlessShortTtlElapsed(String key, String expected, long writtenAtNanos) {
        Optional<String> read = store.get(key, String.class);
        long elapsed = System.nanoTime() - writtenAtNanos;
        if (read.isEmpty() && elapsed < shortTtl().toNanos()) {
            fail("%s read as absent %d ms after being written with TTL %s", key,
                    Duration.ofNanos(elapsed).toMillis(), shortTtl());
        }
        read.ifPresent(value -> assertThat(value).isEqualTo(expected));
    }

    private record Removal(String key, RemovalCause cause) {
    }

    private static final class RecordingListener implements RemovalListener {
        private final List<Removal> heard = new CopyOnWriteArrayList<>();

        @Override
        public void onRemoval(String key, RemovalCause cause) {
            heard.add(new Removal(key, cause));
        }

        /** Listeners may be told on another thread, so the expected removals are awaited. */
        void awaitExactly(Removal... expected) {
            Awaitility.await("removal listener to hear " + Arrays.toString(expected))
                    .atMost(LISTENER_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .untilAsserted(() -> assertThat(heard).containsExactlyInAnyOrder(expected));
        }

        void assertNothingHeard() {
            assertThat(heard).isEmpty();
        }
    }

    /** The keys the pattern-deletion tests store, each under its own text as value. */
    private static final List<String> PATTERN_KEYS = List.of(
            "user:1", "user:2", "user:10", "user:a", "users",
            "session:1:messages", "session:2:messages",
            "hallo", "hello", "hillo", "hxllo", "hllo", "heeeello",
            "a*b", "a?b", "a[b", "a]b", "a\\b", "a-b", "a^b", "aXb", "ab");

    static Stream<Arguments> globs() {
        return Stream.of(
                glob("user:*", "user:1", "user:2", "user:10", "user:a"),
                glob("user:?", "user:1", "user:2", "user:a"),
                glob("user:[0-9]", "user:1", "user:2"),
                glob("user:[0-9]*", "user:1", "user:2", "user:10"),
                glob("session:*:messages", "session:1:messages", "session:2:messages"),
                glob("h?llo", "hallo", "hello", "hillo", "hxllo"),
                glob("h*llo", "hallo", "hello", "hillo", "hxllo", "hllo", "heeeello"),
                glob("h[ae]llo", "hallo", "hello"),
                glob("h[^e]llo", "hallo", "hillo", "hxllo"),
                glob("h[a-h]llo", "hallo", "hello"),
                glob("h[h-a]llo", "hallo", "hello"),
                glob("a\\*b", "a*b"),
                glob("a\\?b", "a?b"),
                glob("a\\[b", "a[b"),
                glob("a\\]b", "a]b"),
                glob("a\\\\b", "a\\b"),
                glob("a[\\]]b", "a]b"),
                glob("a[*?]b", "a*b", "a?b"),
                glob("a?b", "a*b", "a?b", "a[b", "a]b", "a\\b", "a-b", "a^b", "aXb"),
                glob("*", PATTERN_KEYS.toArray(String[]::new)),
                glob("nothing*"),
                glob("user"));
    }

    private static Arguments glob(String glob, String... deleted) {
        return Arguments.of(glob, Set.of(deleted));
    }

    static Stream<Arguments> values() {
        Instant at = Instant.parse("2026-01-02T03:04:05.123456789Z");
        Map<String, List<Long>> nested = new LinkedHashMap<>();
        nested.put("first", List.of(1L, 2L, Long.MAX_VALUE));
        nested.put("empty", List.of());
        return Stream.of(
                value("a string", "hello", ValueType.of(String.class)),
                value("an empty string", "", ValueType.of(String.class)),
                value("a string of many scripts and escapes",
                        "h\u00e9llo \u4e16\u754c \ud83d\udc4b \"quoted\" \\ tab\t newline\n nul\u0000", ValueType.of(String.class)),
                value("a long string", "x".repeat(100_000), ValueType.of(String.class)),
                value("an int", 42, ValueType.of(Integer.class)),
                value("a negative int", -7, ValueType.of(int.class)),
                value("a long", Long.MAX_VALUE, ValueType.of(Long.class)),
                value("a double", 3.25, ValueType.of(Double.class)),
                value("a big decimal", new BigDecimal("12345678901234567890.123456789"), ValueType.of(BigDecimal.class)),
                value("a boolean", Boolean.TRUE, ValueType.of(Boolean.class)),
                value("a record", new Sample("s1", 3, at), ValueType.of(Sample.class)),
                value("a record with a null component", new Sample("s2", 0, null), ValueType.of(Sample.class)),
                value("a list of strings", List.of("a", "b", "c"), ValueType.listOf(String.class)),
                value("an empty list", List.of(), ValueType.listOf(String.class)),
                value("a list of records", List.of(new Sample("a", 1, at), new Sample("b", 2, null)),
                        ValueType.listOf(Sample.class)),
                value("a list of lists", List.of(List.of(1, 2), List.of()), ValueType.listOf(ValueType.listOf(Integer.class))),
                value("a map of longs", Map.of("one", 1L, "two", 2L), ValueType.mapOf(String.class, Long.class)),
                value("a map of records", Map.of("a", new Sample("a", 1, at)), ValueType.mapOf(String.class, Sample.class)),
                value("a map of lists", nested, new ValueType<Map<String, List<Long>>>() { }),
                value("a record of collections of records",
                        new Conversation("c1", List.of(new Sample("a", 1, at)), Map.of("views", 10L)),
                        ValueType.of(Conversation.class)));
    }

    private static Arguments value(String name, Object value, ValueType<?> type) {
        return Arguments.of(Named.of(name, value), type);
    }

    static Stream<Arguments> invalidCalls() {
        String tooLong = "k".repeat(CacheInputs.MAX_KEY_LENGTH + 1);
        ValueType<String> text = ValueType.of(String.class);
        Map<String, String> nullKey = new HashMap<>();
        nullKey.put(OTHER, "replacement");
        nullKey.put(null, "replacement");
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put(EXISTING, "replacement");
        nullValue.put(OTHER, null);
        Map<String, String> emptyKey = new LinkedHashMap<>();
        emptyKey.put(EXISTING, "replacement");
        emptyKey.put(OTHER, "replacement");
        emptyKey.put("", "replacement");
        Map<String, String> longKey = new LinkedHashMap<>();
        longKey.put(OTHER, "replacement");
        longKey.put(tooLong, "replacement");
        Map<String, String> valid = Map.of(EXISTING, "replacement", OTHER, "replacement");
        return Stream.of(
                invalid("get(null, type)", "key", s -> s.get(null, text)),
                invalid("get(\"\", type)", "key", s -> s.get("", text)),
                invalid("get(too long key, type)", "key", s -> s.get(tooLong, text)),
                invalid("get(key, null ValueType)", "type", s -> s.get(EXISTING, (ValueType<String>) null)),
                invalid("get(key, null Class)", "type", s -> s.get(EXISTING, (Class<String>) null)),
                invalid("getEntry(null, type)", "key", s -> s.getEntry(null, text)),
                invalid("getEntry(too long key, type)", "key", s -> s.getEntry(tooLong, text)),
                invalid("getEntry(key, null)", "type", s -> s.getEntry(EXISTING, null)),
                invalid("put(null, value)", "key", s -> s.put(null, "replacement")),
                invalid("put(\"\", value)", "key", s -> s.put("", "replacement")),
                invalid("put(too long key, value)", "key", s -> s.put(tooLong, "replacement")),
                invalid("put(key, null)", "value", s -> s.put(EXISTING, null)),
                invalid("put(null, value, ttl)", "key", s -> s.put(null, "replacement", LONG_TTL)),
                invalid("put(\"\", value, ttl)", "key", s -> s.put("", "replacement", LONG_TTL)),
                invalid("put(too long key, value, ttl)", "key", s -> s.put(tooLong, "replacement", LONG_TTL)),
                invalid("put(key, null, ttl)", "value", s -> s.put(EXISTING, null, LONG_TTL)),
                invalid("put(key, value, null)", "ttl", s -> s.put(EXISTING, "replacement", null)),
                invalid("put(key, value, zero)", "ttl", s -> s.put(EXISTING, "replacement", Duration.ZERO)),
                invalid("put(key, value, negative)", "ttl", s -> s.put(EXISTING, "replacement", Duration.ofSeconds(-1))),
                invalid("put(new key, value, negative)", "ttl", s -> s.put(OTHER, "replacement", Duration.ofNanos(-1))),
                invalid("delete(null)", "key", s -> s.delete(null)),
                invalid("delete(\"\")", "key", s -> s.delete("")),
                invalid("delete(too long key)", "key", s -> s.delete(tooLong)),
                invalid("deleteMatching(null)", "pattern", s -> s.deleteMatching(null)),
                invalid("getAll(null, type)", "keys", s -> s.getAll(null, text)),
                invalid("getAll(keys with null, type)", "key", s -> s.getAll(Arrays.asList(EXISTING, null), text)),
                invalid("getAll(keys with \"\", type)", "key", s -> s.getAll(List.of(EXISTING, ""), text)),
                invalid("getAll(keys, null)", "type", s -> s.getAll(List.of(EXISTING), null)),
                invalid("putAll(null, ttl)", "entries", s -> s.putAll(null, LONG_TTL)),
                invalid("putAll(entries with null key, ttl)", "key", s -> s.putAll(nullKey, LONG_TTL)),
                invalid("putAll(entries with \"\" key, ttl)", "key", s -> s.putAll(emptyKey, LONG_TTL)),
                invalid("putAll(entries with too long key, ttl)", "key", s -> s.putAll(longKey, LONG_TTL)),
                invalid("putAll(entries with null value, ttl)", "value", s -> s.putAll(nullValue, LONG_TTL)),
                invalid("putAll(entries, null)", "ttl", s -> s.putAll(valid, null)),
                invalid("putAll(entries, zero)", "ttl", s -> s.putAll(valid, Duration.ZERO)),
                invalid("putAll(entries, negative)", "ttl", s -> s.putAll(valid, Duration.ofMillis(-5))),
                invalid("getOrCompute(null, ...)", "key",
                        s -> s.getOrCompute(null, text, CacheStoreContract::mustNotLoad, LONG_TTL)),
                invalid("getOrCompute(\"\", ...)", "key",
                        s -> s.getOrCompute("", text, CacheStoreContract::mustNotLoad, LONG_TTL)),
                invalid("getOrCompute(key, null type, ...)", "type",
                        s -> s.getOrCompute(OTHER, null, CacheStoreContract::mustNotLoad, LONG_TTL)),
                invalid("getOrCompute(key, type, null loader, ttl)", "loader",
                        s -> s.getOrCompute(OTHER, text, null, LONG_TTL)),
                invalid("getOrCompute(cached key, type, null loader, ttl)", "loader",
                        s -> s.getOrCompute(EXISTING, text, null, LONG_TTL)),
                invalid("getOrCompute(key, type, loader, null)", "ttl",
                        s -> s.getOrCompute(OTHER, text, CacheStoreContract::mustNotLoad, null)),
                invalid("getOrCompute(cached key, type, loader, zero)", "ttl",
                        s -> s.getOrCompute(EXISTING, text, CacheStoreContract::mustNotLoad, Duration.ZERO)),
                invalid("addRemovalListener(null)", "listener", s -> s.addRemovalListener(null)));
    }

    private static Arguments invalid(String call, String argument, Consumer<CacheStore> action) {
        return Arguments.of(Named.of(call, action), argument);
    }

    private static String mustNotLoad() {
        throw new AssertionError("the loader must not run when an argument is refused");
    }
}

package io.chatcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.RemovalCause;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store under test and the hooks of the contract suite, in one place: every group of the suite
 * ({@link ReadWriteContract}, {@link ExpiryContract}, {@link InputValidationContract},
 * {@link BulkOperationsContract}, {@link PatternDeleteAndClearContract}, {@link LoadingContract},
 * {@link StatisticsContract}, {@link RemovalListenerContract}, {@link ConcurrencyContract}) runs on a
 * test class that extends this. {@link CacheStoreContract} extends it and runs all groups; to run some
 * groups only, extend this class and implement those:
 *
 * <pre>{@code
 * class MyStoreExpiryTest extends CacheStoreFixture implements ExpiryContract {
 *     @Override
 *     protected CacheStore createStore() {
 *         return new MyStore(...);
 *     }
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * Before each test the fixture calls {@link #createStore()} and then {@link CacheStore#clear()}, so a
 * store may share a backend with earlier tests; after each test it closes the store. Tests use fixed
 * keys, so a store whose backend is shared with tests running in parallel must isolate itself (a Redis
 * store: a namespace of its own per test class).
 *
 * <h2>Hooks</h2>
 * Only {@link #createStore()} must be written. Override the others only where the store legitimately
 * differs:
 * <ul>
 *   <li>{@link #shortTtl()}, {@link #expiryTimeout()}, {@link #advanceTime(Duration)}: time. Expiry
 *       tests write entries with {@link #shortTtl()} and wait (with Awaitility, polling, never sleeping)
 *       up to {@link #expiryTimeout()} for them to read as absent. A store on a {@link ManualTicker}
 *       overrides {@link #advanceTime(Duration)} to advance the ticker, and the waits end at once.</li>
 *   <li>{@link #reportedRemovalCauses()}: which causes reach removal listeners (a Redis store cannot see
 *       expiry, eviction or replacement inside the server). For a cause not reported, the suite checks
 *       that the listener hears nothing instead.</li>
 *   <li>{@link #reportsRemainingTtl()}: whether {@link CacheStore#getEntry} tells the remaining TTL, or
 *       reports {@link CacheStore#NO_EXPIRY} as the port's default implementation does.</li>
 *   <li>{@link #valueTooLargeToStore()}: a value the store refuses for its size, if it has a limit.</li>
 * </ul>
 * Each group's Javadoc lists the hooks it consults.
 *
 * <p>Values used by the suite are strings, numbers, lists, maps and the public records
 * {@link CacheStoreContract.Sample} and {@link CacheStoreContract.Conversation}, so stores that
 * serialise (with Jackson, say) can rebuild every one of them.
 */
public abstract class CacheStoreFixture {

    private CacheStore store;

    /** For subclasses. */
    protected CacheStoreFixture() {
    }

    /**
     * A new store for one test. The suite clears it before the test and closes it afterwards. It must hold
     * at least 1,000 entries without evicting (one test writes 400) and accept values of the types in
     * the class description: strings, numbers, lists, maps, {@link CacheStoreContract.Sample} and
     * {@link CacheStoreContract.Conversation}.
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
     * The store of the current test, for the groups and for tests a subclass adds.
     *
     * @return the store created by {@link #createStore()} for this test
     */
    public final CacheStore store() {
        return store;
    }

    /**
     * This fixture, through which the groups reach the hooks.
     *
     * @return this
     */
    public final CacheStoreFixture fixture() {
        return this;
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

    /** Lets twice {@link #shortTtl()} pass for the store (nothing on real time: the wait lets it pass). */
    final void letShortTtlElapse() {
        advanceTime(shortTtl().multipliedBy(2));
    }

    /** A wait of up to {@link #expiryTimeout()} for an entry written with {@link #shortTtl()} to go. */
    final ConditionFactory awaitExpiry() {
        return Awaitility.await("entry written with TTL " + shortTtl() + " to read as absent")
                .atMost(expiryTimeout())
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10));
    }

    /**
     * Checks the entry right after writing it; a slow machine may have let its short TTL pass already,
     * and only then is absence acceptable.
     */
    final void assertPresentUnlessShortTtlElapsed(String key, String expected, long writtenAtNanos) {
        Optional<String> read = store.get(key, String.class);
        long elapsed = System.nanoTime() - writtenAtNanos;
        if (read.isEmpty() && elapsed < shortTtl().toNanos()) {
            fail("%s read as absent %d ms after being written with TTL %s", key,
                    Duration.ofNanos(elapsed).toMillis(), shortTtl());
        }
        read.ifPresent(value -> assertThat(value).isEqualTo(expected));
    }
}

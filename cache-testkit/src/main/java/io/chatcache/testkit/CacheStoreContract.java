package io.chatcache.testkit;

import io.chatcache.core.CacheStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The behaviour every {@link CacheStore} promises, as a JUnit 5 suite: all groups of the contract in one
 * type. The memory, Redis and hybrid stores all pass it; run it against a store of your own by extending
 * this class:
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
 * <p>The hooks to override where a store legitimately differs (time, reported removal causes, remaining
 * TTLs, a size limit) and the lifecycle are described in {@link CacheStoreFixture}. The groups, each a
 * test interface whose Javadoc says what it demands:
 * <ul>
 *   <li>{@link ReadWriteContract}: get, getEntry, put, delete and close of single keys, for every kind of
 *       value; values of the wrong type read as misses.</li>
 *   <li>{@link ExpiryContract}: TTLs, remaining TTLs, expired entries gone for every operation.</li>
 *   <li>{@link InputValidationContract}: bad arguments refused, naming the argument, before anything
 *       changes.</li>
 *   <li>{@link BulkOperationsContract}: getAll, getEntries and putAll, all or nothing as far as input goes.</li>
 *   <li>{@link PatternDeleteAndClearContract}: deleteMatching by glob, literal and prefix, and clear.</li>
 *   <li>{@link LoadingContract}: getOrLoad.</li>
 *   <li>{@link StatisticsContract}: hits, misses, hit rate, entry count.</li>
 *   <li>{@link RemovalListenerContract}: which removals listeners hear, with which cause.</li>
 *   <li>{@link ConcurrencyContract}: use from several threads.</li>
 * </ul>
 * To run some groups only, extend {@link CacheStoreFixture} and implement those groups instead.
 */
public abstract class CacheStoreContract extends CacheStoreFixture implements ReadWriteContract, ExpiryContract,
        InputValidationContract, BulkOperationsContract, PatternDeleteAndClearContract, LoadingContract,
        StatisticsContract, RemovalListenerContract, ConcurrencyContract {

    /** For subclasses. */
    protected CacheStoreContract() {
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
}

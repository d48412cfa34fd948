package io.chatcache.testkit;

import io.chatcache.core.CacheStore;

/**
 * One group of the {@link CacheStoreContract} suite: JUnit 5 tests, as default methods, of one concern
 * of the {@link CacheStore} port. A group runs on a test class that extends {@link CacheStoreFixture},
 * which creates, clears and closes the store around each test and holds the hooks a store overrides;
 * that class provides both methods here.
 *
 * <p>The groups: {@link ReadWriteContract}, {@link ExpiryContract}, {@link InputValidationContract},
 * {@link BulkOperationsContract}, {@link PatternDeleteAndClearContract}, {@link LoadingContract},
 * {@link StatisticsContract}, {@link RemovalListenerContract} and {@link ConcurrencyContract}.
 */
public interface ContractGroup {

    /**
     * The store of the current test.
     *
     * @return the store {@link CacheStoreFixture#createStore()} made for this test
     */
    CacheStore store();

    /**
     * The fixture of the test class, whose hooks the group consults.
     *
     * @return the fixture, normally the test instance itself
     */
    CacheStoreFixture fixture();
}

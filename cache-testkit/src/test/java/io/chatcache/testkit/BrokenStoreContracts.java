package io.chatcache.testkit;

import io.chatcache.core.CacheStore;
import java.time.Duration;

/**
 * The suite applied to stores with one deliberate bug each: the whole suite, and the one group that owns
 * the bug's concern, run alone. Never run directly (surefire excludes this file):
 * {@link ContractCatchesBrokenStoresTest} runs them and expects failures.
 */
final class BrokenStoreContracts {

    private BrokenStoreContracts() {
    }

    /** A store with the given flaw on a ManualTicker, so the failing runs stay fast. */
    abstract static class Broken extends CacheStoreContract {
        private final ManualTicker ticker = new ManualTicker();

        abstract ReferenceCacheStore.Flaw flaw();

        @Override
        protected CacheStore createStore() {
            return new ReferenceCacheStore(ticker, flaw());
        }

        @Override
        protected void advanceTime(Duration duration) {
            ticker.advance(duration);
        }

        @Override
        protected Duration expiryTimeout() {
            return Duration.ofMillis(200);
        }
    }

    static class IgnoresTtl extends Broken {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.IGNORES_TTL;
        }
    }

    static class WritesBeforeValidating extends Broken {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.WRITES_BEFORE_VALIDATING;
        }
    }

    static class ThrowsOnWrongType extends Broken {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.THROWS_ON_WRONG_TYPE;
        }
    }

    static class PatternAsPrefix extends Broken {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.PATTERN_AS_PREFIX;
        }
    }

    static class KeepsClosedListeners extends Broken {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.KEEPS_CLOSED_LISTENERS;
        }
    }

    static class ReportsFullTtl extends Broken {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.REPORTS_FULL_TTL;
        }
    }

    /** A store with the given flaw on a ManualTicker, for one group of the suite run alone. */
    abstract static class BrokenForOneGroup extends CacheStoreFixture {
        private final ManualTicker ticker = new ManualTicker();

        abstract ReferenceCacheStore.Flaw flaw();

        @Override
        protected CacheStore createStore() {
            return new ReferenceCacheStore(ticker, flaw());
        }

        @Override
        protected void advanceTime(Duration duration) {
            ticker.advance(duration);
        }

        @Override
        protected Duration expiryTimeout() {
            return Duration.ofMillis(200);
        }
    }

    static class IgnoresTtlForExpiry extends BrokenForOneGroup implements ExpiryContract {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.IGNORES_TTL;
        }
    }

    static class WritesBeforeValidatingForInputValidation extends BrokenForOneGroup
            implements InputValidationContract {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.WRITES_BEFORE_VALIDATING;
        }
    }

    static class WritesBeforeValidatingForBulkOperations extends BrokenForOneGroup
            implements BulkOperationsContract {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.WRITES_BEFORE_VALIDATING;
        }
    }

    static class ThrowsOnWrongTypeForReadWrite extends BrokenForOneGroup implements ReadWriteContract {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.THROWS_ON_WRONG_TYPE;
        }
    }

    static class PatternAsPrefixForPatternDelete extends BrokenForOneGroup implements PatternDeleteAndClearContract {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.PATTERN_AS_PREFIX;
        }
    }

    static class KeepsClosedListenersForRemovalListener extends BrokenForOneGroup
            implements RemovalListenerContract {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.KEEPS_CLOSED_LISTENERS;
        }
    }

    static class ReportsFullTtlForExpiry extends BrokenForOneGroup implements ExpiryContract {
        @Override
        ReferenceCacheStore.Flaw flaw() {
            return ReferenceCacheStore.Flaw.REPORTS_FULL_TTL;
        }
    }
}

package io.chatcache.testkit.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import io.chatcache.core.CacheStore;
import io.chatcache.testkit.BulkOperationsContract;
import io.chatcache.testkit.CacheStoreFixture;
import io.chatcache.testkit.ConcurrencyContract;
import io.chatcache.testkit.ExpiryContract;
import io.chatcache.testkit.InputValidationContract;
import io.chatcache.testkit.LoadingContract;
import io.chatcache.testkit.ManualTicker;
import io.chatcache.testkit.PatternDeleteAndClearContract;
import io.chatcache.testkit.ReadWriteContract;
import io.chatcache.testkit.ReferenceCacheStore;
import io.chatcache.testkit.RemovalListenerContract;
import io.chatcache.testkit.StatisticsContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Each group of the contract runs alone, on a {@link CacheStoreFixture} subclass in a user's package, and
 * the groups together are the whole contract: every test of {@code CacheStoreContract} is in exactly one
 * group, and none is lost or run twice.
 */
class ContractGroupsTest {

    /** The reference store on a ManualTicker, as a user's fixture would set it up. */
    abstract static class OnReferenceStore extends CacheStoreFixture {
        private final ManualTicker ticker = new ManualTicker();

        @Override
        protected CacheStore createStore() {
            return new ReferenceCacheStore(ticker, ReferenceCacheStore.Flaw.NONE);
        }

        @Override
        protected void advanceTime(Duration duration) {
            ticker.advance(duration);
        }

        @Override
        protected Duration expiryTimeout() {
            return Duration.ofMillis(500);
        }
    }

    static class ReadWriteOnly extends OnReferenceStore implements ReadWriteContract {
    }

    static class ExpiryOnly extends OnReferenceStore implements ExpiryContract {
    }

    static class InputValidationOnly extends OnReferenceStore implements InputValidationContract {
    }

    static class BulkOperationsOnly extends OnReferenceStore implements BulkOperationsContract {
    }

    static class PatternDeleteAndClearOnly extends OnReferenceStore implements PatternDeleteAndClearContract {
    }

    static class LoadingOnly extends OnReferenceStore implements LoadingContract {
    }

    static class StatisticsOnly extends OnReferenceStore implements StatisticsContract {
    }

    static class RemovalListenerOnly extends OnReferenceStore implements RemovalListenerContract {
    }

    static class ConcurrencyOnly extends OnReferenceStore implements ConcurrencyContract {
    }

    private static final List<Class<?>> GROUPS_ALONE = List.of(ReadWriteOnly.class, ExpiryOnly.class,
            InputValidationOnly.class, BulkOperationsOnly.class, PatternDeleteAndClearOnly.class, LoadingOnly.class,
            StatisticsOnly.class, RemovalListenerOnly.class, ConcurrencyOnly.class);

    @Test
    void eachGroupRunsAloneAndTheGroupsTogetherAreTheWholeContract() {
        Run whole = Run.of(ReferenceStoreOnManualTickerContractTest.class);
        assertThat(whole.failed).as("failures of the whole contract").isEmpty();

        Map<Class<?>, Run> groups = new LinkedHashMap<>();
        for (Class<?> group : GROUPS_ALONE) {
            Run run = Run.of(group);
            assertThat(run.tests).as("tests of %s", group.getSimpleName()).isPositive();
            assertThat(run.failed).as("failures of %s", group.getSimpleName()).isEmpty();
            groups.put(group, run);
        }

        assertThat(groups.values().stream().mapToLong(run -> run.tests).sum())
                .as("tests of the groups run one by one").isEqualTo(whole.tests);
        Set<String> seen = new HashSet<>();
        for (Map.Entry<Class<?>, Run> group : groups.entrySet()) {
            for (String method : group.getValue().methods) {
                assertThat(seen.add(method)).as("%s is in %s and an earlier group", method,
                        group.getKey().getSimpleName()).isTrue();
            }
        }
        assertThat(seen).as("test methods of all groups").isEqualTo(whole.methods);
    }

    /** What one launch of a test class found: how many tests, their methods, and which failed. */
    private static final class Run implements TestExecutionListener {
        long tests;
        final Set<String> methods = new HashSet<>();
        final List<String> failed = new ArrayList<>();

        static Run of(Class<?> testClass) {
            Run run = new Run();
            LauncherFactory.create().execute(request().selectors(selectClass(testClass)).build(), run);
            return run;
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (!test.isTest()) {
                return;
            }
            tests++;
            test.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                    .ifPresent(source -> methods.add(source.getMethodName()));
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                failed.add(test.getLegacyReportingName() + ": " + result.getThrowable().orElse(null));
            }
        }
    }
}

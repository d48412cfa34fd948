package io.chatcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** A contract suite that passes everything proves nothing: each deliberate bug must fail it. */
class ContractCatchesBrokenStoresTest {

    static Stream<Arguments> brokenStores() {
        return Stream.of(
                broken(BrokenStoreContracts.IgnoresTtl.class, "entryReadsAsAbsentOnceItsTtlElapses"),
                broken(BrokenStoreContracts.WritesBeforeValidating.class,
                        "badInputIsRefusedNamingTheArgumentBeforeAnythingChanges"),
                broken(BrokenStoreContracts.WritesBeforeValidating.class, "aRefusedPutAllLeavesTheStoreAsItWas"),
                broken(BrokenStoreContracts.ThrowsOnWrongType.class,
                        "valueNotReadableAsTheRequestedTypeReadsAsAMissAndCountsAnError"),
                broken(BrokenStoreContracts.PatternAsPrefix.class, "deleteMatchingRemovesExactlyTheMatchingKeys"),
                broken(BrokenStoreContracts.KeepsClosedListeners.class, "closedSubscriptionHearsNothingMore"),
                broken(BrokenStoreContracts.ReportsFullTtl.class, "remainingTtlShrinksAsTimePasses"));
    }

    /** The same flaws, each run through the one group of the suite that owns its concern. */
    static Stream<Arguments> brokenStoresForOneGroup() {
        return Stream.of(
                broken(BrokenStoreContracts.IgnoresTtlForExpiry.class, "entryReadsAsAbsentOnceItsTtlElapses"),
                broken(BrokenStoreContracts.WritesBeforeValidatingForInputValidation.class,
                        "badInputIsRefusedNamingTheArgumentBeforeAnythingChanges"),
                broken(BrokenStoreContracts.WritesBeforeValidatingForBulkOperations.class,
                        "aRefusedPutAllLeavesTheStoreAsItWas"),
                broken(BrokenStoreContracts.ThrowsOnWrongTypeForReadWrite.class,
                        "valueNotReadableAsTheRequestedTypeReadsAsAMissAndCountsAnError"),
                broken(BrokenStoreContracts.PatternAsPrefixForPatternDelete.class,
                        "deleteMatchingRemovesExactlyTheMatchingKeys"),
                broken(BrokenStoreContracts.KeepsClosedListenersForRemovalListener.class,
                        "closedSubscriptionHearsNothingMore"),
                broken(BrokenStoreContracts.ReportsFullTtlForExpiry.class, "remainingTtlShrinksAsTimePasses"));
    }

    private static Arguments broken(Class<?> contract, String expectedFailure) {
        return Arguments.of(Named.of(contract.getSimpleName(), contract), expectedFailure);
    }

    @ParameterizedTest(name = "{0} fails {1}")
    @MethodSource("brokenStores")
    void contractFailsABrokenStore(Class<?> contract, String expectedFailure) {
        TestExecutionSummary result = runExpectingFailure(contract, expectedFailure);
        assertThat(result.getTestsFoundCount()).as("tests found").isGreaterThan(100);
    }

    @ParameterizedTest(name = "{0} fails {1}")
    @MethodSource("brokenStoresForOneGroup")
    void theGroupOfTheConcernAloneFailsABrokenStore(Class<?> contract, String expectedFailure) {
        TestExecutionSummary result = runExpectingFailure(contract, expectedFailure);
        assertThat(result.getTestsFoundCount()).as("tests found").isPositive().isLessThan(100);
    }

    private static TestExecutionSummary runExpectingFailure(Class<?> contract, String expectedFailure) {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        List<String> failed = new ArrayList<>();
        TestExecutionListener failures = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failed.add(test.getLegacyReportingName());
                }
            }
        };

        LauncherFactory.create().execute(request().selectors(selectClass(contract)).build(), summary, failures);

        TestExecutionSummary result = summary.getSummary();
        assertThat(result.getTotalFailureCount()).as("failures").isPositive();
        assertThat(failed).anySatisfy(name -> assertThat(name).startsWith(expectedFailure));
        return result;
    }
}

package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.chat.L2Gateway.Result;
import io.chatcache.chat.L2Gateway.Skip;
import io.chatcache.chat.L2Gateway.Timing;
import io.chatcache.core.SerializationException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The breaker's slow-call rule, the bulkhead and the one-at-a-time probe, on a fake L2 and a manual clock. */
class L2GatewayTest {

    private static final Duration OPEN = Duration.ofSeconds(1);
    private static final Duration SLOW = Duration.ofMillis(300);

    private final AtomicLong clock = new AtomicLong();
    /** Threads of their own: the common pool has a single thread on a 2-core machine. */
    private final ExecutorService callers = Executors.newFixedThreadPool(4);
    private final FakeStore l2 = new FakeStore(clock);

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    private L2Gateway gateway(int maxConcurrentCalls) {
        return new L2Gateway("test L2", 3, OPEN, SLOW, maxConcurrentCalls, clock::get);
    }

    /** A hook that counts {@code entered} down and holds the call until {@code release} opens. */
    private static Runnable blockUntil(CountDownLatch entered, CountDownLatch release) {
        return () -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private static Result<Optional<String>> read(L2Gateway gateway, FakeStore store) {
        return gateway.call(store, Timing.SINGLE, s -> s.get("k", String.class));
    }

    @Test
    void answersSlowerThanTheThresholdAreUsedButOpenTheBreaker() {
        L2Gateway gateway = gateway(8);
        l2.put("k", "v", Duration.ofHours(1));
        l2.onEveryCall(() -> clock.addAndGet(Duration.ofMillis(400).toNanos()));

        for (int i = 0; i < 3; i++) {
            Result<Optional<String>> slow = read(gateway, l2);
            assertThat(slow.answered()).isTrue();
            assertThat(slow.value()).contains("v");
        }

        assertThat(gateway.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(gateway.slowCalls()).isEqualTo(3);
        long calls = l2.calls();
        assertThat(read(gateway, l2).skipped()).isEqualTo(Skip.BREAKER_OPEN);
        assertThat(l2.calls()).as("no call while open").isEqualTo(calls);
    }

    @Test
    void scansAreNotTimed() {
        L2Gateway gateway = gateway(8);
        l2.onEveryCall(() -> clock.addAndGet(Duration.ofSeconds(2).toNanos()));

        for (int i = 0; i < 5; i++) {
            gateway.call(l2, Timing.SCAN, s -> {
                s.clear();
                return null;
            });
        }

        assertThat(gateway.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void theBulkheadTurnsAwayCallersBeyondItsSizeAtOnceWithoutOpeningTheBreaker() throws Exception {
        L2Gateway gateway = gateway(2);
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        l2.onEveryCall(blockUntil(inside, release));
        CompletableFuture<Result<Optional<String>>> first = CompletableFuture.supplyAsync(() -> read(gateway, l2), callers);
        CompletableFuture<Result<Optional<String>>> second = CompletableFuture.supplyAsync(() -> read(gateway, l2), callers);
        assertThat(inside.await(30, TimeUnit.SECONDS)).as("two callers waiting on L2").isTrue();

        Result<Optional<String>> third = read(gateway, l2);

        assertThat(third.skipped()).isEqualTo(Skip.BULKHEAD_FULL);
        assertThat(gateway.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS).answered()).isTrue();
        assertThat(second.get(30, TimeUnit.SECONDS).answered()).isTrue();
        l2.onEveryCall(null);
        assertThat(read(gateway, l2).answered()).as("room again").isTrue();
        assertThat(gateway.skips()).isEqualTo(1);
    }

    @Test
    void halfOpenLetsOneProbeThroughAndItsSuccessReopensL2() throws Exception {
        L2Gateway gateway = gateway(8);
        l2.setDown(true);
        for (int i = 0; i < 3; i++) {
            assertThat(read(gateway, l2).skipped()).isEqualTo(Skip.UNAVAILABLE);
        }
        assertThat(gateway.state()).isEqualTo(CircuitBreaker.State.OPEN);
        l2.setDown(false);
        clock.addAndGet(OPEN.toNanos());
        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        l2.onEveryCall(blockUntil(probing, release));
        CompletableFuture<Result<Optional<String>>> probe = CompletableFuture.supplyAsync(() -> read(gateway, l2), callers);
        assertThat(probing.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(read(gateway, l2).skipped()).as("one probe at a time").isEqualTo(Skip.BREAKER_OPEN);
        release.countDown();
        Result<Optional<String>> answer = probe.get(30, TimeUnit.SECONDS);

        assertThat(answer.answered()).isTrue();
        assertThat(answer.reopened()).as("the caller recovers").isTrue();
        assertThat(gateway.closed()).isTrue();
    }

    @Test
    void theBackgroundProbeDoesNotWaitOutTheOpenDurationAndIsNobodysFailure() {
        L2Gateway gateway = gateway(8);
        l2.setDown(true);
        for (int i = 0; i < 3; i++) {
            read(gateway, l2);
        }
        assertThat(gateway.state()).isEqualTo(CircuitBreaker.State.OPEN);

        // The clock has not moved: a caller is refused, the probe goes.
        assertThat(read(gateway, l2).skipped()).isEqualTo(Skip.BREAKER_OPEN);
        assertThat(gateway.probe(l2, s -> s.get("probe", String.class)).skipped()).isEqualTo(Skip.UNAVAILABLE);
        assertThat(gateway.state()).as("a failed probe opens it again").isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(gateway.failures()).as("the callers' three failures only").isEqualTo(3);
        assertThat(gateway.skips()).as("the refused caller only").isEqualTo(1);
        l2.setDown(false);

        Result<Void> answer = gateway.probe(l2, s -> s.get("probe", String.class));

        assertThat(answer.answered()).isTrue();
        assertThat(answer.reopened()).as("the store recovers").isTrue();
        assertThat(gateway.closed()).isTrue();
    }

    @Test
    void theBackgroundProbeTakesNoTurnWhileACallersProbeIsInFlight() throws Exception {
        L2Gateway gateway = gateway(8);
        l2.setDown(true);
        for (int i = 0; i < 3; i++) {
            read(gateway, l2);
        }
        l2.setDown(false);
        clock.addAndGet(OPEN.toNanos());
        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        l2.onEveryCall(blockUntil(probing, release));
        CompletableFuture<Result<Optional<String>>> callersProbe =
                CompletableFuture.supplyAsync(() -> read(gateway, l2), callers);
        assertThat(probing.await(30, TimeUnit.SECONDS)).isTrue();
        long calls = l2.calls();

        assertThat(gateway.probe(l2, s -> s.get("probe", String.class)).skipped()).isEqualTo(Skip.BREAKER_OPEN);

        assertThat(l2.calls()).as("one probe at a time").isEqualTo(calls);
        release.countDown();
        assertThat(callersProbe.get(30, TimeUnit.SECONDS).reopened()).isTrue();
    }

    @Test
    void aProbeThatFindsAValueOfAnotherTypeFoundL2Answering() {
        L2Gateway gateway = gateway(8);
        l2.setDown(true);
        for (int i = 0; i < 3; i++) {
            read(gateway, l2);
        }
        l2.setDown(false);

        Result<Void> answer = gateway.probe(l2, s -> {
            throw new SerializationException("the probe's key holds a number");
        });

        assertThat(answer.reopened()).isTrue();
        assertThat(gateway.closed()).isTrue();
    }
}

package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import io.chatcache.testkit.redis.fault.AvailabilityWatch;
import io.chatcache.testkit.redis.fault.CallLog;
import io.chatcache.testkit.redis.fault.Fault;
import io.chatcache.testkit.redis.fault.FaultLoad;
import io.chatcache.testkit.redis.fault.FaultReport;
import io.chatcache.testkit.redis.fault.VersionedCache;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault suite: two HYBRID service instances, each with its own Redisson client (two clients in this JVM; the
 * fault benchmark in {@code cache-bench} runs the reader in a JVM of its own), on one {@code redis-server} that the
 * harness breaks while a writer writes growing versions of 50 keys and a reader reads them. The callers must never
 * see an exception; once Redis is back no read may be more stale than the heartbeat interval (the issue asks for
 * the interval plus a second; staleness counted from the later of the overwrite and the recovery, see
 * {@link FaultReport}); a hang must open both instances' breakers within two seconds; invalidations journaled during
 * a hang must reach Redis and the other instance once it is back, though the instance that journaled them makes no
 * call (its background probe finds Redis back). (That close counts what it could not apply is
 * {@code HybridDeadlineFaultTest}'s.) Each test is one fault, a few seconds long.
 */
class HybridFaultSuiteTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    private static final int KEYS = 50;
    /** How often each instance says it is alive on the bus: the library's default. */
    private static final Duration HEARTBEAT = HybridCacheStore.Builder.DEFAULT_HEARTBEAT_INTERVAL;
    /**
     * Staleness allowed once Redis is back. The bound is a heartbeat plus a second (a lost message shows
     * within a heartbeat); since the background probe (every 100 ms) finds Redis back without waiting for a caller,
     * the fault benchmark saw nothing more than 0.2 s stale after any single-server fault, so the suite asks for
     * one heartbeat interval (1 s), five times that, for the shared 2-core host.
     */
    private static final Duration STALENESS_BOUND = HEARTBEAT;
    /** Reads less stale than this are the normal invalidation delay, not staleness. */
    private static final Duration TOLERANCE = Duration.ofMillis(200);
    /**
     * How soon after a hang begins both instances must have given Redis up (breaker open): the issue asks for about
     * a second; doubled, because this runs on two cores shared with other builds.
     */
    private static final Duration BREAKER_BOUND = Duration.ofSeconds(2);
    private static final Duration WARM_UP = Duration.ofSeconds(2);
    private static final Duration AFTER = Duration.ofSeconds(6);

    /** What one fault did to the two instances. */
    private record Outcome(FaultReport report, Fault.Times times, long writerGaveUpNanos, long readerGaveUpNanos) {
    }

    /**
     * A HYBRID service with the library's defaults (the 300 ms operation budget, the breaker, the heartbeats),
     * except a start-up budget of 30 s instead of 5: start-up is not under test, and the shared CPU can stall it.
     */
    private static ChatCacheService hybrid(RedisServer server) {
        ChatCacheService service = ChatCacheService.builder().backend(CacheBackend.HYBRID)
                .redisEnvironment(Map.of("REDIS_URL", server.address(), "REDIS_STARTUP_TIMEOUT", "30s"))
                .maxMemorySize(10_000).build();
        await().atMost(Duration.ofSeconds(30)).until(() -> service.info().redisAvailable());
        return service;
    }

    private static VersionedCache versioned(ChatCacheService service) {
        return VersionedCache.of(service::set, key -> service.get(key, Long.class));
    }

    /** Runs the load on a fresh server, inflicts {@code fault}, keeps the load up for a while after recovery. */
    private static Outcome run(Fault fault) {
        RedisServer server = REDIS.startSingle();
        CallLog writes = new CallLog();
        CallLog reads = new CallLog();
        Fault.Times times;
        try (ChatCacheService writer = hybrid(server);
                AvailabilityWatch writerWatch = new AvailabilityWatch(() -> writer.info().redisAvailable())) {
            Set<Long> writerPubSub = Fault.pubSubConnections(server);
            try (ChatCacheService reader = hybrid(server);
                    AvailabilityWatch readerWatch = new AvailabilityWatch(() -> reader.info().redisAvailable())) {
                Set<Long> readerPubSub = Fault.awaitNewPubSubConnections(server, writerPubSub, Duration.ofSeconds(10));
                FaultLoad readLoad = FaultLoad.readers(versioned(reader), KEYS, 2, Duration.ofMillis(1), 0.1, reads);
                FaultLoad writeLoad = FaultLoad.writers(versioned(writer), KEYS, 2, Duration.ofMillis(5), writes);
                try {
                    times = fault.inflictBetween(WARM_UP, server, readerPubSub, AFTER);
                } finally {
                    writeLoad.close();
                    readLoad.close();
                }
                return new Outcome(FaultReport.of(writes, reads, times.startNanos(), times.windowEndNanos(),
                        times.recoveredNanos(), TOLERANCE), times, writerWatch.firstLossAfter(times.startNanos()),
                        readerWatch.firstLossAfter(times.startNanos()));
            }
        }
    }

    private static void assertNoCallerSawAnException(Outcome outcome) {
        assertThat(outcome.report().failedWrites()).as("writes that threw").isZero();
        assertThat(outcome.report().failedReads()).as("reads that threw").isZero();
    }

    private static void assertNothingStaleOnceRedisIsBack(Outcome outcome) {
        assertThat(outcome.report().readsAfterRecovery()).as("reads judged after recovery").isPositive();
        assertThat(outcome.report().readsStalerThan(STALENESS_BOUND))
                .as("reads more than %s ms stale after recovery (%s)", STALENESS_BOUND.toMillis(), outcome.report())
                .isZero();
    }

    @Test
    void aFiveSecondHangThrowsAtNoCallerAndLeavesNothingStaleAfterwards() {
        Outcome outcome = run(Fault.PAUSE_5S);

        assertNoCallerSawAnException(outcome);
        assertNothingStaleOnceRedisIsBack(outcome);
        assertBothGaveRedisUpWithin(BREAKER_BOUND, outcome);
    }

    private static void assertBothGaveRedisUpWithin(Duration bound, Outcome outcome) {
        long start = outcome.times().startNanos();
        assertThat(outcome.writerGaveUpNanos()).as("the writer's breaker opened").isPositive();
        assertThat(outcome.readerGaveUpNanos()).as("the reader's breaker opened").isPositive();
        assertThat(Duration.ofNanos(outcome.writerGaveUpNanos() - start)).as("writer: fault to breaker open")
                .isLessThanOrEqualTo(bound);
        assertThat(Duration.ofNanos(outcome.readerGaveUpNanos() - start)).as("reader: fault to breaker open")
                .isLessThanOrEqualTo(bound);
    }

    @Test
    void aFifteenSecondHangThrowsAtNoCallerAndLeavesNothingStaleAfterwards() {
        Outcome outcome = run(Fault.PAUSE_15S);

        assertNoCallerSawAnException(outcome);
        assertNothingStaleOnceRedisIsBack(outcome);
        assertBothGaveRedisUpWithin(BREAKER_BOUND, outcome);
    }

    @Test
    void aKillAndAnEmptyRestartThrowAtNoCallerAndLeaveNothingStaleAfterwards() {
        Outcome outcome = run(Fault.KILL_AND_RESTART);

        assertNoCallerSawAnException(outcome);
        assertNothingStaleOnceRedisIsBack(outcome);
    }

    @Test
    void invalidationsJournaledDuringAHangReachRedisAndTheOtherInstanceOnceItIsBackThoughTheWriterIsIdle() {
        RedisServer server = REDIS.startSingle();
        List<String> keys = IntStream.range(0, 10).mapToObj(i -> "journaled:" + i).toList();
        try (ChatCacheService writer = hybrid(server); ChatCacheService reader = hybrid(server)) {
            keys.forEach(key -> writer.set(key, 1L));
            keys.forEach(key -> assertThat(reader.get(key, Long.class)).contains(1L));
            server.pause();
            try {
                AtomicInteger probes = new AtomicInteger();
                await().atMost(BREAKER_BOUND.multipliedBy(5)).until(() -> {
                    writer.get("probe:" + probes.incrementAndGet(), Long.class);
                    return !writer.info().redisAvailable();
                });
                keys.forEach(writer::delete);
                assertThat(keys).allSatisfy(key -> assertThat(writer.get(key, Long.class)).isEmpty());
            } finally {
                server.resume();
            }

            // The writer stays idle: no call of a caller finds Redis back; its background probe does, and replays.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(writer.info().redisAvailable()).as("the writer uses Redis again").isTrue();
                assertThat(keys).allSatisfy(key -> assertThat(server.cli("EXISTS", "chatcache:" + key))
                        .as("%s in Redis", key).isEqualTo("0"));
                assertThat(keys).allSatisfy(key -> assertThat(reader.get(key, Long.class))
                        .as("%s on the other instance", key).isEmpty());
            });
        }
    }

    @Test
    void aDroppedPubSubConnectionOfTheReaderLeavesNothingStale() {
        Outcome outcome = run(Fault.KILL_READER_PUBSUB);

        assertNoCallerSawAnException(outcome);
        assertNothingStaleOnceRedisIsBack(outcome);
    }
}

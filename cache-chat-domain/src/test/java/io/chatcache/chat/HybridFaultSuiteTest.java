package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import io.chatcache.testkit.redis.fault.AvailabilityWatch;
import io.chatcache.testkit.redis.fault.CallLog;
import io.chatcache.testkit.redis.fault.Fault;
import io.chatcache.testkit.redis.fault.FaultLoad;
import io.chatcache.testkit.redis.fault.FaultReport;
import io.chatcache.testkit.redis.fault.VersionedCache;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault suite: two HYBRID service instances, each with its own Redisson client (two clients in this JVM; the
 * fault benchmark in {@code cache-bench} runs the reader in a JVM of its own), on one {@code redis-server} that the
 * harness breaks while a writer writes growing versions of 50 keys and a reader reads them. The callers must never
 * see an exception, and once Redis is back no read may be more stale than the heartbeat interval plus a second.
 * Each test is one fault, a few seconds long.
 */
class HybridFaultSuiteTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    private static final int KEYS = 50;
    /** How often each instance says it is alive on the bus: the library's default. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** Staleness allowed once Redis is back: a lost message shows within a heartbeat, plus a second. */
    private static final Duration STALENESS_BOUND = HEARTBEAT.plusSeconds(1);
    /** Reads less stale than this are the normal invalidation delay, not staleness. */
    private static final Duration TOLERANCE = Duration.ofMillis(200);
    /**
     * How long after the server is back an instance may still serve L1 as during the outage: a hang opens the
     * breaker, and while it is open L1 serves (what it holds may be as old as the outage); the next probe, at
     * most an open duration later, finds Redis back within one operation budget. Staleness is judged from then.
     */
    private static final Duration KNOWS_REDIS_IS_BACK = HybridCacheStore.Builder.DEFAULT_OPEN_DURATION
            .plus(io.chatcache.redis.RedisConfig.DEFAULT_TIMEOUT);
    private static final Duration WARM_UP = Duration.ofSeconds(2);
    private static final Duration AFTER = Duration.ofSeconds(6);

    /** What one fault did to the two instances. */
    private record Outcome(FaultReport report, Fault.Times times, long writerGaveUpNanos, long readerGaveUpNanos) {
    }

    private static ChatCacheService hybrid(RedisServer server) {
        return ChatCacheService.builder().backend(CacheBackend.HYBRID)
                .redisEnvironment(Map.of("REDIS_URL", server.address())).maxMemorySize(10_000).build();
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
                        times.recoveredNanos() + KNOWS_REDIS_IS_BACK.toNanos(), TOLERANCE), times, writerWatch.firstLossAfter(times.startNanos()),
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
    }

    @Test
    void aKillAndAnEmptyRestartThrowAtNoCaller() {
        Outcome outcome = run(Fault.KILL_AND_RESTART);

        assertNoCallerSawAnException(outcome);
    }

    @Test
    void aDroppedPubSubConnectionOfTheReaderLeavesNothingStale() {
        Outcome outcome = run(Fault.KILL_READER_PUBSUB);

        assertNoCallerSawAnException(outcome);
        assertNothingStaleOnceRedisIsBack(outcome);
    }
}

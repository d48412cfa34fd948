package io.chatcache.testkit.redis.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultReportTest {

    private static final long MS = 1_000_000;

    private static Call write(int key, long version, long startMs, long endMs) {
        return new Call(Call.Kind.WRITE, key, version, startMs * MS, endMs * MS, false);
    }

    private static Call read(int key, long version, long startMs, long endMs) {
        return new Call(Call.Kind.READ, key, version, startMs * MS, endMs * MS, false);
    }

    @Test
    void aReadIsAsStaleAsTheAckOfTheFirstNewerVersionIsOld() {
        CallLog writes = new CallLog();
        writes.add(write(0, 1, 0, 1));
        writes.add(write(0, 2, 100, 101));
        writes.add(write(0, 3, 200, 201));
        CallLog reads = new CallLog();
        reads.add(read(0, 1, 1101, 1102));      // version 2 acked at 101: 1000 ms stale
        reads.add(read(0, 2, 250, 251));        // version 3 acked at 201: 49 ms, within tolerance
        reads.add(read(0, 3, 300, 301));        // the newest: fresh
        reads.add(read(0, Call.ABSENT, 400, 401)); // a miss is never stale
        reads.add(read(0, 1, 50, 51));          // before recovery: not judged

        FaultReport report = FaultReport.of(writes, reads, 0, 100 * MS, 60 * MS, Duration.ofMillis(100));

        assertThat(report.readsAfterRecovery()).isEqualTo(3);
        assertThat(report.staleReads()).isEqualTo(1);
        assertThat(report.maxStalenessNanos()).isEqualTo(1000 * MS);
        assertThat(report.readsStalerThan(Duration.ofMillis(999))).isEqualTo(1);
        assertThat(report.readsStalerThan(Duration.ofSeconds(1))).isZero();
        assertThat(report.lastStaleReadNanos()).isEqualTo((1101 - 60) * MS);
    }

    @Test
    void stalenessCountsFromTheRecoveryAtTheEarliest() {
        CallLog writes = new CallLog();
        writes.add(write(0, 1, 0, 1));
        writes.add(write(0, 2, 100, 101));   // acknowledged during the fault
        CallLog reads = new CallLog();
        reads.add(read(0, 1, 1500, 1501));   // 500 ms after the recovery at 1000, not 1399 ms after the ack
        reads.add(read(0, 1, 900, 901));     // during the fault: not judged

        FaultReport report = FaultReport.of(writes, reads, 50 * MS, 1000 * MS, 1000 * MS, Duration.ofMillis(100));

        assertThat(report.readsAfterRecovery()).isEqualTo(1);
        assertThat(report.maxStalenessNanos()).isEqualTo(500 * MS);
    }

    @Test
    void failedWritesAreNotAcknowledged() {
        CallLog writes = new CallLog();
        writes.add(write(0, 1, 0, 1));
        writes.add(new Call(Call.Kind.WRITE, 0, 2, 10 * MS, 20 * MS, true));
        CallLog reads = new CallLog();
        reads.add(read(0, 1, 5000, 5001));

        FaultReport report = FaultReport.of(writes, reads, 0, 100 * MS, 0, Duration.ofMillis(100));

        assertThat(report.staleReads()).isZero();
        assertThat(report.failedWrites()).isEqualTo(1);
    }

    @Test
    void callersFailFastFromTheFirstBucketAfterWhichAllBucketsAreFast() {
        CallLog writes = new CallLog();
        CallLog reads = new CallLog();
        writes.add(write(0, 1, 10, 3000));                  // stuck in bucket 0
        for (long at = 300; at < 1000; at += 10) {           // buckets 1..3: fast
            reads.add(new Call(Call.Kind.READ, 0, 1, at * MS, at * MS + 100_000, false));
        }
        reads.add(read(0, 1, 400, 402));                    // one slow call among 70 in bucket 1 (1.4%)

        FaultReport early = FaultReport.of(writes, reads, 0, 1000 * MS, 1000 * MS, Duration.ofMillis(100));
        reads.add(read(0, 1, 990, 1500));                   // the last bucket not all fast: 1 slow of 6
        FaultReport never = FaultReport.of(writes, reads, 0, 1000 * MS, 1000 * MS, Duration.ofMillis(100));

        assertThat(early.failFastNanos()).hasValue(500 * MS);
        assertThat(never.failFastNanos()).isEmpty();
        assertThat(early.writeLatency().max()).isEqualTo(2990 * MS);
        assertThat(early.readLatency().count()).isEqualTo(71);
        assertThat(early.readLatency().p50()).isEqualTo(100_000);
    }

    @Test
    void aLogSurvivesAFile(@TempDir Path dir) {
        CallLog log = new CallLog();
        log.add(read(3, 7, 1, 2));
        log.add(new Call(Call.Kind.COLD_READ, 9, Call.ABSENT, 3, 4, true));
        Path file = dir.resolve("calls.txt");

        log.writeTo(file);

        assertThat(Files.exists(file)).isTrue();
        assertThat(CallLog.readFrom(file).calls()).containsExactlyElementsOf(log.calls());
    }
}

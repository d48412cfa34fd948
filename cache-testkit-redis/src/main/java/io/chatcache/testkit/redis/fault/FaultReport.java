package io.chatcache.testkit.redis.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What callers saw around one fault, judged from a writer's and a reader's {@link CallLog}.
 *
 * <ul>
 *   <li><b>Latency during the fault</b>: of the calls that began in the fault window.</li>
 *   <li><b>Time to fail fast</b>: the window is cut into {@value #BUCKET_MILLIS} ms buckets by call start (a last
 *       partial bucket joins the one before); it is the
 *       start of the first bucket from which on every bucket holds calls and at least 99% of them returned in under
 *       1 ms, measured from the window's start. Empty if the last bucket is not fast (callers still waited when
 *       the window closed). A bucket with no call counts as slow: every caller was stuck.</li>
 *   <li><b>Staleness</b> of a read after recovery that returned version {@code v} of a key: how long the read began
 *       after the later of two moments, the acknowledgement to the writer of the first version newer than
 *       {@code v} and the recovery; zero if no newer version had been acknowledged when the read began. The clock
 *       starts no earlier than the recovery because during the fault, serving the last value known is what a near
 *       cache is for; what counts is how long it goes on once Redis is back. A miss is never stale (the
 *       application would load the value). Reads count as stale when their staleness exceeds the tolerance (the
 *       normal invalidation delay).</li>
 * </ul>
 *
 * @param writeLatency the writes that began in the fault window
 * @param readLatency the reads (of written and of cold keys) that began in the fault window
 * @param failFastNanos the time to fail fast, empty if calls were still slow at the end of the window
 * @param failedWrites writes that threw, over the whole run
 * @param failedReads reads that threw, over the whole run
 * @param readsAfterRecovery reads of written keys that began after recovery and returned a value
 * @param stalenessAfterRecovery the staleness of each of those reads above the tolerance, in nanoseconds, sorted
 * @param lastStaleReadNanos how long after recovery the last stale read began; 0 if none
 */
public record FaultReport(Latency writeLatency, Latency readLatency, OptionalLong failFastNanos, long failedWrites,
        long failedReads, long readsAfterRecovery, long[] stalenessAfterRecovery, long lastStaleReadNanos) {

    /** The width of the buckets of {@link #failFastNanos()}. */
    public static final long BUCKET_MILLIS = 250;
    private static final long FAST_NANOS = 1_000_000;

    /** Latency percentiles (nearest rank) in nanoseconds; all zero when there were no calls. */
    public record Latency(int count, long p50, long p99, long max) {

        static Latency of(List<Call> calls) {
            if (calls.isEmpty()) {
                return new Latency(0, 0, 0, 0);
            }
            long[] sorted = calls.stream().mapToLong(Call::latencyNanos).sorted().toArray();
            return new Latency(sorted.length, rank(sorted, 50), rank(sorted, 99), sorted[sorted.length - 1]);
        }

        private static long rank(long[] sorted, double percent) {
            int rank = (int) Math.ceil(percent / 100 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    /**
     * Judges one fault.
     *
     * @param writes the writer's log
     * @param reads the reader's log
     * @param windowStartNanos when the fault began ({@link System#nanoTime()})
     * @param windowEndNanos when the latency window closes: the fault's end, or a while after an instantaneous fault
     * @param recoveredNanos from when reads are judged for staleness: when the server answered again, or the
     *     instantaneous fault's moment
     * @param tolerance the staleness a read may have without counting as stale
     */
    public static FaultReport of(CallLog writes, CallLog reads, long windowStartNanos, long windowEndNanos,
            long recoveredNanos, Duration tolerance) {
        List<Call> writeCalls = writes.calls();
        List<Call> readCalls = reads.calls();
        List<Call> windowWrites = startedIn(writeCalls, windowStartNanos, windowEndNanos);
        List<Call> windowReads = startedIn(readCalls, windowStartNanos, windowEndNanos);
        List<Call> all = new ArrayList<>(windowWrites);
        all.addAll(windowReads);

        Map<Integer, List<Call>> acked = new HashMap<>();
        for (Call write : writeCalls) {
            if (!write.failed()) {
                acked.computeIfAbsent(write.key(), k -> new ArrayList<>()).add(write);
            }
        }
        acked.values().forEach(list -> list.sort((a, b) -> Long.compare(a.version(), b.version())));

        long toleranceNanos = tolerance.toNanos();
        long judged = 0;
        long lastStale = 0;
        List<Long> stale = new ArrayList<>();
        for (Call read : readCalls) {
            if (read.kind() != Call.Kind.READ || read.failed() || read.version() == Call.ABSENT
                    || read.startNanos() < recoveredNanos) {
                continue;
            }
            judged++;
            long staleness = staleness(read, acked.getOrDefault(read.key(), List.of()), recoveredNanos);
            if (staleness > toleranceNanos) {
                stale.add(staleness);
                lastStale = Math.max(lastStale, read.startNanos() - recoveredNanos);
            }
        }
        return new FaultReport(Latency.of(windowWrites), Latency.of(windowReads),
                failFast(all, windowStartNanos, windowEndNanos),
                writeCalls.stream().filter(Call::failed).count(), readCalls.stream().filter(Call::failed).count(),
                judged, stale.stream().mapToLong(Long::longValue).sorted().toArray(), lastStale);
    }

    private static List<Call> startedIn(List<Call> calls, long from, long to) {
        return calls.stream().filter(c -> c.startNanos() >= from && c.startNanos() < to).toList();
    }

    /**
     * How long before the read the writer was acknowledged a version newer than the one read, counted from
     * {@code recoveredNanos} at the earliest; 0 if no newer version was acknowledged before the read.
     */
    private static long staleness(Call read, List<Call> ackedByVersion, long recoveredNanos) {
        int low = 0;
        int high = ackedByVersion.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (ackedByVersion.get(middle).version() <= read.version()) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        if (low == ackedByVersion.size()) {
            return 0;
        }
        long ack = ackedByVersion.get(low).endNanos();
        return ack >= read.startNanos() ? 0 : read.startNanos() - Math.max(ack, recoveredNanos);
    }

    private static OptionalLong failFast(List<Call> calls, long from, long to) {
        long bucketNanos = BUCKET_MILLIS * 1_000_000;
        // A last partial bucket joins the one before it: a few milliseconds of calls are no evidence.
        int buckets = (int) Math.max(1, (to - from) / bucketNanos);
        int[] total = new int[buckets];
        int[] fast = new int[buckets];
        for (Call call : calls) {
            int bucket = (int) Math.min(buckets - 1, (call.startNanos() - from) / bucketNanos);
            total[bucket]++;
            if (call.latencyNanos() < FAST_NANOS) {
                fast[bucket]++;
            }
        }
        int firstFast = buckets;
        for (int b = buckets - 1; b >= 0; b--) {
            if (total[b] == 0 || fast[b] < 0.99 * total[b]) {
                break;
            }
            firstFast = b;
        }
        return firstFast == buckets ? OptionalLong.empty() : OptionalLong.of(firstFast * bucketNanos);
    }

    /** Stale reads after recovery: more stale than the tolerance. */
    public long staleReads() {
        return stalenessAfterRecovery.length;
    }

    /** Reads after recovery more stale than {@code bound}. */
    public long readsStalerThan(Duration bound) {
        long nanos = bound.toNanos();
        return Arrays.stream(stalenessAfterRecovery).filter(s -> s > nanos).count();
    }

    /** The staleness of the stalest read after recovery, in nanoseconds; 0 if none was stale. */
    public long maxStalenessNanos() {
        return stalenessAfterRecovery.length == 0 ? 0 : stalenessAfterRecovery[stalenessAfterRecovery.length - 1];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FaultReport that && writeLatency.equals(that.writeLatency)
                && readLatency.equals(that.readLatency) && failFastNanos.equals(that.failFastNanos)
                && failedWrites == that.failedWrites && failedReads == that.failedReads
                && readsAfterRecovery == that.readsAfterRecovery
                && Arrays.equals(stalenessAfterRecovery, that.stalenessAfterRecovery)
                && lastStaleReadNanos == that.lastStaleReadNanos;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(stalenessAfterRecovery) + Long.hashCode(readsAfterRecovery);
    }

    @Override
    public String toString() {
        return "FaultReport[writes " + writeLatency + ", reads " + readLatency + ", failFast=" + failFastNanos
                + ", failedWrites=" + failedWrites + ", failedReads=" + failedReads + ", readsAfterRecovery="
                + readsAfterRecovery + ", staleReads=" + staleReads() + ", maxStalenessNanos=" + maxStalenessNanos()
                + ", lastStaleReadNanos=" + lastStaleReadNanos + "]";
    }
}

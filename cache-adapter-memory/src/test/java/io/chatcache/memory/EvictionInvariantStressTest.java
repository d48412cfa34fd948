package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.EvictionPolicy;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Invariants under concurrent use with eviction (bounded: a fixed number of operations per thread), under
 * both eviction policies.
 *
 * <ul>
 *   <li>After quiescence the store is within its bounds, and its statistics add up: entries and bytes
 *       are those of the keys it holds, hits plus misses are the reads made, no errors.</li>
 *   <li>No value is lost to another key or resurrected: a read returns a value written for that key,
 *       and never one that was superseded before the read began. Every operation is stamped from one
 *       clock when it starts and when it ends; value v (written by a put that ended at {@code e}) is
 *       superseded before a read that starts at {@code r} if a put of another value, a delete, a load,
 *       or a read that found the key absent started after {@code e} and ended before {@code r}: at its
 *       linearization point v was no longer there, and no later write brings v back (values are
 *       unique). Eviction may make any value absent at any time; it may never make it come back.</li>
 * </ul>
 */
class EvictionInvariantStressTest {

    private static final int THREADS = 3;
    private static final int OPERATIONS_PER_THREAD = 30_000;
    private static final int KEYS = 64;
    private static final int MAXIMUM_SIZE = 16;
    private static final ValueType<String> STRING = ValueType.of(String.class);

    /** What an operation did to, or saw of, its key. */
    private enum Kind { WRITE, ABSENT, HIT }

    /** One operation on one key: its start and end stamps and the value it wrote or read (null if none). */
    private record Event(int key, Kind kind, long start, long end, String value) {
    }

    @ParameterizedTest(name = "byte bound: {0}, {1}")
    @CsvSource({"false, LRU", "true, LRU", "false, ADAPTIVE", "true, ADAPTIVE"})
    void boundsStatsAndValuesHoldUnderConcurrentUseWithEviction(boolean byteBound, EvictionPolicy policy)
            throws Exception {
        // Weight = value length; values are "key#stamp" plus 0..31 dashes, so the byte bound binds too.
        MemoryCacheStore.Builder builder = MemoryCacheStore.builder()
                .maximumSize(MAXIMUM_SIZE)
                .evictionPolicy(policy)
                .ticker(new ManualTicker())
                .cleanupInterval(Duration.ZERO)
                .weigher((key, value) -> ((String) value).length());
        long maximumWeight = byteBound ? 8L * 30 : Long.MAX_VALUE;
        if (byteBound) {
            builder.maximumWeightBytes(maximumWeight);
        }
        MemoryCacheStore store = builder.build();
        AtomicLong clock = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        List<List<Event>> perThread = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<Event> events = new ArrayList<>(OPERATIONS_PER_THREAD);
            perThread.add(events);
            Random random = new Random(t);
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    for (int n = 0; n < OPERATIONS_PER_THREAD; n++) {
                        events.add(operate(store, random, clock, reads));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(thread.isAlive()).as("a worker still running after 2 minutes").isFalse();
        }
        assertThat(failure.get()).as("a worker failed").isNull();

        // Quiescent: the bounds, and stats that add up.
        CacheStats stats = store.stats();
        assertThat(stats.hits() + stats.misses()).as("hits + misses = reads made").isEqualTo(reads.get());
        assertThat(stats.errors()).isZero();
        assertThat(stats.entryCount()).isLessThanOrEqualTo(MAXIMUM_SIZE);
        assertThat(stats.totalSizeBytes()).isLessThanOrEqualTo(maximumWeight);
        assertThat(stats.evictions()).as("eviction happened").isPositive();
        assertThat(store.policyIsConsistent()).as("the policy's queues and counts agree with the entries").isTrue();
        Map<String, String> held = store.getAll(keys(), STRING);
        assertThat((long) held.size()).as("entries held").isEqualTo(stats.entryCount());
        assertThat(held.values().stream().mapToLong(String::length).sum())
                .as("bytes = the weigher over the entries held").isEqualTo(stats.totalSizeBytes());
        held.forEach((key, value) -> assertThat(value).startsWith(key + "#"));

        assertNoValueLostOrResurrected(perThread);
        store.close();
    }

    private static Event operate(MemoryCacheStore store, Random random, AtomicLong clock, AtomicLong reads) {
        int key = random.nextInt(KEYS);
        String name = "k" + key;
        int choice = random.nextInt(10);
        long start = clock.incrementAndGet();
        if (choice < 4) {
            String value = name + "#" + start + "-".repeat(random.nextInt(32));
            store.put(name, value, random.nextBoolean() ? Duration.ofHours(1) : CacheStore.NO_EXPIRY);
            return new Event(key, Kind.WRITE, start, clock.incrementAndGet(), value);
        }
        if (choice < 5) {
            store.delete(name);
            return new Event(key, Kind.ABSENT, start, clock.incrementAndGet(), null);
        }
        if (choice < 6) {
            String[] loaded = new String[1];
            reads.incrementAndGet();
            String value = store.getOrLoad(name, STRING, () -> {
                loaded[0] = name + "#" + start;
                return loaded[0];
            }, Duration.ofHours(1));
            long end = clock.incrementAndGet();
            // A load means the key was absent when getOrLoad looked (its value may or may not be stored).
            return loaded[0] != null ? new Event(key, Kind.ABSENT, start, end, value)
                    : new Event(key, Kind.HIT, start, end, value);
        }
        reads.incrementAndGet();
        Optional<String> value = store.get(name, STRING);
        long end = clock.incrementAndGet();
        return value.map(v -> new Event(key, Kind.HIT, start, end, v))
                .orElseGet(() -> new Event(key, Kind.ABSENT, start, end, null));
    }

    private static void assertNoValueLostOrResurrected(List<List<Event>> perThread) {
        Map<String, Event> writes = new HashMap<>();
        List<List<Event>> byKey = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            byKey.add(new ArrayList<>());
        }
        for (List<Event> events : perThread) {
            for (Event event : events) {
                byKey.get(event.key()).add(event);
                // Puts, and loads (whose value was stored, or else is never read).
                if (event.kind() != Kind.HIT && event.value() != null) {
                    writes.put(event.value(), event);
                }
            }
        }
        for (int k = 0; k < KEYS; k++) {
            // Events that leave the key without any value before them: writes, deletes, loads, misses.
            // By end stamp, with the latest start among those ending at or before each end.
            List<Event> superseding = new ArrayList<>();
            for (Event event : byKey.get(k)) {
                if (event.kind() != Kind.HIT) {
                    superseding.add(event);
                }
            }
            superseding.sort(Comparator.comparingLong(Event::end));
            TreeMap<Long, Event> latestStartByEnd = new TreeMap<>();
            Event latest = null;
            for (Event event : superseding) {
                if (latest == null || event.start() > latest.start()) {
                    latest = event;
                }
                latestStartByEnd.put(event.end(), latest);
            }
            for (Event read : byKey.get(k)) {
                if (read.kind() != Kind.HIT) {
                    continue;
                }
                assertThat(read.value()).as("a value read under key k%d", k).startsWith("k" + k + "#");
                Event write = writes.get(read.value());
                assertThat(write).as("the write of %s, read under k%d", read.value(), k).isNotNull();
                Map.Entry<Long, Event> before = latestStartByEnd.lowerEntry(read.start());
                if (before != null && before.getValue() != write && before.getValue().start() > write.end()) {
                    throw new AssertionError("resurrected: " + read + " read " + write
                            + ", which " + before.getValue() + " had superseded before the read began");
                }
            }
        }
    }

    private static List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            keys.add("k" + k);
        }
        return keys;
    }
}

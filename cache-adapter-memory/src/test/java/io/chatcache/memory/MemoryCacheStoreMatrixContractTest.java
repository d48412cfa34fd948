package io.chatcache.memory;

import static io.chatcache.core.CacheStore.NO_EXPIRY;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheStats;
import io.chatcache.core.CacheStore;
import io.chatcache.core.EvictionPolicy;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.CacheStoreContract;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole contract once per cell of a small matrix of memory-store configurations, in the spirit of
 * Caffeine's {@code @CacheSpec}: bound (entry count, estimated bytes, or none), default TTL (one minute or
 * {@link CacheStore#NO_EXPIRY}), a removal listener registered from the start or none, eviction policy
 * (LRU or adaptive) and periodic cleanup (every 20 ms, racing the lazy expiry on reads, or off).
 *
 * <p>The full product is 3 x 2 x 2 x 2 x 2 = 48 cells of ~190 tests; the six {@link #cells()} are a
 * pairwise covering array of it: every pair of values of any two options (byte bound with a listener,
 * adaptive policy without a default TTL, ...) meets in some cell, which is where interactions between
 * options show, at an eighth of the cost. The memory store has no "unbounded" option (the count bound
 * defaults to 1,000); {@link Bound#UNBOUNDED} is {@code maximumSize(Long.MAX_VALUE)} without a byte bound.
 *
 * <p>Besides the contract, each cell checks what its configuration promises
 * ({@link #putWithoutATtlUsesTheConfiguredDefault()}, {@link #theConfiguredBoundIsKept()}) and, after every test, that the listener heard each removal once:
 * as many evictions and expirations as the statistics counted, and a clear reported entry by entry.
 * All cells run on a {@link ManualTicker}, so expiry costs no waiting.
 */
@ParameterizedClass(name = "[{index}] {0}")
@MethodSource("cells")
class MemoryCacheStoreMatrixContractTest extends CacheStoreContract {

    /** The count bound of {@link Bound#COUNT}: above the contract's 1,000 entries, small enough to fill. */
    private static final int COUNT_BOUND = 2_000;
    /** The byte bound of {@link Bound#BYTES}: far more than the suite's values need. */
    private static final long BYTE_BOUND = 1 << 20;
    private static final Duration DEFAULT_TTL = Duration.ofMinutes(1);
    private static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(5);

    /** How the store is bounded. */
    enum Bound {
        COUNT("at most " + COUNT_BOUND + " entries"),
        BYTES("at most " + BYTE_BOUND + " bytes"),
        UNBOUNDED("unbounded");

        private final String text;

        Bound(String text) {
            this.text = text;
        }
    }

    /**
     * One configuration of the store.
     *
     * @param bound how it is bounded
     * @param defaultTtl the TTL of puts without one: {@link #DEFAULT_TTL} or {@link CacheStore#NO_EXPIRY}
     * @param listener whether a listener hears every removal from the start
     * @param policy the eviction policy
     * @param cleanup whether the periodic cleanup runs (every 20 ms)
     */
    record Spec(Bound bound, Duration defaultTtl, boolean listener, EvictionPolicy policy, boolean cleanup) {

        MemoryCacheStore.Builder builder(ManualTicker ticker) {
            MemoryCacheStore.Builder builder = MemoryCacheStore.builder()
                    .ticker(ticker)
                    .defaultTtl(defaultTtl)
                    .evictionPolicy(policy)
                    .cleanupInterval(cleanup ? Duration.ofMillis(20) : Duration.ZERO);
            return switch (bound) {
                case COUNT -> builder.maximumSize(COUNT_BOUND);
                case BYTES -> builder.maximumSize(Long.MAX_VALUE).maximumWeightBytes(BYTE_BOUND);
                case UNBOUNDED -> builder.maximumSize(Long.MAX_VALUE);
            };
        }

        @Override
        public String toString() {
            return bound.text + ", default TTL " + (defaultTtl.equals(NO_EXPIRY) ? "none" : defaultTtl)
                    + (listener ? ", listener" : ", no listener") + ", " + policy
                    + (cleanup ? ", cleanup every 20 ms" : ", no cleanup");
        }
    }

    /**
     * A pairwise covering array of bound (3) x default TTL (2) x listener (2) x policy (2) x cleanup (2):
     * six cells, the fewest that hold every pair of bound and default TTL.
     *
     * @return the cells
     */
    static Stream<Spec> cells() {
        // Reports name a cell by its index: MemoryCacheStoreMatrixContractTest[3] is the third here.
        return Stream.of(
                new Spec(Bound.COUNT, DEFAULT_TTL, true, EvictionPolicy.LRU, true),
                new Spec(Bound.COUNT, NO_EXPIRY, false, EvictionPolicy.ADAPTIVE, false),
                new Spec(Bound.BYTES, DEFAULT_TTL, false, EvictionPolicy.ADAPTIVE, true),
                new Spec(Bound.BYTES, NO_EXPIRY, true, EvictionPolicy.LRU, false),
                new Spec(Bound.UNBOUNDED, DEFAULT_TTL, true, EvictionPolicy.ADAPTIVE, false),
                new Spec(Bound.UNBOUNDED, NO_EXPIRY, false, EvictionPolicy.LRU, true));
    }

    private final Spec spec;
    private final ManualTicker ticker = new ManualTicker();
    private MemoryCacheStore memory;
    private Recorder recorder;

    MemoryCacheStoreMatrixContractTest(Spec spec) {
        this.spec = spec;
    }

    @Override
    protected CacheStore createStore() {
        memory = spec.builder(ticker).build();
        if (spec.listener()) {
            recorder = new Recorder();
            memory.addRemovalListener(recorder);
        }
        return memory;
    }

    @Override
    protected void advanceTime(Duration duration) {
        ticker.advance(duration);
    }

    @Override
    protected Optional<Object> valueTooLargeToStore() {
        return spec.bound() == Bound.BYTES ? Optional.of("x".repeat((int) BYTE_BOUND)) : Optional.empty();
    }

    /**
     * After every test (before the store is closed): the listener heard each eviction and expiry the
     * statistics counted, and, once the expired entries are cleaned up, a {@code clear} reports every
     * entry left once as {@link RemovalCause#CLEARED}.
     */
    @AfterEach
    void theListenerHeardEveryRemovalOnce() {
        if (recorder == null) {
            return;
        }
        memory.cleanupExpired();
        // Listeners run on the thread that removed; the cleanup thread may still be telling of its removals.
        Awaitility.await("the listener to hear every eviction and expiry counted")
                .atMost(LISTENER_TIMEOUT)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> {
                    CacheStats stats = memory.stats();
                    assertThat(recorder.count(RemovalCause.EVICTED)).as("evictions heard")
                            .isEqualTo(stats.evictions());
                    assertThat(recorder.count(RemovalCause.EXPIRED)).as("expirations heard")
                            .isEqualTo(stats.expirations());
                });
        // Nothing is expired now and the ticker stands still, so the cleanup thread removes nothing more.
        int heardBefore = recorder.heard.size();
        long entries = memory.stats().entryCount();

        memory.clear();

        List<Removal> cleared = recorder.heard.subList(heardBefore, recorder.heard.size());
        assertThat(cleared).as("removals heard from clearing %d entries", entries).hasSize((int) entries)
                .allSatisfy(removal -> assertThat(removal.cause()).isEqualTo(RemovalCause.CLEARED));
        assertThat(cleared.stream().map(Removal::key).distinct().count()).as("distinct keys cleared")
                .isEqualTo(entries);
    }

    /** A put without a TTL gets the configured default: it expires after it, or never. */
    @Test
    void putWithoutATtlUsesTheConfiguredDefault() {
        store().put("key", "value");

        assertThat(store().getEntry("key", ValueType.of(String.class)).orElseThrow().remainingTtl())
                .isEqualTo(spec.defaultTtl());

        if (spec.defaultTtl().equals(NO_EXPIRY)) {
            ticker.advance(Duration.ofDays(3650));
            assertThat(store().get("key", String.class)).contains("value");
        } else {
            ticker.advance(spec.defaultTtl().minusNanos(1));
            assertThat(store().get("key", String.class)).contains("value");
            ticker.advance(Duration.ofNanos(1));
            assertThat(store().get("key", String.class)).isEmpty();
            if (recorder != null) {
                // told by this thread's read, or by the cleanup thread that got there first
                Awaitility.await("the listener to hear the expiry").atMost(LISTENER_TIMEOUT)
                        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                        .untilAsserted(() -> assertThat(recorder.heard)
                                .containsExactly(new Removal("key", RemovalCause.EXPIRED)));
            }
        }
    }

    /**
     * More entries than the bound evict down to it (the least recently used under LRU), and the listener
     * hears each evicted key as {@link RemovalCause#EVICTED}; an unbounded store evicts nothing.
     */
    @Test
    void theConfiguredBoundIsKept() {
        int written;
        switch (spec.bound()) {
            case COUNT -> {
                written = COUNT_BOUND + 100;
                for (int i = 0; i < written; i++) {
                    store().put("k" + i, i);
                }
                assertThat(store().stats().entryCount()).isEqualTo(COUNT_BOUND);
            }
            case BYTES -> {
                written = 30;
                for (int i = 0; i < written; i++) {
                    store().put("k" + i, String.valueOf(i).repeat(100_000));
                    assertThat(store().stats().totalSizeBytes()).as("bytes after %d puts", i + 1)
                            .isPositive().isLessThanOrEqualTo(BYTE_BOUND);
                }
            }
            default -> {
                written = 5 * COUNT_BOUND;
                for (int i = 0; i < written; i++) {
                    store().put("k" + i, i);
                }
                assertThat(store().stats().entryCount()).isEqualTo(written);
            }
        }

        List<String> evicted = new ArrayList<>();
        for (int i = 0; i < written; i++) {
            if (store().get("k" + i, Object.class).isEmpty()) {
                evicted.add("k" + i);
            }
        }
        CacheStats stats = store().stats();
        assertThat(stats.evictions()).as("evictions").isEqualTo(evicted.size());
        assertThat(stats.entryCount() + stats.evictions()).as("entries kept and evicted").isEqualTo(written);
        if (spec.bound() == Bound.UNBOUNDED) {
            assertThat(evicted).isEmpty();
        } else {
            assertThat(evicted).isNotEmpty();
        }
        if (spec.policy() == EvictionPolicy.LRU) {
            List<String> eldest = Stream.iterate(0, i -> i + 1).limit(evicted.size()).map(i -> "k" + i).toList();
            assertThat(evicted).as("evicted under LRU: the eldest").isEqualTo(eldest);
        }
        if (recorder != null) {
            Set<String> heard = recorder.heard.stream()
                    .filter(removal -> removal.cause() == RemovalCause.EVICTED)
                    .map(Removal::key).collect(Collectors.toSet());
            assertThat(heard).as("keys heard as evicted").isEqualTo(new HashSet<>(evicted));
        }
    }

    private record Removal(String key, RemovalCause cause) {
    }

    /** Hears every removal of the store from its creation. */
    private static final class Recorder implements RemovalListener {
        final List<Removal> heard = new CopyOnWriteArrayList<>();

        @Override
        public void onRemoval(String key, RemovalCause cause) {
            heard.add(new Removal(key, cause));
        }

        long count(RemovalCause cause) {
            return heard.stream().filter(removal -> removal.cause() == cause).count();
        }
    }
}

package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Refresh-ahead on HYBRID: a read whose L1 copy has more than the refresh threshold left is served by L1 without
 * asking L2 (the copy never outlives its L2 entry, so no refresh is due); only a copy that is missing, has the
 * threshold or less left, or may not serve (L1 suspect) sends the read to L2 for the true remaining TTL. L1 and L2
 * are {@link FakeStore}s on one manual clock, which count the calls that reach them.
 */
class HybridRefreshAheadTest {

    private static final LoadOptions OPTIONS =
            LoadOptions.ttl(Duration.ofSeconds(100)).refreshAhead(Duration.ofSeconds(20));

    private final AtomicLong clock = new AtomicLong();
    private final FakeStore l1 = new FakeStore(clock);
    private final FakeStore l2 = new FakeStore(clock);
    private final List<Runnable> queued = new CopyOnWriteArrayList<>();
    private final AtomicInteger loads = new AtomicInteger();

    private ChatCacheService.Builder hybrid() {
        return ChatCacheService.builder().backend(CacheBackend.HYBRID).memoryStore(l1).l2Store(l2)
                .refreshExecutor(queued::add);
    }

    private String read(ChatCacheService cache) {
        return cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet(), OPTIONS);
    }

    private void advance(Duration duration) {
        clock.addAndGet(duration.toNanos());
    }

    private void runQueued() {
        List<Runnable> tasks = new ArrayList<>(queued);
        queued.clear();
        tasks.forEach(Runnable::run);
    }

    @Test
    void warmReadsWithTimeToSpareStayInL1AndAReadInsideTheThresholdAsksL2AndRefreshesOnce() {
        try (ChatCacheService cache = hybrid().build()) {
            assertThat(read(cache)).isEqualTo("v1");
            assertThat(l1.peek("k")).as("the load's write filled L1").contains("v1");

            long l2Calls = l2.calls();
            for (int i = 0; i < 50; i++) {
                assertThat(read(cache)).isEqualTo("v1");
            }
            advance(Duration.ofSeconds(79));
            assertThat(read(cache)).isEqualTo("v1");
            assertThat(l2.calls()).as("warm refresh-enabled reads with more than 20 s left never reach L2")
                    .isEqualTo(l2Calls);
            assertThat(queued).isEmpty();

            advance(Duration.ofSeconds(2));
            assertThat(read(cache)).isEqualTo("v1");
            assertThat(l2.calls()).as("19 s left in L1: L2 is asked for the true TTL").isGreaterThan(l2Calls);
            assertThat(read(cache)).isEqualTo("v1");
            assertThat(queued).as("one refresh for the key, however many reads find it due").hasSize(1);

            runQueued();
            assertThat(loads).hasValue(2);
            assertThat(l2.peek("k")).contains("v2");
            long afterRefresh = l2.calls();
            assertThat(read(cache)).isEqualTo("v2");
            assertThat(l2.calls()).as("the refreshed copy serves from L1 again").isEqualTo(afterRefresh);
            assertThat(cache.loadCounters().refreshes()).isEqualTo(1);
        }
    }

    @Test
    void aKeyWithoutAnL1CopyIsReadFromL2WithItsTrueTtl() {
        try (ChatCacheService cache = hybrid().build()) {
            // Written by another instance: in L2 with 15 s left, not in this instance's L1.
            l2.put("k", "elsewhere", Duration.ofSeconds(15));
            long l2Calls = l2.calls();

            assertThat(read(cache)).isEqualTo("elsewhere");
            assertThat(l2.calls()).isGreaterThan(l2Calls);
            assertThat(queued).as("15 s left is inside the 20 s threshold").hasSize(1);
            assertThat(loads).hasValue(0);
        }
    }

    @Test
    void whileL1IsSuspectRefreshEnabledReadsGoToL2() {
        FakeBusNetwork network = new FakeBusNetwork();
        try (ChatCacheService cache = hybrid().invalidationBus(network.join("a")).build()) {
            assertThat(read(cache)).isEqualTo("v1");
            long l2Calls = l2.calls();
            assertThat(read(cache)).isEqualTo("v1");
            assertThat(l2.calls()).as("coherent: L1 serves").isEqualTo(l2Calls);

            network.disconnect();
            assertThat(read(cache)).isEqualTo("v1");
            assertThat(l2.calls()).as("suspect: L1 may not serve, L2 is asked").isGreaterThan(l2Calls);
            assertThat(queued).isEmpty();
        }
    }
}

package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A read racing with a put that renews an expired entry must not return the expired value. */
class ExpiredReadRaceTest {

    @Test
    void aReadRacingWithAPutThatRenewsAnExpiredEntryNeverReturnsTheExpiredValue() throws InterruptedException {
        AtomicLong clock = new AtomicLong();
        MemoryCacheStore store = MemoryCacheStore.builder()
                .ticker(clock::get).cleanupInterval(Duration.ZERO).weigher((k, v) -> 1).build();
        AtomicBoolean stop = new AtomicBoolean();
        // Round i: "dead-i" is put at 10i for 1 ns, the clock moves past its deadline (10i + 1), and
        // "live-i" renews the entry in place for an hour.
        Thread writer = new Thread(() -> {
            for (long i = 0; !stop.get(); i++) {
                clock.set(10 * i);
                store.put("k", "dead-" + i, Duration.ofNanos(1));
                clock.set(10 * i + 2);
                store.put("k", "live-" + i, Duration.ofHours(1));
            }
        });
        writer.start();
        String expiredSeen = null;
        long reads = 0;
        try {
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until && expiredSeen == null) {
                for (int n = 0; n < 10_000 && expiredSeen == null; n++) {
                    long readStart = clock.get();
                    String value = store.get("k", String.class).orElse("");
                    reads++;
                    if (value.startsWith("dead-")) {
                        long deadline = 10 * Long.parseLong(value.substring(5)) + 1;
                        if (readStart >= deadline) {
                            expiredSeen = value + " read at " + readStart + ", after its deadline " + deadline;
                        }
                    }
                }
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(expiredSeen).as("an expired value returned within %d reads", reads).isNull();
    }
}

package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatcache.core.CacheException;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.ManualTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Writes that happen while a getOrLoad load runs, and loads that end in unusual ways. */
class GetOrLoadRaceTest {

    private static final ValueType<String> STRING = ValueType.of(String.class);
    private static final Duration TTL = Duration.ofMinutes(1);

    private final ManualTicker ticker = new ManualTicker();
    private final MemoryCacheStore store = MemoryCacheStore.builder()
            .ticker(ticker).cleanupInterval(Duration.ZERO).build();

    @AfterEach
    void close() {
        store.close();
    }

    /** Runs a getOrLoad of "k" on another thread whose loader waits for {@code release}. */
    private Thread startBlockedLoad(CountDownLatch loading, CountDownLatch release, AtomicReference<Object> outcome) {
        Thread loader = new Thread(() -> {
            try {
                outcome.set(store.getOrLoad("k", STRING, () -> {
                    loading.countDown();
                    awaitLatch(release);
                    return "loaded-before-the-write";
                }, TTL));
            } catch (RuntimeException | Error e) {
                outcome.set(e);
            }
        });
        loader.start();
        awaitLatch(loading);
        return loader;
    }

    private void writeDuringLoad(Consumer<MemoryCacheStore> write) throws InterruptedException {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread loader = startBlockedLoad(loading, release, outcome);

        write.accept(store);
        release.countDown();
        loader.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(loader.isAlive()).isFalse();
        assertThat(outcome.get()).isEqualTo("loaded-before-the-write");
    }

    @Test
    void aPutDuringALoadIsNotOverwrittenByTheLoadedValue() throws InterruptedException {
        writeDuringLoad(s -> s.put("k", "newer"));

        assertThat(store.get("k", STRING)).contains("newer");
    }

    @Test
    void aPutOverAnExistingEntryDuringALoadIsNotOverwrittenByTheLoadedValue() throws InterruptedException {
        // The load starts because the entry has expired; the put renews it in place.
        store.put("k", "old", Duration.ofSeconds(1));
        ticker.advance(Duration.ofSeconds(2));

        writeDuringLoad(s -> s.put("k", "new", TTL));

        assertThat(store.get("k", STRING)).contains("new");
    }

    @Test
    void aDeleteDuringALoadKeepsTheLoadedValueOutOfTheStore() throws InterruptedException {
        // The delete is an invalidation: whatever the loader read before it may be stale.
        writeDuringLoad(s -> s.delete("k"));

        assertThat(store.get("k", STRING)).isEmpty();
    }

    @Test
    void aDeleteMatchingDuringALoadKeepsTheLoadedValueOutOfTheStore() throws InterruptedException {
        writeDuringLoad(s -> s.deleteMatching(KeyPattern.glob("k*")));

        assertThat(store.get("k", STRING)).isEmpty();
    }

    @Test
    void aClearDuringALoadKeepsTheLoadedValueOutOfTheStore() throws InterruptedException {
        writeDuringLoad(MemoryCacheStore::clear);

        assertThat(store.get("k", STRING)).isEmpty();
    }

    @Test
    void aWriteToAnotherKeyDuringALoadLetsTheLoadedValueBeStored() throws InterruptedException {
        writeDuringLoad(s -> {
            s.put("other", "x");
            s.delete("other");
        });

        assertThat(store.get("k", STRING)).contains("loaded-before-the-write");
    }

    @Test
    void anEntryThatExpiresAndIsCleanedUpDuringALoadIsReplacedByTheLoadedValue() throws InterruptedException {
        // Of another type, so the load starts while the entry is still held, and sees it.
        store.put("k", 42, Duration.ofSeconds(1));

        writeDuringLoad(s -> {
            ticker.advance(Duration.ofSeconds(2));
            assertThat(s.cleanupExpired()).isEqualTo(1);
        });

        assertThat(store.get("k", STRING)).contains("loaded-before-the-write");
    }

    @Test
    void aLoaderThatThrowsACheckedExceptionReleasesTheCallersWaitingForIt() throws InterruptedException {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> first = new AtomicReference<>();
        Thread loader = new Thread(() -> {
            try {
                store.getOrLoad("k", STRING, () -> {
                    loading.countDown();
                    awaitLatch(release);
                    // As a Kotlin or Scala loader, or one using a sneaky-throw helper, can.
                    return sneakyThrow(new IOException("backend down"));
                }, TTL);
            } catch (Throwable e) {
                first.set(e);
            }
        });
        loader.start();
        awaitLatch(loading);
        AtomicReference<Throwable> second = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                store.getOrLoad("k", STRING, () -> "the waiter loaded", TTL);
            } catch (Throwable e) {
                second.set(e);
            }
        });
        waiter.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.WAITING);

        release.countDown();
        loader.join(TimeUnit.SECONDS.toMillis(10));
        waiter.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(waiter.isAlive()).as("the waiter is released").isFalse();
        assertThat(first.get()).isInstanceOf(IOException.class);
        assertThat(second.get()).isInstanceOf(CacheException.class).hasCauseInstanceOf(IOException.class);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable, R> R sneakyThrow(Throwable e) throws T {
        throw (T) e;
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

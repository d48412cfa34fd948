package io.chatcache.testkit;

import static io.chatcache.testkit.ContractData.LONG_TTL;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Use from several threads at once.
 *
 * <p>Demands: the store is thread-safe: threads that write and read their own keys at the same time
 * read their own values back, and the entry count is the total written. (Finer promises under races,
 * such as the atomicity of a replacing write, are the store's own to test; the memory store does so
 * with Lincheck and stress tests.)
 *
 * <p>Hooks consulted: none.
 */
public interface ConcurrencyContract extends ContractGroup {

    /**
     * Four threads writing and reading 100 keys each at once read their own values back, and the entry
     * count is their total.
     * @throws Exception if a thread fails or the wait for it is interrupted or times out
     */
    @Test
    default void concurrentWritersAndReadersSeeTheirOwnValues() throws Exception {
        int threads = 4;
        int keysPerThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<List<String>> work = () -> {
                    start.await();
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < keysPerThread; i++) {
                        String key = "t" + thread + ":" + i;
                        store().put(key, key, LONG_TTL);
                        if (!store().get(key, String.class).equals(Optional.of(key))) {
                            wrong.add(key);
                        }
                    }
                    return wrong;
                };
                results.add(pool.submit(work));
            }
            start.countDown();
            for (Future<List<String>> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).as("keys read back wrong").isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store().stats().entryCount()).isEqualTo(threads * keysPerThread);
    }
}

package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadBufferTest {

    private static Node node(String key) {
        return new Node(key, key, 1);
    }

    @Test
    void oneThreadsReadsComeBackInOrderAndTheStripeReportsFull() {
        ReadBuffer buffer = new ReadBuffer();
        List<Node> offered = new ArrayList<>();
        for (int i = 0; i < ReadBuffer.STRIPE_SIZE; i++) {
            Node node = node("k" + i);
            assertThat(buffer.offer(node)).isEqualTo(ReadBuffer.SUCCESS);
            offered.add(node);
        }

        assertThat(buffer.offer(node("one-too-many"))).isEqualTo(ReadBuffer.FULL);
        List<Node> drained = new ArrayList<>();
        buffer.drainTo(drained::add);

        assertThat(drained).containsExactlyElementsOf(offered);
        assertThat(buffer.offer(node("after"))).isEqualTo(ReadBuffer.SUCCESS);
    }

    @Test
    void concurrentProducersLoseNothingTheyWereToldWasRecordedAndDuplicateNothing() throws Exception {
        ReadBuffer buffer = new ReadBuffer();
        int producers = 4;
        int perProducer = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(producers + 1);
        CyclicBarrier start = new CyclicBarrier(producers + 1);
        AtomicBoolean producing = new AtomicBoolean(true);
        try {
            List<Future<Set<Node>>> accepted = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                accepted.add(pool.submit(() -> {
                    Set<Node> mine = new HashSet<>();
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < perProducer; i++) {
                        Node node = node(producer + ":" + i);
                        if (buffer.offer(node) == ReadBuffer.SUCCESS) {
                            mine.add(node);
                        }
                    }
                    return mine;
                }));
            }
            // The single consumer, as the eviction lock makes it in the store.
            Future<List<Node>> consumer = pool.submit(() -> {
                List<Node> drained = new ArrayList<>();
                start.await(10, TimeUnit.SECONDS);
                while (producing.get()) {
                    buffer.drainTo(drained::add);
                }
                buffer.drainTo(drained::add);
                return drained;
            });
            Set<Node> recorded = new HashSet<>();
            for (Future<Set<Node>> producer : accepted) {
                recorded.addAll(producer.get(60, TimeUnit.SECONDS));
            }
            producing.set(false);
            List<Node> drained = consumer.get(60, TimeUnit.SECONDS);

            assertThat(new HashSet<>(drained)).hasSameSizeAs(drained);
            assertThat(new HashSet<>(drained)).isEqualTo(recorded);
            assertThat(recorded).isNotEmpty();
        } finally {
            pool.shutdownNow();
        }
    }
}

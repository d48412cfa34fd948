package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.Invalidation;
import io.chatcache.core.InvalidationListener;
import io.chatcache.core.ValueType;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * One application instance of the hybrid on a real Redis server: its own memory L1 (to look into), its own
 * Redis connections ({@link RedisL2#ownClient}, to watch its bus) and the hybrid store over them, all closed
 * by the test's {@link Closer}. Tests subclass it as an inner class that fixes the server, namespace and
 * L1 TTL ceiling.
 */
class RedisHybridInstance {

    final MemoryCacheStore l1 = MemoryCacheStore.builder().build();
    final RedisL2 l2;
    final HybridCacheStore store;
    private final Closer closer;

    RedisHybridInstance(Closer closer, RedisServer server, String namespace, String id, Duration ceiling) {
        this.closer = closer;
        l2 = RedisL2.ownClient(server, namespace, id);
        store = HybridCacheStore.builder().l1(l1).l2(l2.store()).bus(l2.bus()).l1TtlCeiling(ceiling).build();
        closer.add(l2);
        closer.add(store);
    }

    /** The entry this instance's L1 holds for {@code key}, if any. */
    Optional<CacheEntry<Object>> inL1(String key) {
        return l1.getEntry(key, ValueType.of(Object.class));
    }

    boolean holdsInL1(String key) {
        return inL1(key).isPresent();
    }

    /** Messages from other instances that reached this instance's bus, after the hybrid handled them. */
    List<Invalidation> watchBus() {
        List<Invalidation> seen = new CopyOnWriteArrayList<>();
        // The bus tells its listeners one at a time, in the order they subscribed: by the time this
        // one hears a message, the hybrid store's own listener has handled it.
        closer.add(l2.bus().subscribe(new InvalidationListener() {
            @Override
            public void onInvalidation(Invalidation invalidation) {
                // Heartbeats come and go on their own schedule.
                if (!invalidation.isFrom(l2.bus().instanceId())
                        && invalidation.kind() != Invalidation.Kind.HEARTBEAT) {
                    seen.add(invalidation);
                }
            }
        }));
        return seen;
    }

    /**
     * Races a fill against a write of {@code session:1}: {@code writer} writes v1 and this instance hears it;
     * {@code read} then reads v1 from Redis on another thread and is held before it fills L1, while
     * {@code writer} writes v2 and this instance handles the invalidation; then the fill goes ahead. Returns
     * what the racing read returned; the fill hook is removed again.
     */
    <T> T readRacingAWriteBy(RedisHybridInstance writer, Function<HybridCacheStore, T> read, Duration ttl)
            throws Exception {
        List<Invalidation> reached = watchBus();
        writer.store.put("session:1", "v1", ttl);
        within().until(() -> reached.size() >= 1);
        CountDownLatch readL2 = new CountDownLatch(1);
        CountDownLatch mayFill = new CountDownLatch(1);
        store.setBeforeFillHook(key -> {
            readL2.countDown();
            try {
                mayFill.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<T> racingRead = CompletableFuture.supplyAsync(() -> read.apply(store));
        assertThat(readL2.await(10, TimeUnit.SECONDS)).as("the reader read Redis").isTrue();

        writer.store.put("session:1", "v2", ttl);
        within().until(() -> reached.size() >= 2);
        mayFill.countDown();

        T result = racingRead.get(10, TimeUnit.SECONDS);
        store.setBeforeFillHook(null);
        return result;
    }

    /** How long the instances' tests wait for something that happens on the bus. */
    static ConditionFactory within() {
        return Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10));
    }
}

package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheStore;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** getOrLoad, used from one thread, keeps the exact LRU order of an access-ordered LinkedHashMap. */
class GetOrLoadLruTest {

    private static final ValueType<String> STRING = ValueType.of(String.class);

    @Test
    void getOrLoadMixedWithOtherOperationsEvictsExactlyLikeALinkedHashMap() {
        int capacity = 8;
        Map<String, String> reference = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
        Random random = new Random(11);
        try (MemoryCacheStore store = MemoryCacheStore.builder().maximumSize(capacity)
                .defaultTtl(CacheStore.NO_EXPIRY).cleanupInterval(Duration.ZERO).build()) {
            for (int step = 0; step < 20_000; step++) {
                String key = "k" + random.nextInt(20);
                int op = random.nextInt(10);
                String context = "step " + step + ", key " + key;
                if (op < 5) {
                    String value = "loaded-" + step;
                    String expected = reference.computeIfAbsent(key, k -> value);
                    assertThat(store.getOrLoad(key, STRING, () -> value, CacheStore.NO_EXPIRY)).as(context).isEqualTo(expected);
                } else if (op < 7) {
                    assertThat(store.get(key, STRING)).as(context).isEqualTo(java.util.Optional.ofNullable(reference.get(key)));
                } else if (op < 9) {
                    reference.put(key, "put-" + step);
                    store.put(key, "put-" + step);
                } else {
                    assertThat(store.delete(key)).as(context).isEqualTo(reference.remove(key) != null);
                }
                if (step % 97 == 0) {
                    // Compare contents without touching the order: a miss moves nothing, and every held key
                    // is about to be read in the reference's order anyway.
                    for (Map.Entry<String, String> held : Map.copyOf(reference).entrySet()) {
                        assertThat(store.get(held.getKey(), STRING)).as(context).contains(held.getValue());
                        reference.get(held.getKey());
                    }
                }
            }
            assertThat(store.stats().entryCount()).isEqualTo(reference.size());
        }
    }
}

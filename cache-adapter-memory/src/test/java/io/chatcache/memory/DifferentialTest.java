package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.CacheEntry;
import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.RemovalCause;
import io.chatcache.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs thousands of random operations against the store and against a plain reference model (an
 * access-ordered {@link LinkedHashMap} with expiry times) on the same manual clock, and checks after every
 * step that both answered the same, hold the same number of entries and bytes, and removed the same
 * keys for the same causes.
 */
class DifferentialTest {

    private static final int STEPS = 6_000;
    private static final int KEYS = 40;
    private static final List<Duration> TTLS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(30), CacheStore.NO_EXPIRY);
    private static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

    /** Removal events as "key:CAUSE", in the order they were reported. */
    private final List<String> storeEvents = new ArrayList<>();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20260101})
    void storeBehavesLikeTheReferenceModelBoundedByCount(long seed) {
        run(seed, 12, Long.MAX_VALUE, (key, value) -> 1);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9})
    void storeBehavesLikeTheReferenceModelBoundedByWeight(long seed) {
        // Weights from 40 to 800 against a bound of 600: a few entries fit, and the longest values never do.
        run(seed, 1_000, 600, (key, value) -> 40L * ((String) value).length());
    }

    private void run(long seed, long maximumSize, long maximumWeight, Weigher weigher) {
        Random random = new Random(seed);
        ManualTicker ticker = new ManualTicker(random.nextLong());
        MemoryCacheStore.Builder builder = MemoryCacheStore.builder()
                .maximumSize(maximumSize)
                .defaultTtl(DEFAULT_TTL)
                .cleanupInterval(Duration.ZERO)
                .ticker(ticker)
                .weigher(weigher);
        if (maximumWeight != Long.MAX_VALUE) {
            builder.maximumWeightBytes(maximumWeight);
        }
        Model model = new Model(maximumSize, maximumWeight, weigher);
        int refused = 0;
        try (MemoryCacheStore store = builder.build()) {
            store.addRemovalListener((key, cause) -> storeEvents.add(key + ":" + cause));
            for (int step = 0; step < STEPS; step++) {
                String context = "seed " + seed + ", step " + step;
                String key = "k" + random.nextInt(KEYS);
                long now = ticker.read();
                int op = random.nextInt(100);
                boolean unordered = false;
                if (op < 40) {
                    Optional<String> expected = model.get(key, now);
                    assertThat(store.get(key, String.class)).as(context + ": get " + key).isEqualTo(expected);
                } else if (op < 65) {
                    String value = "v".repeat(1 + random.nextInt(20));
                    Duration ttl = random.nextInt(4) == 0 ? null : TTLS.get(random.nextInt(TTLS.size()));
                    if (weigher.weigh(key, value) > maximumWeight) {
                        refused++;
                        assertThatThrownBy(() -> store.put(key, value)).isInstanceOf(InvalidInputException.class);
                    } else if (ttl == null) {
                        model.put(key, value, DEFAULT_TTL, now);
                        store.put(key, value);
                    } else {
                        model.put(key, value, ttl, now);
                        store.put(key, value, ttl);
                    }
                } else if (op < 75) {
                    boolean expected = model.delete(key, now);
                    assertThat(store.delete(key)).as(context + ": delete " + key).isEqualTo(expected);
                } else if (op < 85) {
                    ticker.advance(Duration.ofMillis(random.nextInt(3_000)));
                } else if (op < 90) {
                    Optional<Duration> expected = model.remaining(key, now);
                    Optional<CacheEntry<String>> entry = store.getEntry(key, io.chatcache.core.ValueType.of(String.class));
                    assertThat(entry.map(CacheEntry::remainingTtl)).as(context + ": getEntry " + key).isEqualTo(expected);
                } else if (op < 94) {
                    unordered = true;
                    long expected = model.cleanupExpired(now);
                    assertThat(store.cleanupExpired()).as(context + ": cleanupExpired").isEqualTo(expected);
                } else if (op < 98) {
                    unordered = true;
                    String prefix = "k" + random.nextInt(4);
                    long expected = model.deleteMatching(KeyPattern.prefix(prefix), now);
                    assertThat(store.deleteMatching(KeyPattern.prefix(prefix))).as(context + ": deleteMatching " + prefix)
                            .isEqualTo(expected);
                } else if (op < 99) {
                    assertThat(store.get(key, Integer.class)).as(context + ": get of the wrong type").isEmpty();
                    model.getWrongType(key, now);
                } else {
                    model.clear(now);
                    store.clear();
                }
                if (unordered) {
                    // These walk the map, whose order is not the model's: compare as multisets.
                    assertThat(storeEvents).as(context + ": removals").containsExactlyInAnyOrderElementsOf(model.events);
                } else {
                    assertThat(storeEvents).as(context + ": removals").containsExactlyElementsOf(model.events);
                }
                storeEvents.clear();
                model.events.clear();
                assertThat(store.stats().entryCount()).as(context + ": size").isEqualTo(model.entries.size());
                assertThat(store.stats().totalSizeBytes()).as(context + ": bytes").isEqualTo(model.weight);
            }
            assertThat(store.stats().evictions()).isEqualTo(model.evictions);
            assertThat(store.stats().expirations()).isEqualTo(model.expirations);
            assertThat(store.stats().hits()).isEqualTo(model.hits);
            assertThat(store.stats().misses()).isEqualTo(model.misses);
            assertThat(store.stats().errors()).isEqualTo(model.errors);
            assertThat(model.evictions).as("the run must exercise eviction").isPositive();
            assertThat(model.expirations).as("the run must exercise expiry").isPositive();
            if (maximumWeight != Long.MAX_VALUE) {
                assertThat(refused).as("the run must try values heavier than the bound").isPositive();
            }
        }
    }

    /** The specification, written as plainly as possible. */
    private static final class Model {
        record Entry(String value, long expiresAt, long weight) {
            boolean expiredAt(long now) {
                return expiresAt != Long.MAX_VALUE && now - expiresAt >= 0;
            }
        }

        final long maximumSize;
        final long maximumWeight;
        final Weigher weigher;
        /** Access order: the first entry is the least recently used. */
        final LinkedHashMap<String, Entry> order = new LinkedHashMap<>(16, 0.75f, true);
        /** The same entries, for looking without touching the order. */
        final Map<String, Entry> entries = new HashMap<>();
        final List<String> events = new ArrayList<>();
        long weight;
        long hits;
        long misses;
        long errors;
        long evictions;
        long expirations;

        Model(long maximumSize, long maximumWeight, Weigher weigher) {
            this.maximumSize = maximumSize;
            this.maximumWeight = maximumWeight;
            this.weigher = weigher;
        }

        Optional<String> get(String key, long now) {
            Entry entry = entries.get(key);
            if (entry == null) {
                misses++;
                return Optional.empty();
            }
            if (entry.expiredAt(now)) {
                remove(key, RemovalCause.EXPIRED, now);
                misses++;
                return Optional.empty();
            }
            order.get(key);
            hits++;
            return Optional.of(entry.value);
        }

        void getWrongType(String key, long now) {
            Entry entry = entries.get(key);
            if (entry == null) {
                misses++;
            } else if (entry.expiredAt(now)) {
                remove(key, RemovalCause.EXPIRED, now);
                misses++;
            } else {
                errors++;
                misses++;
            }
        }

        Optional<Duration> remaining(String key, long now) {
            Entry entry = entries.get(key);
            if (entry == null) {
                misses++;
                return Optional.empty();
            }
            if (entry.expiredAt(now)) {
                remove(key, RemovalCause.EXPIRED, now);
                misses++;
                return Optional.empty();
            }
            order.get(key);
            hits++;
            return Optional.of(entry.expiresAt == Long.MAX_VALUE
                    ? CacheStore.NO_EXPIRY : Duration.ofNanos(entry.expiresAt - now));
        }

        void put(String key, String value, Duration ttl, long now) {
            if (entries.containsKey(key)) {
                remove(key, RemovalCause.REPLACED, now);
            }
            long expiresAt = ttl.equals(CacheStore.NO_EXPIRY) ? Long.MAX_VALUE : now + ttl.toNanos();
            Entry entry = new Entry(value, expiresAt, weigher.weigh(key, value));
            entries.put(key, entry);
            order.put(key, entry);
            weight += entry.weight;
            while (entries.size() > maximumSize || weight > maximumWeight) {
                Iterator<String> eldest = order.keySet().iterator();
                remove(eldest.next(), RemovalCause.EVICTED, now);
            }
        }

        boolean delete(String key, long now) {
            Entry entry = entries.get(key);
            if (entry == null) {
                return false;
            }
            remove(key, RemovalCause.EXPLICIT, now);
            return !entry.expiredAt(now);
        }

        long cleanupExpired(long now) {
            List<String> expired = entries.entrySet().stream()
                    .filter(e -> e.getValue().expiredAt(now)).map(Map.Entry::getKey).toList();
            expired.forEach(key -> remove(key, RemovalCause.EXPIRED, now));
            return expired.size();
        }

        long deleteMatching(KeyPattern pattern, long now) {
            List<String> matching = entries.keySet().stream().filter(pattern::matches).toList();
            long live = matching.stream().filter(key -> !entries.get(key).expiredAt(now)).count();
            matching.forEach(key -> remove(key, RemovalCause.EXPLICIT, now));
            return live;
        }

        void clear(long now) {
            for (String key : List.copyOf(order.keySet())) {
                remove(key, RemovalCause.CLEARED, now);
            }
        }

        /** An expired entry leaves as EXPIRED whatever removed it. */
        private void remove(String key, RemovalCause cause, long now) {
            Entry entry = entries.remove(key);
            order.remove(key);
            weight -= entry.weight;
            RemovalCause reported = entry.expiredAt(now) ? RemovalCause.EXPIRED : cause;
            if (reported == RemovalCause.EXPIRED) {
                expirations++;
            } else if (reported == RemovalCause.EVICTED) {
                evictions++;
            }
            events.add(key + ":" + reported);
        }
    }
}

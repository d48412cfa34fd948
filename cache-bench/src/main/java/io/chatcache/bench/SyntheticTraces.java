package io.chatcache.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic access traces for the hit-rate table, generated from fixed seeds (the same trace every run).
 */
final class SyntheticTraces {

    private static final int ACCESSES = 300_000;

    private SyntheticTraces() {
    }

    /** Scrambled Zipfian keys (exponent 0.99, as Caffeine's and YCSB's benchmarks) over 50,000 items. */
    static Traces.Trace zipf() {
        ScrambledZipfian zipf = new ScrambledZipfian(50_000, 42);
        String[] names = names("zipf:", 50_000);
        String[] keys = new String[ACCESSES];
        for (int i = 0; i < ACCESSES; i++) {
            keys[i] = names[zipf.next()];
        }
        return new Traces.Trace("zipf", keys);
    }

    /**
     * A chat service's reads: 55% session histories, where a new session starts every 20 reads on average
     * and a read goes to a recently active session (the more recent, the likelier: geometric over the last
     * sessions started); 15% user profiles (Zipfian over 20,000 users); 30% search results, a long tail
     * (Zipfian over 2,000,000 queries, most seen once).
     */
    static Traces.Trace chat() {
        SplittableRandom random = new SplittableRandom(7);
        ScrambledZipfian users = new ScrambledZipfian(20_000, 11);
        ScrambledZipfian searches = new ScrambledZipfian(2_000_000, 13);
        String[] keys = new String[ACCESSES];
        int sessions = 1;
        for (int i = 0; i < ACCESSES; i++) {
            int kind = random.nextInt(100);
            if (kind < 55) {
                if (random.nextInt(20) == 0) {
                    sessions++;
                }
                // Geometric with mean 40: most reads go to the last few dozen sessions.
                double geometric = Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - 1.0 / 40));
                int back = (int) Math.min(sessions - 1, geometric);
                keys[i] = "session:" + (sessions - 1 - back) + ":history";
            } else if (kind < 70) {
                keys[i] = "user:" + users.next() + ":profile";
            } else {
                keys[i] = "search:" + searches.next();
            }
        }
        return new Traces.Trace("chat", intern(keys));
    }

    private static String[] names(String prefix, int count) {
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = prefix + i;
        }
        return names;
    }

    /** Equal keys as one instance, as the LIRS traces have them (the caches then compare by reference first). */
    private static String[] intern(String[] keys) {
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < keys.length; i++) {
            keys[i] = seen.computeIfAbsent(keys[i], k -> k);
        }
        return keys;
    }
}

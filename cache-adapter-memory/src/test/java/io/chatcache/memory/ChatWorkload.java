package io.chatcache.memory;

import java.util.SplittableRandom;

/**
 * A chat-shaped read workload over integer keys, for the adaptive policy's tests: 55% reads of recent sessions'
 * histories (a new session every 20 reads on average, reads going back a geometric number of sessions, mean 40),
 * 15% profiles (a few users take most reads: user {@code u^4} of 20,000, {@code u} uniform) and 30% searches,
 * mostly seen once (uniform over 2,000,000). The same keys for the same seed.
 */
final class ChatWorkload {

    private ChatWorkload() {
    }

    static int[] keys(int reads, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] keys = new int[reads];
        int sessions = 1;
        for (int i = 0; i < reads; i++) {
            int kind = random.nextInt(100);
            if (kind < 55) {
                if (random.nextInt(20) == 0) {
                    sessions++;
                }
                double geometric = Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - 1.0 / 40));
                int back = (int) Math.min(sessions - 1, geometric);
                keys[i] = sessions - 1 - back;
            } else if (kind < 70) {
                keys[i] = 100_000_000 + (int) (Math.pow(random.nextDouble(), 4) * 20_000);
            } else {
                keys[i] = 200_000_000 + random.nextInt(2_000_000);
            }
        }
        return keys;
    }
}

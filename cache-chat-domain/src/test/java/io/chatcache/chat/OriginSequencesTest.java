package io.chatcache.chat;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class OriginSequencesTest {

    private final AtomicLong now = new AtomicLong();
    private final OriginSequences sequences = new OriginSequences(3, Duration.ofMinutes(10).toNanos(), now::get);

    @Test
    void aGapOrAStepBackFromARememberedOriginIsBrokenTheFirstMessageIsNot() {
        assertThat(sequences.broken("a", 5)).isFalse();
        assertThat(sequences.broken("a", 6)).isFalse();
        assertThat(sequences.broken("a", 8)).as("gap").isTrue();
        assertThat(sequences.broken("a", 1)).as("started over").isTrue();
        assertThat(sequences.broken("a", 2)).isFalse();
    }

    @Test
    void forgedOriginsCannotGrowTheMapBeyondItsBound() {
        for (int i = 0; i < 100_000; i++) {
            sequences.broken("forged-" + i, 1);
        }

        assertThat(sequences.size()).isEqualTo(3);
    }

    @Test
    void theOriginHeardFromLongestAgoGoesFirst() {
        sequences.broken("a", 1);
        sequences.broken("b", 1);
        sequences.broken("c", 1);
        sequences.broken("a", 2);

        sequences.broken("d", 1);

        assertThat(sequences.broken("a", 9)).as("a was kept: heard from recently").isTrue();
        assertThat(sequences.broken("b", 9)).as("b was forgotten, so taken as new").isFalse();
    }

    @Test
    void anOriginSilentForLongerThanTheWindowIsForgotten() {
        sequences.broken("quiet", 1);
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(sequences.size()).as("silent exactly the window: kept").isEqualTo(1);

        now.addAndGet(1);

        assertThat(sequences.size()).isZero();
        assertThat(sequences.broken("quiet", 7)).as("taken as new").isFalse();
    }
}

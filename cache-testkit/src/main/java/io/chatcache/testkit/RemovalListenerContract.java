package io.chatcache.testkit;

import static io.chatcache.core.CacheStore.NO_EXPIRY;
import static io.chatcache.testkit.ContractData.LONG_TTL;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.KeyPattern;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.Subscription;
import io.chatcache.testkit.ContractData.RecordingListener;
import io.chatcache.testkit.ContractData.Removal;
import org.junit.jupiter.api.Test;

/**
 * Removal listeners: who hears what, with which {@link RemovalCause}.
 *
 * <p>Demands: {@code delete} and {@code deleteMatching} report each removed key once as
 * {@link RemovalCause#EXPLICIT}; {@code clear}, overwrites and expiry report
 * {@link RemovalCause#CLEARED}, {@link RemovalCause#REPLACED} and {@link RemovalCause#EXPIRED} (once) if
 * the store declares that it reports those causes, and nothing in their place if it does not; a closed
 * subscription hears nothing more; every listener is told, and one that throws neither stops the
 * others nor breaks the operation. Listeners may be told on another thread: the suite waits for them up
 * to five seconds.
 *
 * <p>Hooks consulted: {@link CacheStoreFixture#reportedRemovalCauses()},
 * {@link CacheStoreFixture#shortTtl()}, {@link CacheStoreFixture#expiryTimeout()} and
 * {@link CacheStoreFixture#advanceTime(java.time.Duration)}.
 */
public interface RemovalListenerContract extends ContractGroup {

    /**
     * A {@code delete} is reported as {@link RemovalCause#EXPLICIT}; a delete of an absent key is not
     * reported.
     */
    @Test
    default void deleteIsReportedAsExplicit() {
        RecordingListener listener = new RecordingListener();
        store().addRemovalListener(listener);
        store().put("key", "value", LONG_TTL);

        store().delete("absent");
        store().delete("key");

        listener.awaitExactly(new Removal("key", RemovalCause.EXPLICIT));
    }

    /**
     * {@code deleteMatching} reports each removed key as {@link RemovalCause#EXPLICIT}, and only those.
     */
    @Test
    default void deleteMatchingReportsEachRemovedKeyAsExplicit() {
        RecordingListener listener = new RecordingListener();
        store().put("user:1", "a", LONG_TTL);
        store().put("user:2", "b", LONG_TTL);
        store().put("session:1", "c", LONG_TTL);
        store().addRemovalListener(listener);

        store().deleteMatching(KeyPattern.glob("user:*"));

        listener.awaitExactly(new Removal("user:1", RemovalCause.EXPLICIT),
                new Removal("user:2", RemovalCause.EXPLICIT));
    }

    /**
     * {@code clear} reports every entry as {@link RemovalCause#CLEARED}, if the store reports that cause;
     * otherwise nothing.
     */
    @Test
    default void clearIsReportedAsClearedWhereTheStoreReportsIt() {
        RecordingListener listener = new RecordingListener();
        store().put("a", "1", LONG_TTL);
        store().put("b", "2", NO_EXPIRY);
        store().addRemovalListener(listener);

        store().clear();

        if (fixture().reportedRemovalCauses().contains(RemovalCause.CLEARED)) {
            listener.awaitExactly(new Removal("a", RemovalCause.CLEARED), new Removal("b", RemovalCause.CLEARED));
        } else {
            listener.assertNothingHeard();
        }
    }

    /**
     * An overwrite is reported as {@link RemovalCause#REPLACED}, if the store reports that cause;
     * otherwise nothing.
     */
    @Test
    default void overwriteIsReportedAsReplacedWhereTheStoreReportsIt() {
        RecordingListener listener = new RecordingListener();
        store().addRemovalListener(listener);
        store().put("key", "first", LONG_TTL);

        store().put("key", "second", LONG_TTL);

        if (fixture().reportedRemovalCauses().contains(RemovalCause.REPLACED)) {
            listener.awaitExactly(new Removal("key", RemovalCause.REPLACED));
        } else {
            listener.assertNothingHeard();
        }
    }

    /**
     * An expiry is reported once as {@link RemovalCause#EXPIRED}, if the store reports that cause;
     * otherwise nothing.
     */
    @Test
    default void expiryIsReportedOnceAsExpiredWhereTheStoreReportsIt() {
        RecordingListener listener = new RecordingListener();
        store().addRemovalListener(listener);
        store().put("key", "value", fixture().shortTtl());

        fixture().letShortTtlElapse();
        fixture().awaitExpiry().untilAsserted(() -> assertThat(store().get("key", String.class)).isEmpty());

        if (fixture().reportedRemovalCauses().contains(RemovalCause.EXPIRED)) {
            listener.awaitExactly(new Removal("key", RemovalCause.EXPIRED));
        } else {
            listener.assertNothingHeard();
        }
    }

    /**
     * A closed subscription (closed twice, which is allowed) hears nothing more.
     */
    @Test
    default void closedSubscriptionHearsNothingMore() {
        RecordingListener listener = new RecordingListener();
        Subscription subscription = store().addRemovalListener(listener);
        store().put("key", "value", LONG_TTL);

        subscription.close();
        subscription.close();
        store().delete("key");

        listener.assertNothingHeard();
    }

    /**
     * Every listener is told; one that throws neither stops the others nor breaks the operation.
     */
    @Test
    default void everyListenerIsToldAndOneThatThrowsDoesNotBreakTheStore() {
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        store().addRemovalListener(first);
        store().addRemovalListener((key, cause) -> {
            throw new IllegalStateException("listener failure the store() must swallow");
        });
        store().addRemovalListener(second);
        store().put("key", "value", LONG_TTL);

        assertThat(store().delete("key")).isTrue();

        first.awaitExactly(new Removal("key", RemovalCause.EXPLICIT));
        second.awaitExactly(new Removal("key", RemovalCause.EXPLICIT));
        assertThat(store().get("key", String.class)).isEmpty();
    }
}

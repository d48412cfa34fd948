package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.chatcache.core.CacheStore;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.Subscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InvalidationCallbackTest {

    private final ChatCacheService cache = ChatCacheService.builder().build();
    private final List<String> invalidated = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void deleteOfAMatchingKeyFiresTheCallbackWithTheKey() {
        cache.registerInvalidationCallback("user:*", invalidated::add);
        cache.set("user:123", "John");

        cache.delete("user:123");

        assertThat(invalidated).containsExactly("user:123");
    }

    @Test
    void deleteOfANonMatchingKeyDoesNotFireTheCallback() {
        cache.registerInvalidationCallback("user:*", invalidated::add);
        cache.set("session:1", "s");

        cache.delete("session:1");

        assertThat(invalidated).isEmpty();
    }

    @Test
    void patternInvalidationFiresForEveryMatchingKeyRemoved() {
        cache.registerInvalidationCallback("user:*", invalidated::add);
        cache.set("user:1", "a");
        cache.set("user:2", "b");
        cache.set("session:1", "c");

        cache.invalidatePattern("*:1");

        assertThat(invalidated).containsExactly("user:1");
    }

    @Test
    void clearFiresForEveryMatchingKey() {
        cache.registerInvalidationCallback("user:*", invalidated::add);
        cache.set("user:1", "a");
        cache.set("user:2", "b");
        cache.set("session:1", "c");

        cache.clear();

        assertThat(invalidated).containsExactlyInAnyOrder("user:1", "user:2");
    }

    @Test
    void overwritingAValueDoesNotFireTheCallback() {
        cache.registerInvalidationCallback("user:*", invalidated::add);
        cache.set("user:1", "a");

        cache.set("user:1", "b");

        assertThat(invalidated).isEmpty();
    }

    @Test
    void closingTheSubscriptionStopsTheCallback() {
        Subscription subscription = cache.registerInvalidationCallback("user:*", invalidated::add);
        cache.set("user:1", "a");
        subscription.close();

        cache.delete("user:1");

        assertThat(invalidated).isEmpty();
    }

    @Test
    void aFailingCallbackDoesNotFailTheDeleteNorStopOtherCallbacks() {
        cache.registerInvalidationCallback("user:*", key -> {
            throw new IllegalStateException("callback bug");
        });
        cache.registerInvalidationCallback("user:*", invalidated::add);
        cache.set("user:1", "a");

        assertThat(cache.delete("user:1")).isTrue();

        assertThat(invalidated).containsExactly("user:1");
    }

    @Test
    void aMalformedPatternIsRefused() {
        assertThatThrownBy(() -> cache.registerInvalidationCallback("user:[", invalidated::add))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("pattern");
    }

    @Test
    void expiryEvictionAndReplacementDoNotFireTheCallbackButExplicitAndClearedDo() {
        CacheStore store = mock(CacheStore.class);
        AtomicReference<RemovalListener> listener = new AtomicReference<>();
        when(store.addRemovalListener(any())).thenAnswer(call -> {
            listener.set(call.getArgument(0));
            return (Subscription) () -> { };
        });
        try (ChatCacheService service = ChatCacheService.builder().memoryStore(store).build()) {
            service.registerInvalidationCallback("user:*", invalidated::add);

            listener.get().onRemoval("user:expired", RemovalCause.EXPIRED);
            listener.get().onRemoval("user:evicted", RemovalCause.EVICTED);
            listener.get().onRemoval("user:replaced", RemovalCause.REPLACED);
            listener.get().onRemoval("user:deleted", RemovalCause.EXPLICIT);
            listener.get().onRemoval("user:cleared", RemovalCause.CLEARED);
            listener.get().onRemoval("other:deleted", RemovalCause.EXPLICIT);
        }

        assertThat(invalidated).containsExactly("user:deleted", "user:cleared");
    }
}

package io.chatcache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.RemovalCause;
import io.chatcache.core.ValueType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemovalListenerFailureTest {

    @Test
    void aListenerThrowingACheckedExceptionStopsNeitherTheOthersNorThePut() {
        List<String> heard = new ArrayList<>();
        try (MemoryCacheStore store = MemoryCacheStore.builder().cleanupInterval(Duration.ZERO).build()) {
            store.addRemovalListener((key, cause) -> sneakyThrow(new IOException("listener backend down")));
            store.addRemovalListener((key, cause) -> heard.add(key + ":" + cause));
            store.put("k", "1");

            store.put("k", "22");
            store.put("k", "333");

            assertThat(heard).containsExactly("k:" + RemovalCause.REPLACED, "k:" + RemovalCause.REPLACED);
            assertThat(store.get("k", ValueType.of(String.class))).contains("333");
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable e) throws T {
        throw (T) e;
    }
}

package io.chatcache.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.chat.ChatCacheService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheIntegrationExampleTest {

    @Test
    void withNoEnvironmentTheExampleRunsOnMemoryAndPrintsItsStatistics() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ChatCacheService cache = ChatCacheService.fromEnvironment(Map.of());
             PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new CacheIntegrationExample(cache, out).run();
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(printed).contains("Backend: MEMORY (Redis available: false)")
                .contains("callback: user data invalidated -> user:123")
                .contains("invalidatePattern(user:123:*) removed 2 entries")
                .contains("computed 2 times")
                .contains("memory Cache:", "Hit Rate: ", "Hits: ", "Misses: ", "Entries: ", "Size: ", "Evictions: ")
                .doesNotContain("redis Cache:");
    }
}

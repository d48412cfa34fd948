package io.chatcache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {

    @Test
    void toStringNamesTheVariablesButHidesTheirValues() {
        StoreSettings settings = StoreSettings.defaults(Map.of(
                "REDIS_PASSWORD", "s3cr3t-password",
                "REDIS_URL", "rediss://user:hunter2@cache.example:6380",
                "REDIS_HOST", "cache.example"));

        assertThat(settings.toString())
                .contains("REDIS_PASSWORD", "REDIS_URL", "REDIS_HOST", "maximumSize=1000", "defaultTtl=PT1H")
                .doesNotContain("s3cr3t-password", "hunter2", "cache.example");
    }

    @Test
    void defaultsAreTheReferencesValues() {
        StoreSettings settings = StoreSettings.defaults(Map.of());

        assertThat(settings.maximumSize()).isEqualTo(1000);
        assertThat(settings.defaultTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.environment()).isEmpty();
    }

    @Test
    void environmentIsCopied() {
        Map<String, String> environment = new HashMap<>(Map.of("REDIS_HOST", "a"));
        StoreSettings settings = new StoreSettings(10, Duration.ofMinutes(1), environment);

        environment.put("REDIS_HOST", "b");

        assertThat(settings.environment()).containsExactlyEntriesOf(Map.of("REDIS_HOST", "a"));
        assertThatThrownBy(() -> settings.environment().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void maximumSizeMustBeAtLeastOne() {
        assertThatThrownBy(() -> new StoreSettings(0, Duration.ofMinutes(1), Map.of()))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        refused -> assertThat(refused.argument()).isEqualTo("maximumSize"))
                .hasMessageContaining("was 0");
    }

    @Test
    void defaultTtlFollowsTheTtlRules() {
        assertThatThrownBy(() -> new StoreSettings(1, Duration.ZERO, Map.of()))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        refused -> assertThat(refused.argument()).isEqualTo("ttl"));
        assertThat(new StoreSettings(1, CacheStore.NO_EXPIRY, Map.of()).defaultTtl()).isEqualTo(CacheStore.NO_EXPIRY);
    }

    @Test
    void environmentMustBeGiven() {
        assertThatThrownBy(() -> new StoreSettings(1, Duration.ofMinutes(1), null))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        refused -> assertThat(refused.argument()).isEqualTo("environment"));
    }
}

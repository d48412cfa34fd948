package io.chatcache.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisServerOptionsTest {

    @Test
    void defaultsHaveNoPasswordNoTlsNoExtraArgs() {
        assertThat(RedisServerOptions.builder().build()).isEqualTo(RedisServerOptions.DEFAULTS);
        assertThat(RedisServerOptions.DEFAULTS.password()).isNull();
        assertThat(RedisServerOptions.DEFAULTS.tls()).isFalse();
        assertThat(RedisServerOptions.DEFAULTS.extraArgs()).isEmpty();
    }

    @Test
    void builderCollectsEveryOption() {
        RedisServerOptions options = RedisServerOptions.builder().password("pw").tls(true)
                .extraArgs("--maxmemory", "1mb").extraArgs(List.of("--hz", "50")).build();

        assertThat(options.password()).isEqualTo("pw");
        assertThat(options.tls()).isTrue();
        assertThat(options.extraArgs()).containsExactly("--maxmemory", "1mb", "--hz", "50");
    }

    @Test
    void builderStaysReusableAfterBuild() {
        RedisServerOptions.Builder builder = RedisServerOptions.builder().extraArgs("--hz", "50");
        RedisServerOptions first = builder.build();

        builder.extraArgs("--maxmemory", "1mb");

        assertThat(first.extraArgs()).containsExactly("--hz", "50");
        assertThat(builder.build().extraArgs()).hasSize(4);
    }

    @Test
    void extraArgsAreCopied() {
        List<String> args = new ArrayList<>(List.of("--hz", "50"));
        RedisServerOptions options = new RedisServerOptions(null, false, args);

        args.add("--maxmemory");

        assertThat(options.extraArgs()).containsExactly("--hz", "50");
    }

    @Test
    void emptyPasswordIsRejectedNamingTheOption() {
        assertThatThrownBy(() -> RedisServerOptions.builder().password("").build())
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("password");
    }

    @Test
    void passwordWithWhitespaceIsRejected() {
        assertThatThrownBy(() -> RedisServerOptions.builder().password("a b").build())
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("password");
    }

    @Test
    void nullExtraArgIsRejectedNamingTheOption() {
        assertThatThrownBy(() -> RedisServerOptions.builder().extraArgs("--hz", null))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("extraArgs");
    }

    @Test
    void toStringHidesThePassword() {
        assertThat(RedisServerOptions.builder().password("hunter2").build().toString())
                .doesNotContain("hunter2").contains("****");
    }
}

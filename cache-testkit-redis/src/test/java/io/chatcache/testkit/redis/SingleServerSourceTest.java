package io.chatcache.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SingleServerSourceTest {

    @Test
    void externalAddressWinsOverEverythingElse() {
        assertThat(SingleServerSource.choose("redis.example:6380", true, true))
                .isEqualTo(SingleServerSource.Kind.EXTERNAL);
    }

    @Test
    void dockerComesBeforeTheLocalBinary() {
        assertThat(SingleServerSource.choose(null, true, true)).isEqualTo(SingleServerSource.Kind.CONTAINER);
    }

    @Test
    void localBinaryIsUsedWithoutDocker() {
        assertThat(SingleServerSource.choose(" ", false, true)).isEqualTo(SingleServerSource.Kind.LOCAL);
    }

    @Test
    void withNothingAvailableTheFailureSaysWhatToInstall() {
        assertThatThrownBy(() -> SingleServerSource.choose(null, false, false))
                .isInstanceOf(RedisHarnessException.class)
                .hasMessageContaining("apt-get install redis-server")
                .hasMessageContaining("CHATCACHE_TEST_REDIS");
    }

    @Test
    void dockerHostVariableCountsAsDocker() {
        assertThat(SingleServerSource.dockerSocketPresent(Map.of("DOCKER_HOST", "tcp://10.0.0.1:2375")::get,
                path -> false)).isTrue();
    }

    @Test
    void dockerSocketFileCountsAsDocker() {
        assertThat(SingleServerSource.dockerSocketPresent(Map.<String, String>of()::get,
                path -> path.equals(Path.of("/var/run/docker.sock")))).isTrue();
    }

    @Test
    void rootlessDockerSocketCountsAsDocker() {
        assertThat(SingleServerSource.dockerSocketPresent(Map.of("XDG_RUNTIME_DIR", "/run/user/1000")::get,
                path -> path.equals(Path.of("/run/user/1000/docker.sock")))).isTrue();
    }

    @Test
    void noSocketAndNoDockerHostMeansNoDocker() {
        assertThat(SingleServerSource.dockerSocketPresent(Map.of("HOME", "/home/dev")::get, path -> false))
                .isFalse();
    }
}

package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every way a malformed Redis configuration is refused, with a password inside the malformed value: the
 * message, every cause's message and every {@code toString()} must be free of it.
 */
class RedisConfigSecretsTest {

    private static final String SECRET = "Pw-9f3kQ";

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static Arguments fromEnv(String... pairs) {
        Map<String, String> env = env(pairs);
        return Arguments.of("environment " + env.keySet(), (Executable) () -> RedisConfig.fromEnvironment(env));
    }

    private static Arguments fromCode(String what, Executable code) {
        return Arguments.of(what, code);
    }

    static Stream<Arguments> malformedConfigurations() {
        String s = SECRET;
        return Stream.of(
                // REDIS_URL: every parse error of RedisUrl and of the address inside it
                fromEnv("REDIS_URL", "user:" + s + "@cache:6379"),
                fromEnv("REDIS_URL", ":" + s + "@cache:6379"),
                fromEnv("REDIS_URL", s + "@cache"),
                fromEnv("REDIS_URL", "http://user:" + s + "@cache:6379"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@cache:6379/x"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@cache:6379/-1"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@cache:6379?ssl=true"),
                fromEnv("REDIS_URL", "redis://cache:6379?password=" + s),
                fromEnv("REDIS_URL", "redis://user:" + s + "%zz@cache:6379"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@cache:notaport"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@cache:70000"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@[::1"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@::1:6379"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@[::1]x"),
                fromEnv("REDIS_URL", "redis://" + s + "@cache:0"),
                fromEnv("REDIS_URL", "redis://user:p@" + s + ",x@cache:bad"),
                // REDIS_HOST holding credentials, with or without a scheme
                fromEnv("REDIS_HOST", "user:" + s + "@cache"),
                fromEnv("REDIS_HOST", "redis://user:" + s + "@cache"),
                fromEnv("REDIS_HOST", s + "@cache"),
                fromEnv("REDIS_HOST", "cache password=" + s),
                // node lists
                fromEnv("REDIS_CLUSTER_NODES", "user:" + s + "@a:7000,b:7001"),
                fromEnv("REDIS_CLUSTER_NODES", "a:7000,redis://user:" + s + "@b:7001"),
                fromEnv("REDIS_CLUSTER_NODES", "redis://user:" + s + "@a:7000,,b:7001"),
                fromEnv("REDIS_CLUSTER_NODES", "a:7000,b:7001", "REDIS_SENTINEL_NODES", "user:" + s + "@s:26379"),
                fromEnv("REDIS_SENTINEL_MASTER", "mymaster", "REDIS_SENTINEL_NODES", "user:" + s + "@s1:26379"),
                fromEnv("REDIS_SENTINEL_MASTER", "mymaster", "REDIS_SENTINEL_NODES", "s1:26379,,user:" + s + "@s2"),
                fromEnv("REDIS_SENTINEL_MASTER", "mymaster", "REDIS_SENTINEL_NODES", "s1:26379,user:p," + s + "@s2"),
                // other variables with a password in them by mistake
                fromEnv("REDIS_URL", "redis://user:" + s + "@cache:6379", "REDIS_DB", "x"),
                fromEnv("REDIS_PORT", "user:" + s + "@6379"),
                fromEnv("REDIS_DB", "user:" + s + "@0"),
                fromEnv("REDIS_SSL", "user:" + s + "@true"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@cache:6379", "REDIS_SSL", "maybe"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@cache:6379", "REDIS_CLUSTER_NODES", "a:1",
                        "REDIS_DB", "3"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@cache:6379", "REDIS_SSL_TRUSTSTORE", "/tmp/t.p12",
                        "REDIS_SSL", "false"),
                fromEnv("REDIS_URL", "redis://user:" + s + "@cache:6379", "REDIS_NAMESPACE", "a:b"),
                // the builder
                fromCode("single(address)", () -> RedisConfig.builder().single("redis://user:" + s + "@cache:6379")),
                fromCode("single(user:pass@host)", () -> RedisConfig.builder().single("user:" + s + "@cache:6379")),
                fromCode("single(host, port)", () -> RedisConfig.builder().single("user:" + s + "@cache", 6379)),
                fromCode("url", () -> RedisConfig.builder().url("user:" + s + "@cache")),
                fromCode("url without host", () -> RedisConfig.builder().url("rediss://user:" + s + "@")),
                fromCode("cluster", () -> RedisConfig.builder().cluster("a:1", "user:" + s + "@b:2")),
                fromCode("sentinel", () -> RedisConfig.builder().sentinel("m", List.of("user:" + s + "@s:1"))),
                fromCode("toBuilder, empty namespace", () -> RedisConfig.builder().password(s).build().toBuilder()
                        .namespace("").build()),
                fromCode("trust store without TLS", () -> RedisConfig.builder().password(s)
                        .trustStore(java.nio.file.Path.of("/tmp/t.p12"), s).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedConfigurations")
    void noSecretInTheMessageTheCausesOrToString(String what, Executable malformed) {
        CacheConfigurationException refused = assertThrows(CacheConfigurationException.class, malformed, what);

        for (Throwable t = refused; t != null; t = t.getCause()) {
            assertThat(t.getMessage()).as(what).doesNotContain(SECRET);
            assertThat(t.toString()).as(what).doesNotContain(SECRET);
            assertThat(t.getLocalizedMessage()).as(what).doesNotContain(SECRET);
            for (Throwable suppressed : t.getSuppressed()) {
                assertThat(suppressed.toString()).as(what).doesNotContain(SECRET);
            }
        }
    }

    @Test
    void theMessageStillNamesWhatWasWrongWithTheSecretMasked() {
        CacheConfigurationException refused = assertThrows(CacheConfigurationException.class,
                () -> RedisConfig.fromEnvironment(Map.of("REDIS_URL", "user:" + SECRET + "@cache:6379")));

        assertThat(refused).hasMessageContaining("REDIS_URL").hasMessageContaining("'user:****@cache:6379'");
    }

    @Test
    void theMaskKeepsSchemeUserAndHostAndHidesTheRest() {
        assertThat(SecretMask.mask("redis://app:" + SECRET + "@cache:6379/2")).isEqualTo("redis://app:****@cache:6379/2");
        assertThat(SecretMask.mask("rediss://" + SECRET + "@cache")).isEqualTo("rediss://****@cache");
        assertThat(SecretMask.mask("app:p@ss:" + SECRET + "@cache")).isEqualTo("app:****@cache");
        assertThat(SecretMask.mask("a:" + SECRET + "@h1:1,b:x@h2:2")).isEqualTo("****@h2:2");
        assertThat(SecretMask.mask("redis://h?password=" + SECRET + "&db=1")).isEqualTo("redis://h?password=****&db=1");
        assertThat(SecretMask.mask("cache:6379")).isEqualTo("cache:6379");
        assertThat(SecretMask.mask(null)).isNull();
    }

    @Test
    void aValidConfigurationsToStringShowsNoSecret() {
        RedisConfig config = RedisConfig.fromEnvironment(Map.of("REDIS_URL", "rediss://app:" + SECRET + "@cache:6380/1",
                "REDIS_SSL_TRUSTSTORE", "/tmp/t.p12", "REDIS_SSL_TRUSTSTORE_PASSWORD", SECRET));

        assertThat(config.toString()).doesNotContain(SECRET).contains("password=****");
        assertThat(config.toBuilder().toString()).doesNotContain(SECRET);
    }
}

package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServerOptions;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Refused credentials on real password-protected servers: a missing password (NOAUTH) and a wrong one
 * (WRONGPASS) are told apart in the first line the user reads, which is short and specific; Redisson's
 * exceptions stay reachable as the cause.
 */
class RedisCredentialsTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static final String PASSWORD = "right-Pw-71";
    private static RedisServer server;

    @BeforeAll
    static void start() {
        server = redis.startSingle(RedisServerOptions.builder().password(PASSWORD).build());
        server.addAclUser("app", "app-Pw-72", "~*", "&*", "+@all");
    }

    private static RedisConfig.Builder config() {
        return RedisConfig.builder().single(server.address())
                .connectTimeout(Duration.ofSeconds(2))
                .timeout(Duration.ofSeconds(2))
                .startupTimeout(RedisTestSupport.STARTUP)
                .connectionMinimumIdleSize(1);
    }

    private static CacheConfigurationException refused(RedisConfig config) {
        return assertThrows(CacheConfigurationException.class, () -> RedisCacheStore.create(config).close());
    }

    private static void assertShortAndFreeOfSecrets(CacheConfigurationException e, String... secrets) {
        assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(400)
                .doesNotContain("RedisConnectionException").doesNotContain("CompletionException");
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (String secret : secrets) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
            }
        }
        assertThat(e.getCause()).as("Redisson's exception, kept as the cause").isNotNull();
    }

    @Test
    void aMissingPasswordSaysNoneWasGiven() {
        CacheConfigurationException e = refused(config().build());

        assertThat(e.getMessage()).contains("NOAUTH").contains("no password was configured")
                .contains(server.host() + ":" + server.port()).doesNotContain("WRONGPASS");
        assertShortAndFreeOfSecrets(e, PASSWORD);
    }

    @Test
    void aWrongPasswordSaysItWasRefused() {
        CacheConfigurationException e = refused(config().password("wrong-Pw-73").build());

        assertThat(e.getMessage()).contains("WRONGPASS").contains("refused the credentials for user 'default'")
                .contains("the password does not match")
                .doesNotContain("NOAUTH");
        assertShortAndFreeOfSecrets(e, PASSWORD, "wrong-Pw-73");
    }

    @Test
    void aWrongPasswordOfAnAclUserNamesTheUser() {
        CacheConfigurationException e = refused(config().username("app").password("wrong-Pw-74").build());

        assertThat(e.getMessage()).contains("WRONGPASS").contains("user 'app'");
        assertShortAndFreeOfSecrets(e, "app-Pw-72", "wrong-Pw-74");
    }

    @Test
    void anUnknownUserIsRefusedLikeAWrongPassword() {
        CacheConfigurationException e = refused(config().username("nobody").password("x-Pw-75").build());

        assertThat(e.getMessage()).contains("WRONGPASS").contains("user 'nobody'");
        assertShortAndFreeOfSecrets(e, "x-Pw-75");
    }

    @Test
    void theBusReportsTheSameWay() {
        CacheConfigurationException e = assertThrows(CacheConfigurationException.class,
                () -> RedisInvalidationBus.builder().config(config().build()).build().close());

        assertThat(e.getMessage()).contains("NOAUTH").contains("no password was configured");
    }
}

package io.chatcache.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.InvalidInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PasswordAndAclTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    @Test
    void passwordServerRefusesUnauthenticatedCommands() throws Exception {
        RedisServer server = redis.startSingle(RedisServerOptions.builder().password("s3cret").build());

        assertThat(RawPing.send(server.host(), server.port(), Duration.ofSeconds(2))).startsWith("-NOAUTH");
    }

    @Test
    void passwordServerAnswersCliWithItsPassword() {
        RedisServer server = redis.startSingle(RedisServerOptions.builder().password("s3cret").build());

        assertThat(server.password()).isEqualTo("s3cret");
        assertThat(server.cli("PING")).isEqualTo("PONG");
    }

    @Test
    void passwordServerStillAnswersAfterRestart() {
        RedisServer server = redis.startSingle(RedisServerOptions.builder().password("s3cret").build());
        server.kill();

        server.restart();

        assertThat(server.cli("PING")).isEqualTo("PONG");
    }

    @Test
    void aclUserLimitedToAPrefixMayWriteThere() {
        RedisServer server = redis.startSingle();
        server.addAclUser("app", "secret", "~app:*", "+@all");

        assertThat(server.cliAs("app", "secret", "SET", "app:x", "1")).isEqualTo("OK");
        assertThat(server.cliAs("app", "secret", "GET", "app:x")).isEqualTo("1");
    }

    @Test
    void aclUserLimitedToAPrefixIsRefusedElsewhere() {
        RedisServer server = redis.startSingle();
        server.addAclUser("app", "secret", "~app:*", "+@all");

        assertThat(server.cliAs("app", "secret", "SET", "other:x", "1")).startsWith("NOPERM");
        assertThat(server.cli("EXISTS", "other:x")).isEqualTo("0");
    }

    @Test
    void aclUserWithoutChannelRuleCannotPublish() {
        RedisServer server = redis.startSingle();
        server.addAclUser("app", "secret", "~app:*", "+@all");

        assertThat(server.cliAs("app", "secret", "PUBLISH", "news", "hi")).startsWith("NOPERM");
    }

    @Test
    void aclUserWithAllChannelsMayPublish() {
        RedisServer server = redis.startSingle();
        server.addAclUser("app", "secret", "~app:*", "&*", "+@all");

        assertThat(server.cliAs("app", "secret", "PUBLISH", "news", "hi")).isEqualTo("0");
    }

    @Test
    void addingAnAclUserAgainReplacesIt() {
        RedisServer server = redis.startSingle();
        server.addAclUser("app", "first", "~app:*", "+@all");

        server.addAclUser("app", "second", "~app:*", "+@all");

        assertThat(server.cliAs("app", "second", "PING")).isEqualTo("PONG");
        assertThatThrownBy(() -> server.cliAs("app", "first", "PING"))
                .isInstanceOf(RedisHarnessException.class).hasMessageContaining("could not authenticate");
    }

    @Test
    void aclUserOnAPasswordServerIsAddedWithTheDefaultPassword() {
        RedisServer server = redis.startSingle(RedisServerOptions.builder().password("s3cret").build());

        server.addAclUser("reader", "r", "~*", "+get");

        assertThat(server.cliAs("reader", "r", "SET", "k", "v")).startsWith("NOPERM");
    }

    @Test
    void invalidAclRuleIsReportedWithRedisReply() {
        RedisServer server = redis.startSingle();

        assertThatThrownBy(() -> server.addAclUser("app", "secret", "not-a-rule"))
                .isInstanceOf(RedisHarnessException.class).hasMessageContaining("ACL SETUSER app");
    }

    @Test
    void blankAclUserNameIsRejectedBeforeRedisIsAsked() {
        RedisServer server = redis.startSingle();

        assertThatThrownBy(() -> server.addAclUser(" ", "secret", "+@all"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("user");
    }
}

package io.chatcache.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SingleServerTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    @Test
    void sharedServerAnswersPingThroughCli() {
        assertThat(redis.single().cli("PING")).isEqualTo("PONG");
    }

    @Test
    void sharedServerIsTheSameOnEveryCall() {
        assertThat(redis.single()).isSameAs(redis.single());
    }

    @Test
    void sharedServerStoresWhatItIsGiven() {
        RedisServer server = redis.single();
        server.cli("SET", "single-test:key", "value");

        assertThat(server.cli("GET", "single-test:key")).isEqualTo("value");
    }

    @Test
    void sharedServerRefusesFaultOperations() {
        RedisServer server = redis.single();

        assertThatThrownBy(server::kill).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("startSingle()");
        assertThatThrownBy(server::pause).isInstanceOf(UnsupportedOperationException.class);
        assertThat(server.cli("PING")).isEqualTo("PONG");
    }

    @Test
    void startedServerHasLoopbackAddressOnItsOwnPort() {
        RedisServer server = redis.startSingle();

        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.port()).isNotEqualTo(6379);
        assertThat(server.address()).isEqualTo("redis://127.0.0.1:" + server.port());
        assertThat(server.password()).isNull();
        assertThat(server.tls()).isFalse();
        assertThat(server.isRunning()).isTrue();
    }

    @Test
    void eachStartedServerIsNew() {
        RedisServer first = redis.startSingle();
        RedisServer second = redis.startSingle();

        assertThat(first.port()).isNotEqualTo(second.port());
    }

    @Test
    void startedServerPersistsNothing() {
        RedisServer server = redis.startSingle();

        assertThat(server.cli("CONFIG", "GET", "save")).isEqualTo("save");
        assertThat(server.cli("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
    }

    @Test
    void killedServerClosesItsPort() {
        RedisServer server = redis.startSingle();

        server.kill();

        assertThat(server.isRunning()).isFalse();
        assertThat(FreePorts.accepts(server.host(), server.port())).isFalse();
    }

    @Test
    void restartedServerAnswersAgainOnTheSamePort() throws Exception {
        RedisServer server = redis.startSingle();
        int port = server.port();
        server.kill();

        server.restart();

        assertThat(server.port()).isEqualTo(port);
        assertThat(server.isRunning()).isTrue();
        assertThat(RawPing.send(server.host(), port, Duration.ofSeconds(2))).isEqualTo("+PONG");
    }

    @Test
    void restartOfARunningServerStartsItAfresh() {
        RedisServer server = redis.startSingle();
        server.cli("SET", "k", "v");

        server.restart();

        assertThat(server.cli("EXISTS", "k")).isEqualTo("0");
    }

    @Test
    void pausedServerAcceptsConnectionsButNeverAnswers() {
        RedisServer server = redis.startSingle();

        server.pause();

        assertThat(server.isRunning()).isTrue();
        assertThatThrownBy(() -> RawPing.send(server.host(), server.port(), Duration.ofMillis(300)))
                .isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void resumedServerAnswersAgain() throws Exception {
        RedisServer server = redis.startSingle();
        server.pause();

        server.resume();

        assertThat(RawPing.send(server.host(), server.port(), Duration.ofSeconds(2))).isEqualTo("+PONG");
    }

    @Test
    void pausedServerCanBeKilled() {
        RedisServer server = redis.startSingle();
        server.pause();

        server.kill();

        assertThat(server.isRunning()).isFalse();
        assertThat(FreePorts.accepts(server.host(), server.port())).isFalse();
    }

    @Test
    void pauseOfAKilledServerIsRefused() {
        RedisServer server = redis.startSingle();
        server.kill();

        assertThatThrownBy(server::pause).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
    }

    @Test
    void killClientDropsOnlyThatConnection() throws Exception {
        RedisServer server = redis.startSingle();
        try (Resp subscriber = Resp.connect(server.host(), server.port(), null, 2000);
                Resp other = Resp.connect(server.host(), server.port(), null, 2000)) {
            subscriber.call("CLIENT", "SETNAME", "reader");
            subscriber.call("SUBSCRIBE", "news");
            other.call("CLIENT", "SETNAME", "writer");
            RedisClientConnection reader = server.clients().stream().filter(c -> c.name().equals("reader"))
                    .findFirst().orElseThrow();
            assertThat(reader.isPubSub()).isTrue();
            assertThat(reader.channelSubscriptions()).isEqualTo(1);
            assertThat(server.clients()).extracting(RedisClientConnection::name)
                    .containsExactlyInAnyOrder("reader", "writer");

            assertThat(server.killClient(reader.id())).isTrue();

            assertThat(server.clients()).extracting(RedisClientConnection::name).containsExactly("writer");
            assertThat(server.killClient(reader.id())).isFalse();
            assertThat(other.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void sharedServerListsClientsButRefusesToKillThem() {
        RedisServer server = redis.single();

        assertThat(server.clients()).allSatisfy(client -> assertThat(client.id()).isPositive());
        assertThatThrownBy(() -> server.killClient(1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void extraArgumentsReachTheServer() {
        RedisServer server = redis.startSingle(RedisServerOptions.builder().extraArgs("--maxmemory", "10mb").build());

        assertThat(server.cli("CONFIG", "GET", "maxmemory")).isEqualTo("maxmemory\n10485760");
    }

    @Test
    void cliReportsErrorRepliesAsText() {
        assertThat(redis.startSingle().cli("NOSUCHCOMMAND")).startsWith("ERR unknown command");
    }

    @Test
    void serverThatCannotStartFailsWithItsLogTail() {
        RedisServerOptions options = RedisServerOptions.builder().extraArgs("--no-such-directive", "1").build();

        assertThatThrownBy(() -> redis.startSingle(options)).isInstanceOf(RedisHarnessException.class)
                .hasMessageContaining("exited with code").hasMessageContaining("no-such-directive");
    }

    @Test
    void trustStoreOfAPlainServerIsRefused() {
        RedisServer server = redis.startSingle();

        assertThatThrownBy(server::trustStore).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not use TLS");
    }
}

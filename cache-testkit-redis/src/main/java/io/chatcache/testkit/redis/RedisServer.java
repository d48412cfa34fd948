package io.chatcache.testkit.redis;

import java.nio.file.Path;
import java.util.List;

/**
 * One Redis server a test talks to: a local {@code redis-server} child process started by
 * {@link RedisServers}, a Testcontainers container, or the external server named by
 * {@code CHATCACHE_TEST_REDIS}.
 *
 * <p>Fault operations ({@link #kill()}, {@link #pause()}, {@link #resume()}, {@link #restart()}) work on
 * servers from {@link RedisServers#startSingle(RedisServerOptions)}, on {@link RedisCluster} nodes and on
 * the processes of a {@link RedisSentinel}, which are always local processes. The shared server from {@link RedisServers#single()} refuses them
 * with {@link UnsupportedOperationException}, because it may be an external server or a container, and
 * because other tests of the class share it.
 *
 * <p>Implementations are thread-safe; {@link RedisServers} stops every local server after the test class.
 */
public interface RedisServer {

    /** The host to connect to, such as {@code "127.0.0.1"}; never {@code null}. */
    String host();

    /** The port to connect to (the TLS port for a TLS server). */
    int port();

    /**
     * The address for clients such as Redisson: {@code "redis://127.0.0.1:PORT"}, or
     * {@code "rediss://127.0.0.1:PORT"} for a TLS server. Never holds a password; see {@link #password()}.
     */
    String address();

    /**
     * The {@code requirepass} password of the default user, or {@code null} if the server needs none.
     */
    String password();

    /** Whether clients must speak TLS to {@link #port()}. */
    boolean tls();

    /**
     * Kills the server with SIGKILL (no shutdown, no save) and returns once its port refuses
     * connections. Does nothing if it is not running. A paused server is killed too.
     *
     * @throws UnsupportedOperationException on the shared server from {@link RedisServers#single()}
     * @throws RedisHarnessException if the port still accepts connections after 10 seconds
     */
    void kill();

    /**
     * Stops the server with SIGSTOP: it still accepts TCP connections (the kernel does) but never answers
     * until {@link #resume()}. The harness resumes a paused server before stopping it.
     *
     * @throws UnsupportedOperationException on the shared server from {@link RedisServers#single()}
     * @throws IllegalStateException if the server is not running
     */
    void pause();

    /**
     * Continues a paused server with SIGCONT. Does nothing if it is running and not paused.
     *
     * @throws UnsupportedOperationException on the shared server from {@link RedisServers#single()}
     * @throws IllegalStateException if the server is not running
     */
    void resume();

    /**
     * Starts the server again on the same port with the same options, returning once it answers PING. A
     * cluster node comes back with the same identity and slots, and, when every other node is running,
     * this waits until it reports {@code cluster_state:ok} again (about two seconds). A running server is
     * killed first. Data is not kept: the harness disables persistence.
     *
     * @throws UnsupportedOperationException on the shared server from {@link RedisServers#single()}
     * @throws RedisHarnessException if it does not answer within the start-up timeout, or the port was
     *     taken by another process meanwhile; the message holds the tail of the server log
     */
    void restart();

    /**
     * The client connections the server has now ({@code CLIENT LIST}), this harness's own {@code redis-cli}
     * connection excluded.
     *
     * @throws RedisHarnessException as {@link #cli(String...)} does
     */
    List<RedisClientConnection> clients();

    /**
     * Closes one client connection ({@code CLIENT KILL ID id}), as a network fault that hits only that
     * connection would; the client sees it closed and usually reconnects.
     *
     * @param id the connection's {@linkplain RedisClientConnection#id() id}
     * @return whether the server had that connection
     * @throws UnsupportedOperationException on the shared server from {@link RedisServers#single()}
     * @throws RedisHarnessException as {@link #cli(String...)} does
     */
    boolean killClient(long id);

    /**
     * Whether the server process is alive (a paused server is). For an external server: whether it
     * accepts TCP connections.
     */
    boolean isRunning();

    /**
     * Runs {@code redis-cli} against this server as the default user (with the password and TLS
     * arguments it needs) and returns its standard output, trimmed. Error replies come back as text the
     * way {@code redis-cli} prints them (such as {@code "NOPERM ..."}), because {@code redis-cli} exits 0
     * on them. Pass {@code "-c"} first to follow cluster redirections.
     *
     * @param args the command and options, such as {@code cli("SET", "k", "v")}
     * @return the trimmed standard output; never {@code null}
     * @throws RedisHarnessException if {@code redis-cli} is missing, exits non-zero (the message holds its
     *     standard error) or takes longer than 30 seconds (as it does against a paused server)
     */
    String cli(String... args);

    /**
     * Runs {@code redis-cli} authenticated as {@code user}; otherwise like {@link #cli(String...)}.
     *
     * @param user the ACL user name
     * @param password the user's password
     * @param args the command and options
     * @return the trimmed standard output; never {@code null}
     * @throws RedisHarnessException as {@link #cli(String...)} does
     */
    String cliAs(String user, String password, String... args);

    /**
     * Creates or replaces an ACL user: {@code ACL SETUSER user reset on >password rules...}. The rules are
     * passed verbatim, for example {@code addAclUser("app", "secret", "~app:*", "+@all")}. Redis 7 gives a
     * new user no pub/sub channels; add {@code "&*"} (or {@code "&app:*"}) when the user subscribes or
     * publishes.
     *
     * @param user the user name; not blank
     * @param password the password; not empty
     * @param rules ACL rules such as key patterns ({@code ~app:*}), channels ({@code &*}) and commands
     *     ({@code +@all})
     * @throws io.chatcache.core.InvalidInputException if an argument is null or blank
     * @throws RedisHarnessException if Redis rejects the rules; the message holds its reply
     */
    void addAclUser(String user, String password, String... rules);

    /**
     * A PKCS12 trust store holding the test CA that signed this server's certificate, for
     * {@code Config.useSingleServer().setSslTruststore(...)} in Redisson or any JSSE client. The certificate
     * names {@code 127.0.0.1} and {@code localhost}, so hostname verification passes.
     *
     * @throws IllegalStateException if the server does not use TLS or was not started by the harness
     */
    Path trustStore();

    /**
     * The password of {@link #trustStore()}.
     *
     * @throws IllegalStateException if the server does not use TLS or was not started by the harness
     */
    String trustStorePassword();

    /**
     * The test CA certificate in PEM, for clients that take PEM files (such as {@code redis-cli --cacert}).
     *
     * @throws IllegalStateException if the server does not use TLS or was not started by the harness
     */
    Path caCertificate();
}

package io.chatcache.testkit.redis;

import java.nio.file.Path;
import java.util.List;

/**
 * The class-wide server from {@link RedisServers#single()}: every call goes to the real server except the
 * fault operations, refused the same way whatever backs it, so a fault test that passes on a laptop
 * also runs where the shared server is external or a container.
 */
final class SharedRedisServer implements RedisServer {
    private final AbstractRedisServer delegate;
    private final String source;

    SharedRedisServer(AbstractRedisServer delegate, String source) {
        this.delegate = delegate;
        this.source = source;
    }

    AbstractRedisServer delegate() {
        return delegate;
    }

    /** Where the server comes from: {@code "CHATCACHE_TEST_REDIS"}, {@code "container"} or {@code "local"}. */
    String source() {
        return source;
    }

    @Override
    public String host() {
        return delegate.host();
    }

    @Override
    public int port() {
        return delegate.port();
    }

    @Override
    public String address() {
        return delegate.address();
    }

    @Override
    public String password() {
        return delegate.password();
    }

    @Override
    public boolean tls() {
        return delegate.tls();
    }

    @Override
    public void kill() {
        throw unsupported("kill()");
    }

    @Override
    public void pause() {
        throw unsupported("pause()");
    }

    @Override
    public void resume() {
        throw unsupported("resume()");
    }

    @Override
    public void restart() {
        throw unsupported("restart()");
    }

    @Override
    public List<RedisClientConnection> clients() {
        return delegate.clients();
    }

    @Override
    public boolean killClient(long id) {
        throw unsupported("killClient()");
    }

    private UnsupportedOperationException unsupported(String operation) {
        return new UnsupportedOperationException(operation + " is refused on the shared server from "
                + "RedisServers.single(): it may be external or a container, and the whole test class shares it; "
                + "start your own with redis.startSingle() for fault tests");
    }

    @Override
    public boolean isRunning() {
        return delegate.isRunning();
    }

    @Override
    public String cli(String... args) {
        return delegate.cli(args);
    }

    @Override
    public String cliAs(String user, String password, String... args) {
        return delegate.cliAs(user, password, args);
    }

    @Override
    public void addAclUser(String user, String password, String... rules) {
        delegate.addAclUser(user, password, rules);
    }

    @Override
    public Path trustStore() {
        return delegate.trustStore();
    }

    @Override
    public String trustStorePassword() {
        return delegate.trustStorePassword();
    }

    @Override
    public Path caCertificate() {
        return delegate.caCertificate();
    }

    @Override
    public String toString() {
        return "shared " + source + " " + delegate;
    }
}

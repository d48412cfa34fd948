package io.chatcache.testkit.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A server the harness did not start, named by {@code CHATCACHE_TEST_REDIS}: {@code host:port},
 * {@code redis://[:password@]host[:port]} or {@code rediss://...}. The harness never stops or faults it.
 */
final class ExternalRedisServer extends AbstractRedisServer {
    static final String VARIABLE = "CHATCACHE_TEST_REDIS";

    private final String host;
    private final int port;
    private final boolean tls;
    private final String password;

    ExternalRedisServer(String host, int port, boolean tls, String password) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.password = password;
    }

    /**
     * Parses the variable's value.
     *
     * @throws RedisHarnessException naming the variable and the accepted forms if the value is malformed
     */
    static ExternalRedisServer parse(String value) {
        String text = value.trim();
        try {
            if (!text.contains("://")) {
                int colon = text.lastIndexOf(':');
                if (colon <= 0 || colon == text.length() - 1) {
                    throw malformed(value, "expected host:port");
                }
                return new ExternalRedisServer(text.substring(0, colon), port(text.substring(colon + 1), value),
                        false, null);
            }
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
                throw malformed(value, "the scheme must be redis or rediss");
            }
            if (uri.getHost() == null) {
                throw malformed(value, "no host");
            }
            String password = null;
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
                if (!user.isEmpty() && !user.equals("default")) {
                    throw malformed(value, "only the default user is supported (redis://:password@host:port)");
                }
                if (colon >= 0 && colon < userInfo.length() - 1) {
                    password = URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8);
                }
            }
            int port = uri.getPort() < 0 ? 6379 : uri.getPort();
            return new ExternalRedisServer(uri.getHost(), port, "rediss".equals(scheme), password);
        } catch (URISyntaxException e) {
            throw malformed(value, "not a URI: " + e.getReason());
        }
    }

    private static int port(String text, String value) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65_535) {
                throw malformed(value, "the port must be 1..65535");
            }
            return port;
        } catch (NumberFormatException e) {
            throw malformed(value, "the port is not a number");
        }
    }

    private static RedisHarnessException malformed(String value, String why) {
        // the value may hold a password: show only its shape
        String shown = value.replaceAll("//[^@/]*@", "//****@");
        return new RedisHarnessException(VARIABLE + "=" + shown + " is malformed: " + why
                + "; use host:port, redis://host:port, redis://:password@host:port or rediss://host:port");
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public boolean tls() {
        return tls;
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

    private UnsupportedOperationException unsupported(String operation) {
        return new UnsupportedOperationException(operation + " is not possible on the external server " + address()
                + " from " + VARIABLE + "; fault tests start their own with RedisServers.startSingle()");
    }

    @Override
    public boolean isRunning() {
        return FreePorts.accepts(host, port);
    }

    @Override
    public String cli(String... args) {
        return RedisCli.run(host, port, tls, null, null, password, args);
    }

    @Override
    public String cliAs(String user, String password, String... args) {
        return RedisCli.run(host, port, tls, null, user, password, args);
    }

    @Override
    public Path trustStore() {
        throw noTrustStore();
    }

    @Override
    public String trustStorePassword() {
        throw noTrustStore();
    }

    @Override
    public Path caCertificate() {
        throw noTrustStore();
    }

    private IllegalStateException noTrustStore() {
        return new IllegalStateException("the harness has no CA for the external server " + address()
                + "; configure its trust in the client yourself");
    }
}

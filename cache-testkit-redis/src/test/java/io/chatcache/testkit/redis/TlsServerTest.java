package io.chatcache.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TlsServerTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedisServer tlsServer() {
        return redis.startSingle(RedisServerOptions.builder().tls(true).build());
    }

    @Test
    void tlsServerHasARedissAddress() {
        RedisServer server = tlsServer();

        assertThat(server.tls()).isTrue();
        assertThat(server.address()).isEqualTo("rediss://127.0.0.1:" + server.port());
    }

    @Test
    void tlsServerAnswersCliOverTls() {
        assertThat(tlsServer().cli("PING")).isEqualTo("PONG");
    }

    @Test
    void tlsPortDoesNotAnswerPlainTcp() {
        RedisServer server = tlsServer();

        Throwable failure = catchThrowable(() -> {
            String reply = RawPing.send(server.host(), server.port(), Duration.ofMillis(500));
            assertThat(reply).isNotEqualTo("+PONG");
        });

        // the server either closes the connection, answers garbage or stays silent: never +PONG
        assertThat(failure).satisfiesAnyOf(
                f -> assertThat(f).isNull(),
                f -> assertThat(f).isInstanceOf(java.io.IOException.class));
    }

    @Test
    void trustStoreLetsAJsseClientVerifyTheServerByIp() throws Exception {
        RedisServer server = tlsServer();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(server.trustStore())) {
            store.load(in, server.trustStorePassword().toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);

        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(server.host(), server.port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = socket.getInputStream().readNBytes(7);

            assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void caCertificateIsAPemFile() throws Exception {
        assertThat(Files.readString(tlsServer().caCertificate())).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void tlsServerWithPasswordAnswersAfterRestart() {
        RedisServer server = redis.startSingle(RedisServerOptions.builder().tls(true).password("pw").build());
        server.kill();

        server.restart();

        assertThat(server.cli("PING")).isEqualTo("PONG");
    }
}

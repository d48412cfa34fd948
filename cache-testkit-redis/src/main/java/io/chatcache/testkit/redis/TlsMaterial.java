package io.chatcache.testkit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away test CA and a server certificate it signed (EC P-256, SAN {@code IP:127.0.0.1} and
 * {@code DNS:localhost}), made with the openssl CLI, plus a PKCS12 trust store of the CA for JSSE clients.
 */
record TlsMaterial(Path caCertificate, Path serverCertificate, Path serverKey, Path trustStore,
        String trustStorePassword) {

    private static final String OPENSSL_HINT = "Debian/Ubuntu: apt-get install openssl";
    private static final String CONFIG = String.join("\n",
            "[req]",
            "distinguished_name = dn",
            "prompt = no",
            "[dn]",
            "CN = chat-cache test",
            "[ca_ext]",
            "basicConstraints = critical, CA:TRUE",
            "keyUsage = critical, keyCertSign, cRLSign",
            "subjectKeyIdentifier = hash",
            "[server_ext]",
            "basicConstraints = critical, CA:FALSE",
            "keyUsage = critical, digitalSignature, keyEncipherment",
            "extendedKeyUsage = serverAuth, clientAuth",
            "subjectAltName = IP:127.0.0.1, DNS:localhost",
            "authorityKeyIdentifier = keyid",
            "");

    /**
     * Makes the CA, the server certificate and the trust store in {@code dir}.
     *
     * @throws RedisHarnessException if openssl is missing or fails
     */
    static TlsMaterial create(Path dir) {
        String openssl = Processes.require("openssl", OPENSSL_HINT).toString();
        Path config = dir.resolve("openssl.cnf");
        Path caKey = dir.resolve("ca.key");
        Path caCert = dir.resolve("ca.crt");
        Path serverKey = dir.resolve("server.key");
        Path serverCsr = dir.resolve("server.csr");
        Path serverCert = dir.resolve("server.crt");
        try {
            Files.writeString(config, CONFIG, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new RedisHarnessException("cannot write " + config + ": " + e.getMessage(), e);
        }
        openssl(List.of(openssl, "req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-keyout", caKey.toString(), "-out", caCert.toString(), "-days",
                "3650", "-config", config.toString(), "-extensions", "ca_ext", "-subj", "/CN=chat-cache test CA"));
        openssl(List.of(openssl, "req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-keyout", serverKey.toString(), "-out", serverCsr.toString(),
                "-config", config.toString(), "-subj", "/CN=localhost"));
        openssl(List.of(openssl, "x509", "-req", "-in", serverCsr.toString(), "-CA", caCert.toString(), "-CAkey",
                caKey.toString(), "-CAcreateserial", "-out", serverCert.toString(), "-days", "3650", "-extfile",
                config.toString(), "-extensions", "server_ext"));
        String password = UUID.randomUUID().toString();
        Path trustStore = dir.resolve("truststore.p12");
        writeTrustStore(caCert, trustStore, password);
        return new TlsMaterial(caCert, serverCert, serverKey, trustStore, password);
    }

    private static void openssl(List<String> command) {
        Processes.Result result = Processes.run(command, Map.of(), Duration.ofSeconds(30));
        if (result.exitCode() != 0) {
            throw new RedisHarnessException("openssl " + command.get(1) + " failed (exit " + result.exitCode()
                    + "): " + result.stderr().trim());
        }
    }

    private static void writeTrustStore(Path caCert, Path trustStore, String password) {
        try (InputStream in = Files.newInputStream(caCert); OutputStream out = Files.newOutputStream(trustStore)) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("chat-cache-test-ca", ca);
            store.store(out, password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new RedisHarnessException("cannot write the trust store " + trustStore + ": " + e.getMessage(), e);
        }
    }

    /** A socket factory trusting only the test CA. */
    SSLSocketFactory socketFactory() {
        try (InputStream in = Files.newInputStream(trustStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, trustStorePassword.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new RedisHarnessException("cannot load the trust store " + trustStore + ": " + e.getMessage(), e);
        }
    }

    /** The redis-server arguments that serve TLS on {@code port} and no plain TCP. */
    List<String> serverArgs(int port) {
        List<String> args = new ArrayList<>();
        args.addAll(List.of("--tls-port", Integer.toString(port), "--port", "0"));
        args.addAll(List.of("--tls-cert-file", serverCertificate.toString()));
        args.addAll(List.of("--tls-key-file", serverKey.toString()));
        args.addAll(List.of("--tls-ca-cert-file", caCertificate.toString()));
        args.addAll(List.of("--tls-auth-clients", "no"));
        return args;
    }

    @Override
    public String toString() {
        return "TlsMaterial[" + caCertificate.getParent() + "]";
    }
}

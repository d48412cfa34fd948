package io.chatcache.testkit.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Runs redis-cli against one server, passing passwords through REDISCLI_AUTH so no listing shows them. */
final class RedisCli {
    static final String INSTALL_HINT = "Debian/Ubuntu: apt-get install redis-tools; macOS: brew install redis";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private RedisCli() {
    }

    /**
     * Runs redis-cli and returns its trimmed standard output.
     *
     * @param tls whether to speak TLS
     * @param caCertificate the CA to verify the server with, or {@code null} for the system's
     * @param user the ACL user, or {@code null} for the default user
     * @param password the password, or {@code null} for none
     */
    static String run(String host, int port, boolean tls, Path caCertificate, String user, String password,
            String... args) {
        List<String> command = new ArrayList<>();
        command.add(Processes.require("redis-cli", INSTALL_HINT).toString());
        command.addAll(List.of("-h", host, "-p", Integer.toString(port)));
        if (tls) {
            command.add("--tls");
            if (caCertificate != null) {
                command.addAll(List.of("--cacert", caCertificate.toString()));
            }
        }
        if (user != null) {
            command.addAll(List.of("--user", user));
        }
        command.addAll(Arrays.asList(args));
        Map<String, String> env = password == null ? Map.of() : Map.of("REDISCLI_AUTH", password);
        Processes.Result result = Processes.run(command, env, TIMEOUT);
        String what = "redis-cli " + (args.length == 0 ? "" : args[0]) + " against " + host + ":" + port;
        if (result.exitCode() != 0) {
            throw new RedisHarnessException(what + " failed (exit " + result.exitCode() + "): "
                    + result.stderr().trim() + " " + result.stdout().trim());
        }
        // redis-cli reports a failed AUTH on stderr and carries on unauthenticated with exit 0
        if (result.stderr().contains("AUTH failed")) {
            throw new RedisHarnessException(what + " could not authenticate: " + result.stderr().trim());
        }
        return result.stdout().trim();
    }
}

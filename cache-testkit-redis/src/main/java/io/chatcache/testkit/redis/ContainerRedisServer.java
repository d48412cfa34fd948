package io.chatcache.testkit.redis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A {@code redis:7} container for the shared single server. The only class that touches Testcontainers;
 * {@link SingleServerSource} loads it by name only after it found a Docker socket, so a machine without
 * Docker never loads Testcontainers at all.
 */
final class ContainerRedisServer extends AbstractRedisServer {
    private static final DockerImageName IMAGE = DockerImageName.parse("redis:7");
    private static final int REDIS_PORT = 6379;

    private final GenericContainer<?> container;
    private final String host;
    private final int port;

    private ContainerRedisServer(GenericContainer<?> container) {
        this.container = container;
        this.host = container.getHost();
        this.port = container.getMappedPort(REDIS_PORT);
    }

    /**
     * Starts a container if Testcontainers finds a working Docker engine; {@code null} if it finds none.
     * Called reflectively by {@link SingleServerSource}.
     *
     * @throws RedisHarnessException if Docker answers but the container does not start
     */
    static AbstractRedisServer startIfDockerAnswers() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return null;
        }
        GenericContainer<?> container = new GenericContainer<>(IMAGE)
                .withExposedPorts(REDIS_PORT)
                .withCommand("redis-server", "--save", "", "--appendonly", "no");
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw new RedisHarnessException("Docker answers but the redis:7 container did not start: "
                    + e.getMessage(), e);
        }
        return new ContainerRedisServer(container);
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
        return null;
    }

    @Override
    public boolean tls() {
        return false;
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

    private static UnsupportedOperationException unsupported(String operation) {
        return new UnsupportedOperationException(operation + " is not possible on the container server; fault "
                + "tests start their own with RedisServers.startSingle()");
    }

    @Override
    public boolean isRunning() {
        return container.isRunning();
    }

    @Override
    public String cli(String... args) {
        return cliAs(null, null, args);
    }

    @Override
    public String cliAs(String user, String password, String... args) {
        if (Processes.findOnPath("redis-cli").isPresent()) {
            return RedisCli.run(host, port, false, null, user, password, args);
        }
        // without a local redis-cli, the one inside the image does the job
        String[] command = cliInContainer(user, password, args);
        try {
            Container.ExecResult result = container.execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new RedisHarnessException("redis-cli in the container failed (exit " + result.getExitCode()
                        + "): " + result.getStderr().trim());
            }
            if (result.getStderr().contains("AUTH failed")) {
                throw new RedisHarnessException("redis-cli in the container could not authenticate: "
                        + result.getStderr().trim());
            }
            return result.getStdout().trim();
        } catch (IOException e) {
            throw new RedisHarnessException("cannot run redis-cli in the container: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisHarnessException("interrupted while running redis-cli in the container", e);
        }
    }

    private static String[] cliInContainer(String user, String password, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli"));
        if (user != null) {
            command.addAll(List.of("--user", user));
        }
        if (password != null) {
            command.addAll(List.of("--pass", password, "--no-auth-warning"));
        }
        command.addAll(Arrays.asList(args));
        return command.toArray(String[]::new);
    }

    @Override
    public Path trustStore() {
        throw noTls();
    }

    @Override
    public String trustStorePassword() {
        throw noTls();
    }

    @Override
    public Path caCertificate() {
        throw noTls();
    }

    private static IllegalStateException noTls() {
        return new IllegalStateException("the container server does not use TLS; start a TLS server with "
                + "RedisServers.startSingle(RedisServerOptions.builder().tls(true).build())");
    }

    @Override
    void stop() {
        container.stop();
    }
}

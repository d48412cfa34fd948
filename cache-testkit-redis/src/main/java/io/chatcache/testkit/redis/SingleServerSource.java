package io.chatcache.testkit.redis;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses where the shared single server comes from: {@code CHATCACHE_TEST_REDIS}, else a Testcontainers
 * container when a Docker engine answers, else a local {@code redis-server}, else a failure that says
 * what to install.
 */
final class SingleServerSource {
    private static final Logger LOG = LoggerFactory.getLogger(SingleServerSource.class);
    private static final String CONTAINER_CLASS = "io.chatcache.testkit.redis.ContainerRedisServer";

    /** Where a shared server comes from. */
    enum Kind {
        EXTERNAL, CONTAINER, LOCAL
    }

    private SingleServerSource() {
    }

    /** Starts (or, for an external server, just names) the shared server for one test class. */
    static SharedRedisServer start() {
        Function<String, String> env = System::getenv;
        String external = env.apply(ExternalRedisServer.VARIABLE);
        Kind kind = choose(external, dockerSocketPresent(env, Files::exists),
                Processes.findOnPath("redis-server").isPresent());
        switch (kind) {
            case EXTERNAL:
                ExternalRedisServer server = ExternalRedisServer.parse(external);
                if (!server.isRunning()) {
                    throw new RedisHarnessException(ExternalRedisServer.VARIABLE + " names " + server.address()
                            + ", which does not accept connections; start it or unset the variable");
                }
                LOG.info("Redis tests use {} from {}", server.address(), ExternalRedisServer.VARIABLE);
                return new SharedRedisServer(server, ExternalRedisServer.VARIABLE);
            case CONTAINER:
                AbstractRedisServer container = startContainer();
                if (container != null) {
                    LOG.info("Redis tests use a redis:7 container at {}", container.address());
                    return new SharedRedisServer(container, "container");
                }
                if (Processes.findOnPath("redis-server").isEmpty()) {
                    throw noRedis();
                }
                LOG.info("a Docker socket or DOCKER_HOST exists but no Docker engine answers; using redis-server");
                return local();
            default:
                return local();
        }
    }

    private static SharedRedisServer local() {
        LocalRedisServer server = LocalRedisServer.start(RedisServerOptions.DEFAULTS, List.of(), false);
        LOG.debug("Redis tests use a local redis-server at {}", server.address());
        return new SharedRedisServer(server, "local");
    }

    /**
     * The choice, given the environment.
     *
     * @param external the value of {@code CHATCACHE_TEST_REDIS}, or {@code null}
     * @param dockerSocket whether a Docker engine may be there (see {@link #dockerSocketPresent})
     * @param redisServerOnPath whether {@code redis-server} is on the PATH
     * @throws RedisHarnessException saying what to install or set if none is available
     */
    static Kind choose(String external, boolean dockerSocket, boolean redisServerOnPath) {
        if (external != null && !external.isBlank()) {
            return Kind.EXTERNAL;
        }
        if (dockerSocket) {
            return Kind.CONTAINER;
        }
        if (redisServerOnPath) {
            return Kind.LOCAL;
        }
        throw noRedis();
    }

    static RedisHarnessException noRedis() {
        return new RedisHarnessException("no Redis for the tests: " + ExternalRedisServer.VARIABLE
                + " is not set, no Docker engine answers, and redis-server is not on the PATH. Install Redis ("
                + LocalRedisServer.SERVER_INSTALL_HINT + "), or set " + ExternalRedisServer.VARIABLE
                + "=host:port (or redis://:password@host:port) to a server the tests may write to and flush");
    }

    /**
     * Whether a Docker engine may answer, judged without talking to it so a machine with only the docker
     * CLI never waits: {@code DOCKER_HOST} is set, or a Docker socket file exists in a usual place.
     */
    static boolean dockerSocketPresent(Function<String, String> env, Predicate<Path> exists) {
        String dockerHost = env.apply("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return true;
        }
        List<Path> sockets = new ArrayList<>(List.of(Path.of("/var/run/docker.sock")));
        String home = env.apply("HOME");
        if (home != null && !home.isBlank()) {
            sockets.add(Path.of(home, ".docker", "run", "docker.sock"));
            sockets.add(Path.of(home, ".docker", "desktop", "docker.sock"));
        }
        String runtimeDir = env.apply("XDG_RUNTIME_DIR");
        if (runtimeDir != null && !runtimeDir.isBlank()) {
            sockets.add(Path.of(runtimeDir, "docker.sock"));
        }
        return sockets.stream().anyMatch(exists);
    }

    /**
     * Loads the Testcontainers class only now, so a machine without Docker never touches Testcontainers.
     * Returns {@code null} when Testcontainers is absent or finds no working Docker engine.
     */
    private static AbstractRedisServer startContainer() {
        try {
            Object server = Class.forName(CONTAINER_CLASS).getDeclaredMethod("startIfDockerAnswers").invoke(null);
            return (AbstractRedisServer) server;
        } catch (ClassNotFoundException | NoClassDefFoundError | NoSuchMethodException e) {
            LOG.info("a Docker socket exists but Testcontainers is not on the class path ({}); using redis-server",
                    e.toString());
            return null;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof LinkageError) {
                LOG.info("Testcontainers is incomplete on the class path ({}); using redis-server", cause.toString());
                return null;
            }
            throw new RedisHarnessException("cannot start a Redis container: " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}

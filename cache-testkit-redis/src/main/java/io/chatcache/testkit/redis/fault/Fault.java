package io.chatcache.testkit.redis.fault;

import io.chatcache.testkit.redis.RedisClientConnection;
import io.chatcache.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The faults of the fault suite and the fault benchmark, inflicted on a server the harness started.
 */
public enum Fault {
    /** SIGSTOP for 5 s, then SIGCONT: the server hangs with its connections open. */
    PAUSE_5S("SIGSTOP 5 s"),
    /** SIGSTOP for 15 s, then SIGCONT. */
    PAUSE_15S("SIGSTOP 15 s"),
    /** SIGKILL, 5 s down (connections refused), then a restart on the same port with no data. */
    KILL_AND_RESTART("kill -9, restart after 5 s (empty)"),
    /** {@code CLIENT KILL} of the reader's pub/sub connections only: instantaneous. */
    KILL_READER_PUBSUB("CLIENT KILL of the reader's pub/sub connection");

    /** How long an instantaneous fault's latency window lasts. */
    public static final Duration INSTANT_WINDOW = Duration.ofSeconds(5);
    private static final Duration DOWN_FOR = Duration.ofSeconds(5);

    private final String label;

    Fault(String label) {
        this.label = label;
    }

    /** A short description for tables, such as {@code "SIGSTOP 5 s"}. */
    public String label() {
        return label;
    }

    /**
     * When a fault happened, in {@link System#nanoTime()}.
     *
     * @param startNanos just before the fault began
     * @param recoveredNanos once the server answered again (for an instantaneous fault, once it was done)
     * @param windowEndNanos the end of the latency window: {@code recoveredNanos}, or {@link #INSTANT_WINDOW}
     *     after an instantaneous fault
     */
    public record Times(long startNanos, long recoveredNanos, long windowEndNanos) {
    }

    /**
     * Inflicts the fault and returns once the server is back.
     *
     * @param readerPubSub the ids of the reader's pub/sub connections, for {@link #KILL_READER_PUBSUB}
     */
    public Times inflict(RedisServer server, Set<Long> readerPubSub) {
        long start = System.nanoTime();
        switch (this) {
            case PAUSE_5S, PAUSE_15S -> {
                server.pause();
                sleepUntil(start + Duration.ofSeconds(this == PAUSE_5S ? 5 : 15).toNanos());
                server.resume();
            }
            case KILL_AND_RESTART -> {
                server.kill();
                sleepUntil(start + DOWN_FOR.toNanos());
                server.restart();
            }
            case KILL_READER_PUBSUB -> readerPubSub.forEach(server::killClient);
        }
        long recovered = System.nanoTime();
        return new Times(start, recovered,
                this == KILL_READER_PUBSUB ? recovered + INSTANT_WINDOW.toNanos() : recovered);
    }

    /**
     * Waits {@code before}, inflicts the fault, then waits {@code after} from the recovery: the middle of a run whose
     * load is running.
     */
    public Times inflictBetween(Duration before, RedisServer server, Set<Long> readerPubSub, Duration after) {
        sleepUntil(System.nanoTime() + before.toNanos());
        Times times = inflict(server, readerPubSub);
        sleepUntil(System.nanoTime() + after.toNanos());
        return times;
    }

    /** The ids of the server's pub/sub connections now. */
    public static Set<Long> pubSubConnections(RedisServer server) {
        return server.clients().stream().filter(RedisClientConnection::isPubSub).map(RedisClientConnection::id)
                .collect(Collectors.toSet());
    }

    /**
     * Waits until pub/sub connections other than {@code before} appear and returns them: those of an instance that
     * started after {@code before} was taken, when nothing else connects meanwhile.
     *
     * @throws IllegalStateException if none appears within {@code timeout}
     */
    public static Set<Long> awaitNewPubSubConnections(RedisServer server, Set<Long> before, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Set<Long> now = pubSubConnections(server);
            now.removeAll(before);
            if (!now.isEmpty()) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no new pub/sub connection appeared within " + timeout.toMillis()
                        + " ms; the server has " + server.clients());
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /** Parks until {@code deadline} ({@link System#nanoTime()}), however often the park returns early. */
    public static void sleepUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}

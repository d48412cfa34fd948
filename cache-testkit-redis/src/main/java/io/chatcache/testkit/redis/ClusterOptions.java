package io.chatcache.testkit.redis;

import io.chatcache.core.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The shape of a local Redis Cluster: how many masters, how many replicas per master, the
 * {@code cluster-node-timeout}, and extra {@code redis-server} arguments for every node.
 *
 * <p>The node timeout bounds how fast the cluster reacts to a dead master: other nodes flag it failing
 * after one node timeout, a replica then waits 500-1000 ms (plus 1 s per rank behind a better replica)
 * before it asks for votes, so a replica is promoted some 1.5-2.5 s after a kill with 1000 ms, and a
 * cluster without that master's replica answers {@code CLUSTERDOWN} from about one node timeout on (with
 * the default {@code cluster-require-full-coverage yes}). Lower values make fault tests fast but a node
 * that does not answer for that long (paused, or starved on a loaded machine) is failed over.
 *
 * <p>Immutable.
 *
 * @param masters the number of masters, at least 3 (what {@code redis-cli --cluster create} requires)
 * @param replicasPerMaster replicas per master, 0 to 2
 * @param nodeTimeout {@code cluster-node-timeout}, 100 ms to 60 s, whole milliseconds
 * @param extraArgs further {@code redis-server} arguments for every node, after the harness's own (so
 *     they may override them), such as {@code List.of("--cluster-require-full-coverage", "no")}
 */
public record ClusterOptions(int masters, int replicasPerMaster, Duration nodeTimeout, List<String> extraArgs) {

    /** Three masters, no replicas, node timeout 5 s: the cluster of {@link RedisServers#cluster()}. */
    public static final ClusterOptions DEFAULTS = new ClusterOptions(3, 0, Duration.ofSeconds(5), List.of());

    /**
     * Three masters with one replica each (six nodes), node timeout 1 s, so that a killed master's replica
     * is promoted within about 2-3 s: the cluster of {@link RedisServers#clusterWithReplicas()}.
     */
    public static final ClusterOptions WITH_REPLICAS =
            new ClusterOptions(3, 1, Duration.ofMillis(1000), List.of());

    /**
     * Validates and copies the options.
     *
     * @param masters the number of masters, 3 to 9
     * @param replicasPerMaster replicas per master, 0 to 2
     * @param nodeTimeout {@code cluster-node-timeout}, 100 ms to 60 s
     * @param extraArgs further {@code redis-server} arguments, copied
     * @throws InvalidInputException naming the option that is out of range or {@code null}
     */
    public ClusterOptions {
        if (masters < 3 || masters > 9) {
            throw new InvalidInputException("masters", "must be 3 to 9, was " + masters);
        }
        if (replicasPerMaster < 0 || replicasPerMaster > 2) {
            throw new InvalidInputException("replicasPerMaster", "must be 0 to 2, was " + replicasPerMaster);
        }
        if (nodeTimeout == null || nodeTimeout.compareTo(Duration.ofMillis(100)) < 0
                || nodeTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new InvalidInputException("nodeTimeout", "must be 100 ms to 60 s, was " + nodeTimeout);
        }
        if (extraArgs == null || extraArgs.stream().anyMatch(Objects::isNull)) {
            throw new InvalidInputException("extraArgs", "must not be null or contain null");
        }
        extraArgs = List.copyOf(extraArgs);
    }

    /** A builder starting from {@link #DEFAULTS}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The number of nodes: masters times (1 + replicas per master). */
    public int nodeCount() {
        return masters * (1 + replicasPerMaster);
    }

    /**
     * Collects options; {@link #build()} validates them and leaves the builder reusable. Not thread-safe.
     */
    public static final class Builder {
        private int masters = DEFAULTS.masters();
        private int replicasPerMaster = DEFAULTS.replicasPerMaster();
        private Duration nodeTimeout = DEFAULTS.nodeTimeout();
        private final List<String> extraArgs = new ArrayList<>();

        private Builder() {
        }

        /**
         * The number of masters (default 3).
         *
         * @param masters 3 to 9
         * @return this builder
         */
        public Builder masters(int masters) {
            this.masters = masters;
            return this;
        }

        /**
         * Replicas per master (default 0).
         *
         * @param replicas 0 to 2
         * @return this builder
         */
        public Builder replicasPerMaster(int replicas) {
            this.replicasPerMaster = replicas;
            return this;
        }

        /**
         * The {@code cluster-node-timeout} (default 5 s); see the class comment for what it bounds.
         *
         * @param timeout 100 ms to 60 s
         * @return this builder
         */
        public Builder nodeTimeout(Duration timeout) {
            this.nodeTimeout = timeout;
            return this;
        }

        /**
         * Appends {@code redis-server} arguments for every node, such as
         * {@code extraArgs("--cluster-require-full-coverage", "no")}.
         *
         * @param args the arguments, none {@code null}
         * @return this builder
         * @throws InvalidInputException if {@code args} or one of them is {@code null}
         */
        public Builder extraArgs(String... args) {
            if (args == null || Arrays.stream(args).anyMatch(Objects::isNull)) {
                throw new InvalidInputException("extraArgs", "must not be null or contain null");
            }
            extraArgs.addAll(Arrays.asList(args));
            return this;
        }

        /**
         * The options collected so far.
         *
         * @throws InvalidInputException if one is out of range
         */
        public ClusterOptions build() {
            return new ClusterOptions(masters, replicasPerMaster, nodeTimeout, extraArgs);
        }
    }
}

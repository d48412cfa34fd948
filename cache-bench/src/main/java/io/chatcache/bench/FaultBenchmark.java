package io.chatcache.bench;

import io.chatcache.testkit.redis.ClusterOptions;
import io.chatcache.testkit.redis.RedisCluster;
import io.chatcache.testkit.redis.RedisSentinel;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import io.chatcache.testkit.redis.fault.AvailabilityWatch;
import io.chatcache.testkit.redis.fault.Call;
import io.chatcache.testkit.redis.fault.CallLog;
import io.chatcache.testkit.redis.fault.Fault;
import io.chatcache.testkit.redis.fault.FaultLoad;
import io.chatcache.testkit.redis.fault.FaultReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Two application instances on one real {@code redis-server} while it fails, for chat-cache's HYBRID store and for
 * Redisson's {@code RLocalCachedMap} (reconnection strategy CLEAR and LOAD, sync strategy INVALIDATE). The writer
 * instance runs in this JVM; the reader instance in a child JVM started with the same class path, each with its
 * own Redisson client. The writer writes each of 50 keys' next version in turn (two threads, 5 ms apart); the
 * reader reads random keys (two threads, 1 ms apart; one read in ten asks for a key nobody writes, which has to go
 * to Redis). Every call is timed; the fault and the verdicts come from {@code cache-testkit-redis}.
 *
 * <p>Scenarios (each on a fresh server started by the harness): {@code pause5}/{@code pause15} SIGSTOP the server
 * for 5 or 15 s; {@code kill} kills it with SIGKILL, waits 5 s and restarts it on the same port, empty;
 * {@code clientkill} closes only the reader's pub/sub connection ({@code CLIENT KILL ID}); {@code sentinel} runs
 * on the harness's Sentinel set-up (a master, a replica, three sentinels) and SIGKILLs the master, the recovery
 * being the moment the sentinels name the replica as master; {@code cluster} kills and restarts (empty) the first of
 * the harness's 3 cluster masters (no replicas: its third of the keys is unavailable meanwhile). On the harness's
 * 6-node cluster (3 masters with a replica each, {@code cluster-node-timeout} 1 s): {@code shard-master} SIGKILLs the
 * master of the shard that holds key {@code fault:0} (for the rival: its map, one Redis hash in one slot) and
 * {@code other-master} a master of another shard, the recovery being the moment the harness sees the replica
 * promoted and every node ok; {@code replica} SIGKILLs the replica of the shard holding {@code fault:0} (an
 * instantaneous fault: nothing should notice). Each runs 3 s of load before the fault and 10 s after recovery. Exits
 * with status 1 if a run could not be completed.
 *
 * <p>For the 6-node scenarios a second table reports per shard: the keys on the failed master's shard (for
 * {@code replica}: the shard that lost its replica) and the keys on the other shards, each with latency in the fault
 * window, caller exceptions, throughput in the fault window as a share of the 2 s before it, and staleness after
 * recovery (reads of cold keys are not split). Store {@code hybrid-single} is chat-cache's hybrid store with one
 * breaker for all shards (the design before per-shard isolation), for a side-by-side run:
 * {@code --stores hybrid,hybrid-single,lcm-clear --scenarios shard-master,other-master,replica}.
 *
 * <p>Redis settings come from the {@code REDIS_*} variables of this process's environment (such as a deadline),
 * {@code REDIS_URL} excepted, which points at the harness's server; the rival's client is built from the same
 * settings by the project's own client factory.
 *
 * <pre>{@code
 * java -cp cache-bench/target/benchmarks.jar io.chatcache.bench.FaultBenchmark \
 *     [--stores hybrid,hybrid-single,lcm-clear,lcm-load] \
 *     [--scenarios pause5,pause15,kill,clientkill,sentinel,cluster,shard-master,other-master,replica] \
 *     [--tolerance-ms 200] [--full-coverage yes|no] \
 *     [--keep DIR]
 * }</pre>
 *
 * <p>{@code --full-coverage no} starts the 6-node cluster with {@code cluster-require-full-coverage no} (default
 * {@code yes}, Redis's: every node answers CLUSTERDOWN from a master's failure detection until its replica is
 * promoted, so no client can reach the healthy shards meanwhile).
 *
 * <p>For the hybrid stores the per-shard table also counts, from the store's own L2 calls as the caller's thread
 * made them ({@code ObservedL2}) and its breakers sampled every 5 ms, the writes
 * that did not reach Redis (L1 only, journaled, later deleted from Redis by the replay) and the reads not answered
 * by Redis because of the fault (its call failed or was kept off: a miss or L1's copy; or L1 answered while the
 * key's breaker was open), in the fault window and after it, and the most breakers open at once from the fault on,
 * in the writer and the reader instance; {@code n/a} for the rival.
 *
 * <p>{@code --keep} saves each run's call logs and fault times in {@code DIR}; {@code --judge DIR} judges them
 * again (staleness columns only) and runs nothing.
 */
public final class FaultBenchmark {

    static final int KEYS = 50;
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration AFTER = Duration.ofSeconds(10);
    private static final String READY = "READY";
    private static final String L2 = "L2";

    private FaultBenchmark() {
    }

    /**
     * The scenarios of {@code --scenarios}: the harness's faults on a single server, a Sentinel failover (SIGKILL
     * of the master of a master, a replica and three sentinels; recovered once the sentinels name the replica as
     * master), and the kill and restart of one master of a 3-master cluster without replicas.
     */
    enum Scenario {
        PAUSE5(Fault.PAUSE_5S), PAUSE15(Fault.PAUSE_15S), KILL(Fault.KILL_AND_RESTART),
        CLIENTKILL(Fault.KILL_READER_PUBSUB), SENTINEL(null), CLUSTER(Fault.KILL_AND_RESTART),
        SHARD_MASTER(null), OTHER_MASTER(null), REPLICA(null);

        final Fault fault;

        Scenario(Fault fault) {
            this.fault = fault;
        }

        String label() {
            return switch (this) {
                case SENTINEL -> "Sentinel: kill -9 of the master, failover";
                case CLUSTER -> "cluster: kill -9 of 1 of 3 masters, restart after 5 s (empty)";
                case SHARD_MASTER -> "6-node cluster: kill -9 of fault:0's master, replica promoted";
                case OTHER_MASTER -> "6-node cluster: kill -9 of another shard's master, replica promoted";
                case REPLICA -> "6-node cluster: kill -9 of fault:0's replica";
                default -> fault.label();
            };
        }

        /** Whether it runs on the 6-node cluster (3 masters with a replica each). */
        boolean replicated() {
            return this == SHARD_MASTER || this == OTHER_MASTER || this == REPLICA;
        }

        /** The name of {@code --scenarios}, such as {@code shard-master}. */
        String optionName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Scenario parse(String name) {
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown scenario '" + name + "'; known: "
                        + Arrays.stream(values()).map(Scenario::optionName).toList(), e);
            }
        }
    }

    /**
     * Runs the scenarios and prints the table; with {@code --role reader}, is the reader instance of a run.
     *
     * @param args {@code --stores}, {@code --scenarios}, {@code --tolerance-ms}, {@code --full-coverage},
     *     {@code --keep}; the child gets {@code --role
     *     reader --store S --redis NAME=value;... --log FILE}
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = Args.parse(args, "--stores", "--scenarios", "--tolerance-ms", "--role",
                "--store", "--redis", "--log", "--keep", "--judge", "--full-coverage");
        if (options.containsKey("--judge")) {
            judge(Path.of(options.get("--judge")),
                    Duration.ofMillis(Args.positiveInt(options, "--tolerance-ms", 200)));
            return;
        }
        if ("reader".equals(options.get("--role"))) {
            reader(FaultInstance.Kind.parse(options.get("--store")), decode(options.get("--redis")),
                    Path.of(options.get("--log")));
            return;
        }
        List<FaultInstance.Kind> stores = Arrays.stream(options.getOrDefault("--stores", "hybrid,lcm-clear,lcm-load")
                .split(",")).map(FaultInstance.Kind::parse).toList();
        List<Scenario> scenarios = Arrays.stream(options.getOrDefault("--scenarios",
                "pause5,pause15,kill,clientkill,sentinel,cluster,shard-master,other-master,replica").split(","))
                .map(Scenario::parse).toList();
        Duration tolerance = Duration.ofMillis(Args.positiveInt(options, "--tolerance-ms", 200));
        String fullCoverage = options.getOrDefault("--full-coverage", "yes");
        if (!fullCoverage.equals("yes") && !fullCoverage.equals("no")) {
            throw new IllegalArgumentException("--full-coverage must be yes or no, was '" + fullCoverage + "'");
        }
        Path keep = options.containsKey("--keep") ? Files.createDirectories(Path.of(options.get("--keep"))) : null;
        List<String> rows = new ArrayList<>();
        List<String> shardRows = new ArrayList<>();
        boolean failed = false;
        for (Scenario scenario : scenarios) {
            for (FaultInstance.Kind store : stores) {
                String row;
                try {
                    Result result = run(scenario, store, tolerance, keep, fullCoverage.equals("yes"));
                    row = result.row();
                    shardRows.addAll(result.shardRows());
                    result.shardRows().forEach(System.out::println);
                } catch (RuntimeException | IOException e) {
                    e.printStackTrace();
                    row = "| " + scenario.label() + " | " + store.label() + " | FAILED: "
                            + String.valueOf(e).lines().findFirst().orElse("") + " |";
                    failed = true;
                }
                System.out.println(row);
                rows.add(row);
            }
        }
        System.out.println();
        System.out.println("Fault benchmark: " + KEYS + " keys, writer 2 threads 5 ms apart, reader 2 threads 1 ms apart"
                + " (10% cold keys); stale = more than " + tolerance.toMillis() + " ms older than the newest"
                + " acknowledged version; REDIS_* settings " + redisSettings()
                + (scenarios.stream().anyMatch(Scenario::replicated) ? "; 6-node cluster with"
                        + " cluster-require-full-coverage " + fullCoverage : ""));
        System.out.println();
        System.out.println(header());
        rows.forEach(System.out::println);
        if (!shardRows.isEmpty()) {
            System.out.println();
            System.out.println("Per shard (6-node cluster): fault's shard = the keys of the killed master (for the replica"
                    + " kill: of its master); other shards = the rest; cold reads not split");
            System.out.println();
            System.out.println(shardHeader());
            shardRows.forEach(System.out::println);
        }
        if (failed) {
            System.exit(1);
        }
    }

    static String header() {
        return "| scenario | store | writes p50 / p99 / max, ms (calls) | reads p50 / p99 / max, ms (calls)"
                + " | fail fast after (s)"
                + " | caller exceptions (writes / reads) | L2 given up after (s, writer / reader)"
                + " | p99 once both gave up, ms (writes / reads) | reads after recovery"
                + " | stale reads | > 1 s stale | longest stale (s) | last stale read (s after recovery) |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
    }

    /**
     * The {@code REDIS_*} variables of this environment, passed to both instances; REDIS_URL is the harness's.
     * {@code REDIS_STARTUP_TIMEOUT} defaults to 30 s here: start-up is not under test, and on a loaded machine a
     * fresh JVM's first connection can take longer than the library's 5 s.
     */
    private static Map<String, String> redisSettings() {
        Map<String, String> settings = new TreeMap<>(Map.of("REDIS_STARTUP_TIMEOUT", "30s"));
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("REDIS_") && !name.equals("REDIS_URL") && !name.contains("PASSWORD")) {
                settings.put(name, value);
            }
        });
        return settings;
    }

    /**
     * The harness's 6-node cluster ({@link ClusterOptions#WITH_REPLICAS}) with {@code cluster-require-full-coverage
     * no}: the healthy masters keep serving their slots while a master is down, where with Redis's default
     * ({@code yes}) every node answers CLUSTERDOWN from the failure's detection until the promotion.
     */
    private static ClusterOptions withoutFullCoverage() {
        ClusterOptions replicated = ClusterOptions.WITH_REPLICAS;
        List<String> args = new ArrayList<>(replicated.extraArgs());
        args.addAll(List.of("--cluster-require-full-coverage", "no"));
        return new ClusterOptions(replicated.masters(), replicated.replicasPerMaster(), replicated.nodeTimeout(),
                List.copyOf(args));
    }

    /** One run's row of the main table and, for the 6-node scenarios, its rows of the per-shard table. */
    private record Result(String row, List<String> shardRows) {
    }

    // "try": the writer's BreakerWatch is a resource only to be closed with the writer; it reports through its callback
    @SuppressWarnings("try")
    private static Result run(Scenario scenario, FaultInstance.Kind store, Duration tolerance, Path keep,
            boolean fullCoverage) throws IOException {
        Path readerLog = Files.createTempFile("chatcache-fault-reader-", ".log");
        Path readerErr = Files.createTempFile("chatcache-fault-reader-", ".err");
        Process child = null;
        try (RedisServers servers = RedisServers.create()) {
            RedisSentinel sentinel = scenario == Scenario.SENTINEL ? servers.sentinel() : null;
            RedisCluster cluster = scenario == Scenario.CLUSTER ? servers.cluster()
                    : scenario.replicated() ? (fullCoverage ? servers.clusterWithReplicas()
                            : servers.startCluster(withoutFullCoverage())) : null;
            RedisServer server = sentinel != null ? sentinel.master()
                    : cluster != null ? cluster.nodes().get(0) : servers.startSingle();
            Map<String, String> target = sentinel != null
                    ? Map.of("REDIS_SENTINEL_MASTER", sentinel.masterName(),
                            "REDIS_SENTINEL_NODES", String.join(",", sentinel.sentinelAddresses()))
                    : cluster != null ? Map.of("REDIS_CLUSTER_NODES", String.join(",", cluster.addresses()))
                    : Map.of("REDIS_URL", server.address());
            Map<String, String> env = new TreeMap<>(redisSettings());
            env.putAll(target);
            CallLog writes = new CallLog();
            List<BreakerWatch.Change> writerBreakers = new CopyOnWriteArrayList<>();
            List<BreakerWatch.Change> readerBreakers = new CopyOnWriteArrayList<>();
            try (FaultInstance writer = FaultInstance.open(store, env);
                    AvailabilityWatch writerWatch = awaitConnected(writer);
                    BreakerWatch writerBreakerWatch = writer.outages() == null ? null
                            : new BreakerWatch(writer.outages().breakers(), writerBreakers::add)) {
                boolean clientKill = scenario == Scenario.CLIENTKILL;
                Set<Long> before = clientKill ? Fault.pubSubConnections(server) : Set.of();
                child = startReader(store, target, readerLog, readerErr);
                List<Long> readerLosses = new CopyOnWriteArrayList<>();
                BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8));
                awaitLine(childOut, READY, readerErr);
                Thread pump = new Thread(() -> pumpL2Events(childOut, readerLosses, readerBreakers),
                        "fault-reader-events");
                pump.setDaemon(true);
                pump.start();
                Set<Long> readerPubSub = clientKill
                        ? Fault.awaitNewPubSubConnections(server, before, Duration.ofSeconds(10)) : Set.of();

                Fault.Times times;
                ShardFault shardFault = null;
                FaultLoad load = FaultLoad.writers(writer.cache(), KEYS, 2, Duration.ofMillis(5), writes);
                try {
                    if (scenario.replicated()) {
                        shardFault = shardFault(cluster, scenario, store, env);
                        times = shardFault.times();
                    } else {
                        times = sentinel != null ? failOver(sentinel)
                                : scenario.fault.inflictBetween(WARM_UP, server, readerPubSub, AFTER);
                    }
                } finally {
                    load.close();
                }
                try (Writer toChild = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
                    toChild.write("STOP\n");
                }
                if (!child.waitFor(90, TimeUnit.SECONDS) || child.exitValue() != 0) {
                    throw new IllegalStateException("the reader JVM did not finish cleanly; its log:\n"
                            + tail(readerErr));
                }
                CallLog reads = CallLog.readFrom(readerLog);
                Observed writerObserved = writer.outages() == null ? null : new Observed(
                        writer.outages().withoutRedis(), writer.outages().l1Served(), List.copyOf(writerBreakers));
                Observed readerObserved = writer.outages() == null ? null : new Observed(
                        CallLog.readFrom(withoutRedisLog(readerLog)), CallLog.readFrom(l1ServedLog(readerLog)),
                        List.copyOf(readerBreakers));
                if (keep != null) {
                    String name = scenario.name().toLowerCase(Locale.ROOT) + "-" + store.optionName();
                    writes.writeTo(keep.resolve(name + "-writes.log"));
                    reads.writeTo(keep.resolve(name + "-reads.log"));
                    Files.writeString(keep.resolve(name + "-times.txt"), times.startNanos() + " "
                            + times.recoveredNanos() + " " + times.windowEndNanos() + "\n");
                }
                FaultReport report = FaultReport.of(writes, reads, times.startNanos(), times.windowEndNanos(),
                        times.recoveredNanos(), tolerance);
                long writerDown = writerWatch.firstLossAfter(times.startNanos());
                long readerDown = AvailabilityWatch.firstAtOrAfter(readerLosses, times.startNanos());
                // The calls after both breakers had opened, if they opened within the fault window.
                long bothDown = Math.max(writerDown, readerDown);
                FaultReport afterOpen = writerDown == 0 || readerDown == 0 || bothDown >= times.windowEndNanos()
                        ? null : FaultReport.of(writes, reads, bothDown, times.windowEndNanos(),
                                times.recoveredNanos(), tolerance);
                String row = row(scenario, store, report, afterOpen, writerDown, readerDown, times.startNanos());
                List<String> shardRows = shardFault == null ? List.of()
                        : shardRows(scenario, store, shardFault, writes, reads, tolerance, writerObserved,
                                readerObserved);
                return new Result(row, shardRows);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            if (child != null && child.isAlive()) {
                child.destroyForcibly();
            }
            Files.deleteIfExists(readerLog);
            Files.deleteIfExists(withoutRedisLog(readerLog));
            Files.deleteIfExists(l1ServedLog(readerLog));
            Files.deleteIfExists(readerErr);
        }
    }

    private static String row(Scenario scenario, FaultInstance.Kind store, FaultReport report, FaultReport afterOpen,
            long writerDown, long readerDown, long faultStart) {
        return "| " + scenario.label() + " | " + store.label()
                + " | " + latency(report.writeLatency()) + " | " + latency(report.readLatency())
                + " | " + (scenario == Scenario.CLIENTKILL ? "n/a" : report.failFastNanos().isPresent()
                        ? seconds(report.failFastNanos().getAsLong()) : "never")
                + " | " + report.failedWrites() + " / " + report.failedReads()
                + " | " + (store.hybrid() ? down(writerDown, faultStart) + " / "
                        + down(readerDown, faultStart) : "n/a")
                + " | " + (afterOpen == null ? "-" : millis(afterOpen.writeLatency().p99()) + " / "
                        + millis(afterOpen.readLatency().p99()))
                + " | " + report.readsAfterRecovery()
                + " | " + report.staleReads()
                + " | " + report.readsStalerThan(Duration.ofSeconds(1))
                + " | " + seconds(report.maxStalenessNanos())
                + " | " + (report.staleReads() == 0 ? "-" : seconds(report.lastStaleReadNanos())) + " |";
    }

    private static String down(long at, long faultStart) {
        return at == 0 ? "never" : seconds(at - faultStart);
    }

    private static String latency(FaultReport.Latency latency) {
        return String.format(Locale.ROOT, "%s / %s / %s (%d)", millis(latency.p50()), millis(latency.p99()),
                millis(latency.max()), latency.count());
    }

    private static String millis(long nanos) {
        double ms = nanos / 1e6;
        return ms < 10 ? String.format(Locale.ROOT, "%.2f", ms) : String.format(Locale.ROOT, "%.0f", ms);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }

    /**
     * Waits until the instance uses Redis (HYBRID starts on L1 and connects in the background when start-up is
     * slow) and returns a watch of its availability from then on.
     *
     * @throws IllegalStateException if it has not connected within 30 s
     */
    private static AvailabilityWatch awaitConnected(FaultInstance instance) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!instance.l2Available().getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the instance did not connect to Redis within 30 s");
            }
            Fault.sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
        }
        return new AvailabilityWatch(instance.l2Available());
    }

    /**
     * A fault on the 6-node cluster: when it happened and which keys ({@link FaultLoad#key(int) numbers}) lived on
     * the shard it hit.
     *
     * @param times the fault's start, recovery (the promotion as the harness saw it; the kill for a replica) and the
     *     end of its latency window
     * @param faultShardKeys the key numbers whose master, before the fault, was the killed master (for a replica
     *     kill: the replica's master)
     */
    private record ShardFault(Fault.Times times, Set<Integer> faultShardKeys) {
    }

    /**
     * Waits the warm-up, then kills the node the scenario names and, for a master, waits until the harness sees its
     * replica promoted (the recovery); then waits the time after recovery.
     */
    private static ShardFault shardFault(RedisCluster cluster, Scenario scenario, FaultInstance.Kind store,
            Map<String, String> env) {
        Fault.sleepUntil(System.nanoTime() + WARM_UP.toNanos());
        String watchedKey = store.redisKeyOf(FaultLoad.key(0), env);
        RedisServer watched = cluster.masterOf(watchedKey);
        if (!watched.cli("EXISTS", watchedKey).endsWith("1")) {
            throw new IllegalStateException("the store under test did not write " + watchedKey + " where the run"
                    + " expects it: is the key layout of FaultInstance.Kind.redisKeyOf still right?");
        }
        RedisServer victim = switch (scenario) {
            case SHARD_MASTER -> watched;
            case OTHER_MASTER -> cluster.masters().stream().filter(master -> master != watched).findFirst()
                    .orElseThrow();
            case REPLICA -> cluster.replicasOf(watched).get(0);
            default -> throw new IllegalArgumentException(scenario + " does not run on the 6-node cluster");
        };
        RedisServer shardMaster = scenario == Scenario.REPLICA ? watched : victim;
        Set<Integer> faultShardKeys = new java.util.TreeSet<>();
        for (int i = 0; i < KEYS; i++) {
            if (cluster.masterOf(store.redisKeyOf(FaultLoad.key(i), env)) == shardMaster) {
                faultShardKeys.add(i);
            }
        }
        long start = System.nanoTime();
        victim.kill();
        long recovered;
        long windowEnd;
        if (scenario == Scenario.REPLICA) {
            recovered = start;
            windowEnd = start + Fault.INSTANT_WINDOW.toNanos();
        } else {
            cluster.awaitFailover(victim);
            recovered = System.nanoTime();
            windowEnd = recovered;
        }
        Fault.sleepUntil(windowEnd + AFTER.toNanos());
        return new ShardFault(new Fault.Times(start, recovered, windowEnd), Set.copyOf(faultShardKeys));
    }

    static String shardHeader() {
        return "| scenario | store | shard (keys) | recovered after (s) | writes p50 / p99 / max, ms (calls)"
                + " | reads p50 / p99 / max, ms (calls) | caller exceptions (writes / reads)"
                + " | calls/s in the fault window / before (share) | last call >= 100 ms (s after fault)"
                + " | reads after recovery | stale reads | > 1 s stale | longest stale (s)"
                + " | writes that did not reach Redis (L1 only): fault window (+ later)"
                + " | reads not answered by Redis: fault window (+ later)"
                + " | breakers open at most from the fault on (writer / reader) |\n"
                + "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
    }

    /** The per-shard rows of a 6-node run: the fault's shard, then the other shards. */
    private static List<String> shardRows(Scenario scenario, FaultInstance.Kind store, ShardFault fault,
            CallLog writes, CallLog reads, Duration tolerance, Observed writer, Observed reader) {
        List<String> rows = new ArrayList<>();
        Fault.Times times = fault.times();
        for (boolean faultShard : new boolean[] {true, false}) {
            CallLog shardWrites = only(writes, fault.faultShardKeys(), faultShard);
            CallLog shardReads = only(reads, fault.faultShardKeys(), faultShard);
            int keys = faultShard ? fault.faultShardKeys().size() : KEYS - fault.faultShardKeys().size();
            FaultReport report = FaultReport.of(shardWrites, shardReads, times.startNanos(), times.windowEndNanos(),
                    times.recoveredNanos(), tolerance);
            long before = TimeUnit.SECONDS.toNanos(2);
            double rateBefore = succeeded(shardWrites, shardReads, times.startNanos() - before, times.startNanos())
                    / (before / 1e9);
            long window = times.windowEndNanos() - times.startNanos();
            double rateDuring = succeeded(shardWrites, shardReads, times.startNanos(), times.windowEndNanos())
                    / (window / 1e9);
            long lastSlow = lastSlowCall(shardWrites, shardReads, times.startNanos(), Duration.ofMillis(100));
            rows.add("| " + scenario.label() + " | " + store.label()
                    + " | " + (faultShard ? "fault's shard" : "other shards") + " (" + keys + ")"
                    + " | " + (scenario == Scenario.REPLICA ? "n/a" : seconds(times.recoveredNanos() - times.startNanos()))
                    + " | " + latency(report.writeLatency()) + " | " + latency(report.readLatency())
                    + " | " + report.failedWrites() + " / " + report.failedReads()
                    + " | " + String.format(Locale.ROOT, "%.0f / %.0f (%.2f)", rateDuring, rateBefore,
                            rateBefore == 0 ? 0 : rateDuring / rateBefore)
                    + " | " + (lastSlow < 0 ? "-" : seconds(lastSlow - times.startNanos()))
                    + " | " + report.readsAfterRecovery()
                    + " | " + report.staleReads()
                    + " | " + report.readsStalerThan(Duration.ofSeconds(1))
                    + " | " + seconds(report.maxStalenessNanos())
                    + " | " + (writer == null ? "n/a" : withoutRedis(writer, shardWrites, Call.Kind.WRITE,
                            fault.faultShardKeys(), faultShard, times))
                    + " | " + (reader == null ? "n/a" : withoutRedis(reader, shardReads, Call.Kind.READ,
                            fault.faultShardKeys(), faultShard, times))
                    + " | " + (writer == null ? "n/a" : breakersOpen(writer, times) + " / "
                            + breakersOpen(reader, times)) + " |");
        }
        return rows;
    }

    /**
     * What a hybrid instance did without Redis, from its {@link FaultInstance.Outages}.
     *
     * @param withoutRedis its calls that certainly went without Redis
     * @param l1Served its reads L1 answered without asking Redis
     * @param breakers its breakers' changes
     */
    record Observed(CallLog withoutRedis, CallLog l1Served, List<BreakerWatch.Change> breakers) {
    }

    /**
     * The {@code kind} calls (of the keys in {@code keys}, {@code inside}, or of the others) that went without
     * Redis because of the fault: writes that did not reach it; reads whose Redis call failed or was kept off,
     * and reads L1 answered while the key's breaker was open (at the call's start or end, as sampled); as
     * {@code N of M (+ L)}: N of the M calls that began in the fault window, L that began after it.
     */
    private static String withoutRedis(Observed observed, CallLog shardCalls, Call.Kind kind, Set<Integer> keys,
            boolean inside, Fault.Times times) {
        long window = 0;
        long later = 0;
        List<Call> candidates = new ArrayList<>(observed.withoutRedis().calls());
        for (Call call : observed.l1Served().calls()) {
            long open = BreakerWatch.openKeysAt(observed.breakers(), call.startNanos())
                    | BreakerWatch.openKeysAt(observed.breakers(), call.endNanos());
            if ((open & (1L << call.key())) != 0) {
                candidates.add(call);
            }
        }
        for (Call call : candidates) {
            if (call.kind() != kind || keys.contains(call.key()) != inside || call.startNanos() < times.startNanos()) {
                continue;
            }
            if (call.startNanos() < times.windowEndNanos()) {
                window++;
            } else {
                later++;
            }
        }
        long calls = shardCalls.calls().stream().filter(call -> call.startNanos() >= times.startNanos()
                && call.startNanos() < times.windowEndNanos()).count();
        return window + " of " + calls + " (+ " + later + ")";
    }

    /** The most breakers open at once from the fault on, of how many. */
    private static String breakersOpen(Observed observed, Fault.Times times) {
        return BreakerWatch.mostOpenFrom(observed.breakers(), times.startNanos()) + " of "
                + BreakerWatch.shards(observed.breakers());
    }

    /** Where a reader JVM writes its calls that went without Redis. */
    private static Path withoutRedisLog(Path readerLog) {
        return Path.of(readerLog + ".without-redis");
    }

    /** Where a reader JVM writes its reads that L1 answered without asking Redis. */
    private static Path l1ServedLog(Path readerLog) {
        return Path.of(readerLog + ".l1-served");
    }

    /** The writes and reads (not cold reads) of the keys in {@code keys} ({@code inside}) or of the others. */
    private static CallLog only(CallLog log, Set<Integer> keys, boolean inside) {
        CallLog selected = new CallLog();
        for (Call call : log.calls()) {
            if (call.kind() != Call.Kind.COLD_READ && keys.contains(call.key()) == inside) {
                selected.add(call);
            }
        }
        return selected;
    }

    /** Calls that began in {@code [from, to)} and did not throw. */
    private static long succeeded(CallLog writes, CallLog reads, long from, long to) {
        return java.util.stream.Stream.concat(writes.calls().stream(), reads.calls().stream())
                .filter(call -> !call.failed() && call.startNanos() >= from && call.startNanos() < to).count();
    }

    /** The start of the last call from {@code from} on that took at least {@code slow}; -1 if none. */
    private static long lastSlowCall(CallLog writes, CallLog reads, long from, Duration slow) {
        return java.util.stream.Stream.concat(writes.calls().stream(), reads.calls().stream())
                .filter(call -> call.startNanos() >= from && call.latencyNanos() >= slow.toNanos())
                .mapToLong(Call::startNanos).max().orElse(-1);
    }

    /** Judges again the runs a {@code --keep} directory holds and prints their staleness after recovery. */
    private static void judge(Path dir, Duration tolerance) throws IOException {
        System.out.println("| run | reads after recovery | stale reads | > 1 s stale | longest stale (s)"
                + " | last stale read (s after recovery) |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        List<Path> runs;
        try (var files = Files.list(dir)) {
            runs = files.filter(f -> f.getFileName().toString().endsWith("-times.txt")).sorted().toList();
        }
        for (Path times : runs) {
            String name = times.getFileName().toString().replace("-times.txt", "");
            long[] t = Arrays.stream(Files.readString(times).strip().split(" ")).mapToLong(Long::parseLong).toArray();
            FaultReport report = FaultReport.of(CallLog.readFrom(dir.resolve(name + "-writes.log")),
                    CallLog.readFrom(dir.resolve(name + "-reads.log")), t[0], t[2], t[1], tolerance);
            System.out.println("| " + name + " | " + report.readsAfterRecovery() + " | " + report.staleReads()
                    + " | " + report.readsStalerThan(Duration.ofSeconds(1)) + " | "
                    + seconds(report.maxStalenessNanos()) + " | "
                    + (report.staleReads() == 0 ? "-" : seconds(report.lastStaleReadNanos())) + " |");
        }
    }

    /**
     * Waits the warm-up, SIGKILLs the Sentinel master, waits until the sentinels name the replica as master (the
     * recovery), then waits the time after recovery.
     */
    private static Fault.Times failOver(RedisSentinel sentinel) {
        Fault.sleepUntil(System.nanoTime() + WARM_UP.toNanos());
        RedisServer master = sentinel.master();
        long start = System.nanoTime();
        master.kill();
        long deadline = start + TimeUnit.SECONDS.toNanos(60);
        while (sentinel.master().port() == master.port()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sentinels did not fail over within 60 s");
            }
            Fault.sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
        }
        long recovered = System.nanoTime();
        Fault.sleepUntil(recovered + AFTER.toNanos());
        return new Fault.Times(start, recovered, recovered);
    }

    // ---------------------------------------------------------------- the reader JVM

    /** The child: opens its instance, reads until told to stop on stdin, writes its calls to {@code log}. */
    private static void reader(FaultInstance.Kind store, Map<String, String> target, Path log) throws IOException {
        Map<String, String> env = new TreeMap<>(redisSettings());
        env.putAll(target);
        CallLog reads = new CallLog();
        try (FaultInstance reader = FaultInstance.open(store, env)) {
            awaitConnected(reader).close();
            AvailabilityWatch watch = new AvailabilityWatch(reader.l2Available(),
                    (up, at) -> System.out.println(L2 + " " + up + " " + at));
            // Started once READY is out: the parent reads its changes from then on.
            BreakerWatch breakerWatch = null;
            reader.cache().read(FaultLoad.key(0));
            FaultLoad load = FaultLoad.readers(reader.cache(), KEYS, 2, Duration.ofMillis(1), 0.1, reads);
            try {
                System.out.println(READY);
                System.out.flush();
                if (reader.outages() != null) {
                    breakerWatch = new BreakerWatch(reader.outages().breakers(),
                            change -> System.out.println(change.toLine()));
                }
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.equals("STOP")) {
                    // only STOP means anything
                }
            } finally {
                load.close();
                watch.close();
                if (breakerWatch != null) {
                    breakerWatch.close();
                }
            }
            if (reader.outages() != null) {
                reader.outages().withoutRedis().writeTo(withoutRedisLog(log));
                reader.outages().l1Served().writeTo(l1ServedLog(log));
            }
        }
        reads.writeTo(log);
        System.out.flush();
        System.exit(0);
    }

    /** Where Redis is, as {@code NAME=value} pairs joined by {@code ;} for the child's command line. */
    private static String encode(Map<String, String> target) {
        return target.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(";"));
    }

    private static Map<String, String> decode(String target) {
        Map<String, String> decoded = new TreeMap<>();
        for (String pair : target.split(";")) {
            int equals = pair.indexOf('=');
            decoded.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return decoded;
    }

    private static Process startReader(FaultInstance.Kind store, Map<String, String> target, Path log, Path err)
            throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FaultBenchmark.class.getName(),
                "--role", "reader", "--store", store.optionName(),
                "--redis", encode(target), "--log", log.toString());
        return new ProcessBuilder(command).redirectError(err.toFile()).start();
    }

    private static void awaitLine(BufferedReader out, String expected, Path err) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals(expected)) {
                return;
            }
        }
        throw new IllegalStateException("the reader JVM ended before it was ready; its log:\n" + tail(err));
    }

    private static void pumpL2Events(BufferedReader out, List<Long> losses, List<BreakerWatch.Change> breakers) {
        try {
            String line;
            while ((line = out.readLine()) != null) {
                BreakerWatch.Change change = BreakerWatch.Change.parse(line);
                if (change != null) {
                    breakers.add(change);
                    continue;
                }
                String[] parts = line.split(" ");
                if (parts.length == 3 && parts[0].equals(L2) && !Boolean.parseBoolean(parts[1])) {
                    losses.add(Long.parseLong(parts[2]));
                }
            }
        } catch (IOException e) {
            // The child has gone; its events so far are what there is.
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- helpers
}

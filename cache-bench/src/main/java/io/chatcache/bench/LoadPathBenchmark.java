package io.chatcache.bench;

import io.chatcache.chat.CacheBackend;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.chat.LoadCounters;
import io.chatcache.chat.LoadOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The load path of a chat back end in front of a slow database: how many database queries the cache lets through,
 * and how long callers wait, with and without single flight. Several service instances (each a
 * {@link ChatCacheService} with its own Redis client and, for HYBRID, its own L1 and invalidation bus, as separate
 * application instances would have; they share this JVM only so that one fake database can count every query)
 * share one {@code redis-server} started on a free port. Each instance runs several caller threads that read
 * Zipf-distributed keys ({@link ScrambledZipfian}) with a short think time between calls; a miss is answered by the
 * database, a fake that sleeps a fixed time per query and counts every query. The TTL is short, so every key expires
 * several times during the run.
 *
 * <p>Modes (each on a fresh namespace, after a warm-up that is not measured):
 * <ul>
 *   <li>{@code none}: no protection, as a hand-written cache-aside: {@code get}, and on a miss a query and a
 *       {@code set}. Every caller that misses queries.</li>
 *   <li>{@code per-jvm}: {@code getOrLoad} with {@link LoadOptions#withoutLease()}, which collapses concurrent
 *       loads of a key within one instance (the level of JetCache's penetration protection or Caffeine's loading
 *       cache): each instance still loads a key that expired once.</li>
 *   <li>{@code cluster}: {@code getOrLoad} with its lease in Redis (the default): one instance loads a key that
 *       expired, the others wait for its value.</li>
 *   <li>{@code cluster+refresh}: the same with {@link LoadOptions#refreshAhead(Duration)} ({@code --refresh-ms},
 *       default a third of the TTL): a read that finds the value that close to its expiry returns it and reloads
 *       it in the background, so a key read often does not expire under its readers.</li>
 * </ul>
 *
 * <p>Figures per backend and mode: caller calls per second; database queries per second; loads per key per expiry
 * (the loads of a key grouped into generations, a generation being the loads that start within half a TTL of its
 * first; 1.00 is one load per key per expiry across all instances), for every key and for the 10 hottest; the
 * hit rate (a call is a miss when the value it returns was made by a query that started after the call did,
 * whether the caller ran the query or waited for another's, so the figure means the same in every mode); caller
 * latency p50 and p99 (a log-linear histogram, 1 us resolution below 1 ms, within 1.6 % above); the share of calls
 * to the 10 hottest keys that waited on the database; and cache failures (breaker, timeouts) the services counted,
 * which should be 0, plus calls that threw (none expected). The services keep the defaults but for a 2 s Redis
 * deadline and a breaker that opens only after 1,000 failures in a row, so that a busy host's slow answers do not
 * turn the cache off (what the run measures is the load path, not the breaker). A second table gives the services' load counters
 * ({@link ChatCacheService#loadCounters()}) over the measured window.
 *
 * <pre>{@code
 * java -cp cache-bench/target/benchmarks.jar io.chatcache.bench.LoadPathBenchmark \
 *     [--backends hybrid,redis] [--modes none,per-jvm,cluster,cluster+refresh] [--instances 4] [--threads 16] \
 *     [--keys 1000] [--ttl-ms 3000] [--refresh-ms 1000] [--seconds 20] [--warmup-seconds 3] [--db-ms 5] [--think-us 2000] [--seed 42]
 * }</pre>
 */
public final class LoadPathBenchmark {

    /** How many of the most requested keys count as hot. */
    static final int HOT_KEYS = 10;
    /** Keys drawn per caller thread before the run; the thread cycles through them. */
    private static final int DRAWN_PER_THREAD = 1 << 16;

    private LoadPathBenchmark() {
    }

    /** How a caller thread reads a key through a service. */
    enum Mode {
        /** Cache-aside without protection. */
        NONE("none", "no protection (get, query and set on a miss)") {
            @Override
            String read(ChatCacheService service, String key, Supplier<String> query, Settings settings) {
                Optional<String> cached = service.get(key, String.class);
                if (cached.isPresent()) {
                    return cached.get();
                }
                String loaded = query.get();
                service.set(key, loaded, settings.ttl());
                return loaded;
            }
        },
        /** The service's getOrLoad without the lease: one load per key at a time in each instance. */
        PER_JVM("per-jvm", "per-JVM single flight (getOrLoad, withoutLease)") {
            @Override
            String read(ChatCacheService service, String key, Supplier<String> query, Settings settings) {
                return service.getOrLoad(key, String.class, query, settings.perJvm());
            }
        },
        /** The service's getOrLoad with its lease in Redis: one load per key at a time across instances. */
        CLUSTER("cluster", "cluster-wide single flight (getOrLoad, lease)") {
            @Override
            String read(ChatCacheService service, String key, Supplier<String> query, Settings settings) {
                return service.getOrLoad(key, String.class, query, settings.clusterWide());
            }
        },
        /** The lease, and refresh-ahead: a key read near its expiry is reloaded in the background. */
        CLUSTER_REFRESH("cluster+refresh", "cluster-wide + refresh-ahead") {
            @Override
            String read(ChatCacheService service, String key, Supplier<String> query, Settings settings) {
                return service.getOrLoad(key, String.class, query, settings.refreshing());
            }
        };

        final String option;
        final String label;

        Mode(String option, String label) {
            this.option = option;
            this.label = label;
        }

        abstract String read(ChatCacheService service, String key, Supplier<String> query, Settings settings);

        static Mode parse(String name) {
            String wanted = name.strip().toLowerCase(Locale.ROOT);
            return Arrays.stream(values()).filter(mode -> mode.option.equals(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown mode '" + name + "'; known: "
                            + Arrays.stream(values()).map(mode -> mode.option).toList()));
        }
    }

    /** The run's shape, from the command line, and the load options of the modes. */
    record Settings(int instances, int threads, int keys, Duration ttl, Duration refreshAhead, Duration measured,
                    Duration warmup, Duration query, long thinkNanos, long seed) {

        /** {@code getOrLoad} without the lease. */
        LoadOptions perJvm() {
            return LoadOptions.ttl(ttl).withoutLease();
        }

        /** {@code getOrLoad} with the lease (the default). */
        LoadOptions clusterWide() {
            return LoadOptions.ttl(ttl);
        }

        /** {@code getOrLoad} with the lease and refresh-ahead. */
        LoadOptions refreshing() {
            return LoadOptions.ttl(ttl).refreshAhead(refreshAhead);
        }
    }

    /**
     * Runs every backend and mode and prints the table.
     *
     * @param args the options of the class description
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = Args.parse(args, "--backends", "--modes", "--instances", "--threads",
                "--keys", "--ttl-ms", "--refresh-ms", "--seconds", "--warmup-seconds", "--db-ms", "--think-us",
                "--seed");
        List<CacheBackend> backends = Arrays.stream(options.getOrDefault("--backends", "hybrid,redis").split(","))
                .map(name -> CacheBackend.parse("--backends", name)).toList();
        if (backends.contains(CacheBackend.MEMORY)) {
            throw new IllegalArgumentException("--backends: memory has no instances to share a load with; use "
                    + "hybrid or redis");
        }
        List<Mode> modes = Arrays.stream(options.getOrDefault("--modes", "none,per-jvm,cluster,cluster+refresh")
                .split(",")).map(Mode::parse).toList();
        int ttlMillis = Args.positiveInt(options, "--ttl-ms", 3000);
        int refreshMillis = Args.positiveInt(options, "--refresh-ms", ttlMillis / 3);
        if (2 * refreshMillis >= ttlMillis) {
            // Reloads of one key would then come less than half a TTL apart and count as one generation.
            throw new IllegalArgumentException("--refresh-ms must be less than half of --ttl-ms, was " + refreshMillis
                    + " of " + ttlMillis);
        }
        Settings settings = new Settings(Args.positiveInt(options, "--instances", 4),
                Args.positiveInt(options, "--threads", 16), Args.positiveInt(options, "--keys", 1000),
                Duration.ofMillis(ttlMillis), Duration.ofMillis(refreshMillis),
                Duration.ofSeconds(Args.positiveInt(options, "--seconds", 20)),
                Duration.ofSeconds(Args.positiveInt(options, "--warmup-seconds", 3)),
                Duration.ofMillis(Args.positiveInt(options, "--db-ms", 5)),
                TimeUnit.MICROSECONDS.toNanos(Args.positiveInt(options, "--think-us", 2000)),
                Args.positiveInt(options, "--seed", 42));
        if (settings.keys() < 2 * HOT_KEYS) {
            throw new IllegalArgumentException("--keys must be at least " + 2 * HOT_KEYS + ", was " + settings.keys());
        }

        System.out.printf(Locale.ROOT, "%d instances x %d threads, %d keys (Zipf 0.99), TTL %d ms (refresh-ahead %d ms "
                        + "before expiry), database %d ms per query, think time %d us, %d s measured after %d s of "
                        + "warm-up%n%n", settings.instances(), settings.threads(), settings.keys(),
                settings.ttl().toMillis(), settings.refreshAhead().toMillis(), settings.query().toMillis(),
                TimeUnit.NANOSECONDS.toMicros(settings.thinkNanos()), settings.measured().toSeconds(),
                settings.warmup().toSeconds());
        List<Result> results = new ArrayList<>();
        try (RedisProcess redis = RedisProcess.startOrConnect()) {
            for (CacheBackend backend : backends) {
                for (Mode mode : modes) {
                    Result result = run(redis, backend, mode, settings);
                    results.add(result);
                    System.out.println(result.row());
                }
            }
        }
        System.out.println();
        System.out.println("| backend | mode | calls/s | DB queries/s | loads per key per expiry (all / 10 hottest) "
                + "| hit rate | p50 | p99 | p99, 10 hottest | hottest calls waiting on the DB | cache failures |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        results.forEach(result -> System.out.println(result.row()));
        System.out.println();
        System.out.println("| backend | mode | leases acquired | loaded elsewhere | lease waits expired "
                + "| lease unavailable | refreshes | refresh failures |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        results.forEach(result -> System.out.println(result.countersRow()));
    }

    /** One backend and mode: the instances, their callers, the measurement. */
    static Result run(RedisProcess redis, CacheBackend backend, Mode mode, Settings settings)
            throws InterruptedException {
        String namespace = "loadpath-" + backend.configName() + "-" + mode.option + "-" + System.nanoTime();
        Database database = new Database(settings.keys(), settings.query());
        int[][] drawn = new int[settings.instances() * settings.threads()][];
        int[] frequency = new int[settings.keys()];
        for (int i = 0; i < drawn.length; i++) {
            drawn[i] = new ScrambledZipfian(settings.keys(), settings.seed() + i).draw(DRAWN_PER_THREAD);
            for (int key : drawn[i]) {
                frequency[key]++;
            }
        }
        boolean[] hot = hottest(frequency, HOT_KEYS);
        List<ChatCacheService> services = new ArrayList<>();
        try {
            for (int i = 0; i < settings.instances(); i++) {
                // The breaker tolerates the host's slow answers (1,000 failures in a row): on a busy 2-core machine
                // the default (3 answers over 300 ms) opens it now and then, and the run would measure the host.
                services.add(ChatCacheService.builder().backend(backend)
                        .redisEnvironment(Map.of("REDIS_URL", redis.address(), "REDIS_NAMESPACE", namespace,
                                "REDIS_TIMEOUT", "2s"))
                        .breaker(1_000, Duration.ofSeconds(1)).defaultTtl(settings.ttl()).build());
            }
            awaitRedis(services);
            long failuresBefore = services.stream().mapToLong(service -> service.counters().failures()).sum();
            Phase phase = new Phase();
            List<Caller> callers = new ArrayList<>();
            for (int i = 0; i < drawn.length; i++) {
                ChatCacheService service = services.get(i / settings.threads());
                callers.add(new Caller(service, mode, database, drawn[i], hot, settings, phase));
            }
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < callers.size(); i++) {
                Thread thread = new Thread(callers.get(i), "caller-" + i);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
            sleep(settings.warmup());
            LoadCounters countersBefore = loadCounters(services);
            long start = System.nanoTime();
            database.measureFrom(start);
            phase.measuring = true;
            sleep(settings.measured());
            phase.measuring = false;
            long end = System.nanoTime();
            database.measureUntil(end);
            LoadCounters counters = minus(loadCounters(services), countersBefore);
            phase.stopped = true;
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            long failures = services.stream().mapToLong(service -> service.counters().failures()).sum()
                    - failuresBefore;
            return Result.of(backend, mode, settings, callers, database, hot, end - start, failures, counters);
        } finally {
            for (ChatCacheService service : services) {
                service.close();
            }
        }
    }

    /** The instances' load counters added up. */
    private static LoadCounters loadCounters(List<ChatCacheService> services) {
        LoadCounters sum = new LoadCounters(0, 0, 0, 0, 0, 0);
        for (ChatCacheService service : services) {
            LoadCounters c = service.loadCounters();
            sum = new LoadCounters(sum.leasesAcquired() + c.leasesAcquired(), sum.loadedElsewhere() + c.loadedElsewhere(),
                    sum.leaseWaitsExpired() + c.leaseWaitsExpired(), sum.leaseUnavailable() + c.leaseUnavailable(),
                    sum.refreshes() + c.refreshes(), sum.refreshFailures() + c.refreshFailures());
        }
        return sum;
    }

    private static LoadCounters minus(LoadCounters after, LoadCounters before) {
        return new LoadCounters(after.leasesAcquired() - before.leasesAcquired(),
                after.loadedElsewhere() - before.loadedElsewhere(),
                after.leaseWaitsExpired() - before.leaseWaitsExpired(),
                after.leaseUnavailable() - before.leaseUnavailable(), after.refreshes() - before.refreshes(),
                after.refreshFailures() - before.refreshFailures());
    }

    /** HYBRID connects in the background: waits until every instance uses Redis (at most 30 s). */
    private static void awaitRedis(List<ChatCacheService> services) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ChatCacheService service : services) {
            while (!service.info().redisAvailable()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("an instance did not reach Redis within 30 s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    /** The {@code count} most frequent keys. */
    static boolean[] hottest(int[] frequency, int count) {
        Integer[] order = new Integer[frequency.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(frequency[b], frequency[a]));
        boolean[] hot = new boolean[frequency.length];
        for (int i = 0; i < count; i++) {
            hot[order[i]] = true;
        }
        return hot;
    }

    /** Where the run is: warming up, measuring, stopped. */
    static final class Phase {
        volatile boolean measuring;
        volatile boolean stopped;
    }

    /**
     * The slow database: each query takes a fixed time (a sleep, no limit on concurrent queries) and returns the
     * key's next version, so that a caller can tell whether the value it got was made after its call began. Counts
     * the queries that start while measuring, with their start times per key.
     */
    static final class Database {
        private static final String PADDING = "x".repeat(200);

        private final AtomicIntegerArray versions;
        private final long queryNanos;
        private final List<List<Long>> starts;
        private volatile long measureFrom = Long.MAX_VALUE;
        private volatile long measureUntil = Long.MAX_VALUE;

        Database(int keys, Duration query) {
            this.versions = new AtomicIntegerArray(keys);
            this.queryNanos = query.toNanos();
            this.starts = new ArrayList<>(keys);
            for (int i = 0; i < keys; i++) {
                starts.add(new ArrayList<>());
            }
        }

        /** The latest version handed out for {@code key}. */
        int version(int key) {
            return versions.get(key);
        }

        /** Queries {@code key}: waits the query time and returns its next version as a row. */
        String query(int key) {
            long start = System.nanoTime();
            int version = versions.incrementAndGet(key);
            if (start >= measureFrom && start < measureUntil) {
                List<Long> times = starts.get(key);
                synchronized (times) {
                    times.add(start);
                }
            }
            long deadline = start + queryNanos;
            for (long left = queryNanos; left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            return version + ":" + key + ":" + PADDING;
        }

        /** The version of a row {@link #query} returned. */
        static int versionOf(String row) {
            return Integer.parseInt(row, 0, row.indexOf(':'), 10);
        }

        void measureFrom(long nanos) {
            measureFrom = nanos;
        }

        void measureUntil(long nanos) {
            measureUntil = nanos;
        }

        /** The start times of {@code key}'s measured queries, in order. */
        long[] starts(int key) {
            List<Long> times = starts.get(key);
            synchronized (times) {
                return times.stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }
    }

    /** One caller thread: reads its keys in turn through its instance, timing each call. */
    static final class Caller implements Runnable {
        private final ChatCacheService service;
        private final Mode mode;
        private final Database database;
        private final int[] keys;
        private final boolean[] hot;
        private final Settings settings;
        private final long thinkNanos;
        private final Phase phase;
        final Histogram all = new Histogram();
        final Histogram hottest = new Histogram();
        long calls;
        long misses;
        long hotCalls;
        long hotMisses;
        long errors;

        Caller(ChatCacheService service, Mode mode, Database database, int[] keys, boolean[] hot, Settings settings,
               Phase phase) {
            this.service = service;
            this.mode = mode;
            this.database = database;
            this.keys = keys;
            this.hot = hot;
            this.settings = settings;
            this.thinkNanos = settings.thinkNanos();
            this.phase = phase;
        }

        @Override
        public void run() {
            for (int i = 0; !phase.stopped; i = (i + 1) % keys.length) {
                int key = keys[i];
                boolean measured = phase.measuring;
                int before = database.version(key);
                long start = System.nanoTime();
                String row;
                try {
                    row = mode.read(service, "row:" + key, () -> database.query(key), settings);
                } catch (RuntimeException e) {
                    // Counted with the cache failures; the caller goes on, as a request thread would.
                    if (measured) {
                        errors++;
                    }
                    LockSupport.parkNanos(thinkNanos);
                    continue;
                }
                long nanos = System.nanoTime() - start;
                if (measured) {
                    boolean miss = Database.versionOf(row) > before;
                    calls++;
                    all.record(nanos);
                    if (miss) {
                        misses++;
                    }
                    if (hot[key]) {
                        hotCalls++;
                        hottest.record(nanos);
                        if (miss) {
                            hotMisses++;
                        }
                    }
                }
                LockSupport.parkNanos(thinkNanos);
            }
        }
    }

    /**
     * Latencies in microseconds, log-linear: exact below 1024 us, then 64 buckets per power of two (within 1.6 %).
     * One per thread, merged after the run.
     */
    static final class Histogram {
        private static final int LINEAR = 1024;
        private static final int SUB = 64;
        private final long[] counts = new long[LINEAR + 54 * SUB];
        private long total;

        void record(long nanos) {
            long micros = Math.max(0, nanos / 1000);
            counts[index(micros)]++;
            total++;
        }

        static int index(long micros) {
            if (micros < LINEAR) {
                return (int) micros;
            }
            int octave = 63 - Long.numberOfLeadingZeros(micros);
            int mantissa = (int) ((micros >>> (octave - 6)) & (SUB - 1));
            return LINEAR + (octave - 10) * SUB + mantissa;
        }

        /** The smallest value in bucket {@code index}, in microseconds. */
        static long lowest(int index) {
            if (index < LINEAR) {
                return index;
            }
            int octave = (index - LINEAR) / SUB + 10;
            long mantissa = (index - LINEAR) % SUB;
            return (1L << octave) + (mantissa << (octave - 6));
        }

        void add(Histogram other) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += other.counts[i];
            }
            total += other.total;
        }

        /** The {@code quantile} (0 to 1), in microseconds; 0 without values. */
        long quantile(double quantile) {
            if (total == 0) {
                return 0;
            }
            long rank = (long) Math.ceil(quantile * total);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= Math.max(1, rank)) {
                    return lowest(i);
                }
            }
            return lowest(counts.length - 1);
        }
    }

    /** One row of the table. */
    record Result(CacheBackend backend, Mode mode, double callsPerSecond, double queriesPerSecond,
                  double loadsPerGeneration, double hotLoadsPerGeneration, double hitRate, long p50Micros,
                  long p99Micros, long hotP99Micros, double hotWaitingShare, long failures, LoadCounters counters) {

        static Result of(CacheBackend backend, Mode mode, Settings settings, List<Caller> callers, Database database,
                         boolean[] hot, long nanos, long failures, LoadCounters counters) {
            Histogram all = new Histogram();
            Histogram hottest = new Histogram();
            long calls = 0;
            long misses = 0;
            long hotCalls = 0;
            long hotMisses = 0;
            for (Caller caller : callers) {
                all.add(caller.all);
                hottest.add(caller.hottest);
                calls += caller.calls;
                misses += caller.misses;
                hotCalls += caller.hotCalls;
                hotMisses += caller.hotMisses;
                failures += caller.errors;
            }
            long loads = 0;
            long generations = 0;
            long hotLoads = 0;
            long hotGenerations = 0;
            long window = settings.ttl().toNanos() / 2;
            for (int key = 0; key < settings.keys(); key++) {
                long[] starts = database.starts(key);
                int keyGenerations = generations(starts, window);
                loads += starts.length;
                generations += keyGenerations;
                if (hot[key]) {
                    hotLoads += starts.length;
                    hotGenerations += keyGenerations;
                }
            }
            double seconds = nanos / 1e9;
            return new Result(backend, mode, calls / seconds, loads / seconds,
                    generations == 0 ? 0 : (double) loads / generations,
                    hotGenerations == 0 ? 0 : (double) hotLoads / hotGenerations,
                    calls == 0 ? 0 : 1 - (double) misses / calls, all.quantile(0.5), all.quantile(0.99),
                    hottest.quantile(0.99), hotCalls == 0 ? 0 : (double) hotMisses / hotCalls, failures, counters);
        }

        /** How many generations the sorted load start times make: a new one starts {@code window} after the last. */
        static int generations(long[] starts, long window) {
            int count = 0;
            long generationStart = 0;
            for (int i = 0; i < starts.length; i++) {
                if (i == 0 || starts[i] - generationStart >= window) {
                    count++;
                    generationStart = starts[i];
                }
            }
            return count;
        }

        String row() {
            return String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %.2f / %.2f | %.2f %% | %s | %s | %s | %.3f %% | %d |",
                    backend.configName(), mode.label, callsPerSecond, queriesPerSecond, loadsPerGeneration,
                    hotLoadsPerGeneration, 100 * hitRate, micros(p50Micros), micros(p99Micros), micros(hotP99Micros),
                    100 * hotWaitingShare, failures);
        }

        /** The row of the second table: the services' load counters over the measured window. */
        String countersRow() {
            return String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %,d | %,d | %,d | %,d |", backend.configName(),
                    mode.label, counters.leasesAcquired(), counters.loadedElsewhere(), counters.leaseWaitsExpired(),
                    counters.leaseUnavailable(), counters.refreshes(), counters.refreshFailures());
        }

        private static String micros(long micros) {
            return micros < 1000 ? micros + " us" : String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
        }
    }
}

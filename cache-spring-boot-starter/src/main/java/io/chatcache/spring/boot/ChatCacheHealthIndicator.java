package io.chatcache.spring.boot;

import io.chatcache.chat.CacheBackend;
import io.chatcache.chat.CacheCounters;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.chat.L2Counters;
import io.chatcache.core.CacheInputs;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of a {@link ChatCacheService}, probing Redis on every check ({@link ChatCacheService#probeRedis()}):
 * <ul>
 *   <li>MEMORY: UP;</li>
 *   <li>REDIS: UP while Redis answers, DOWN when it does not (reads miss and writes are skipped then);</li>
 *   <li>HYBRID: UP, with {@code redis: available}, or, while the hybrid store runs on L1 only,
 *       {@code redis: unavailable}, {@code degraded: true} and {@code mode: L1 only}: the application still
 *       works (from memory, instances not coherent) and recovers by itself. A single failed probe does not
 *       yet show Redis gone: the hybrid store's circuit breaker opens after consecutive failures. On a Redis
 *       Cluster with per-shard isolation also {@code shards} and {@code openShards}: while some shards' breakers
 *       are open (their keys on L1 only) and others' closed, {@code degraded: true} with the mode saying how many
 *       shards are on L1 only.</li>
 * </ul>
 * Details also carry the service's counters (hits, misses, puts, failures, local entries); never a key, a value
 * or a password.
 */
public final class ChatCacheHealthIndicator implements HealthIndicator {

    private final ChatCacheService service;

    /** The indicator of {@code service}. */
    public ChatCacheHealthIndicator(ChatCacheService service) {
        this.service = CacheInputs.requireNonNull(service, "service");
    }

    @Override
    public Health health() {
        boolean redis = service.probeRedis();
        CacheBackend backend = service.backend();
        Health.Builder health = backend == CacheBackend.REDIS && !redis ? Health.down() : Health.up();
        health.withDetail("backend", backend.name());
        if (backend != CacheBackend.MEMORY) {
            health.withDetail("redis", redis ? "available" : "unavailable");
        }
        if (backend == CacheBackend.HYBRID) {
            health.withDetail("degraded", !redis);
            Optional<L2Counters> l2 = service.l2Counters();
            int shards = l2.map(L2Counters::shards).orElse(1);
            int openShards = l2.map(L2Counters::openShards).orElse(0);
            if (shards > 1) {
                health.withDetail("shards", shards).withDetail("openShards", openShards);
            }
            health.withDetail("mode", redis ? "L1 + Redis"
                    : shards > 1 && openShards < shards
                            ? "L1 + Redis; " + openShards + " of " + shards + " Redis shards on L1 only until they answer"
                            : "L1 only: serving from memory until Redis answers");
        }
        CacheCounters counters = service.counters();
        health.withDetail("hits", counters.hits())
                .withDetail("misses", counters.misses())
                .withDetail("puts", counters.puts())
                .withDetail("failures", counters.failures())
                .withDetail("localEntries", counters.localEntries());
        return health.build();
    }
}

package io.chatcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatcache.core.CacheStore;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.LoadLeases;
import io.chatcache.core.LoadLeases.Lease;
import io.chatcache.core.RemovalCause;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The Redis store's load leases against a real server: SET NX PX, compare-and-delete, hidden from scans. */
class RedisLoadLeasesTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedissonClient client;
    private static RedissonClient otherClient;

    @BeforeAll
    static void connect() {
        RedisServer server = redis.single();
        client = RedissonClients.connect(RedisTestSupport.configFor(server).build());
        otherClient = RedissonClients.connect(RedisTestSupport.configFor(server).build());
    }

    @AfterAll
    static void disconnect() {
        for (RedissonClient c : new RedissonClient[] {client, otherClient}) {
            if (c != null) {
                c.shutdown();
            }
        }
    }

    private static RedisCacheStore store(RedissonClient on, String namespace) {
        return RedisCacheStore.builder().client(on).namespace(namespace).build();
    }

    @Test
    void theStoreOffersLeasesAsACapability() {
        try (RedisCacheStore store = store(client, RedisTestSupport.uniqueNamespace("cap"))) {
            assertThat(store.capability(LoadLeases.class)).containsSame(store);
        }
    }

    @Test
    void oneHolderAtATimeAcrossClientsAndOnlyTheHolderReleases() {
        String namespace = RedisTestSupport.uniqueNamespace("lease");
        try (RedisCacheStore first = store(client, namespace); RedisCacheStore second = store(otherClient, namespace)) {
            Lease held = first.tryAcquire("user:1", Duration.ofMinutes(1)).orElseThrow();

            assertThat(second.tryAcquire("user:1", Duration.ofMinutes(1))).isEmpty();
            assertThat(first.tryAcquire("user:1", Duration.ofMinutes(1))).isEmpty();
            // Another key is free.
            assertThat(second.tryAcquire("user:2", Duration.ofMinutes(1))).isPresent();
            // A forged lease (same key, other token) releases nothing.
            assertThat(second.release(new Lease("user:1", "not-the-token", Duration.ofMinutes(1)))).isFalse();
            assertThat(second.tryAcquire("user:1", Duration.ofMinutes(1))).isEmpty();

            assertThat(first.release(held)).isTrue();
            assertThat(first.release(held)).isFalse();
            Lease next = second.tryAcquire("user:1", Duration.ofMinutes(1)).orElseThrow();
            assertThat(next.token()).isNotEqualTo(held.token());
            // The first holder's stale lease cannot end the second's.
            assertThat(first.release(held)).isFalse();
            assertThat(second.tryAcquire("user:1", Duration.ofMinutes(1))).isEmpty();
        }
    }

    @Test
    void aLeaseEndsByItselfAfterItsTtl() {
        String namespace = RedisTestSupport.uniqueNamespace("expiry");
        try (RedisCacheStore first = store(client, namespace); RedisCacheStore second = store(otherClient, namespace)) {
            Lease dead = first.tryAcquire("k", Duration.ofMillis(300)).orElseThrow();
            long pttl = client.getBucket(first.leaseKey("k"), StringCodec.INSTANCE).remainTimeToLive();
            assertThat(pttl).isBetween(1L, 300L);

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> second.tryAcquire("k", Duration.ofMinutes(1)).isPresent());
            assertThat(first.release(dead)).isFalse();
        }
    }

    @Test
    void leaseKeysLiveInTheNamespaceApartFromEntriesAndAreHiddenFromScans() {
        String namespace = RedisTestSupport.uniqueNamespace("hidden");
        try (RedisCacheStore store = store(client, namespace)) {
            List<String> removed = new CopyOnWriteArrayList<>();
            store.addRemovalListener((key, cause) -> removed.add(cause + " " + key));
            store.put("lease:k", "an application's own key", Duration.ofMinutes(1));
            store.put("k", "v", Duration.ofMinutes(1));
            store.tryAcquire("k", Duration.ofMinutes(1)).orElseThrow();

            assertThat(store.leaseKey("k")).isEqualTo(namespace + ":\u0000lease:k");
            assertThat(store.get("lease:k", String.class)).contains("an application's own key");
            assertThat(store.stats().entryCount()).isEqualTo(2);
            assertThat(store.deleteMatching(KeyPattern.glob("*"))).isEqualTo(2);
            store.put("k", "v", Duration.ofMinutes(1));
            store.clear();

            assertThat(removed).containsExactlyInAnyOrder(RemovalCause.EXPLICIT + " lease:k",
                    RemovalCause.EXPLICIT + " k", RemovalCause.CLEARED + " k");
            // The lease survived both: it ends with its own TTL (or its holder).
            assertThat(client.getBucket(store.leaseKey("k"), StringCodec.INSTANCE).isExists()).isTrue();
            assertThat(store.tryAcquire("k", Duration.ofMinutes(1))).isEmpty();
        }
    }

    @Test
    void badArgumentsAreRefusedByName() {
        try (RedisCacheStore store = store(client, RedisTestSupport.uniqueNamespace("bad"))) {
            assertThatThrownBy(() -> store.tryAcquire("", Duration.ofSeconds(1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("key");
            assertThatThrownBy(() -> store.tryAcquire("k", Duration.ZERO))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttl");
            assertThatThrownBy(() -> store.tryAcquire("k", CacheStore.NO_EXPIRY))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("ttl");
            assertThatThrownBy(() -> store.release(null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("lease");
            assertThat(new Lease("k", "secret-token", Duration.ofSeconds(1)).toString()).doesNotContain("secret");
        }
    }

    @Test
    void aDeadServerIsUnavailableForLeases() {
        RedisServer server = redis.startSingle();
        RedissonClient own = RedissonClients.connect(RedisTestSupport.configFor(server).build());
        try (RedisCacheStore store = store(own, RedisTestSupport.uniqueNamespace("down"))) {
            Lease lease = store.tryAcquire("k", Duration.ofMinutes(1)).orElseThrow();
            server.kill();

            assertThatThrownBy(() -> store.tryAcquire("k2", Duration.ofMinutes(1)))
                    .isInstanceOf(CacheUnavailableException.class);
            assertThatThrownBy(() -> store.release(lease)).isInstanceOf(CacheUnavailableException.class);
        } finally {
            own.shutdown();
        }
    }
}

package io.chatcache.redis;

import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.Redisson;
import org.redisson.api.NodeType;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.connection.ConnectionListener;
import org.awaitility.Awaitility;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

class ScratchBusExperimentTest {
    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    @Test
    void experiment() {
        RedisServer server = redis.startSingle();
        List<String> events = new CopyOnWriteArrayList<>();
        Config config = RedissonClients.toRedissonConfig(RedisTestSupport.configFor(server).pingInterval(Duration.ofSeconds(1)).build());
        config.setConnectionListener(new ConnectionListener() {
            @Override public void onConnect(InetSocketAddress a) { events.add(System.nanoTime()/1_000_000 + " connect " + a); }
            @Override public void onConnect(InetSocketAddress a, NodeType t) { events.add(System.nanoTime()/1_000_000 + " connect " + a + " " + t); }
            @Override public void onDisconnect(InetSocketAddress a) { events.add(System.nanoTime()/1_000_000 + " disconnect " + a); }
            @Override public void onDisconnect(InetSocketAddress a, NodeType t) { events.add(System.nanoTime()/1_000_000 + " disconnect " + a + " " + t); }
        });
        RedissonClient client = Redisson.create(config);
        RTopic topic = client.getTopic("ch", StringCodec.INSTANCE);
        topic.addListener(new StatusListener() {
            @Override public void onSubscribe(String c) { events.add(System.nanoTime()/1_000_000 + " subscribe " + c); }
            @Override public void onUnsubscribe(String c) { events.add(System.nanoTime()/1_000_000 + " unsubscribe " + c); }
        });
        topic.addListener(String.class, (c, m) -> events.add(System.nanoTime()/1_000_000 + " msg " + m));
        topic.publish("one");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> e.endsWith("msg one")));
        events.add(System.nanoTime()/1_000_000 + " RESTART");
        server.restart();
        events.add(System.nanoTime()/1_000_000 + " RESTARTED");
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try { topic.publish("two"); } catch (RuntimeException e) { events.add("publish failed " + e); }
            return events.stream().anyMatch(e -> e.endsWith("msg two"));
        });
        events.forEach(System.out::println);
        client.shutdown();
    }
}

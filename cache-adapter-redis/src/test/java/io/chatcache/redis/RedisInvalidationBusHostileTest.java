package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.Invalidation;
import io.chatcache.core.Invalidation.Kind;
import io.chatcache.core.KeyPattern;
import io.chatcache.redis.internal.RedissonClients;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the bus does with messages that anyone allowed to publish on its channel can forge: published
 * raw, with a plain Redisson client, on a real Redis.
 */
class RedisInvalidationBusHostileTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedissonClient raw;

    @BeforeAll
    static void connect() {
        raw = RedissonClients.connect(RedisTestSupport.configFor(redis.single()).build());
    }

    @AfterAll
    static void disconnect() {
        raw.shutdown();
    }

    private static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20));
    }

    private static RedisInvalidationBus bus(String namespace) {
        RedisServer server = redis.single();
        return RedisInvalidationBus.builder()
                .config(RedisTestSupport.configFor(server).namespace(namespace).build())
                .instanceId("me")
                .build();
    }

    private static void publishRaw(String channel, byte[] message) {
        RTopic topic = raw.getTopic(channel, ByteArrayCodec.INSTANCE);
        assertThat(topic.publish(message)).as("subscribers that heard it").isPositive();
    }

    private static void publishRaw(String channel, String message) {
        publishRaw(channel, message.getBytes(StandardCharsets.UTF_8));
    }

    private static String message(String origin, long seq, String kind, String target) {
        return "{\"origin\":\"" + origin + "\",\"seq\":" + seq + ",\"kind\":\"" + kind + "\",\"target\":\"" + target
                + "\"}";
    }

    @Test
    void oversizedMessageIsDroppedUndecodedCountedAndLoggedOnceAndTheBusGoesOn() {
        try (RedisInvalidationBus bus = bus(RedisTestSupport.uniqueNamespace("big"));
                LogCapture log = LogCapture.start()) {
            RedisInvalidationBusTest.Recorder heard = new RedisInvalidationBusTest.Recorder();
            bus.subscribe(heard);
            // A well-formed PATTERN message whose pattern alone is 4 MB: decoded, it would be a glob.
            String huge = "x".repeat(4 * 1024 * 1024 - 64) + "*";
            byte[] oversized = message("forger", 1, "PATTERN", huge).getBytes(StandardCharsets.UTF_8);
            byte[] justOver = new byte[RedisInvalidationBus.MAX_MESSAGE_BYTES + 1];
            Arrays.fill(justOver, (byte) ' ');

            publishRaw(bus.channel(), oversized);
            publishRaw(bus.channel(), oversized);
            publishRaw(bus.channel(), justOver);
            publishRaw(bus.channel(), message("peer", 1, "KEY", "session:1"));

            await("the next good message").untilAsserted(() ->
                    assertThat(heard.messages).containsExactly(new Invalidation("peer", 1, Kind.KEY, "session:1")));
            assertThat(bus.rejectedMessages()).isEqualTo(3);
            assertThat(log.text().lines().filter(line -> line.contains("dropped a message of"))).hasSize(1);
            assertThat(log.text()).contains(oversized.length + " bytes").doesNotContain("xxxxxxxxxx");
        }
    }

    @Test
    void aMessageJustWithinTheBoundIsRead() {
        try (RedisInvalidationBus bus = bus(RedisTestSupport.uniqueNamespace("edge"))) {
            RedisInvalidationBusTest.Recorder heard = new RedisInvalidationBusTest.Recorder();
            bus.subscribe(heard);
            String key = "k".repeat(CacheInputs.MAX_KEY_LENGTH);
            String wellFormed = message("peer", 1, "KEY", key);
            String padded = wellFormed + " ".repeat(RedisInvalidationBus.MAX_MESSAGE_BYTES - wellFormed.length());

            publishRaw(bus.channel(), padded);

            await("the padded message").untilAsserted(() ->
                    assertThat(heard.messages).containsExactly(new Invalidation("peer", 1, Kind.KEY, key)));
            assertThat(bus.rejectedMessages()).isZero();
        }
    }

    @Test
    void targetsThatBreakTheKeyRulesAndOverlongOriginsAreIgnoredAndCounted() {
        try (RedisInvalidationBus bus = bus(RedisTestSupport.uniqueNamespace("rules"))) {
            RedisInvalidationBusTest.Recorder heard = new RedisInvalidationBusTest.Recorder();
            bus.subscribe(heard);

            publishRaw(bus.channel(), message("peer", 1, "PATTERN", "*".repeat(KeyPattern.MAX_PATTERN_LENGTH + 1)));
            publishRaw(bus.channel(), message("peer", 2, "KEY", "k".repeat(CacheInputs.MAX_KEY_LENGTH + 1)));
            publishRaw(bus.channel(), message("o".repeat(RedisInvalidationBus.MAX_ORIGIN_LENGTH + 1), 1, "KEY", "k"));
            publishRaw(bus.channel(), message("peer", 3, "PATTERN", "*".repeat(KeyPattern.MAX_PATTERN_LENGTH)));

            await("the last, valid message").untilAsserted(() -> assertThat(heard.messages).containsExactly(
                    new Invalidation("peer", 3, Kind.PATTERN, "*".repeat(KeyPattern.MAX_PATTERN_LENGTH))));
            assertThat(bus.rejectedMessages()).isEqualTo(3);
        }
    }

    @Test
    void controlCharactersInAForgedMessageCannotForgeALogLine() {
        try (RedisInvalidationBus bus = bus(RedisTestSupport.uniqueNamespace("inject"));
                LogCapture log = LogCapture.start()) {
            RedisInvalidationBusTest.Recorder heard = new RedisInvalidationBusTest.Recorder();
            bus.subscribe(heard);
            String forged = "x\n2026-01-01 [main] ERROR FORGED LINE\r\u001b[31m";

            publishRaw(bus.channel(), "not json " + forged);
            // JSON escapes that decode to a newline, in a pattern refused for its trailing backslash
            publishRaw(bus.channel(), message("peer", 1, "PATTERN", "a\\nERROR FORGED KEY\\\\"));
            publishRaw(bus.channel(), message("peer", 2, "KEY", "ok"));

            await("the valid message").until(() -> heard.messages.size() == 1);
            await("both rejections logged").until(() -> log.text().lines()
                    .filter(line -> line.contains("malformed message")).count() == 2);
            assertThat(log.text().lines()).noneMatch(line -> line.startsWith("2026-01-01"))
                    .noneMatch(line -> line.startsWith("ERROR FORGED"));
            assertThat(log.text()).contains("x\\n2026-01-01 [main] ERROR FORGED LINE\\r\\u001b[31m")
                    .contains("a\\nERROR FORGED KEY").doesNotContain("\u001b");
        }
    }

    @Test
    void instanceIdMustBeShortAndPrintable() {
        assertThatThrownBy(() -> RedisInvalidationBus.builder().instanceId("a\nb"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("a\\nb");
        assertThatThrownBy(() -> RedisInvalidationBus.builder()
                .instanceId("i".repeat(RedisInvalidationBus.MAX_ORIGIN_LENGTH + 1)))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("at most " + RedisInvalidationBus.MAX_ORIGIN_LENGTH);
    }
}

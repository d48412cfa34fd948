package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** An ACL user without the rights the bus needs fails at start-up, naming the missing right. */
class RedisBusAclTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedisServer server;

    @BeforeAll
    static void start() {
        server = redis.startSingle();
        server.addAclUser("nochannel", "pw-1", "resetchannels", "~app:*", "+@all");
        server.addAclUser("otherchannel", "pw-2", "resetchannels", "&other:*", "~app:*", "+@all");
        server.addAclUser("withchannel", "pw-3", "resetchannels", "&app:invalidations", "~app:*", "+@all");
    }

    private static RedisConfig.Builder config(String user, String password) {
        return RedisConfig.builder().single(server.address()).username(user).password(password).namespace("app")
                .connectTimeout(Duration.ofSeconds(2)).timeout(Duration.ofSeconds(2))
                .startupTimeout(RedisTestSupport.STARTUP).connectionMinimumIdleSize(1);
    }

    @Test
    void aUserWithoutTheChannelFailsAtStartUpNamingTheRightToGrant() {
        for (String user : new String[] {"nochannel", "otherchannel"}) {
            CacheConfigurationException e = assertThrows(CacheConfigurationException.class,
                    () -> RedisInvalidationBus.builder().config(config(user, user.equals("nochannel") ? "pw-1" : "pw-2")
                            .build()).build().close(), user);

            assertThat(e.getMessage()).contains("'" + user + "'").contains("&app:invalidations")
                    .contains("NOPERM").doesNotContain("pw-");
        }
    }

    @Test
    void aUserWithTheChannelGetsAWorkingBus() {
        try (RedisInvalidationBus bus = RedisInvalidationBus.builder().config(config("withchannel", "pw-3").build())
                .instanceId("a").build();
                RedisInvalidationBus peer = RedisInvalidationBus.builder().config(config("withchannel", "pw-3").build())
                        .instanceId("b").build()) {
            RedisInvalidationBusTest.Recorder heard = new RedisInvalidationBusTest.Recorder();
            peer.subscribe(heard);

            bus.publish(io.chatcache.core.Invalidation.Kind.KEY, "k");

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> heard.messages.size() == 1);
            assertThat(peer.rejectedMessages()).as("the rights probe is not a malformed message").isZero();
        }
    }
}

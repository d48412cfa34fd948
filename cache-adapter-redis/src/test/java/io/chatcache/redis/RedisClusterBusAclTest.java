package io.chatcache.redis;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.Invalidation;
import io.chatcache.testkit.redis.RedisCluster;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * In a cluster the bus has a channel per shard, {@code <namespace>:invalidations{<tag>}<n>}: an ACL user needs
 * {@code &<namespace>:invalidations*}, and one without it fails at start-up naming that rule.
 */
class RedisClusterBusAclTest {

    @RegisterExtension
    static final RedisServers redis = RedisServers.create();

    private static RedisCluster cluster;

    @BeforeAll
    static void start() {
        cluster = redis.cluster();
        for (RedisServer node : cluster.nodes()) {
            node.addAclUser("nochannel", "pw-1", "resetchannels", "~app:*", "+@all");
            // The single-server rule: it names one channel, which is not a cluster bus's channels.
            node.addAclUser("onechannel", "pw-2", "resetchannels", "&app:invalidations", "~app:*", "+@all");
            node.addAclUser("withchannels", "pw-3", "resetchannels", "&app:invalidations*", "~app:*", "+@all");
        }
    }

    private static RedisConfig config(String user, String password) {
        return RedisTestSupport.configFor(cluster).username(user).password(password).namespace("app").build();
    }

    @Test
    void aUserWithoutTheShardChannelsFailsAtStartUpNamingTheRuleToGrant() {
        for (String[] user : new String[][] {{"nochannel", "pw-1"}, {"onechannel", "pw-2"}}) {
            CacheConfigurationException e = assertThrows(CacheConfigurationException.class,
                    () -> RedisInvalidationBus.builder().config(config(user[0], user[1])).build().close(), user[0]);

            assertThat(e.getMessage()).contains("'" + user[0] + "'").contains("ACL rule &app:invalidations*")
                    .contains("app:invalidations{").contains("NOPERM").doesNotContain("pw-");
        }
    }

    @Test
    void aUserWithTheShardChannelsGetsAWorkingBus() {
        try (RedisInvalidationBus a = RedisInvalidationBus.builder().config(config("withchannels", "pw-3"))
                .instanceId("a").build();
                RedisInvalidationBus b = RedisInvalidationBus.builder().config(config("withchannels", "pw-3"))
                        .instanceId("b").build()) {
            RedisInvalidationBusTest.Recorder heard = new RedisInvalidationBusTest.Recorder();
            b.subscribe(heard);

            a.publish(Invalidation.Kind.CLEAR, "");

            assertThat(a.channels()).hasSize(3).allSatisfy(name -> assertThat(name).startsWith("app:invalidations{"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.messages.size() == 3);
            assertThat(b.rejectedMessages()).isZero();
        }
    }
}

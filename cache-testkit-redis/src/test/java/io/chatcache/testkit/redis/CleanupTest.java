package io.chatcache.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs fixture classes through the Jupiter engine and checks what the extension left behind. */
class CleanupTest {

    /** Pids and temp dirs of every server the fixtures started. */
    static final List<Long> PIDS = new CopyOnWriteArrayList<>();
    static final List<Path> DIRS = new CopyOnWriteArrayList<>();

    /** Records a local server's pid and dir; an external or container server as pid -1 (nothing to check). */
    static void record(RedisServer server) {
        RedisServer real = server instanceof SharedRedisServer shared ? shared.delegate() : server;
        if (real instanceof LocalRedisServer local) {
            PIDS.add(local.pid());
            DIRS.add(local.dir());
        } else {
            PIDS.add(-1L);
        }
    }

    private static void assertAllGone() {
        assertThat(PIDS).isNotEmpty().allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                        .as("redis-server pid %d is alive", pid).isFalse());
        assertThat(DIRS).allSatisfy(dir -> assertThat(Files.exists(dir)).as("%s exists", dir).isFalse());
    }

    @Test
    void everyServerOfAPassingClassIsStoppedAfterIt() {
        PIDS.clear();
        DIRS.clear();

        EngineTestKit.engine("junit-jupiter").selectors(selectClass(PassingFixture.class)).execute()
                .testEvents().assertStatistics(stats -> stats.succeeded(1).failed(0));

        assertThat(PIDS).hasSize(6);
        assertAllGone();
    }

    @Test
    void everyServerOfAFailingClassIsStoppedAfterIt() {
        PIDS.clear();
        DIRS.clear();

        EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingFixture.class)).execute()
                .testEvents().assertStatistics(stats -> stats.succeeded(0).failed(1));

        assertThat(PIDS).hasSize(1);
        assertAllGone();
    }

    @Test
    void nestedClassesShareTheOuterServersUntilTheOuterClassEnds() {
        PIDS.clear();
        DIRS.clear();

        EngineTestKit.engine("junit-jupiter").selectors(selectClass(NestingFixture.class)).execute()
                .testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));

        assertThat(PIDS).hasSize(2).containsOnly(PIDS.get(0));
        assertAllGone();
    }

    @Test
    void closeStopsEverythingAndLaterCallsStartAfresh() {
        RedisServers servers = RedisServers.create();
        try {
            RedisServer first = servers.startSingle();

            servers.close();

            assertThat(first.isRunning()).isFalse();
            assertThat(servers.startSingle().cli("PING")).isEqualTo("PONG");
        } finally {
            servers.close();
        }
    }

    static class PassingFixture {
        @RegisterExtension
        static final RedisServers redis = RedisServers.create();

        @Test
        void startsServersOfEveryKind() {
            record(redis.single());
            RedisServer paused = redis.startSingle();
            paused.pause();
            record(paused);
            record(redis.startSingle(RedisServerOptions.builder().tls(true).password("pw").build()));
            redis.cluster().nodes().forEach(CleanupTest::record);
        }
    }

    static class FailingFixture {
        @RegisterExtension
        static final RedisServers redis = RedisServers.create();

        @Test
        void failsAfterStartingAServer() {
            record(redis.startSingle());
            throw new AssertionError("deliberate failure");
        }
    }

    static class NestingFixture {
        @RegisterExtension
        static final RedisServers redis = RedisServers.create();

        @Nested
        class First {
            @Test
            void usesTheServer() {
                record(redis.single());
            }
        }

        @Nested
        class Second {
            @Test
            void seesTheSameServer() {
                record(redis.single());
            }
        }
    }
}

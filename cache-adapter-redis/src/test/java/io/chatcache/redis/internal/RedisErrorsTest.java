package io.chatcache.redis.internal;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheException;
import io.chatcache.core.CacheUnavailableException;
import org.junit.jupiter.api.Test;
import org.redisson.RedissonShutdownException;
import org.redisson.client.RedisBusyException;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisLoadingException;
import org.redisson.client.RedisNodeNotFoundException;
import org.redisson.client.RedisReadonlyException;
import org.redisson.client.RedisResponseTimeoutException;
import org.redisson.client.RedisWrongPasswordException;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Redisson's failures become "retry later", "fix the configuration" or a plain cache error. */
class RedisErrorsTest {

    private static RuntimeException translate(Throwable failure) {
        return RedisErrors.translate(failure, "GET", "ns:k", "Redis at 10.0.0.1:6379", "app");
    }

    @Test
    void aConnectionFailureOnlyAmongTheSuppressedExceptionsIsUnavailability() {
        RedisException unexpected = new RedisException("Unexpected exception while processing command");
        unexpected.addSuppressed(new RedisException("connection closed", new ConnectException("Connection refused")));

        assertThat(translate(unexpected)).isInstanceOf(CacheUnavailableException.class);
    }

    @Test
    void timeoutsAndLostConnectionsAreUnavailability() {
        assertThat(translate(new RedisResponseTimeoutException("Redis server response timeout (500 ms)")))
                .isInstanceOf(CacheUnavailableException.class)
                .hasMessageContaining("Redis at 10.0.0.1:6379 is unavailable: GET on key 'ns:k' failed");
        assertThat(translate(new RedisConnectionException("Unable to connect"))).isInstanceOf(CacheUnavailableException.class);
        assertThat(translate(new RedisNodeNotFoundException("node for slot 42 not found")))
                .isInstanceOf(CacheUnavailableException.class);
        assertThat(translate(new RedisLoadingException("LOADING Redis is loading the dataset in memory")))
                .isInstanceOf(CacheUnavailableException.class);
        assertThat(translate(new RedisException("Unexpected exception while processing command",
                new ConnectException("Connection refused"))))
                .isInstanceOf(CacheUnavailableException.class)
                .hasMessageContaining("ConnectException: Connection refused");
    }

    @Test
    void aReadOnlyReplicaOrABusyServerIsUnavailability() {
        // READONLY: the client still talks to a master that a failover demoted; BUSY: a script blocks
        // the server. Both pass, and the hybrid store must serve from L1 meanwhile, not fail the caller.
        assertThat(translate(new RedisReadonlyException("READONLY You can't write against a read only replica.")))
                .isInstanceOf(CacheUnavailableException.class);
        assertThat(translate(new RedisException("READONLY You can't write against a read only replica.")))
                .isInstanceOf(CacheUnavailableException.class);
        assertThat(translate(new RedisBusyException("BUSY Redis is busy running a script. You can only call "
                + "SCRIPT KILL or SHUTDOWN NOSCRIPT.")))
                .isInstanceOf(CacheUnavailableException.class);
    }

    @Test
    void clusterStatesThatPassAreUnavailabilityOfTheShard() {
        // Redisson's own types, and the same replies as plain RedisExceptions.
        assertThat(translate(new org.redisson.client.RedisClusterDownException("CLUSTERDOWN The cluster is down")))
                .isInstanceOf(CacheUnavailableException.class).hasMessageContaining("CLUSTERDOWN");
        assertThat(translate(new RedisException("CLUSTERDOWN Hash slot not served")))
                .isInstanceOf(CacheUnavailableException.class);
        assertThat(translate(new org.redisson.client.RedisTryAgainException("TRYAGAIN Multiple keys request during rehashing of slot")))
                .isInstanceOf(CacheUnavailableException.class);
        assertThat(translate(new RedisException("TRYAGAIN Multiple keys request during rehashing of slot")))
                .isInstanceOf(CacheUnavailableException.class);
        assertThat(translate(new org.redisson.client.RedisMasterDownException("MASTERDOWN Link with MASTER is down")))
                .isInstanceOf(CacheUnavailableException.class);
        assertThat(translate(new RedisException("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")))
                .isInstanceOf(CacheUnavailableException.class);
    }

    @Test
    void anAbortedTransactionIsUnavailabilityNotARejection() {
        // In a cluster a MULTI whose queued command met CLUSTERDOWN or a redirect fails as EXECABORT alone.
        assertThat(translate(new RedisException("EXECABORT Transaction discarded because of previous errors.. channel: "
                + "[id: 0x1] command: (EXEC), params: []")))
                .isInstanceOf(CacheUnavailableException.class)
                .hasMessageContaining("EXECABORT Transaction discarded because of previous errors.")
                .hasMessageNotContaining("params");
    }

    @Test
    void aRedirectLoopOrARedirectThatReachedUsIsUnavailability() throws Exception {
        assertThat(translate(new RedisException("MOVED redirection loop detected. Node redis://10.0.0.1:7000 has "
                + "further redirect to redis://10.0.0.1:7000")))
                .isInstanceOf(CacheUnavailableException.class);
        org.redisson.misc.RedisURI node = new org.redisson.misc.RedisURI("redis://10.0.0.2:7001");
        assertThat(translate(new org.redisson.client.RedisMovedException(42, node)))
                .isInstanceOf(CacheUnavailableException.class);
        assertThat(translate(new org.redisson.client.RedisAskException(42, node)))
                .isInstanceOf(CacheUnavailableException.class);
    }

    @Test
    void aPassingStateHiddenAmongTheSuppressedIsUnavailability() {
        RedisException unexpected = new RedisException("Unexpected exception while processing command");
        unexpected.addSuppressed(new org.redisson.client.RedisClusterDownException("CLUSTERDOWN The cluster is down"));

        assertThat(translate(new CompletionException(unexpected))).isInstanceOf(CacheUnavailableException.class);
    }

    @Test
    void aRejectedCommandStaysAPlainCacheErrorAndNoPermissionInATransactionStaysAConfigurationError() {
        assertThat(translate(new RedisException("ERR wrong number of arguments for 'set' command")))
                .isExactlyInstanceOf(CacheException.class);
        assertThat(translate(new RedisException("NOPERM this user has no permissions to run the 'exec' command")))
                .isInstanceOf(CacheConfigurationException.class);
    }

    @Test
    void refusedCredentialsAreAConfigurationErrorNamingTheUser() {
        assertThat(translate(new RedisWrongPasswordException("WRONGPASS invalid username-password pair")))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("refused the credentials for user 'app'");
        assertThat(translate(new RedisException("NOAUTH Authentication required.")))
                .isInstanceOf(CacheConfigurationException.class);
    }

    @Test
    void missingPermissionIsAConfigurationErrorNamingUserAndKey() {
        assertThat(translate(new RedisException("NOPERM this user has no permissions to access one of the keys")))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("user 'app' lacks permission for GET on key 'ns:k'");
    }

    @Test
    void otherServerErrorsAreCacheExceptions() {
        assertThat(translate(new RedisException("ERR something odd")))
                .isExactlyInstanceOf(CacheException.class)
                .hasMessageContaining("rejected GET on key 'ns:k': ERR something odd");
    }

    @Test
    void shutDownClientIsAnIllegalState() {
        assertThat(translate(new RedissonShutdownException("Redisson is shutdown")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void wrappedFailuresAreUnwrapped() {
        assertThat(translate(new CompletionException(new RedisConnectionException("Unable to connect"))))
                .isInstanceOf(CacheUnavailableException.class);
    }

    @Test
    void redissonsCommandDumpNeverReachesTheMessage() {
        RuntimeException translated = translate(new RedisResponseTimeoutException(
                "Redis server response timeout (3000 ms) occurred after 3 of 3 retry attempts, is non-idempotent"
                        + " command: false Check connection with Redis node: 10.0.0.1 for TCP packet drops."
                        + " Netty pending tasks: 0, command: (SET), params: [ns:k, secret-value], channel: [id: 1]"));

        assertThat(translated.getMessage()).doesNotContain("secret-value").doesNotContain("params");
    }

    @Test
    void redactedDescriptionHidesQuotedValues() {
        String description = RedisErrors.describeRedacted(new IllegalArgumentException(
                "Cannot deserialize value of type `java.lang.Integer` from String \"my secret\": not valid"));

        assertThat(description).doesNotContain("my secret").contains("java.lang.Integer");
    }
}

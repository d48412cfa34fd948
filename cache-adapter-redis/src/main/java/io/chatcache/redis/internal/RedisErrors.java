package io.chatcache.redis.internal;

import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.CacheException;
import io.chatcache.core.CacheUnavailableException;
import io.chatcache.core.LogText;
import org.redisson.RedissonShutdownException;
import org.redisson.client.RedisAuthRequiredException;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisNodeNotFoundException;
import org.redisson.client.RedisReconnectedException;
import org.redisson.client.RedisRedirectException;
import org.redisson.client.RedisRetryException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.RedisWrongPasswordException;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns Redisson's exceptions into chat-cache's, so that callers can tell "try again later"
 * ({@link CacheUnavailableException}) from "fix the configuration" ({@link CacheConfigurationException}).
 */
public final class RedisErrors {

    private RedisErrors() {
    }

    /**
     * Translates a failure of {@code operation}: {@link CacheUnavailableException} for timeouts, lost
     * connections and the passing server states of {@link #PASSING_STATES} (in a cluster: of the shard
     * that holds {@code key}, or of the whole cluster while it answers {@code CLUSTERDOWN});
     * {@link CacheConfigurationException} for refused credentials and missing permissions; a plain
     * {@link CacheException} for other refused commands.
     *
     * @param failure what Redisson threw
     * @param operation what was attempted, for the message ({@code "GET"})
     * @param key the Redis key involved, or {@code null}
     * @param where the server(s), for the message: "Redis at 127.0.0.1:6379"
     * @param user the ACL user, or {@code null} for the default user
     * @return the exception to throw; never null
     */
    public static RuntimeException translate(Throwable failure, String operation, String key, String where,
            String user) {
        Throwable cause = unwrap(failure);
        String onKey = key == null ? "" : " on key '" + LogText.escape(key) + "'";
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof RedissonShutdownException) {
            return new IllegalStateException("the Redis client was shut down (was the store closed?); "
                    + operation + onKey + " not done", cause);
        }
        if (isAuthFailure(cause)) {
            return credentialsRefused(where, user, null, cause);
        }
        if (message.contains("NOPERM")) {
            return new CacheConfigurationException("Redis user " + userName(user) + " lacks permission for "
                    + operation + onKey + " (" + firstLine(message) + "); grant it in the ACL or change the"
                    + " namespace", cause);
        }
        if (cause instanceof RedisTimeoutException || cause instanceof RedisConnectionException
                || cause instanceof RedisReconnectedException || cause instanceof RedisNodeNotFoundException
                || causedByNetwork(cause) || passingState(cause, 0)) {
            return new CacheUnavailableException(where + " is unavailable: " + operation + onKey
                    + " failed (" + firstLine(rootOf(cause)) + ")", cause);
        }
        if (cause instanceof RedisException) {
            return new CacheException(where + " rejected " + operation + onKey + ": "
                    + firstLine(message), cause);
        }
        if (cause instanceof CacheException cacheException) {
            return cacheException;
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        return new CacheException(operation + onKey + " failed: " + message, cause);
    }

    /**
     * The replies of a server, or a cluster shard, in a state that passes without anyone fixing anything
     * (checked after NOPERM and refused credentials, which do not pass):
     * <ul>
     *   <li>{@code LOADING}, {@code BUSY} (a script holds the server), {@code READONLY} (a failover demoted
     *       the master this client still writes to), {@code MASTERDOWN} (a replica lost its master);</li>
     *   <li>{@code CLUSTERDOWN} (a cluster that lost a master answers it for every key, healthy shards' keys
     *       included, until a replica takes over or the master returns), {@code TRYAGAIN} (a slot being
     *       migrated);</li>
     *   <li>{@code EXECABORT}: a {@code MULTI} whose queued command was refused, which in a cluster is a
     *       {@code CLUSTERDOWN} or a redirect that Redis reports only as the transaction's abort (the store
     *       sends no transaction of its own, but an application's client may);</li>
     *   <li>{@code MOVED} / {@code ASK} that reached the caller: a redirect that Redisson gave up following
     *       ("MOVED redirection loop detected") while the cluster's slot map changes under it.</li>
     * </ul>
     * Redisson's {@link RedisRetryException} subclasses (its types for the first two groups) count too.
     */
    private static final String[] PASSING_STATES = {"LOADING", "BUSY ", "READONLY", "MASTERDOWN", "CLUSTERDOWN",
        "TRYAGAIN", "EXECABORT", "MOVED ", "ASK "};

    /**
     * Whether {@code failure}, a cause or a suppressed exception is a reply of {@link #PASSING_STATES}, a
     * {@link RedisRetryException} or a {@link RedisRedirectException}.
     */
    static boolean passingState(Throwable failure, int depth) {
        for (Throwable t = failure; t != null && depth < 8; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof RedisRetryException || t instanceof RedisRedirectException) {
                return true;
            }
            String message = String.valueOf(t.getMessage());
            for (String state : PASSING_STATES) {
                if (message.startsWith(state)) {
                    return true;
                }
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (passingState(suppressed, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The error for refused credentials, in one short line that tells a missing password (NOAUTH) from a
     * wrong one (WRONGPASS); Redisson's exceptions stay reachable as the cause, their text out of the
     * message.
     *
     * @param where the server(s): "Redis at 127.0.0.1:6379"
     * @param user the ACL user, or {@code null} for the default user
     * @param passwordGiven whether a password was configured, or {@code null} if unknown
     * @param failure what Redisson threw
     */
    public static CacheConfigurationException credentialsRefused(String where, String user, Boolean passwordGiven,
            Throwable failure) {
        String refused = where + " refused the credentials for user " + userName(user) + ": ";
        String check = "; check REDIS_USERNAME/REDIS_PASSWORD or the username/password options";
        if (saysAnywhere(failure, RedisWrongPasswordException.class, "WRONGPASS", "invalid password",
                "invalid username-password")) {
            return new CacheConfigurationException(refused + "the password does not match, or the user is unknown or disabled"
                    + " (WRONGPASS)" + check, failure);
        }
        if (saysAnywhere(failure, RedisAuthRequiredException.class, "NOAUTH")) {
            String why = Boolean.FALSE.equals(passwordGiven)
                    ? "the server requires a password and no password was configured (NOAUTH)"
                    : "the server requires authentication (NOAUTH)";
            return new CacheConfigurationException(refused + why + check, failure);
        }
        return new CacheConfigurationException(refused + firstLine(rootOf(failure)) + check, failure);
    }

    private static boolean saysAnywhere(Throwable failure, Class<? extends Throwable> type, String... texts) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            String message = String.valueOf(t.getMessage());
            for (String text : texts) {
                if (message.contains(text)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code failure} (or its cause) says the credentials were refused. */
    public static boolean isAuthFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RedisWrongPasswordException || t instanceof RedisAuthRequiredException) {
                return true;
            }
            String message = String.valueOf(t.getMessage());
            if (message.contains("WRONGPASS") || message.contains("NOAUTH")
                    || message.contains("invalid password") || message.contains("invalid username-password")) {
                return true;
            }
        }
        return false;
    }

    /** A one-line description of {@code failure} for a log line, without Redisson's command dump. */
    public static String describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause.getClass().getSimpleName() + ": " + firstLine(String.valueOf(cause.getMessage()));
    }

    /**
     * Like {@link #describe}, with quoted text replaced by an ellipsis: Jackson quotes the offending
     * value in its messages, and cached values (chat messages) do not belong in logs.
     */
    public static String describeRedacted(Throwable failure) {
        return describe(failure)
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"...\"")
                .replaceAll("'[^']*'", "'...'");
    }

    /**
     * Whether an I/O failure (refused, reset or closed connection) lies under {@code failure}, as a cause
     * or as a suppressed exception: when a server dies mid-command Redisson throws "Unexpected exception
     * while processing command" with the {@code ConnectException} only among the suppressed ones.
     */
    static boolean causedByNetwork(Throwable failure) {
        return causedByNetwork(failure, 0);
    }

    private static boolean causedByNetwork(Throwable failure, int depth) {
        for (Throwable t = failure; t != null && depth < 8; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof IOException) {
                return true;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (causedByNetwork(suppressed, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The deepest cause's message, stripped of Redisson's command dump, prefixed with the exception's
     * simple name when that says more than the message ({@code ConnectException: Connection refused}).
     */
    public static String rootOf(Throwable failure) {
        Throwable root = unwrap(failure);
        Throwable top = root;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : firstLine(root.getMessage());
        if (root == top && !message.isEmpty()) {
            return message;
        }
        return root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static String userName(String user) {
        return user == null ? "'default'" : "'" + user + "'";
    }

    private static final String[] COMMAND_DUMPS = {". channel:", ", channel:", " channel:", ", command: (",
        " command: (", "Check connection with", ". Netty pending", "Netty pending tasks"};

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        // Redisson appends the channel and the command with its arguments (keys and values) to its
        // messages; values must not reach logs or callers, so everything from there on is dropped.
        int cut = line.length();
        for (String dump : COMMAND_DUMPS) {
            int at = line.indexOf(dump);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        return line.substring(0, cut).trim();
    }
}

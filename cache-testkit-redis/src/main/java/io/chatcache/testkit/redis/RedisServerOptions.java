package io.chatcache.testkit.redis;

import io.chatcache.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How to start a local {@code redis-server}: an optional password ({@code requirepass}), TLS on or off,
 * and extra command-line arguments passed verbatim after the harness's own.
 *
 * <p>Immutable. {@link #toString()} never shows the password.
 *
 * @param password the {@code requirepass} password, or {@code null} for none; never empty
 * @param tls whether the server listens with TLS only (see {@link RedisServer#trustStore()})
 * @param extraArgs further {@code redis-server} arguments such as {@code List.of("--maxmemory", "10mb")};
 *     never {@code null}, copied
 */
public record RedisServerOptions(String password, boolean tls, List<String> extraArgs) {

    /** No password, no TLS, no extra arguments. */
    public static final RedisServerOptions DEFAULTS = new RedisServerOptions(null, false, List.of());

    /**
     * Validates and copies the options.
     *
     * @param password the {@code requirepass} password, or {@code null} for none
     * @param tls whether the server listens with TLS only
     * @param extraArgs further {@code redis-server} arguments, copied
     * @throws InvalidInputException if {@code password} is empty or contains whitespace, or
     *     {@code extraArgs} is {@code null} or holds a {@code null}
     */
    public RedisServerOptions {
        if (password != null && (password.isEmpty() || password.chars().anyMatch(Character::isWhitespace))) {
            throw new InvalidInputException("password", "must be null or a non-empty string without whitespace");
        }
        if (extraArgs == null) {
            throw new InvalidInputException("extraArgs", "must not be null (use an empty list)");
        }
        if (extraArgs.stream().anyMatch(Objects::isNull)) {
            throw new InvalidInputException("extraArgs", "must not contain null");
        }
        extraArgs = List.copyOf(extraArgs);
    }

    /** A builder starting from {@link #DEFAULTS}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "RedisServerOptions[password=" + (password == null ? "none" : "****") + ", tls=" + tls
                + ", extraArgs=" + extraArgs + "]";
    }

    /**
     * Collects options; {@link #build()} validates them once and leaves the builder reusable. Not
     * thread-safe.
     */
    public static final class Builder {
        private String password;
        private boolean tls;
        private final List<String> extraArgs = new ArrayList<>();

        private Builder() {
        }

        /**
         * Requires clients to authenticate as the default user with this password.
         *
         * @param password non-empty, no whitespace; {@code null} means none
         * @return this builder
         */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * Serves TLS only (no plain-TCP port), with a certificate signed by a test CA made for the server.
         *
         * @param tls whether to serve TLS
         * @return this builder
         */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Appends {@code redis-server} arguments, passed after the harness's own (so they may override
         * them), such as {@code extraArgs("--maxmemory", "10mb")}.
         *
         * @param args the arguments, none {@code null}
         * @return this builder
         * @throws InvalidInputException if {@code args} or one of them is {@code null}
         */
        public Builder extraArgs(String... args) {
            if (args == null) {
                throw nullArgument();
            }
            return extraArgs(Arrays.asList(args));
        }

        /**
         * Appends {@code redis-server} arguments; see {@link #extraArgs(String...)}.
         *
         * @param args the arguments, none {@code null}
         * @return this builder
         * @throws InvalidInputException if {@code args} or one of them is {@code null}
         */
        public Builder extraArgs(List<String> args) {
            if (args == null || args.stream().anyMatch(Objects::isNull)) {
                throw nullArgument();
            }
            extraArgs.addAll(args);
            return this;
        }

        private static InvalidInputException nullArgument() {
            return new InvalidInputException("extraArgs", "must not be null or contain null");
        }

        /**
         * The options collected so far.
         *
         * @throws InvalidInputException if the password is empty or contains whitespace
         */
        public RedisServerOptions build() {
            return new RedisServerOptions(password, tls, extraArgs);
        }
    }
}

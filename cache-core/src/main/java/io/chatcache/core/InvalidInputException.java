package io.chatcache.core;

import java.util.Objects;

/**
 * An argument broke an input rule (a null or over-long key, a negative TTL, a null value, a malformed
 * pattern). Thrown before the store changes anything. The message names the argument and the rule;
 * {@link #argument()} and {@link #rule()} give them to code.
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String argument;
    private final String rule;

    /**
     * An exception for {@code argument} breaking {@code rule}.
     *
     * @param argument the name of the offending argument, such as {@code "key"}
     * @param rule the rule it broke, such as {@code "must not be empty"}
     */
    public InvalidInputException(String argument, String rule) {
        super(Objects.requireNonNull(argument, "argument") + " " + Objects.requireNonNull(rule, "rule"));
        this.argument = argument;
        this.rule = rule;
    }

    /** The name of the offending argument. */
    public String argument() {
        return argument;
    }

    /** The rule it broke. */
    public String rule() {
        return rule;
    }
}

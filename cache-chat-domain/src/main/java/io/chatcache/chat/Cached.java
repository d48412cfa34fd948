package io.chatcache.chat;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the results of an interface method when the interface is wrapped with
 * {@link Memoizer#proxy(Class, Object)}: the reference's {@code @cached(ttl_seconds, key_prefix)}.
 *
 * <pre>{@code
 * interface Calculator {
 *     @Cached(ttlSeconds = 1800, keyPrefix = "expensive_calc")
 *     long expensiveCalculation(int x, int y, String modelType);
 * }
 * Calculator cached = Memoizer.using(cache).proxy(Calculator.class, new SlowCalculator());
 * }</pre>
 *
 * The key is {@code <keyPrefix>:<method>:<sha256 of the arguments>}; see {@link Memoizer} for what is
 * cached and how arguments are hashed.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Cached {

    /** How long a result stays cached, in seconds; at least 1. Default one hour, as the reference. */
    long ttlSeconds() default 3600;

    /** The first part of the key; empty (the default) means the interface's fully qualified name. */
    String keyPrefix() default "";
}

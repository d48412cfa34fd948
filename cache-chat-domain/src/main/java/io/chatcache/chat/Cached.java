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
 * cached and how arguments are hashed. The other attributes are the method's {@link LoadOptions}:
 * <pre>{@code
 * @Cached(ttlSeconds = 300, refreshAheadSeconds = 30, negativeTtlSeconds = 10, ttlJitter = 0.1, lease = false)
 * Profile profile(long userId);
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Cached {

    /** How long a result stays cached, in seconds; at least 1. Default one hour, as the reference. */
    long ttlSeconds() default 3600;

    /** The first part of the key; empty (the default) means the interface's fully qualified name. */
    String keyPrefix() default "";

    /**
     * Refresh-ahead: a call that finds its result with this many seconds or less left to live returns it at once
     * and recomputes it in the background ({@link LoadOptions#refreshAhead}); 0 (the default) for off. Shorter
     * than {@link #ttlSeconds()}.
     */
    long refreshAheadSeconds() default 0;

    /**
     * How long a {@code null} result is cached, in seconds ({@link LoadOptions#negativeTtl}); 0 for never (even if
     * the service caches absence), -1 (the default) for the service's
     * {@linkplain ChatCacheService.Builder#negativeTtl negative TTL}.
     */
    long negativeTtlSeconds() default -1;

    /**
     * The fraction by which the TTLs of this method's results are randomised either way, 0 to
     * {@link ChatCacheService#MAX_TTL_JITTER} ({@link LoadOptions#ttlJitter}); -1 (the default) for the service's
     * {@linkplain ChatCacheService.Builder#ttlJitter jitter}.
     */
    double ttlJitter() default -1;

    /**
     * Whether a miss takes the cluster-wide load lease, so that one instance computes the result while the others
     * wait for it (REDIS and HYBRID; see {@link ChatCacheService#getOrLoad(String, Class, java.util.function.Supplier,
     * LoadOptions)}); default true. {@code false} is {@link LoadOptions#withoutLease()}.
     */
    boolean lease() default true;
}

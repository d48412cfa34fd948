package io.chatcache.chat;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.ValueType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Caches the results of functions in a {@link ChatCacheService}: the reference's
 * {@code @cached(ttl_seconds, key_prefix)} decorator, as function wrappers and as a proxy honouring
 * {@link Cached} on interface methods.
 *
 * <pre>{@code
 * Memoizer memo = Memoizer.using(cache);
 * BiFunction<Integer, Integer, Long> multiply =
 *         memo.of("expensive_calc", Duration.ofMinutes(30), ValueType.of(Long.class), (x, y) -> slowMultiply(x, y));
 * Calculator calculator = memo.proxy(Calculator.class, new SlowCalculator());
 * }</pre>
 *
 * <h2>Keys</h2>
 * A wrapper's key is {@code <keyPrefix>:<hash>}; a proxied method's is {@code <keyPrefix>:<method>:<hash>}
 * (for an overloaded method name, {@code <method>} carries the parameter types, as
 * {@code find(String,int)}). The hash is the SHA-256 of the arguments written as canonical JSON: strings,
 * numbers ({@code 1} and {@code 1L} are equal), booleans, {@code null}, enums (by name), java.time
 * values, UUIDs, lists, arrays, sets, maps with string keys and records of those. Equal arguments give
 * the same key on every JVM. An argument of any other type has no stable encoding and the call throws
 * {@link InvalidInputException} naming the argument; identity hash codes are never used.
 *
 * <h2>What is cached</h2>
 * <ul>
 *   <li>Results are cached for the given TTL; the next call with equal arguments returns the cached
 *       result without calling the function.</li>
 *   <li>Exceptions are not cached: the caller receives the function's exception (a checked one
 *       unchanged, through the proxy) and the next call runs the function again.</li>
 *   <li>A {@code null} result is returned but not cached, so the next call runs the function again, unless the
 *       service caches absence ({@link ChatCacheService.Builder#negativeTtl(Duration)}): then it is cached for
 *       that TTL. The service's {@link ChatCacheService.Builder#ttlJitter TTL jitter} applies to results too.</li>
 *   <li>Concurrent calls with equal arguments run the function once and share its result, on REDIS and HYBRID
 *       once across instances through the load lease (see
 *       {@link ChatCacheService#getOrLoad(String, Class, Supplier, LoadOptions)}).</li>
 *   <li>The wrappers taking {@link LoadOptions}, and the {@link Cached} attributes {@code refreshAheadSeconds},
 *       {@code negativeTtlSeconds}, {@code ttlJitter} and {@code lease}, set refresh-ahead, negative caching,
 *       jitter and the lease per function; without them a function follows its service.</li>
 * </ul>
 * The wrappers and proxies are thread-safe if the wrapped function is.
 */
public final class Memoizer {

    /** Room kept in a key for the method name and the 64-character hash. */
    private static final int MAX_PREFIX_LENGTH = 512;

    private final ChatCacheService cache;

    private Memoizer(ChatCacheService cache) {
        this.cache = cache;
    }

    /** A memoizer that caches in {@code cache}. */
    public static Memoizer using(ChatCacheService cache) {
        return new Memoizer(CacheInputs.requireNonNull(cache, "cache"));
    }

    /**
     * Wraps a function of no arguments; its result is cached under {@code <keyPrefix>:<hash of []>}.
     * {@code type} is the result's type, plain ({@code ValueType.of(Long.class)}) or generic
     * ({@code ValueType.listOf(ChatMessage.class)}).
     *
     * @throws InvalidInputException if the prefix, TTL, type or function is invalid
     */
    public <R> Supplier<R> of(String keyPrefix, Duration ttl, ValueType<R> type, Supplier<? extends R> function) {
        return of(keyPrefix, ttlOptions(ttl), type, function);
    }

    /**
     * As {@link #of(String, Duration, ValueType, Supplier)}, with the {@link LoadOptions} of every call (TTL,
     * lease, refresh-ahead, negative caching, jitter).
     *
     * @throws InvalidInputException if the prefix, options, type or function is invalid
     */
    public <R> Supplier<R> of(String keyPrefix, LoadOptions options, ValueType<R> type,
                              Supplier<? extends R> function) {
        Call<R> call = new Call<>(keyPrefix, options, type, function);
        return () -> call.invoke(new Object[0], function::get);
    }

    /**
     * Wraps a function of one argument; results are cached per argument.
     *
     * @throws InvalidInputException if the prefix, TTL, type or function is invalid
     */
    public <A, R> Function<A, R> of(String keyPrefix, Duration ttl, ValueType<R> type,
                                    Function<? super A, ? extends R> function) {
        return of(keyPrefix, ttlOptions(ttl), type, function);
    }

    /**
     * As {@link #of(String, Duration, ValueType, Function)}, with the {@link LoadOptions} of every call.
     *
     * @throws InvalidInputException if the prefix, options, type or function is invalid
     */
    public <A, R> Function<A, R> of(String keyPrefix, LoadOptions options, ValueType<R> type,
                                    Function<? super A, ? extends R> function) {
        Call<R> call = new Call<>(keyPrefix, options, type, function);
        return argument -> call.invoke(new Object[] {argument}, () -> function.apply(argument));
    }

    /**
     * Wraps a function of two arguments; results are cached per pair of arguments.
     *
     * @throws InvalidInputException if the prefix, TTL, type or function is invalid
     */
    public <A, B, R> BiFunction<A, B, R> of(String keyPrefix, Duration ttl, ValueType<R> type,
                                            BiFunction<? super A, ? super B, ? extends R> function) {
        return of(keyPrefix, ttlOptions(ttl), type, function);
    }

    /**
     * As {@link #of(String, Duration, ValueType, BiFunction)}, with the {@link LoadOptions} of every call.
     *
     * @throws InvalidInputException if the prefix, options, type or function is invalid
     */
    public <A, B, R> BiFunction<A, B, R> of(String keyPrefix, LoadOptions options, ValueType<R> type,
                                            BiFunction<? super A, ? super B, ? extends R> function) {
        Call<R> call = new Call<>(keyPrefix, options, type, function);
        return (first, second) -> call.invoke(new Object[] {first, second}, () -> function.apply(first, second));
    }

    /**
     * Wraps {@code target} in a proxy of {@code type} that caches the results of the methods annotated
     * with {@link Cached}; other methods pass straight through.
     *
     * @throws InvalidInputException if {@code type} is not an interface, {@code target} does not implement
     *     it, or an annotated method returns {@code void}, has a non-positive TTL, an attribute out of its range
     *     or a return type with type variables (the message names the method and the attribute)
     */
    public <I> I proxy(Class<I> type, I target) {
        CacheInputs.requireNonNull(type, "type");
        CacheInputs.requireNonNull(target, "target");
        if (!type.isInterface()) {
            throw new InvalidInputException("type", "must be an interface, was " + type.getName());
        }
        if (!type.isInstance(target)) {
            throw new InvalidInputException("target", "must implement " + type.getName() + ", was a "
                    + target.getClass().getName());
        }
        Map<Method, Call<Object>> plans = new HashMap<>();
        Map<String, Long> namesUsed = Arrays.stream(type.getMethods())
                .collect(Collectors.groupingBy(Method::getName, Collectors.counting()));
        for (Method method : type.getMethods()) {
            Cached cached = method.getAnnotation(Cached.class);
            if (cached != null) {
                plans.put(method, plan(type, method, cached, namesUsed.get(method.getName()) > 1));
            }
        }
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new Handler(type, target, Map.copyOf(plans)));
        return type.cast(proxy);
    }

    private Call<Object> plan(Class<?> type, Method method, Cached cached, boolean overloaded) {
        String where = type.getName() + "." + method.getName();
        if (method.getReturnType() == void.class) {
            throw new InvalidInputException("@Cached " + where, "must return a value, returns void");
        }
        if (cached.ttlSeconds() < 1) {
            throw new InvalidInputException("@Cached(ttlSeconds) of " + where,
                    "must be at least 1, was " + cached.ttlSeconds());
        }
        ValueType<Object> resultType;
        try {
            resultType = ValueType.of(method.getGenericReturnType());
        } catch (InvalidInputException e) {
            throw new InvalidInputException("@Cached " + where,
                    "must have a concrete return type, has " + method.getGenericReturnType().getTypeName());
        }
        String prefix = cached.keyPrefix().isEmpty() ? type.getName() : cached.keyPrefix();
        String methodPart = overloaded
                ? method.getName() + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
                        .collect(Collectors.joining(",", "(", ")"))
                : method.getName();
        return new Call<>(prefix + ":" + methodPart, options(where, cached), resultType, method);
    }

    /** The load options of a {@link Cached} method, its attributes checked by name. */
    private static LoadOptions options(String where, Cached cached) {
        LoadOptions options = LoadOptions.ttl(Duration.ofSeconds(cached.ttlSeconds()));
        if (cached.refreshAheadSeconds() != 0) {
            if (cached.refreshAheadSeconds() < 0 || cached.refreshAheadSeconds() >= cached.ttlSeconds()) {
                throw new InvalidInputException("@Cached(refreshAheadSeconds) of " + where, "must be 0 (off) or from 1 "
                        + "to ttlSeconds - 1 (" + (cached.ttlSeconds() - 1) + "), was " + cached.refreshAheadSeconds());
            }
            options = options.refreshAhead(Duration.ofSeconds(cached.refreshAheadSeconds()));
        }
        if (cached.negativeTtlSeconds() == 0) {
            options = options.withoutNegativeCaching();
        } else if (cached.negativeTtlSeconds() > 0) {
            options = options.negativeTtl(Duration.ofSeconds(cached.negativeTtlSeconds()));
        } else if (cached.negativeTtlSeconds() != -1) {
            throw new InvalidInputException("@Cached(negativeTtlSeconds) of " + where, "must be -1 (the service's), "
                    + "0 (off) or positive, was " + cached.negativeTtlSeconds());
        }
        if (cached.ttlJitter() != -1) {
            if (!(cached.ttlJitter() >= 0 && cached.ttlJitter() <= ChatCacheService.MAX_TTL_JITTER)) {
                throw new InvalidInputException("@Cached(ttlJitter) of " + where, "must be -1 (the service's) or "
                        + "from 0 to " + ChatCacheService.MAX_TTL_JITTER + ", was " + cached.ttlJitter());
            }
            options = options.ttlJitter(cached.ttlJitter());
        }
        return cached.lease() ? options : options.withoutLease();
    }

    /** The options of a wrapper given a TTL: the service's, with that TTL. */
    private static LoadOptions ttlOptions(Duration ttl) {
        return LoadOptions.ttl(ttl);
    }

    /** One cached function: its key prefix, load options and result type. */
    private final class Call<R> {
        private final String prefix;
        private final LoadOptions options;
        private final TypedCache<R> view;

        Call(String keyPrefix, LoadOptions options, ValueType<R> type, Object function) {
            CacheInputs.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isEmpty() || keyPrefix.length() > MAX_PREFIX_LENGTH) {
                throw new InvalidInputException("keyPrefix",
                        "must be 1 to " + MAX_PREFIX_LENGTH + " characters long, was " + keyPrefix.length());
            }
            this.prefix = keyPrefix;
            this.options = CacheInputs.requireNonNull(options, "options");
            this.view = cache.typed(CacheInputs.requireNonNull(type, "type"));
            CacheInputs.requireNonNull(function, "function");
        }

        R invoke(Object[] arguments, Supplier<? extends R> body) {
            return view.getOrLoad(key(arguments), body, options);
        }

        String key(Object[] arguments) {
            return CacheKeys.hashed(prefix, arguments);
        }
    }

    /** The proxy's handler: cached methods through their {@link Call}, others straight to the target. */
    private static final class Handler implements InvocationHandler {
        private final Class<?> type;
        private final Object target;
        private final Map<Method, Call<Object>> plans;

        Handler(Class<?> type, Object target, Map<Method, Call<Object>> plans) {
            this.type = type;
            this.target = target;
            this.plans = plans;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object[] arguments = args == null ? new Object[0] : args;
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == arguments[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "Memoized " + type.getSimpleName() + "[" + target + "]";
                    default -> call(method, arguments);
                };
            }
            Call<Object> plan = plans.get(method);
            if (plan == null) {
                return call(method, arguments);
            }
            try {
                return plan.invoke(arguments, () -> {
                    try {
                        return call(method, arguments);
                    } catch (Throwable e) {
                        throw new TargetFailure(e);
                    }
                });
            } catch (TargetFailure e) {
                throw e.getCause();
            }
        }

        private Object call(Method method, Object[] arguments) throws Throwable {
            try {
                return method.invoke(target, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } catch (IllegalAccessException e) {
                method.setAccessible(true);
                try {
                    return method.invoke(target, arguments);
                } catch (InvocationTargetException again) {
                    throw again.getCause();
                }
            }
        }
    }

    /** Carries a target's exception, checked ones included, through the loader and out of the proxy. */
    private static final class TargetFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TargetFailure(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }
}

package io.chatcache.spring;

import io.chatcache.chat.CacheBackend;
import io.chatcache.chat.ChatCacheService;
import io.chatcache.chat.TypedCache;
import io.chatcache.core.KeyPattern;
import io.chatcache.core.ValueType;
import io.chatcache.spring.internal.StoredValue;
import io.chatcache.spring.internal.StoredValueType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * One Spring cache on a {@link ChatCacheService}: every key of the cache named {@code sessions} is stored as
 * {@code sessions:<key text>} (see {@link ChatCacheSpringCacheManager} for how keys become text) with this
 * cache's TTL, through the service, so in {@link CacheBackend#HYBRID} mode an {@code evict} or {@code clear}
 * on one instance drops the entries from every instance's L1 through the invalidation bus.
 *
 * <ul>
 *   <li>{@link #get(Object)} reads the cache's value type (see {@link ChatCacheSpringCacheManager}),
 *       {@link #get(Object, Class)} the type asked for.</li>
 *   <li>{@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}) loads through the service's
 *       single-flight {@code getOrLoad}: concurrent misses of a key on one instance run the loader once, and on
 *       REDIS and HYBRID once across instances through the service's load lease.</li>
 *   <li>{@link #retrieve(Object)} and {@link #retrieve(Object, Supplier)} ({@code CompletableFuture}
 *       methods) look up on the calling thread (an L1 hit costs no more than a map read; a Redis read
 *       at most the Redis command timeout) and return a completed future.</li>
 *   <li>{@link #evict}/{@link #evictIfPresent} delete the key; {@link #clear()}/{@link #invalidate()} delete
 *       every key of this cache by pattern ({@code <escaped name>:*}), leaving other caches alone.</li>
 *   <li>{@link #putIfAbsent} is a read then a write, not atomic across instances.</li>
 * </ul>
 *
 * <p><b>Null values.</b> With {@code allowNullValues} (the default, as Spring's caches), a {@code null}
 * result is cached as a marker ({@code {"value":null}} in Redis) for the cache's TTL and read back as a
 * cached null; without it, a null is not cached (and {@code put(key, null)} throws). This is Spring-level
 * caching of nulls only: the service itself has no negative caching yet (issue 12), so its own
 * {@code getOrLoad} still reloads null results.
 *
 * <p>A cache failure never reaches the caller: in REDIS mode an unreachable Redis reads as a miss and skips
 * the write (counted in the service's {@code failures()}); HYBRID serves from L1.
 */
public final class ChatCacheSpringCache implements Cache {

    private final String name;
    private final ChatCacheService service;
    private final Duration ttl;
    private final ValueType<?> valueType;
    private final ValueType<Object> storedType;
    private final TypedCache<Object> stored;
    private final boolean allowNullValues;
    private final boolean serialized;
    private final KeyPattern allKeys;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    ChatCacheSpringCache(String name, ChatCacheService service, Duration ttl, ValueType<?> valueType,
                         boolean allowNullValues) {
        this.name = name;
        this.service = service;
        this.ttl = ttl;
        this.valueType = valueType;
        this.storedType = StoredValueType.of(valueType);
        this.stored = service.typed(storedType);
        this.allowNullValues = allowNullValues;
        this.serialized = service.backend() != CacheBackend.MEMORY;
        this.allKeys = KeyPattern.glob(KeyPattern.escape(name) + ":*");
    }

    @Override
    public String getName() {
        return name;
    }

    /** The service. */
    @Override
    public ChatCacheService getNativeCache() {
        return service;
    }

    /** This cache's TTL. */
    public Duration ttl() {
        return ttl;
    }

    /** The type {@link #get(Object)} reads. */
    public ValueType<?> valueType() {
        return valueType;
    }

    /** Whether null results are cached. */
    public boolean isAllowNullValues() {
        return allowNullValues;
    }

    /** What this cache counted on this instance. */
    public SpringCacheCounters counters() {
        return new SpringCacheCounters(hits.sum(), misses.sum(), puts.sum(), evictions.sum());
    }

    /** The service key of {@code key}: {@code <name>:<key text>}. */
    public String serviceKey(Object key) {
        return name + ":" + CacheKeyText.of(name, key);
    }

    @Override
    public ValueWrapper get(Object key) {
        StoredValue<?> stored = lookup(serviceKey(key), storedType);
        return stored == null ? null : new SimpleValueWrapper(stored.value());
    }

    @Override
    public <T> T get(Object key, Class<T> type) {
        ValueType<Object> asked = type == null || type == Object.class ? storedType
                : StoredValueType.of(ValueType.of(type));
        StoredValue<?> stored = lookup(serviceKey(key), asked);
        Object value = stored == null ? null : stored.value();
        if (value != null && type != null && !ValueType.of(type).isInstance(value)) {
            throw new IllegalStateException("Cached value is not of required type [" + type.getName() + "]: "
                    + value.getClass().getName() + " (cache '" + name + "')");
        }
        @SuppressWarnings("unchecked")
        T typed = (T) value;
        return typed;
    }

    @Override
    public <T> T get(Object key, Callable<T> valueLoader) {
        String serviceKey = serviceKey(key);
        boolean[] loaded = new boolean[1];
        Object result = stored.getOrLoad(serviceKey, () -> {
            loaded[0] = true;
            T value;
            try {
                value = valueLoader.call();
            } catch (Exception e) {
                throw new ValueRetrievalException(key, valueLoader, e);
            }
            if (value == null && !allowNullValues) {
                return null;                           // returned, not cached
            }
            checkStorable(value);
            puts.increment();
            return value == null ? StoredValue.ofNull() : new StoredValue<>(value);
        }, ttl);
        (loaded[0] ? misses : hits).increment();
        @SuppressWarnings("unchecked")
        T value = result == null ? null : (T) ((StoredValue<?>) result).value();
        return value;
    }

    @Override
    public CompletableFuture<?> retrieve(Object key) {
        StoredValue<?> stored = lookup(serviceKey(key), storedType);
        if (stored == null) {
            return null;
        }
        // As Spring's own caches: a cached null comes as a ValueWrapper when nulls are allowed.
        return CompletableFuture.completedFuture(allowNullValues ? new SimpleValueWrapper(stored.value())
                : stored.value());
    }

    @Override
    public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
        String serviceKey = serviceKey(key);
        StoredValue<?> stored = lookup(serviceKey, storedType);
        if (stored != null) {
            @SuppressWarnings("unchecked")
            T value = (T) stored.value();
            return CompletableFuture.completedFuture(value);
        }
        return valueLoader.get().thenApply(value -> {
            if (value != null || allowNullValues) {
                store(serviceKey, value);
            }
            return value;
        });
    }

    @Override
    public void put(Object key, Object value) {
        String serviceKey = serviceKey(key);
        if (value == null && !allowNullValues) {
            throw new IllegalArgumentException("Cache '" + name + "' is configured to not allow null values "
                    + "but null was provided");
        }
        store(serviceKey, value);
    }

    @Override
    public ValueWrapper putIfAbsent(Object key, Object value) {
        String serviceKey = serviceKey(key);
        StoredValue<?> existing = lookup(serviceKey, storedType);
        if (existing != null) {
            return new SimpleValueWrapper(existing.value());
        }
        put(key, value);
        return null;
    }

    @Override
    public void evict(Object key) {
        evictIfPresent(key);
    }

    @Override
    public boolean evictIfPresent(Object key) {
        boolean removed = service.delete(serviceKey(key));
        if (removed) {
            evictions.increment();
        }
        return removed;
    }

    @Override
    public void clear() {
        invalidate();
    }

    @Override
    public boolean invalidate() {
        long removed = service.invalidatePattern(allKeys);
        evictions.add(removed);
        return removed > 0;
    }

    @Override
    public String toString() {
        return "ChatCacheSpringCache[" + name + ", ttl=" + ttl + ", type=" + valueType.type().getTypeName() + "]";
    }

    private StoredValue<?> lookup(String serviceKey, ValueType<Object> type) {
        Optional<Object> found = (type == storedType ? stored : service.typed(type)).get(serviceKey);
        if (found.isEmpty()) {
            misses.increment();
            return null;
        }
        hits.increment();
        return (StoredValue<?>) found.get();
    }

    private void store(String serviceKey, Object value) {
        checkStorable(value);
        service.set(serviceKey, value == null ? StoredValue.ofNull() : new StoredValue<>(value), ttl);
        puts.increment();
    }

    /**
     * With Redis, a cache of type {@code Object} reads JSON back as maps, lists, strings, numbers and
     * booleans: refuse anything else at once, rather than let another instance read a map where the method
     * returned a record.
     */
    private void checkStorable(Object value) {
        if (!serialized || value == null || valueType.rawType() != Object.class) {
            return;
        }
        if (value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Double || value instanceof BigInteger || value instanceof Map<?, ?>
                || value instanceof List<?>) {
            return;
        }
        throw new IllegalArgumentException("Cache '" + name + "' has no value type, so with " + service.backend()
                + " a " + value.getClass().getName() + " would come back from Redis as JSON maps and lists: "
                + "give the cache its type (chatcache.spring.caches." + name + ".value-type, or "
                + "ChatCacheSpringCacheManager.Builder.cache(name, ttl, type))");
    }
}

package io.chatcache.spring;

import io.chatcache.chat.ChatCacheService;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.InvalidInputException;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * Spring's {@link CacheManager} on a {@link ChatCacheService}: {@code @Cacheable}, {@code @CachePut} and
 * {@code @CacheEvict} store through the service, so the same annotations work in MEMORY, REDIS and HYBRID
 * mode, and in HYBRID an eviction on one instance reaches every instance's L1.
 *
 * <pre>{@code
 * @Bean
 * CacheManager cacheManager(ChatCacheService service) {
 *     return ChatCacheSpringCacheManager.builder(service)
 *             .cache("sessions", Duration.ofMinutes(30), ChatSession.class)
 *             .cache("messages", Duration.ofMinutes(10), ValueType.listOf(ChatMessage.class))
 *             .build();
 * }
 * }</pre>
 *
 * <h2>Names and keys</h2>
 * A cache name is a key prefix: the cache {@code sessions} stores key {@code 42} as {@code sessions:42}.
 * Names are 1 to {@value #MAX_NAME_LENGTH} characters without control characters; give caches names that
 * no other key of the service starts with. Keys become text the same on every JVM, never through
 * {@code hashCode()}: strings as themselves, numbers in their shortest decimal form ({@code 1} and
 * {@code 1L} are one key, and so are {@code "1"} and {@code 1}), booleans, characters, UUIDs and
 * {@code java.time} values as their text, enums by name; anything else, including Spring's
 * {@code SimpleKey} of several method arguments, records, lists and maps, as {@code #} and the SHA-256 of
 * its canonical JSON (the memoizer's hashing, {@link io.chatcache.chat.CacheKeys}). A key with no stable
 * encoding (an object that is none of these) is refused with an {@link InvalidInputException} naming the
 * cache.
 *
 * <h2>Value types</h2>
 * In MEMORY mode values are kept as they are. In REDIS and HYBRID mode they go through the service's JSON
 * serializer, which writes no class names, so each cache has a value type: {@link Cache#get(Object)} (what
 * {@code @Cacheable} calls) reads that type, {@link Cache#get(Object, Class)} the type asked for. The
 * default type is {@code Object}: such a cache reads JSON back as maps, lists, strings, numbers and booleans,
 * so with Redis it accepts only values of those types (a {@code String}, {@code Boolean}, {@code Integer},
 * {@code Long}, {@code Double}, {@code BigInteger}, {@code Map} or {@code List}) and refuses others at
 * {@code put} with an {@link IllegalArgumentException} that says to give the cache its type. A cache for
 * records or other classes must be given its type.
 *
 * <h2>Unknown names</h2>
 * A name not configured gets a cache with the default TTL and type {@code Object} on first use, unless
 * {@link Builder#dynamic(boolean) dynamic(false)}, when {@link #getCache(String)} returns null (Spring then
 * reports the unknown cache).
 */
public final class ChatCacheSpringCacheManager implements CacheManager {

    /** The longest cache name. */
    public static final int MAX_NAME_LENGTH = 200;

    private final ChatCacheService service;
    private final Duration defaultTtl;
    private final boolean allowNullValues;
    private final boolean dynamic;
    private final ConcurrentMap<String, ChatCacheSpringCache> caches = new ConcurrentHashMap<>();

    private ChatCacheSpringCacheManager(Builder builder) {
        this.service = builder.service;
        this.defaultTtl = builder.defaultTtl == null ? service.defaultTtl() : builder.defaultTtl;
        this.allowNullValues = builder.allowNullValues;
        this.dynamic = builder.dynamic;
        builder.specs.forEach((name, spec) -> caches.put(name, new ChatCacheSpringCache(name, service,
                spec.ttl() == null ? defaultTtl : spec.ttl(), spec.type(), allowNullValues)));
    }

    /** A builder for a manager on {@code service}. */
    public static Builder builder(ChatCacheService service) {
        return new Builder(CacheInputs.requireNonNull(service, "service"));
    }

    /** The cache named {@code name}; created on first use when the manager is dynamic, else null if unknown. */
    @Override
    public ChatCacheSpringCache getCache(String name) {
        ChatCacheSpringCache cache = caches.get(name);
        if (cache != null || !dynamic) {
            return cache;
        }
        requireName(name);
        return caches.computeIfAbsent(name, n -> new ChatCacheSpringCache(n, service, defaultTtl,
                ValueType.of(Object.class), allowNullValues));
    }

    /** The names of the caches configured or used so far. */
    @Override
    public Collection<String> getCacheNames() {
        return Collections.unmodifiableList(List.copyOf(caches.keySet()));
    }

    /** The service the caches store in. */
    public ChatCacheService service() {
        return service;
    }

    /** The TTL of caches configured without one and of caches created on first use. */
    public Duration defaultTtl() {
        return defaultTtl;
    }

    @Override
    public String toString() {
        return "ChatCacheSpringCacheManager[" + caches.keySet() + ", defaultTtl=" + defaultTtl
                + ", allowNullValues=" + allowNullValues + ", dynamic=" + dynamic + "]";
    }

    static String requireName(String name) {
        CacheInputs.requireNonNull(name, "cache name");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new InvalidInputException("cache name", "must be 1 to " + MAX_NAME_LENGTH
                    + " characters long, was " + name.length());
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new InvalidInputException("cache name", "must not contain control characters (at index "
                        + i + ")");
            }
        }
        return name;
    }

    private record Spec(Duration ttl, ValueType<?> type) {
    }

    /** Options of a {@link ChatCacheSpringCacheManager}. */
    public static final class Builder {
        private final ChatCacheService service;
        private final Map<String, Spec> specs = new LinkedHashMap<>();
        private Duration defaultTtl;
        private boolean allowNullValues = true;
        private boolean dynamic = true;

        private Builder(ChatCacheService service) {
            this.service = service;
        }

        /** The TTL of caches without one of their own; default the service's default TTL. */
        public Builder defaultTtl(Duration ttl) {
            this.defaultTtl = CacheInputs.requireTtl(ttl);
            return this;
        }

        /** A cache of values of type {@code Object} (JSON maps, lists and scalars with Redis) with {@code ttl}. */
        public Builder cache(String name, Duration ttl) {
            return cache(name, ttl, ValueType.of(Object.class));
        }

        /** A cache of values of {@code type} with {@code ttl} (null for the default TTL). */
        public Builder cache(String name, Duration ttl, Class<?> type) {
            return cache(name, ttl, ValueType.of(CacheInputs.requireNonNull(type, "type")));
        }

        /**
         * A cache of values of a possibly generic {@code type} ({@code ValueType.listOf(ChatMessage.class)})
         * with {@code ttl} (null for the default TTL). Configuring a name again replaces its settings.
         *
         * @throws InvalidInputException if the name, TTL or type is invalid
         */
        public Builder cache(String name, Duration ttl, ValueType<?> type) {
            requireName(name);
            if (ttl != null) {
                CacheInputs.requireTtl(ttl);
            }
            specs.put(name, new Spec(ttl, CacheInputs.requireNonNull(type, "type")));
            return this;
        }

        /** Whether null results are cached (as a marker); default true, as Spring's own caches. */
        public Builder allowNullValues(boolean allow) {
            this.allowNullValues = allow;
            return this;
        }

        /** Whether names not configured get a cache on first use; default true. */
        public Builder dynamic(boolean dynamic) {
            this.dynamic = dynamic;
            return this;
        }

        /** The manager. */
        public ChatCacheSpringCacheManager build() {
            return new ChatCacheSpringCacheManager(this);
        }
    }
}

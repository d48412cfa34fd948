package io.chatcache.testkit.redis.fault;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What a fault load needs from one application instance's cache: store a key's version, read it back. An
 * exception from either is a caller-visible failure, recorded as such.
 */
public interface VersionedCache {

    /** Stores {@code version} under {@code key}; returns once the cache acknowledges it. */
    void write(String key, long version);

    /** The version cached under {@code key}, or empty on a miss. */
    OptionalLong read(String key);

    /**
     * A cache from a store call and a read call, such as {@code VersionedCache.of(service::set,
     * key -> service.get(key, Long.class))}.
     */
    static VersionedCache of(BiConsumer<String, Long> write, Function<String, Optional<Long>> read) {
        return new VersionedCache() {
            @Override
            public void write(String key, long version) {
                write.accept(key, version);
            }

            @Override
            public OptionalLong read(String key) {
                Optional<Long> value = read.apply(key);
                return value.isPresent() ? OptionalLong.of(value.get()) : OptionalLong.empty();
            }
        };
    }
}

package io.chatcache.chat;

import io.chatcache.core.CacheInputs;

/**
 * Stable cache keys from values: the hashing the {@link Memoizer} and the search-result keys of
 * {@link ChatCacheManager} use, for integrations (such as a Spring cache) that must turn method arguments
 * into keys that are the same on every JVM, in any map order, and never depend on {@code hashCode()}.
 *
 * <p>Values are written as canonical JSON: {@code null}, booleans, strings, numbers (in their shortest
 * plain decimal form, so {@code 1}, {@code 1L} and {@code 1.0} are equal), enums (by name), characters,
 * UUIDs and {@code java.time} values (as their text), lists and arrays (in order), other collections
 * (sorted), maps with string keys (sorted by key) and records (by component); anything else is refused.
 */
public final class CacheKeys {

    private CacheKeys() {
    }

    /**
     * The canonical JSON of {@code value}; equal values give equal text.
     *
     * @param what how to name the value in an error, such as {@code "argument 0 of findUser"}
     * @throws io.chatcache.core.InvalidInputException naming {@code what} and the path inside it if a part of
     *     the value has no stable encoding (an arbitrary object, a map with non-string keys, NaN)
     */
    public static String canonicalJson(Object value, String what) {
        CacheInputs.requireNonNull(what, "what");
        return CanonicalJson.write(value, what);
    }

    /** The lower-case hex SHA-256 of the UTF-8 bytes of {@code text} (64 characters). */
    public static String sha256(String text) {
        CacheInputs.requireNonNull(text, "text");
        return CanonicalJson.sha256(text);
    }

    /**
     * The memoizer's key for a call: {@code prefix + ":" + sha256(canonical JSON of the argument list)}.
     *
     * @throws io.chatcache.core.InvalidInputException if an argument has no stable encoding (the message names
     *     the argument's position and {@code prefix})
     */
    public static String hashed(String prefix, Object... arguments) {
        CacheInputs.requireNonNull(prefix, "prefix");
        Object[] args = CacheInputs.requireNonNull(arguments, "arguments");
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(CanonicalJson.write(args[i], "argument " + i + " of " + prefix));
        }
        return prefix + ":" + CanonicalJson.sha256(json.append(']').toString());
    }
}

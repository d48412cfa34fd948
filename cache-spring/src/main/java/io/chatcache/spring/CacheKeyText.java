package io.chatcache.spring;

import io.chatcache.chat.CacheKeys;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.InvalidInputException;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.UUID;
import org.springframework.cache.interceptor.SimpleKey;

/**
 * Turns Spring cache keys into the text after {@code <cache name>:}, the same on every JVM:
 * <ul>
 *   <li>a string as itself; a number in its shortest plain decimal form ({@code 1}, {@code 1L} and
 *       {@code 1.0} all give {@code 1}); a boolean, character, UUID or {@code java.time} value as its text;
 *       an enum by name. So {@code "1"} and {@code 1} are the same key, as in Spring Data Redis's cache;</li>
 *   <li>anything else ({@link SimpleKey} of several arguments, records, lists, maps) as {@code #} and the
 *       SHA-256 of its canonical JSON ({@link CacheKeys}); an object with no stable encoding is refused;</li>
 *   <li>a text that would make the whole key longer than {@link CacheInputs#MAX_KEY_LENGTH} is hashed too.</li>
 * </ul>
 */
final class CacheKeyText {

    private static final Field SIMPLE_KEY_PARAMS = simpleKeyParams();

    private CacheKeyText() {
    }

    static String of(String cacheName, Object key) {
        if (key == null) {
            throw new InvalidInputException("key", "must not be null (cache '" + cacheName + "')");
        }
        Object unwrapped = key instanceof SimpleKey simple ? unwrap(simple, cacheName) : key;
        String text = scalar(unwrapped);
        if (text == null) {
            return "#" + CacheKeys.sha256(CacheKeys.canonicalJson(unwrapped, "key of cache '" + cacheName + "'"));
        }
        if (cacheName.length() + 1 + text.length() > CacheInputs.MAX_KEY_LENGTH) {
            return "#" + CacheKeys.sha256(text);
        }
        return text;
    }

    /** The text of a simple value, or null if it is not one. */
    private static String scalar(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof Integer || key instanceof Long || key instanceof Short || key instanceof Byte
                || key instanceof BigInteger || key instanceof BigDecimal || key instanceof Double
                || key instanceof Float) {
            return CacheKeys.canonicalJson(key, "key");
        }
        if (key instanceof Boolean || key instanceof Character || key instanceof UUID
                || key instanceof TemporalAccessor) {
            return key.toString();
        }
        if (key instanceof Enum<?> e) {
            return e.name();
        }
        return null;
    }

    /** A SimpleKey's arguments: the one argument, or the argument list. */
    private static Object unwrap(SimpleKey key, String cacheName) {
        Object[] params;
        try {
            if (SIMPLE_KEY_PARAMS == null) {
                throw new IllegalStateException("Spring's SimpleKey has no readable 'params' field");
            }
            params = (Object[]) SIMPLE_KEY_PARAMS.get(key);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalStateException("cache '" + cacheName + "': cannot read the arguments of Spring's "
                    + "SimpleKey (" + e + "); use a keyGenerator or a key expression giving a String", e);
        }
        return java.util.Arrays.asList(params);
    }

    private static Field simpleKeyParams() {
        try {
            Field field = SimpleKey.class.getDeclaredField("params");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;      // unwrap() says what to do instead
        }
    }
}

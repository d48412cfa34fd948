package io.chatcache.memory;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The estimate behind {@link Weigher#estimating()}. The figures assume a 64-bit JVM with compressed
 * references (12-byte headers, 4-byte references) and round generously: the goal is a number that grows
 * with the real size, not an exact one.
 */
final class DefaultWeigher implements Weigher {

    static final DefaultWeigher INSTANCE = new DefaultWeigher();

    /**
     * The store's own cost per entry: its node (32 bytes, 40 with a deadline), the
     * {@code ConcurrentHashMap} node (32) and the map's table slots with their spare capacity (about 10).
     */
    static final long ENTRY_OVERHEAD = 80;

    private static final long STRING_HEADER = 40;
    private static final long ARRAY_HEADER = 16;
    private static final long BOXED = 16;
    private static final long CONTAINER_HEADER = 48;
    private static final long COLLECTION_PER_ELEMENT = 16;
    private static final long MAP_PER_ENTRY = 32;
    private static final long OBJECT_HEADER = 16;
    private static final long PER_FIELD = 8;
    private static final long OPAQUE_OBJECT = 64;
    private static final long JDK_OBJECT = 32;

    private static final int MAX_DEPTH = 8;
    private static final int MAX_ELEMENTS_PER_CONTAINER = 1_000;
    /** Caps the work of one estimate, whatever the shape of the value (cycles included). */
    private static final int MAX_OBJECTS = 10_000;

    /** Readable instance fields per class; {@code null} when they cannot all be read. */
    private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            return readableFields(type);
        }
    };

    private DefaultWeigher() {
    }

    @Override
    public long weigh(String key, Object value) {
        long fixed = ENTRY_OVERHEAD + sizeOfString(key.length());
        // The common flat values without starting a walk: a put's weigh should cost next to nothing.
        if (value instanceof String s) {
            return fixed + sizeOfString(s.length());
        }
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            return fixed + BOXED;
        }
        return add(fixed, new Walk().sizeOf(value, 0));
    }

    // Saturating, because extrapolated sizes of nested huge containers multiply past the range of a
    // long, and a wrapped estimate would make a bigger value weigh less (or negative).
    private static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long multiply(long a, long b) {
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    static long sizeOfString(int length) {
        return STRING_HEADER + 2L * length;
    }

    /** One estimate's state: how many objects it may still visit. */
    private static final class Walk {
        private int remaining = MAX_OBJECTS;

        long sizeOf(Object value, int depth) {
            try {
                return measure(value, depth);
            } catch (RuntimeException e) {
                // A value's own code can throw when read (a lazily loaded collection whose session has
                // closed, a concurrently modified list): an estimate must not fail the put.
                return OPAQUE_OBJECT;
            }
        }

        private long measure(Object value, int depth) {
            if (value == null) {
                return 0;
            }
            if (--remaining < 0) {
                return OBJECT_HEADER;
            }
            if (value instanceof String s) {
                return sizeOfString(s.length());
            }
            if (value instanceof CharSequence chars) {
                return sizeOfString(chars.length());
            }
            if (value instanceof BigInteger big) {
                return 40 + big.bitLength() / 8;
            }
            if (value instanceof BigDecimal big) {
                return 72 + big.unscaledValue().bitLength() / 8;
            }
            if (value instanceof Number || value instanceof Boolean || value instanceof Character) {
                return BOXED;
            }
            if (value instanceof Enum<?>) {
                // Constants are shared by everyone; the entry holds only the reference.
                return 0;
            }
            Class<?> type = value.getClass();
            if (type.isArray()) {
                return sizeOfArray(value, type.getComponentType(), depth);
            }
            if (depth >= MAX_DEPTH) {
                return OBJECT_HEADER;
            }
            if (value instanceof Collection<?> collection) {
                return add(CONTAINER_HEADER, sampled(collection.iterator(), collection.size(), depth, false));
            }
            if (value instanceof Map<?, ?> map) {
                return add(CONTAINER_HEADER, sampled(map.entrySet().iterator(), map.size(), depth, true));
            }
            if (value instanceof Optional<?> optional) {
                return add(OBJECT_HEADER, sizeOf(optional.orElse(null), depth + 1));
            }
            if (isJdkType(type)) {
                // java.time values, UUIDs and the like: small, and their fields cannot be read anyway.
                return JDK_OBJECT;
            }
            return sizeOfFields(value, type, depth);
        }

        private long sizeOfArray(Object array, Class<?> component, int depth) {
            int length = Array.getLength(array);
            if (component.isPrimitive()) {
                return ARRAY_HEADER + (long) length * primitiveSize(component);
            }
            Object[] elements = (Object[]) array;
            long size = ARRAY_HEADER + 4L * length;
            if (depth >= MAX_DEPTH) {
                return size;
            }
            return add(size, sampled(Arrays.asList(elements).iterator(), length, depth, false));
        }

        /**
         * Measures at most {@link #MAX_ELEMENTS_PER_CONTAINER} elements and extrapolates to {@code size}.
         */
        private long sampled(Iterator<?> elements, int size, int depth, boolean mapEntries) {
            long perElement = mapEntries ? MAP_PER_ENTRY : COLLECTION_PER_ELEMENT;
            long measured = 0;
            int count = 0;
            while (count < MAX_ELEMENTS_PER_CONTAINER && elements.hasNext()) {
                Object element = elements.next();
                if (mapEntries) {
                    Map.Entry<?, ?> entry = (Map.Entry<?, ?>) element;
                    measured = add(measured, add(perElement, add(sizeOf(entry.getKey(), depth + 1), sizeOf(entry.getValue(), depth + 1))));
                } else {
                    measured = add(measured, add(perElement, sizeOf(element, depth + 1)));
                }
                count++;
            }
            if (count == 0) {
                return 0;
            }
            return size > count ? multiply(measured / count, size) : measured;
        }

        private long sizeOfFields(Object value, Class<?> type, int depth) {
            Field[] fields = FIELDS.get(type);
            if (fields == null) {
                return OPAQUE_OBJECT;
            }
            long size = OBJECT_HEADER + PER_FIELD * fields.length;
            for (Field field : fields) {
                if (field.getType().isPrimitive()) {
                    continue;
                }
                try {
                    size = add(size, sizeOf(field.get(value), depth + 1));
                } catch (IllegalAccessException | RuntimeException e) {
                    size += OBJECT_HEADER;
                }
            }
            return size;
        }
    }

    private static boolean isJdkType(Class<?> type) {
        String name = type.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.");
    }

    private static Field[] readableFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class && !isJdkType(c); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                if (!field.trySetAccessible()) {
                    return null;
                }
                fields.add(field);
            }
        }
        return fields.toArray(new Field[0]);
    }

    private static int primitiveSize(Class<?> type) {
        if (type == long.class || type == double.class) {
            return 8;
        }
        if (type == int.class || type == float.class) {
            return 4;
        }
        if (type == short.class || type == char.class) {
            return 2;
        }
        return 1;
    }
}

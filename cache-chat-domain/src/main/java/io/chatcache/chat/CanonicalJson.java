package io.chatcache.chat;

import io.chatcache.core.InvalidInputException;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes values as canonical JSON, so that equal values give equal text on every JVM and in any map
 * order; the text is then hashed into cache keys (search filters, memoizer arguments).
 *
 * <ul>
 *   <li>{@code null}, booleans, strings (escaped per RFC 8259; characters outside ASCII written as
 *       themselves, lone surrogates as {@code \\uXXXX});</li>
 *   <li>numbers in their shortest plain decimal form without trailing zeros, so {@code 1}, {@code 1L},
 *       {@code 1.0} and {@code new BigDecimal("1.00")} all write {@code 1}; NaN and infinities are
 *       refused;</li>
 *   <li>maps with string keys as objects with the keys sorted (by UTF-16 code units, as RFC 8785);</li>
 *   <li>lists and arrays in order; other collections (sets) sorted by their members' canonical text;</li>
 *   <li>records as objects of their components; enums by name; characters, UUIDs and java.time values
 *       as strings of their {@code toString()}.</li>
 * </ul>
 * Anything else has no stable encoding and is refused with {@link InvalidInputException} naming the
 * path of the offending value, never encoded through {@code hashCode()} or {@code toString()}.
 */
final class CanonicalJson {

    private CanonicalJson() {
    }

    /**
     * The canonical JSON of {@code value}.
     *
     * @param path how to name the value in an error, such as {@code "filters"}
     */
    static String write(Object value, String path) {
        StringBuilder out = new StringBuilder(64);
        write(out, value, path);
        return out.toString();
    }

    /** The lower-case hex SHA-256 of the UTF-8 bytes of {@code text}. */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must support SHA-256", e);
        }
    }

    private static void write(StringBuilder out, Object value, String path) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof CharSequence || value instanceof Character || value instanceof UUID
                || value instanceof TemporalAccessor) {
            writeString(out, value.toString());
        } else if (value instanceof Enum<?> e) {
            writeString(out, e.name());
        } else if (value instanceof Number n) {
            writeNumber(out, n, path);
        } else if (value instanceof Map<?, ?> map) {
            writeMap(out, map, path);
        } else if (value instanceof List<?> list) {
            writeList(out, list, path);
        } else if (value instanceof Collection<?> collection) {
            writeUnordered(out, collection, path);
        } else if (value.getClass().isArray()) {
            int length = Array.getLength(value);
            List<Object> elements = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                elements.add(Array.get(value, i));
            }
            writeList(out, elements, path);
        } else if (value instanceof Record record) {
            writeRecord(out, record, path);
        } else {
            throw new InvalidInputException(path, "has no stable encoding for hashing (a "
                    + value.getClass().getName() + "); use strings, numbers, booleans, enums, java.time values, "
                    + "lists, maps with string keys or records of those");
        }
    }

    private static void writeNumber(StringBuilder out, Number number, String path) {
        BigDecimal decimal;
        if (number instanceof BigDecimal d) {
            decimal = d;
        } else if (number instanceof BigInteger i) {
            decimal = new BigDecimal(i);
        } else if (number instanceof Double || number instanceof Float) {
            double d = number.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new InvalidInputException(path, "must be a finite number, was " + d);
            }
            // Float.toString first: widening 0.1f to double would write 0.100000001490116...
            decimal = new BigDecimal(number instanceof Float f ? Float.toString(f) : Double.toString(d));
        } else if (number instanceof Long || number instanceof Integer || number instanceof Short
                || number instanceof Byte) {
            decimal = BigDecimal.valueOf(number.longValue());
        } else {
            throw new InvalidInputException(path, "has no stable encoding for hashing (a "
                    + number.getClass().getName() + "); use a standard Number type");
        }
        out.append(decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString());
    }

    private static void writeMap(StringBuilder out, Map<?, ?> map, String path) {
        TreeMap<String, Object> sorted = new TreeMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new InvalidInputException(path, "must have string keys, had "
                        + (entry.getKey() == null ? "a null key" : "a " + entry.getKey().getClass().getName() + " key"));
            }
            sorted.put(key, entry.getValue());
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> entry : sorted.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeString(out, entry.getKey());
            out.append(':');
            write(out, entry.getValue(), path + "." + entry.getKey());
        }
        out.append('}');
    }

    private static void writeList(StringBuilder out, List<?> list, String path) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            write(out, list.get(i), path + "[" + i + "]");
        }
        out.append(']');
    }

    private static void writeUnordered(StringBuilder out, Collection<?> collection, String path) {
        List<String> members = new ArrayList<>(collection.size());
        for (Object member : collection) {
            members.add(write(member, path + "[]"));
        }
        members.sort(null);
        out.append('[').append(String.join(",", members)).append(']');
    }

    private static void writeRecord(StringBuilder out, Record record, String path) {
        Map<String, Object> components = new TreeMap<>();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            try {
                component.getAccessor().setAccessible(true);
                components.put(component.getName(), component.getAccessor().invoke(record));
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                throw new InvalidInputException(path + "." + component.getName(),
                        "could not be read for hashing: " + e);
            }
        }
        writeMap(out, components, path);
    }

    private static void writeString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || isLoneSurrogate(text, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean isLoneSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
        }
        return false;
    }
}

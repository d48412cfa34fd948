package io.chatcache.core;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A type token: the full, possibly generic, type of a cached value, so that stores which serialise can
 * rebuild {@code List<ChatMessage>} and not just {@code List}.
 *
 * <pre>{@code
 * ValueType<UserProfile> profile = ValueType.of(UserProfile.class);
 * ValueType<List<ChatMessage>> messages = ValueType.listOf(ChatMessage.class);
 * ValueType<Map<String, List<Long>>> custom = new ValueType<>() {};
 * }</pre>
 *
 * Two tokens are equal when they describe the same type.
 *
 * @param <T> the described type
 */
public abstract class ValueType<T> {

    private final Type type;
    private final Class<?> rawType;

    /**
     * Captures the type argument of an anonymous subclass: {@code new ValueType<List<Foo>>() {}}.
     *
     * @throws InvalidInputException if the subclass does not give a concrete type argument
     */
    protected ValueType() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType parameterized)) {
            throw new InvalidInputException("type", "must be created with a type argument, as new ValueType<Foo>() {}");
        }
        this.type = parameterized.getActualTypeArguments()[0];
        this.rawType = rawTypeOf(type);
    }

    private ValueType(Type type) {
        this.type = type;
        this.rawType = rawTypeOf(type);
    }

    /** The token for a plain class. Primitive classes are boxed ({@code int.class} reads as Integer). */
    public static <T> ValueType<T> of(Class<T> type) {
        CacheInputs.requireNonNull(type, "type");
        return new Fixed<>(box(type));
    }

    /**
     * The token for any reflective type, such as a method's generic return type.
     *
     * @throws InvalidInputException if the type holds type variables or wildcards at its top level
     */
    public static ValueType<Object> of(Type type) {
        CacheInputs.requireNonNull(type, "type");
        return new Fixed<>(type instanceof Class<?> c ? box(c) : type);
    }

    /** The token for {@code List<E>}. */
    public static <E> ValueType<List<E>> listOf(Class<E> elementType) {
        CacheInputs.requireNonNull(elementType, "elementType");
        return new Fixed<>(new Parameterized(List.class, box(elementType)));
    }

    /** The token for {@code List<E>} with a generic element type. */
    public static <E> ValueType<List<E>> listOf(ValueType<E> elementType) {
        CacheInputs.requireNonNull(elementType, "elementType");
        return new Fixed<>(new Parameterized(List.class, elementType.type()));
    }

    /** The token for {@code Map<K, V>}. */
    public static <K, V> ValueType<Map<K, V>> mapOf(Class<K> keyType, Class<V> valueType) {
        CacheInputs.requireNonNull(keyType, "keyType");
        CacheInputs.requireNonNull(valueType, "valueType");
        return new Fixed<>(new Parameterized(Map.class, box(keyType), box(valueType)));
    }

    /** The full type. */
    public Type type() {
        return type;
    }

    /** The erased class of the type ({@code List} for {@code List<ChatMessage>}). */
    public Class<?> rawType() {
        return rawType;
    }

    /**
     * Whether {@code value} is an instance of the raw type. Generic arguments cannot be checked at run
     * time: a {@code List<String>} passes for a {@code List<Integer>} token.
     */
    public boolean isInstance(Object value) {
        return rawType.isInstance(value);
    }

    /** Casts a value known to be of this type (checked against the raw type). */
    @SuppressWarnings("unchecked")
    public T cast(Object value) {
        return (T) rawType.cast(value);
    }

    @Override
    public final boolean equals(Object other) {
        return other instanceof ValueType<?> that && type.equals(that.type);
    }

    @Override
    public final int hashCode() {
        return type.hashCode();
    }

    @Override
    public String toString() {
        return "ValueType[" + type.getTypeName() + "]";
    }

    private static Class<?> rawTypeOf(Type type) {
        if (type instanceof Class<?> c) {
            return box(c);
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof GenericArrayType array) {
            return java.lang.reflect.Array.newInstance(rawTypeOf(array.getGenericComponentType()), 0).getClass();
        }
        if (type instanceof TypeVariable<?> || type instanceof WildcardType) {
            throw new InvalidInputException("type",
                    "must be a concrete type, not a type variable or wildcard: " + type.getTypeName());
        }
        throw new InvalidInputException("type", "is of an unsupported kind: " + type.getTypeName());
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> box(Class<T> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        Class<?> boxed;
        if (type == int.class) {
            boxed = Integer.class;
        } else if (type == long.class) {
            boxed = Long.class;
        } else if (type == boolean.class) {
            boxed = Boolean.class;
        } else if (type == double.class) {
            boxed = Double.class;
        } else if (type == float.class) {
            boxed = Float.class;
        } else if (type == short.class) {
            boxed = Short.class;
        } else if (type == byte.class) {
            boxed = Byte.class;
        } else if (type == char.class) {
            boxed = Character.class;
        } else {
            throw new InvalidInputException("type", "must not be void");
        }
        return (Class<T>) boxed;
    }

    private static final class Fixed<T> extends ValueType<T> {
        Fixed(Type type) {
            super(type);
        }
    }

    /** A minimal ParameterizedType, equal to the JDK's own for the same raw type and arguments. */
    private record Parameterized(Class<?> raw, Type... arguments) implements ParameterizedType {
        @Override
        public Type[] getActualTypeArguments() {
            return arguments.clone();
        }

        @Override
        public Type getRawType() {
            return raw;
        }

        @Override
        public Type getOwnerType() {
            return null;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ParameterizedType that
                    && raw.equals(that.getRawType())
                    && that.getOwnerType() == null
                    && Arrays.equals(arguments, that.getActualTypeArguments());
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(arguments) ^ raw.hashCode();
        }

        @Override
        public String getTypeName() {
            StringBuilder name = new StringBuilder(raw.getName()).append('<');
            for (int i = 0; i < arguments.length; i++) {
                name.append(i == 0 ? "" : ", ").append(arguments[i].getTypeName());
            }
            return name.append('>').toString();
        }

        @Override
        public String toString() {
            return getTypeName();
        }
    }

}

package io.chatcache.spring.internal;

import io.chatcache.core.ValueType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;

/** The {@link ValueType} of {@code StoredValue<T>} for a given {@code T}. Not part of the API. */
public final class StoredValueType {

    private StoredValueType() {
    }

    /** {@code StoredValue<valueType>}. */
    public static ValueType<Object> of(ValueType<?> valueType) {
        return ValueType.of(new Parameterized(valueType.type()));
    }

    private record Parameterized(Type argument) implements ParameterizedType {
        @Override
        public Type[] getActualTypeArguments() {
            return new Type[] {argument};
        }

        @Override
        public Type getRawType() {
            return StoredValue.class;
        }

        @Override
        public Type getOwnerType() {
            return null;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ParameterizedType that && that.getRawType() == StoredValue.class
                    && that.getOwnerType() == null && Arrays.equals(getActualTypeArguments(), that.getActualTypeArguments());
        }

        @Override
        public int hashCode() {
            // as the JDK's ParameterizedTypeImpl: equal to it for the same type
            return Arrays.hashCode(getActualTypeArguments()) ^ StoredValue.class.hashCode();
        }

        @Override
        public String getTypeName() {
            return StoredValue.class.getName() + "<" + argument.getTypeName() + ">";
        }
    }
}

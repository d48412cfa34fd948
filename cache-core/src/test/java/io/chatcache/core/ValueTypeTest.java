package io.chatcache.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValueTypeTest {

    /** Members whose generic types the tests read by reflection, as the memoizer reads method types. */
    @SuppressWarnings("unused")
    private static final class Declarations {
        List<String> strings;
        Map<String, Long> counters;
        List<List<Integer>> nested;
        List<? extends Number> numbers;
        List<String>[] arrayOfLists;

        <T> T typeVariable() {
            return null;
        }
    }

    private static Type typeOf(String field) throws NoSuchFieldException {
        return Declarations.class.getDeclaredField(field).getGenericType();
    }

    private static <T> ValueType<T> captureTypeVariable() {
        return new ValueType<T>() { };
    }

    @Test
    void tokensOfTheSameClassAreEqual() {
        assertThat(ValueType.of(String.class)).isEqualTo(ValueType.of(String.class))
                .hasSameHashCodeAs(ValueType.of(String.class))
                .isEqualTo(new ValueType<String>() { })
                .isNotEqualTo(ValueType.of(Integer.class));
    }

    @Test
    void primitiveClassesAreBoxed() {
        assertThat(ValueType.of(int.class)).isEqualTo(ValueType.of(Integer.class));
        assertThat(ValueType.of(int.class).rawType()).isEqualTo(Integer.class);
        assertThat(ValueType.of(long.class).type()).isEqualTo(Long.class);
        assertThat(ValueType.of(boolean.class).rawType()).isEqualTo(Boolean.class);
        assertThat(ValueType.of(double.class).rawType()).isEqualTo(Double.class);
        assertThat(ValueType.of(float.class).rawType()).isEqualTo(Float.class);
        assertThat(ValueType.of(short.class).rawType()).isEqualTo(Short.class);
        assertThat(ValueType.of(byte.class).rawType()).isEqualTo(Byte.class);
        assertThat(ValueType.of(char.class).rawType()).isEqualTo(Character.class);
        assertThat(ValueType.of((Type) int.class)).isEqualTo(ValueType.of(Integer.class));
        assertThat(ValueType.listOf(int.class)).isEqualTo(ValueType.listOf(Integer.class));
        assertThat(ValueType.mapOf(int.class, long.class)).isEqualTo(ValueType.mapOf(Integer.class, Long.class));
    }

    @Test
    void primitiveValuesPassTheirBoxedToken() {
        assertThat(ValueType.of(int.class).isInstance(5)).isTrue();
        assertThat(ValueType.of(int.class).cast(5)).isEqualTo(5);
    }

    @Test
    void listOfEqualsTheAnonymousSubclassAndTheReflectedType() throws Exception {
        ValueType<List<String>> listOf = ValueType.listOf(String.class);
        ValueType<List<String>> anonymous = new ValueType<List<String>>() { };
        ValueType<Object> reflected = ValueType.of(typeOf("strings"));

        assertThat(listOf).isEqualTo(anonymous).isEqualTo(reflected).hasSameHashCodeAs(anonymous)
                .hasSameHashCodeAs(reflected);
        assertThat(anonymous).isEqualTo(listOf);
        assertThat(reflected).isEqualTo(listOf);
        assertThat(listOf.type()).isEqualTo(anonymous.type());
        assertThat(anonymous.type()).isEqualTo(listOf.type());
        assertThat(listOf.rawType()).isEqualTo(List.class);
    }

    @Test
    void mapOfEqualsTheAnonymousSubclassAndTheReflectedType() throws Exception {
        ValueType<Map<String, Long>> mapOf = ValueType.mapOf(String.class, Long.class);
        ValueType<Map<String, Long>> anonymous = new ValueType<Map<String, Long>>() { };

        assertThat(mapOf).isEqualTo(anonymous).isEqualTo(ValueType.of(typeOf("counters")))
                .hasSameHashCodeAs(anonymous);
        assertThat(anonymous).isEqualTo(mapOf);
        assertThat(mapOf).isNotEqualTo(ValueType.mapOf(String.class, Integer.class));
        assertThat(mapOf.rawType()).isEqualTo(Map.class);
    }

    @Test
    void nestedListOfEqualsTheAnonymousSubclass() throws Exception {
        ValueType<List<List<Integer>>> nested = ValueType.listOf(ValueType.listOf(Integer.class));

        assertThat(nested).isEqualTo(new ValueType<List<List<Integer>>>() { })
                .isEqualTo(ValueType.of(typeOf("nested")))
                .hasSameHashCodeAs(new ValueType<List<List<Integer>>>() { })
                .isNotEqualTo(ValueType.listOf(Integer.class));
    }

    @Test
    void typeNameReadsLikeJava() {
        assertThat(ValueType.listOf(String.class).type().getTypeName()).isEqualTo("java.util.List<java.lang.String>");
        assertThat(ValueType.mapOf(String.class, Long.class))
                .hasToString("ValueType[java.util.Map<java.lang.String, java.lang.Long>]");
    }

    @Test
    void genericArrayTypesHaveAnArrayRawType() throws Exception {
        assertThat(ValueType.of(typeOf("arrayOfLists")).rawType()).isEqualTo(List[].class);
    }

    @Test
    void isInstanceChecksTheRawTypeOnly() {
        ValueType<List<Integer>> integers = ValueType.listOf(Integer.class);

        assertThat(integers.isInstance(new ArrayList<>(List.of("not an integer")))).isTrue();
        assertThat(integers.isInstance("text")).isFalse();
        assertThat(integers.isInstance(null)).isFalse();
    }

    @Test
    void castRefusesAnotherRawType() {
        assertThat(ValueType.of(String.class).cast("text")).isEqualTo("text");
        assertThatThrownBy(() -> ValueType.of(String.class).cast(5)).isInstanceOf(ClassCastException.class);
    }

    @Test
    void typeVariableIsRefused() throws Exception {
        Type variable = Declarations.class.getDeclaredMethod("typeVariable").getGenericReturnType();

        assertThatThrownBy(() -> ValueType.of(variable)).isInstanceOfSatisfying(InvalidInputException.class,
                refused -> assertThat(refused.argument()).isEqualTo("type"))
                .hasMessageContaining("type variable");
        assertThatThrownBy(ValueTypeTest::captureTypeVariable).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("type variable");
    }

    @Test
    void wildcardIsRefused() throws Exception {
        Type wildcard = ((java.lang.reflect.ParameterizedType) typeOf("numbers")).getActualTypeArguments()[0];

        assertThatThrownBy(() -> ValueType.of(wildcard)).isInstanceOfSatisfying(InvalidInputException.class,
                refused -> assertThat(refused.argument()).isEqualTo("type"))
                .hasMessageContaining("wildcard");
    }

    @Test
    @SuppressWarnings("rawtypes")
    void anonymousSubclassWithoutATypeArgumentIsRefused() {
        assertThatThrownBy(() -> new ValueType() { }).isInstanceOfSatisfying(InvalidInputException.class,
                refused -> assertThat(refused.argument()).isEqualTo("type"));
    }

    @Test
    void voidIsRefused() {
        assertThatThrownBy(() -> ValueType.of(void.class)).isInstanceOfSatisfying(InvalidInputException.class,
                refused -> assertThat(refused.argument()).isEqualTo("type"));
    }

    @Test
    void nullArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> ValueType.of((Class<?>) null)).hasMessageStartingWith("type ");
        assertThatThrownBy(() -> ValueType.of((Type) null)).hasMessageStartingWith("type ");
        assertThatThrownBy(() -> ValueType.listOf((Class<?>) null)).hasMessageStartingWith("elementType ");
        assertThatThrownBy(() -> ValueType.listOf((ValueType<?>) null)).hasMessageStartingWith("elementType ");
        assertThatThrownBy(() -> ValueType.mapOf(null, String.class)).hasMessageStartingWith("keyType ");
        assertThatThrownBy(() -> ValueType.mapOf(String.class, null)).hasMessageStartingWith("valueType ");
    }
}

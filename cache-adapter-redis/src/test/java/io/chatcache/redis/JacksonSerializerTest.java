package io.chatcache.redis;

import io.chatcache.core.InvalidInputException;
import io.chatcache.core.SerializationException;
import io.chatcache.core.ValueType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JacksonSerializerTest {

    private final JacksonSerializer serializer = JacksonSerializer.create();

    public record Message(String id, String text, Instant sentAt, Duration editWindow) {
    }

    public record Thread(String id, List<Message> messages) {
    }

    /** A bean whose getter always fails. */
    public static final class Exploding {
        public String getValue() {
            throw new IllegalStateException("boom");
        }
    }

    /** A bean without any property. */
    public static final class Empty {
    }

    /** A bean that holds itself. */
    public static final class Cyclic {
        public Cyclic getSelf() {
            return this;
        }
    }

    private String json(Object value) {
        return new String(serializer.serialize(value), StandardCharsets.UTF_8);
    }

    @Test
    void recordsAreWrittenAsPlainJsonWithoutClassNames() {
        Message message = new Message("m1", "hi", Instant.parse("2026-01-02T03:04:05Z"), Duration.ofMinutes(5));

        assertThat(json(message)).isEqualTo(
                "{\"id\":\"m1\",\"text\":\"hi\",\"sentAt\":\"2026-01-02T03:04:05Z\",\"editWindow\":\"PT5M\"}");
    }

    @Test
    void javaTimeValuesAreIsoTextAndReadBack() {
        OffsetDateTime at = OffsetDateTime.parse("2026-03-04T05:06:07.123+02:00");

        assertThat(json(at)).isEqualTo("\"2026-03-04T05:06:07.123+02:00\"");
        assertThat(serializer.deserialize(serializer.serialize(at), ValueType.of(OffsetDateTime.class))).isEqualTo(at);
        assertThat(serializer.deserialize(serializer.serialize(LocalDate.of(2026, 1, 2)), ValueType.of(LocalDate.class)))
                .isEqualTo(LocalDate.of(2026, 1, 2));
    }

    @Test
    void genericTypesAreRebuiltFromTheTypeToken() {
        Thread thread = new Thread("t", List.of(new Message("m", "x", Instant.EPOCH, Duration.ZERO)));
        byte[] bytes = serializer.serialize(List.of(thread));

        List<Thread> read = serializer.deserialize(bytes, ValueType.listOf(Thread.class));

        assertThat(read).containsExactly(thread);
        assertThat(read.get(0).messages().get(0)).isInstanceOf(Message.class);
    }

    @Test
    void unknownPropertiesAreIgnoredOnRead() {
        byte[] newer = "{\"id\":\"m\",\"text\":\"x\",\"addedLater\":[1,2]}".getBytes(StandardCharsets.UTF_8);

        Message read = serializer.deserialize(newer, ValueType.of(Message.class));

        assertThat(read).isEqualTo(new Message("m", "x", null, null));
    }

    @Test
    void mapsKeepTheirValueTypes() {
        byte[] bytes = serializer.serialize(Map.of("a", 1L));

        assertThat(serializer.deserialize(bytes, ValueType.mapOf(String.class, Long.class))).containsEntry("a", 1L);
    }

    @Test
    void valueWhoseGetterThrowsFailsNamingItsType() {
        assertThatThrownBy(() -> serializer.serialize(new Exploding()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Exploding.class.getName());
    }

    @Test
    void beanWithoutPropertiesFailsNamingItsType() {
        assertThatThrownBy(() -> serializer.serialize(new Empty()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Empty.class.getName());
    }

    @Test
    void selfReferenceFailsNamingItsType() {
        assertThatThrownBy(() -> serializer.serialize(new Cyclic()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Cyclic.class.getName());
    }

    @Test
    void listHoldingItselfFailsInsteadOfOverflowingTheStack() {
        List<Object> list = new ArrayList<>();
        list.add(list);

        assertThatThrownBy(() -> serializer.serialize(list))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(ArrayList.class.getName());
    }

    @Test
    void nullValueIsRefusedAsInvalidInput() {
        assertThatThrownBy(() -> serializer.serialize(null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void bytesThatAreNotJsonFailWithSerializationException() {
        byte[] garbage = {(byte) 0xAC, (byte) 0xED, 0, 5, 't'};

        assertThatThrownBy(() -> serializer.deserialize(garbage, ValueType.of(String.class)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void jsonOfAnotherShapeFailsWithSerializationException() {
        byte[] object = "{\"id\":\"m\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serializer.deserialize(object, ValueType.listOf(Message.class)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void trailingGarbageFailsWithSerializationException() {
        byte[] trailing = "\"ok\" junk".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serializer.deserialize(trailing, ValueType.of(String.class)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void jsonNullFailsBecauseACacheNeverStoresNull() {
        assertThatThrownBy(() -> serializer.deserialize("null".getBytes(StandardCharsets.UTF_8), ValueType.of(String.class)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("null");
    }

    @Test
    void customMapperIsCopiedSoLaterChangesHaveNoEffect() {
        var mapper = JacksonSerializer.defaultObjectMapper();
        JacksonSerializer custom = JacksonSerializer.withObjectMapper(mapper);
        mapper.enable(com.fasterxml.jackson.databind.SerializationFeature.WRAP_ROOT_VALUE);

        assertThat(new String(custom.serialize(new Message("m", "x", null, null)), StandardCharsets.UTF_8))
                .startsWith("{\"id\"");
    }
}

package io.chatcache.redis;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.chatcache.core.SerializationException;
import io.chatcache.core.ValueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which JSON reads as which record, Optional support, modules of one's own, and value-free errors. */
class JacksonSerializerShapeTest {

    private final JacksonSerializer serializer = JacksonSerializer.create();

    public record Session(String id, String userId, String title, Instant createdAt, Map<String, Object> metadata) {
    }

    public record Page(String sessionId, List<Message> messages) {
    }

    public record Message(String id, String text) {
    }

    public record Strict(@JsonProperty(required = true) String id, String note) {
    }

    public record Nothing() {
    }

    public record WithOptional(String id, Optional<String> nickname) {
    }

    public record Counter(int count) {
    }

    /** A type only a module of the user's can write. */
    public static final class Money {
        final long cents;

        Money(long cents) {
            this.cents = cents;
        }
    }

    private <T> T read(String json, Class<T> type) {
        return serializer.deserialize(json.getBytes(StandardCharsets.UTF_8), ValueType.of(type));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"foo\":\"bar\"}", "{}", "{\"sessionId\":\"s1\",\"messages\":[]}",
        "{\"ID\":\"1\",\"UserId\":\"u\"}"})
    void anObjectNamingNoneOfTheRecordsComponentsIsRefused(String json) {
        assertThatThrownBy(() -> read(json, Session.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("MismatchedInputException")
                .hasMessageContaining(Session.class.getName());
    }

    @Test
    void anObjectNamingSomeComponentsReadsAndExtraPropertiesAreIgnored() {
        Session session = read("{\"id\":\"s1\",\"addedLater\":[1,2],\"title\":null}", Session.class);

        assertThat(session).isEqualTo(new Session("s1", null, null, null, null));
        assertThat(read("{\"count\":0}", Counter.class)).isEqualTo(new Counter(0));
        assertThat(read("{}", Nothing.class)).isEqualTo(new Nothing());
    }

    @Test
    void nestedRecordsOfTheWrongShapeAreRefusedToo() {
        assertThatThrownBy(() -> read("{\"sessionId\":\"s1\",\"messages\":[{\"id\":\"m1\"},{\"other\":1}]}", Page.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Message.class.getName());
        assertThatThrownBy(() -> serializer.deserialize("[{\"x\":1}]".getBytes(StandardCharsets.UTF_8),
                ValueType.listOf(Message.class)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void aRequiredComponentMustBePresent() {
        assertThat(read("{\"id\":\"1\"}", Strict.class)).isEqualTo(new Strict("1", null));
        assertThatThrownBy(() -> read("{\"note\":\"n\"}", Strict.class))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("MismatchedInputException");
    }

    @Test
    void theRuleHoldsWithAMapperOfYourOwn() {
        JacksonSerializer own = JacksonSerializer.withObjectMapper(new com.fasterxml.jackson.databind.ObjectMapper());

        assertThatThrownBy(() -> own.deserialize("{\"foo\":\"bar\"}".getBytes(StandardCharsets.UTF_8),
                ValueType.of(Message.class)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void optionalValuesAndFieldsRoundTrip() {
        WithOptional present = new WithOptional("1", Optional.of("ada"));
        WithOptional empty = new WithOptional("2", Optional.empty());

        assertThat(new String(serializer.serialize(present), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"1\",\"nickname\":\"ada\"}");
        assertThat(serializer.deserialize(serializer.serialize(present), ValueType.of(WithOptional.class)))
                .isEqualTo(present);
        assertThat(serializer.deserialize(serializer.serialize(empty), ValueType.of(WithOptional.class)))
                .isEqualTo(empty);
    }

    @Test
    void modulesOfYourOwnAreAddedOnTopOfTheDefaults() {
        SimpleModule money = new SimpleModule().addSerializer(Money.class, new JsonSerializer<>() {
            @Override
            public void serialize(Money value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.cents / 100 + "." + String.format("%02d", value.cents % 100));
            }
        });
        JacksonSerializer withMoney = JacksonSerializer.builder().addModule(money).build();

        assertThat(new String(withMoney.serialize(Map.of("price", new Money(1234))), StandardCharsets.UTF_8))
                .isEqualTo("{\"price\":\"12.34\"}");
        assertThat(withMoney.deserialize(withMoney.serialize(Optional.of(Instant.EPOCH)),
                ValueType.of(Instant.class))).isEqualTo(Instant.EPOCH);
        assertThatThrownBy(() -> serializer.serialize(new Money(1))).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> JacksonSerializer.builder().addModule(null))
                .isInstanceOf(io.chatcache.core.InvalidInputException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"id\":\"secret-text-one\",\"text\": ",
        "{\"id\":\"secret-text-one\",\"text\":\"secret-text-two\"} trailing-secret",
        "{\"count\":\"secret-text-three\"}",
        "{\"count\":98765432109876}",
        "{\"count\":1.5e987654}",
        "[\"secret-text-four\"]",
        "{\"id\":\"secret\u0001text\"}x",
        "secret-text-five"})
    void aFailedReadSaysWhereAndWhatKindOfTokenButQuotesNoData(String json) {
        Class<?> type = json.contains("count") ? Counter.class : Message.class;

        assertThatThrownBy(() -> read(json, type))
                .isInstanceOf(SerializationException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .containsPattern("\\(line 1, column \\d+, byte \\d+\\)")
                        .doesNotContain("secret").doesNotContain("98765").doesNotContain("987654")
                        .doesNotContain("trailing"));
    }

    @Test
    void theTokenKindIsNamed() {
        assertThatThrownBy(() -> read("{\"count\":\"many\"}", Counter.class))
                .hasMessageContaining("VALUE_STRING token")
                .hasMessageContaining("for int");
    }
}

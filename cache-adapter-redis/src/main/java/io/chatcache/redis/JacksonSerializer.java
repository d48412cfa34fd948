package io.chatcache.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.SerializationException;
import io.chatcache.core.Serializer;
import io.chatcache.core.ValueType;

import java.io.IOException;

/**
 * A {@link Serializer} writing plain UTF-8 JSON with Jackson, readable by any other client:
 * records, collections, maps and {@code java.time} values (as ISO-8601 text) are supported, unknown
 * properties are ignored on read, and no class names are ever written (no default typing, no Java
 * serialization). The generic type of a {@link ValueType} drives the read, so
 * {@code ValueType.listOf(ChatMessage.class)} rebuilds a list of records.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class JacksonSerializer implements Serializer {

    private static final JacksonSerializer DEFAULT = new JacksonSerializer(defaultObjectMapper());

    private final ObjectMapper mapper;

    private JacksonSerializer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The serializer with {@link #defaultObjectMapper()}. */
    public static JacksonSerializer create() {
        return DEFAULT;
    }

    /**
     * A serializer with a mapper of your own (for modules of your domain types). The mapper is copied,
     * so later changes to it have no effect. Do not enable default typing on it: that writes class names
     * into the data, which other programs cannot read and which opens deserialization attacks.
     */
    public static JacksonSerializer withObjectMapper(ObjectMapper mapper) {
        CacheInputs.requireNonNull(mapper, "mapper");
        return new JacksonSerializer(mapper.copy());
    }

    /**
     * A new mapper configured as this serializer's default: java.time support with ISO-8601 text for
     * dates and durations, unknown properties ignored on read, trailing garbage refused, beans without
     * properties refused on write. Start from it to add modules of your own.
     */
    public static ObjectMapper defaultObjectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /**
     * Writes {@code value} as UTF-8 JSON.
     *
     * @throws io.chatcache.core.InvalidInputException if {@code value} is null
     * @throws SerializationException naming the value's type if Jackson cannot write it (a cycle, a
     *     getter that throws, a bean without properties)
     */
    @Override
    public byte[] serialize(Object value) {
        CacheInputs.requireValue(value);
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new SerializationException("cannot write a value of type " + value.getClass().getName()
                    + " as JSON: " + describe(e), e);
        }
    }

    /**
     * Reads UTF-8 JSON as {@code type}.
     *
     * @throws io.chatcache.core.InvalidInputException if an argument is null
     * @throws SerializationException if the bytes are not JSON, hold {@code null}, or do not fit
     *     {@code type}
     */
    @Override
    public <T> T deserialize(byte[] bytes, ValueType<T> type) {
        CacheInputs.requireNonNull(bytes, "bytes");
        CacheInputs.requireNonNull(type, "type");
        JavaType javaType = mapper.getTypeFactory().constructType(type.type());
        Object value;
        try {
            value = mapper.readValue(bytes, javaType);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read " + bytes.length + " bytes as "
                    + type.type().getTypeName() + ": " + describe(e), e);
        }
        if (value == null) {
            throw new SerializationException("cannot read JSON null as " + type.type().getTypeName()
                    + " (a cache never stores null)");
        }
        return type.cast(value);
    }

    private static String describe(Exception e) {
        if (e instanceof JsonProcessingException json) {
            return json.getOriginalMessage();
        }
        return String.valueOf(e.getMessage());
    }

    @Override
    public String toString() {
        return "JacksonSerializer";
    }
}

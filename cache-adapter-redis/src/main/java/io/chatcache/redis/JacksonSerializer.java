package io.chatcache.redis;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.chatcache.core.CacheInputs;
import io.chatcache.core.SerializationException;
import io.chatcache.core.Serializer;
import io.chatcache.core.ValueType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Serializer} writing plain UTF-8 JSON with Jackson, readable by any other client:
 * records, collections, maps, {@code java.time} values (as ISO-8601 text) and {@code Optional} values
 * and fields (the {@code jdk8} module) are supported, and no class names are ever written (no default
 * typing, no Java serialization). The generic type of a {@link ValueType} drives the read, so
 * {@code ValueType.listOf(ChatMessage.class)} rebuilds a list of records.
 *
 * <h2>What reads as what</h2>
 * Unknown properties are ignored and missing ones read as {@code null}, so that adding a record
 * component never breaks a reader of older data, or an older reader of newer data. But a JSON object
 * that names <em>none</em> of the components of the record it is read as ({@code {"foo":"bar"}},
 * {@code {}}, another record's value) is refused with {@link SerializationException} (a miss in a
 * store) instead of becoming a record of nulls; a component marked
 * {@code @JsonProperty(required = true)} must be present. This holds for records at any depth and also
 * with {@link #withObjectMapper} and {@link Builder#addModule}.
 *
 * <p>A read that fails says why without quoting the data (cached values do not belong in messages or
 * logs): the kind of error, the token kind and the position, such as {@code JsonEOFException at
 * END_OBJECT token (line 1, column 27, byte 26)}.
 *
 * <h2>Naming</h2>
 * Property names are the Java names by default ({@code userId}); {@link Builder#naming(JsonNaming)
 * naming(SNAKE_CASE)} writes and reads {@code user_id} and writes instants as Python does, the JSON of the
 * reference service (see {@link JsonNaming}). Instants are read from ISO-8601 and from Python's
 * {@code datetime.isoformat()} text (naive ones as UTC) in either naming.
 *
 * <p>Add modules for your own types with {@link #builder()}: {@code
 * JacksonSerializer.builder().addModule(new MyModule()).build()}. Instances are immutable and
 * thread-safe.
 */
public final class JacksonSerializer implements Serializer {

    private static final JacksonSerializer DEFAULT = builder().build();

    private final ObjectMapper mapper;
    private final String naming;

    private JacksonSerializer(ObjectMapper mapper, String naming) {
        this.mapper = mapper;
        this.naming = naming;
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
        return new JacksonSerializer(mapper.copy().registerModule(new RecordShapeModule()), "custom mapper");
    }

    /** The default serializer with {@code naming}. */
    static JacksonSerializer forNaming(JsonNaming naming) {
        return naming == JsonNaming.CAMEL_CASE ? DEFAULT : builder().naming(naming).build();
    }

    /** A builder starting from {@link #defaultObjectMapper()}, to add Jackson modules of your own. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A new mapper configured as this serializer's default: java.time support with ISO-8601 text for
     * dates and durations (an {@link java.time.Instant} also reads from Python's {@code isoformat()}
     * text, with an offset or naive, which is taken as UTC), {@code Optional} support, unknown properties ignored on read, a JSON object
     * naming none of a record's components refused, trailing garbage refused, beans without properties
     * refused on write. Start from it to add modules of your own.
     */
    public static ObjectMapper defaultObjectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .addModule(new RecordShapeModule())
                .addModule(PythonInstants.readingModule())
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
                    + " as JSON: " + (e instanceof JsonProcessingException json ? json.getOriginalMessage()
                            : String.valueOf(e.getMessage())), e);
        }
    }

    /**
     * Reads UTF-8 JSON as {@code type}.
     *
     * @throws io.chatcache.core.InvalidInputException if an argument is null
     * @throws SerializationException if the bytes are not JSON, hold {@code null}, or do not fit
     *     {@code type} (a record read from an object naming none of its components included); the
     *     message gives the kind of error, the token kind and the position, never the data
     */
    @Override
    public <T> T deserialize(byte[] bytes, ValueType<T> type) {
        CacheInputs.requireNonNull(bytes, "bytes");
        CacheInputs.requireNonNull(type, "type");
        JavaType javaType = mapper.getTypeFactory().constructType(type.type());
        Object value;
        JsonParser parser = null;
        try {
            parser = mapper.createParser(bytes);
            value = mapper.readValue(parser, javaType);
        } catch (IOException | RuntimeException e) {
            // The token is read before the parser is closed, which forgets it.
            throw new SerializationException("cannot read " + bytes.length + " bytes as "
                    + type.type().getTypeName() + ": " + describeRead(e, parser == null ? null : parser.currentToken()), e);
        } finally {
            closeQuietly(parser);
        }
        if (value == null) {
            throw new SerializationException("cannot read JSON null as " + type.type().getTypeName()
                    + " (a cache never stores null)");
        }
        return type.cast(value);
    }

    /**
     * What went wrong in a read, without a word of the data: Jackson's messages quote the offending text
     * and numbers, so only the exception's kind, the target type of a mismatch, the kind of the token
     * the parser stood on and the position are kept.
     */
    static String describeRead(Exception e, JsonToken token) {
        if (!(e instanceof JsonProcessingException json)) {
            return e.getClass().getSimpleName();
        }
        StringBuilder description = new StringBuilder(json.getClass().getSimpleName());
        if (json instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            description.append(" for ").append(mismatch.getTargetType().getTypeName());
        }
        if (token != null) {
            description.append(" at ").append(token.name()).append(" token");
        }
        JsonLocation at = json.getLocation();
        if (at != null && at != JsonLocation.NA) {
            description.append(" (line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr());
            if (at.getByteOffset() >= 0) {
                description.append(", byte ").append(at.getByteOffset());
            }
            description.append(')');
        }
        return description.toString();
    }

    private static void closeQuietly(JsonParser parser) {
        if (parser == null) {
            return;
        }
        try {
            parser.close();
        } catch (IOException ignored) {
            // Reading a byte array: nothing to release.
        }
    }

    @Override
    public String toString() {
        return "JacksonSerializer[" + naming + "]";
    }

    /**
     * Builds a {@link JacksonSerializer} from {@link #defaultObjectMapper()} plus modules of yours (for
     * your domain types). Not thread-safe.
     */
    public static final class Builder {
        private final List<Module> modules = new ArrayList<>();
        private JsonNaming naming = JsonNaming.CAMEL_CASE;

        private Builder() {
        }

        /** How record and bean properties are named (default {@link JsonNaming#CAMEL_CASE}). */
        public Builder naming(JsonNaming naming) {
            this.naming = CacheInputs.requireNonNull(naming, "naming");
            return this;
        }

        /** Registers {@code module} on top of the defaults (a later module wins over an earlier one). */
        public Builder addModule(Module module) {
            modules.add(CacheInputs.requireNonNull(module, "module"));
            return this;
        }

        /** The serializer. */
        public JacksonSerializer build() {
            ObjectMapper mapper = defaultObjectMapper();
            if (naming == JsonNaming.SNAKE_CASE) {
                mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
                mapper.registerModule(PythonInstants.writingModule());
            }
            modules.forEach(mapper::registerModule);
            return new JacksonSerializer(mapper, naming.name());
        }
    }
}

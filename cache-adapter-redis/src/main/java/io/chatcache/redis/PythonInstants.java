package io.chatcache.redis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;

/**
 * {@link Instant}s as Python writes datetimes. Reading accepts, besides ISO-8601 instants ({@code ...Z})
 * and epoch numbers, what {@code datetime.isoformat()} (and {@code str(datetime)}, with a space for the
 * {@code T}) gives: an offset ({@code 2024-01-15T10:30:00+02:00}) or none, a naive datetime, which is
 * taken as UTC (the reference stores {@code datetime.utcnow()} values), with 0 to 9 fraction digits.
 * Writing (only in {@link JsonNaming#SNAKE_CASE}) gives {@code isoformat()} of an aware UTC datetime,
 * truncated to microseconds.
 */
final class PythonInstants {

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    /** A datetime longer than this is not one Python wrote; refused before parsing. */
    private static final int MAX_LENGTH = 64;

    private PythonInstants() {
    }

    /** Lenient reading, for every naming. */
    static SimpleModule readingModule() {
        return new SimpleModule("chatcache-python-instants-read").addDeserializer(Instant.class, new Reader());
    }

    /** Python's writing, for {@link JsonNaming#SNAKE_CASE}. */
    static SimpleModule writingModule() {
        return new SimpleModule("chatcache-python-instants-write").addSerializer(Instant.class, new Writer());
    }

    /** {@code datetime.isoformat()} of {@code instant} as an aware UTC datetime. */
    static String isoformat(Instant instant) {
        OffsetDateTime utc = instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
        int micros = utc.getNano() / 1000;
        String seconds = SECONDS.format(utc);
        return micros == 0 ? seconds + "+00:00" : seconds + "." + String.format("%06d", micros) + "+00:00";
    }

    /** Parses a Python or ISO datetime; a naive one is UTC. */
    static Instant parse(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new DateTimeException("a datetime of " + text.length() + " characters, more than " + MAX_LENGTH);
        }
        String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11)
                : text;
        TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(iso, OffsetDateTime::from,
                LocalDateTime::from);
        return parsed instanceof OffsetDateTime offset ? offset.toInstant()
                : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
    }

    private static final class Reader extends StdScalarDeserializer<Instant> {
        private static final long serialVersionUID = 1L;

        Reader() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return InstantDeserializer.INSTANT.deserialize(parser, context);
            }
            String text = parser.getText().trim();
            try {
                return parse(text);
            } catch (DateTimeException e) {
                return (Instant) context.handleWeirdStringValue(Instant.class, text,
                        "not an ISO-8601 or Python isoformat() datetime");
            }
        }
    }

    private static final class Writer extends StdScalarSerializer<Instant> {
        private static final long serialVersionUID = 1L;

        Writer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(isoformat(value));
        }
    }
}

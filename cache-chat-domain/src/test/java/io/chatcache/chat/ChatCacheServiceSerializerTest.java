package io.chatcache.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.chatcache.core.CacheConfigurationException;
import io.chatcache.core.SerializationException;
import io.chatcache.memory.MemoryCacheStore;
import io.chatcache.redis.JacksonSerializer;
import io.chatcache.testkit.redis.RedisServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Jackson modules of one's own through the service's serializer option, and Optional by default, on Redis. */
class ChatCacheServiceSerializerTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    /** A type Jackson cannot write by itself: no properties. */
    static final class Celsius {
        final double degrees;

        Celsius(double degrees) {
            this.degrees = degrees;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Celsius that && that.degrees == degrees;
        }

        @Override
        public int hashCode() {
            return Objects.hash(degrees);
        }
    }

    public record Reading(String sensor, Celsius temperature) {
    }

    public record Profile(String id, Optional<String> nickname) {
    }

    private static final SimpleModule CELSIUS = new SimpleModule()
            .addSerializer(Celsius.class, new JsonSerializer<>() {
                @Override
                public void serialize(Celsius value, JsonGenerator gen, SerializerProvider serializers)
                        throws IOException {
                    gen.writeNumber(value.degrees);
                }
            })
            .addDeserializer(Celsius.class, new JsonDeserializer<>() {
                @Override
                public Celsius deserialize(JsonParser parser, DeserializationContext ctxt) throws IOException {
                    return new Celsius(parser.getDoubleValue());
                }
            });

    private static Map<String, String> environment(String backend, String namespace) {
        return RedisEnvironment.of(REDIS.single(), backend, namespace);
    }

    private static String freshNamespace() {
        return "ser" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aSerializerWithAModuleOfYourOwnIsUsedByTheRedisStoreTheServiceOpens() {
        String namespace = freshNamespace();
        Reading reading = new Reading("s1", new Celsius(21.5));
        try (ChatCacheService cache = ChatCacheService.builderFromEnvironment(environment("redis", namespace))
                .serializer(JacksonSerializer.builder().addModule(CELSIUS).build())
                .build()) {
            cache.set("reading", reading);

            assertThat(cache.get("reading", Reading.class)).contains(reading);
            assertThat(REDIS.single().cli("GET", namespace + ":reading"))
                    .isEqualTo("{\"sensor\":\"s1\",\"temperature\":21.5}");
        }
        try (ChatCacheService plain = ChatCacheService.fromEnvironment(environment("redis", namespace))) {
            assertThatThrownBy(() -> plain.set("other", reading)).isInstanceOf(SerializationException.class);
        }
    }

    @Test
    void hybridUsesItForItsRedisStoreToo() {
        String namespace = freshNamespace();
        Reading reading = new Reading("s2", new Celsius(-3.0));
        try (ChatCacheService writer = ChatCacheService.builderFromEnvironment(environment("hybrid", namespace))
                .serializer(JacksonSerializer.builder().addModule(CELSIUS).build()).build();
                ChatCacheService reader = ChatCacheService.builderFromEnvironment(environment("hybrid", namespace))
                        .serializer(JacksonSerializer.builder().addModule(CELSIUS).build()).build()) {
            writer.set("reading", reading);

            assertThat(reader.get("reading", Reading.class)).contains(reading);
        }
    }

    @Test
    void optionalFieldsWorkByDefault() {
        Profile profile = new Profile("p1", Optional.of("ada"));
        try (ChatCacheService cache = ChatCacheService.fromEnvironment(environment("redis", freshNamespace()))) {
            cache.set("profile", profile);
            cache.set("anonymous", new Profile("p2", Optional.empty()));

            assertThat(cache.get("profile", Profile.class)).contains(profile);
            assertThat(cache.get("anonymous", Profile.class)).contains(new Profile("p2", Optional.empty()));
        }
    }

    @Test
    void onMemoryTheSerializerIsTheValueChecks() {
        Reading reading = new Reading("s3", new Celsius(4.0));
        try (ChatCacheService withModule = ChatCacheService.builder()
                .serializer(JacksonSerializer.builder().addModule(CELSIUS).build()).build();
                ChatCacheService plain = ChatCacheService.builder().build()) {
            withModule.set("reading", reading);
            assertThat(withModule.get("reading", Reading.class)).containsSame(reading);

            assertThatThrownBy(() -> plain.set("reading", reading)).isInstanceOf(SerializationException.class)
                    .hasMessageContaining(Reading.class.getName());
            assertThat(plain.get("reading", Reading.class)).isEmpty();
        }
    }

    @Test
    void aSerializerBesideAHandedInL2StoreIsAConfigurationError() {
        assertThatThrownBy(() -> ChatCacheService.builder().backend(CacheBackend.REDIS)
                .l2Store(MemoryCacheStore.builder().build())
                .serializer(JacksonSerializer.create()).build())
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("a handed-in l2Store has its own");
        assertThatThrownBy(() -> ChatCacheService.builder().serializer(JacksonSerializer.create())
                .serializer(JacksonSerializer.create()))
                .isInstanceOf(IllegalStateException.class);
    }
}

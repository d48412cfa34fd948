package io.chatcache.example.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chatcache.testkit.redis.RedisServer;
import io.chatcache.testkit.redis.RedisServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Two instances of the example application, each on a random port, in HYBRID mode against one real
 * {@code redis-server} started by the harness, driven over real HTTP.
 */
class ChatExampleApplicationTest {

    @RegisterExtension
    static final RedisServers REDIS = RedisServers.create();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static RedisServer redis;
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    @BeforeAll
    static void start() {
        redis = REDIS.startSingle();
        a = instance();
        b = instance();
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static ConfigurableApplicationContext instance() {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--chatcache.backend=hybrid",
                "--chatcache.redis.host=" + redis.host(), "--chatcache.redis.port=" + redis.port()));
        if (redis.password() != null) {
            args.add("--chatcache.redis.password=" + redis.password());
        }
        return new SpringApplicationBuilder(ChatExampleApplication.class).run(args.toArray(String[]::new));
    }

    private static String base(ConfigurableApplicationContext instance) {
        return "http://127.0.0.1:" + instance.getBean(Environment.class).getProperty("local.server.port");
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext instance, String path)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base(instance) + path)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode getJson(ConfigurableApplicationContext instance, String path) throws Exception {
        HttpResponse<String> response = get(instance, path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode post(ConfigurableApplicationContext instance, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base(instance) + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private static int reads(ConfigurableApplicationContext instance) {
        return instance.getBean(ChatRepository.class).reads();
    }

    private static double metric(ConfigurableApplicationContext instance, String query) throws Exception {
        JsonNode metric = getJson(instance, "/actuator/metrics/cache.gets?" + query);
        return metric.get("measurements").get(0).get("value").asDouble();
    }

    @Test
    void cachesAcrossInstancesEvictsEverywhereReportsMetricsAndDegradesWithoutRedis() throws Exception {
        // A session created on A; read twice on A: the second read is served from the cache.
        String id = post(a, "/sessions", "{\"userId\":\"u1\",\"title\":\"Hello\"}").get("id").asText();
        int aReads = reads(a);
        assertThat(getJson(a, "/sessions/" + id).get("title").asText()).isEqualTo("Hello");
        assertThat(getJson(a, "/sessions/" + id).get("title").asText()).isEqualTo("Hello");
        assertThat(reads(a)).isEqualTo(aReads);              // @CachePut at creation: no read at all

        // B reads the session from Redis (no database read), and a message page it then keeps in its L1.
        int bReads = reads(b);
        assertThat(getJson(b, "/sessions/" + id).get("userId").asText()).isEqualTo("u1");
        assertThat(reads(b)).isEqualTo(bReads);
        assertThat(getJson(b, "/sessions/" + id + "/messages").get("messages")).isEmpty();
        assertThat(getJson(b, "/sessions/" + id + "/messages").get("messages")).isEmpty();
        assertThat(reads(b)).isEqualTo(bReads + 1);           // the second GET came from the cache

        // A new message through A evicts the page on B too: B's next GET reads the database and shows it.
        post(a, "/sessions/" + id + "/messages", "{\"role\":\"user\",\"content\":\"hi\"}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(getJson(b, "/sessions/" + id + "/messages").get("messages")).hasSize(1));
        assertThat(reads(b)).isGreaterThan(bReads + 1);

        // The chat manager's keys work through the same service.
        assertThat(getJson(a, "/users/u1/sessions")).hasSize(1);

        // Micrometer's cache meters, per Spring cache name.
        assertThat(metric(a, "tag=cache:sessions&tag=result:hit")).isGreaterThanOrEqualTo(2);
        assertThat(metric(b, "tag=cache:messages&tag=result:miss")).isGreaterThanOrEqualTo(2);
        assertThat(metric(b, "tag=cache:messages&tag=result:hit")).isGreaterThanOrEqualTo(1);

        // Health: Redis available, then degraded (still UP, serving from L1) once the server is gone.
        JsonNode health = getJson(a, "/actuator/health");
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/chatcache/details/redis").asText()).isEqualTo("available");
        redis.kill();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode now = getJson(a, "/actuator/health");
            assertThat(now.at("/components/chatcache/details/degraded").asBoolean()).isTrue();
            assertThat(now.get("status").asText()).isEqualTo("UP");
        });
        assertThat(getJson(a, "/sessions/" + id).get("title").asText()).isEqualTo("Hello");   // from L1
    }
}

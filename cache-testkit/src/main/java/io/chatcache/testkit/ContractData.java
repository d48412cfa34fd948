package io.chatcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatcache.core.CacheInputs;
import io.chatcache.core.CacheStore;
import io.chatcache.core.RemovalCause;
import io.chatcache.core.RemovalListener;
import io.chatcache.core.ValueType;
import io.chatcache.testkit.CacheStoreContract.Conversation;
import io.chatcache.testkit.CacheStoreContract.Sample;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What the groups of the contract share: fixed keys and TTLs, the arguments of parameterised tests
 * (named in {@code @MethodSource} by their full name), and a listener that records removals.
 */
final class ContractData {

    /** A key the input-validation tests write before each refused call, and check afterwards. */
    static final String EXISTING = "existing";
    /** The value stored under {@link #EXISTING} before a refused call. */
    static final String ORIGINAL = "original";
    /** A key that refused calls try to write, and that must stay absent. */
    static final String OTHER = "other";
    /** The TTL of entries that must not expire during a test. */
    static final Duration LONG_TTL = Duration.ofMinutes(10);
    /** How long the suite waits for listeners, which may be told on another thread. */
    static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(5);

    private ContractData() {
    }

    /** One removal a listener heard. */
    record Removal(String key, RemovalCause cause) {
    }

    /** A listener that records what it hears. */
    static final class RecordingListener implements RemovalListener {
        private final List<Removal> heard = new CopyOnWriteArrayList<>();

        @Override
        public void onRemoval(String key, RemovalCause cause) {
            heard.add(new Removal(key, cause));
        }

        /** Listeners may be told on another thread, so the expected removals are awaited. */
        void awaitExactly(Removal... expected) {
            Awaitility.await("removal listener to hear " + Arrays.toString(expected))
                    .atMost(LISTENER_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .untilAsserted(() -> assertThat(heard).containsExactlyInAnyOrder(expected));
        }

        void assertNothingHeard() {
            assertThat(heard).isEmpty();
        }
    }

    /** The keys the pattern-deletion tests store, each under its own text as value. */
    static final List<String> PATTERN_KEYS = List.of(
            "user:1", "user:2", "user:10", "user:a", "users",
            "session:1:messages", "session:2:messages",
            "hallo", "hello", "hillo", "hxllo", "hllo", "heeeello",
            "a*b", "a?b", "a[b", "a]b", "a\\b", "a-b", "a^b", "aXb", "ab");

    static Stream<Arguments> globs() {
        return Stream.of(
                glob("user:*", "user:1", "user:2", "user:10", "user:a"),
                glob("user:?", "user:1", "user:2", "user:a"),
                glob("user:[0-9]", "user:1", "user:2"),
                glob("user:[0-9]*", "user:1", "user:2", "user:10"),
                glob("session:*:messages", "session:1:messages", "session:2:messages"),
                glob("h?llo", "hallo", "hello", "hillo", "hxllo"),
                glob("h*llo", "hallo", "hello", "hillo", "hxllo", "hllo", "heeeello"),
                glob("h[ae]llo", "hallo", "hello"),
                glob("h[^e]llo", "hallo", "hillo", "hxllo"),
                glob("h[a-h]llo", "hallo", "hello"),
                glob("h[h-a]llo", "hallo", "hello"),
                glob("a\\*b", "a*b"),
                glob("a\\?b", "a?b"),
                glob("a\\[b", "a[b"),
                glob("a\\]b", "a]b"),
                glob("a\\\\b", "a\\b"),
                glob("a[\\]]b", "a]b"),
                glob("a[*?]b", "a*b", "a?b"),
                glob("a?b", "a*b", "a?b", "a[b", "a]b", "a\\b", "a-b", "a^b", "aXb"),
                glob("*", PATTERN_KEYS.toArray(String[]::new)),
                glob("nothing*"),
                glob("user"));
    }

    private static Arguments glob(String glob, String... deleted) {
        return Arguments.of(glob, Set.of(deleted));
    }

    static Stream<Arguments> values() {
        Instant at = Instant.parse("2026-01-02T03:04:05.123456789Z");
        Map<String, List<Long>> nested = new LinkedHashMap<>();
        nested.put("first", List.of(1L, 2L, Long.MAX_VALUE));
        nested.put("empty", List.of());
        return Stream.of(
                value("a string", "hello", ValueType.of(String.class)),
                value("an empty string", "", ValueType.of(String.class)),
                value("a string of many scripts and escapes",
                        "h\u00e9llo \u4e16\u754c \ud83d\udc4b \"quoted\" \\ tab\t newline\n nul\u0000", ValueType.of(String.class)),
                value("a long string", "x".repeat(100_000), ValueType.of(String.class)),
                value("an int", 42, ValueType.of(Integer.class)),
                value("a negative int", -7, ValueType.of(int.class)),
                value("a long", Long.MAX_VALUE, ValueType.of(Long.class)),
                value("a double", 3.25, ValueType.of(Double.class)),
                value("a big decimal", new BigDecimal("12345678901234567890.123456789"), ValueType.of(BigDecimal.class)),
                value("a boolean", Boolean.TRUE, ValueType.of(Boolean.class)),
                value("a record", new Sample("s1", 3, at), ValueType.of(Sample.class)),
                value("a record with a null component", new Sample("s2", 0, null), ValueType.of(Sample.class)),
                value("a list of strings", List.of("a", "b", "c"), ValueType.listOf(String.class)),
                value("an empty list", List.of(), ValueType.listOf(String.class)),
                value("a list of records", List.of(new Sample("a", 1, at), new Sample("b", 2, null)),
                        ValueType.listOf(Sample.class)),
                value("a list of lists", List.of(List.of(1, 2), List.of()), ValueType.listOf(ValueType.listOf(Integer.class))),
                value("a map of longs", Map.of("one", 1L, "two", 2L), ValueType.mapOf(String.class, Long.class)),
                value("a map of records", Map.of("a", new Sample("a", 1, at)), ValueType.mapOf(String.class, Sample.class)),
                value("a map of lists", nested, new ValueType<Map<String, List<Long>>>() { }),
                value("a record of collections of records",
                        new Conversation("c1", List.of(new Sample("a", 1, at)), Map.of("views", 10L)),
                        ValueType.of(Conversation.class)));
    }

    private static Arguments value(String name, Object value, ValueType<?> type) {
        return Arguments.of(Named.of(name, value), type);
    }

    static Stream<Arguments> invalidCalls() {
        String tooLong = "k".repeat(CacheInputs.MAX_KEY_LENGTH + 1);
        ValueType<String> text = ValueType.of(String.class);
        Map<String, String> nullKey = new HashMap<>();
        nullKey.put(OTHER, "replacement");
        nullKey.put(null, "replacement");
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put(EXISTING, "replacement");
        nullValue.put(OTHER, null);
        Map<String, String> emptyKey = new LinkedHashMap<>();
        emptyKey.put(EXISTING, "replacement");
        emptyKey.put(OTHER, "replacement");
        emptyKey.put("", "replacement");
        Map<String, String> longKey = new LinkedHashMap<>();
        longKey.put(OTHER, "replacement");
        longKey.put(tooLong, "replacement");
        Map<String, String> valid = Map.of(EXISTING, "replacement", OTHER, "replacement");
        return Stream.of(
                invalid("get(null, type)", "key", s -> s.get(null, text)),
                invalid("get(\"\", type)", "key", s -> s.get("", text)),
                invalid("get(too long key, type)", "key", s -> s.get(tooLong, text)),
                invalid("get(key, null ValueType)", "type", s -> s.get(EXISTING, (ValueType<String>) null)),
                invalid("get(key, null Class)", "type", s -> s.get(EXISTING, (Class<String>) null)),
                invalid("getEntry(null, type)", "key", s -> s.getEntry(null, text)),
                invalid("getEntry(too long key, type)", "key", s -> s.getEntry(tooLong, text)),
                invalid("getEntry(key, null)", "type", s -> s.getEntry(EXISTING, null)),
                invalid("put(null, value)", "key", s -> s.put(null, "replacement")),
                invalid("put(\"\", value)", "key", s -> s.put("", "replacement")),
                invalid("put(too long key, value)", "key", s -> s.put(tooLong, "replacement")),
                invalid("put(key, null)", "value", s -> s.put(EXISTING, null)),
                invalid("put(null, value, ttl)", "key", s -> s.put(null, "replacement", LONG_TTL)),
                invalid("put(\"\", value, ttl)", "key", s -> s.put("", "replacement", LONG_TTL)),
                invalid("put(too long key, value, ttl)", "key", s -> s.put(tooLong, "replacement", LONG_TTL)),
                invalid("put(key, null, ttl)", "value", s -> s.put(EXISTING, null, LONG_TTL)),
                invalid("put(key, value, null)", "ttl", s -> s.put(EXISTING, "replacement", null)),
                invalid("put(key, value, zero)", "ttl", s -> s.put(EXISTING, "replacement", Duration.ZERO)),
                invalid("put(key, value, negative)", "ttl", s -> s.put(EXISTING, "replacement", Duration.ofSeconds(-1))),
                invalid("put(new key, value, negative)", "ttl", s -> s.put(OTHER, "replacement", Duration.ofNanos(-1))),
                invalid("delete(null)", "key", s -> s.delete(null)),
                invalid("delete(\"\")", "key", s -> s.delete("")),
                invalid("delete(too long key)", "key", s -> s.delete(tooLong)),
                invalid("deleteMatching(null)", "pattern", s -> s.deleteMatching(null)),
                invalid("getAll(null, type)", "keys", s -> s.getAll(null, text)),
                invalid("getAll(keys with null, type)", "key", s -> s.getAll(Arrays.asList(EXISTING, null), text)),
                invalid("getAll(keys with \"\", type)", "key", s -> s.getAll(List.of(EXISTING, ""), text)),
                invalid("getAll(keys, null)", "type", s -> s.getAll(List.of(EXISTING), null)),
                invalid("putAll(null, ttl)", "entries", s -> s.putAll(null, LONG_TTL)),
                invalid("putAll(entries with null key, ttl)", "key", s -> s.putAll(nullKey, LONG_TTL)),
                invalid("putAll(entries with \"\" key, ttl)", "key", s -> s.putAll(emptyKey, LONG_TTL)),
                invalid("putAll(entries with too long key, ttl)", "key", s -> s.putAll(longKey, LONG_TTL)),
                invalid("putAll(entries with null value, ttl)", "value", s -> s.putAll(nullValue, LONG_TTL)),
                invalid("putAll(entries, null)", "ttl", s -> s.putAll(valid, null)),
                invalid("putAll(entries, zero)", "ttl", s -> s.putAll(valid, Duration.ZERO)),
                invalid("putAll(entries, negative)", "ttl", s -> s.putAll(valid, Duration.ofMillis(-5))),
                invalid("getOrLoad(null, ...)", "key",
                        s -> s.getOrLoad(null, text, ContractData::mustNotLoad, LONG_TTL)),
                invalid("getOrLoad(\"\", ...)", "key",
                        s -> s.getOrLoad("", text, ContractData::mustNotLoad, LONG_TTL)),
                invalid("getOrLoad(key, null type, ...)", "type",
                        s -> s.getOrLoad(OTHER, null, ContractData::mustNotLoad, LONG_TTL)),
                invalid("getOrLoad(key, type, null loader, ttl)", "loader",
                        s -> s.getOrLoad(OTHER, text, null, LONG_TTL)),
                invalid("getOrLoad(cached key, type, null loader, ttl)", "loader",
                        s -> s.getOrLoad(EXISTING, text, null, LONG_TTL)),
                invalid("getOrLoad(key, type, loader, null)", "ttl",
                        s -> s.getOrLoad(OTHER, text, ContractData::mustNotLoad, null)),
                invalid("getOrLoad(cached key, type, loader, zero)", "ttl",
                        s -> s.getOrLoad(EXISTING, text, ContractData::mustNotLoad, Duration.ZERO)),
                invalid("addRemovalListener(null)", "listener", s -> s.addRemovalListener(null)));
    }

    private static Arguments invalid(String call, String argument, Consumer<CacheStore> action) {
        return Arguments.of(Named.of(call, action), argument);
    }

    static String mustNotLoad() {
        throw new AssertionError("the loader must not run when an argument is refused");
    }


    /** The one bad entry (or TTL) of a refused putAll. */
    enum BadEntry {
        NULL_KEY("key"),
        EMPTY_KEY("key"),
        TOO_LONG_KEY("key"),
        NULL_VALUE("value"),
        VALUE_TOO_LARGE("value"),
        NULL_TTL("ttl"),
        ZERO_TTL("ttl"),
        NEGATIVE_TTL("ttl");

        /** The key of the bad value (and of the valid value put where the bad one is a TTL). */
        static final String HEAVY_KEY = "bad-entry";

        final String argument;

        BadEntry(String argument) {
            this.argument = argument;
        }

        void addTo(Map<String, Object> entries, Optional<Object> tooLarge) {
            switch (this) {
                case NULL_KEY -> entries.put(null, "replacement");
                case EMPTY_KEY -> entries.put("", "replacement");
                case TOO_LONG_KEY -> entries.put("k".repeat(CacheInputs.MAX_KEY_LENGTH + 1), "replacement");
                case NULL_VALUE -> entries.put(HEAVY_KEY, null);
                case VALUE_TOO_LARGE -> entries.put(HEAVY_KEY, tooLarge.orElseThrow());
                default -> entries.put(HEAVY_KEY, "replacement");
            }
        }

        Duration ttl() {
            return switch (this) {
                case NULL_TTL -> null;
                case ZERO_TTL -> Duration.ZERO;
                case NEGATIVE_TTL -> Duration.ofSeconds(-1);
                default -> LONG_TTL;
            };
        }
    }

    /** Where the bad entry sits among the valid ones, in the map's iteration order. */
    enum Placement {
        FIRST, MIDDLE, LAST
    }

    static Stream<Arguments> badBulkWrites() {
        return Stream.of(BadEntry.values())
                .flatMap(bad -> Stream.of(Placement.values()).map(placement -> Arguments.of(bad, placement)));
    }

    static Stream<Arguments> badBulkReads() {
        String tooLong = "k".repeat(CacheInputs.MAX_KEY_LENGTH + 1);
        return Stream.of(
                Arguments.of(Named.of("getAll with a null key last", Arrays.asList(EXISTING, OTHER, null)), "key"),
                Arguments.of(Named.of("getAll with an empty key last", List.of(EXISTING, OTHER, "")), "key"),
                Arguments.of(Named.of("getAll with a too long key last", List.of(EXISTING, OTHER, tooLong)), "key"),
                Arguments.of(Named.of("getAll with a null key first", Arrays.asList(null, EXISTING)), "key"));
    }

    /** The same bad key lists as {@link #badBulkReads()}, named for {@code getEntries}. */
    static Stream<Arguments> badEntriesReads() {
        return badBulkReads().map(arguments -> {
            Object[] given = arguments.get();
            Named<?> keys = (Named<?>) given[0];
            return Arguments.of(Named.of(keys.getName().replace("getAll", "getEntries"), keys.getPayload()),
                    given[1]);
        });
    }
}

package io.chatcache.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatcache.core.InvalidInputException;
import io.chatcache.core.ValueType;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatCacheManagerTest {

    private static final Instant T0 = Instant.parse("2024-01-01T10:00:00Z");
    private static final ChatSession SESSION = new ChatSession("sess_123", "user_456", "My Chat", T0, T0);
    private static final List<ChatMessage> MESSAGES = List.of(
            new ChatMessage("msg1", "sess_123", "user", "Hello", T0),
            new ChatMessage("msg2", "sess_123", "assistant", "Hi there!", T0.plusSeconds(1)));

    private final RecordingStore store = new RecordingStore();
    private final ChatCacheService cache = ChatCacheService.builder().memoryStore(store).build();
    private final ChatCacheManager chat = new ChatCacheManager(cache);

    @AfterEach
    void close() {
        cache.close();
        store.close();
    }

    // ---- keys

    @Test
    void keysAreHierarchicalWithTheOwningIdAsAHashTag() {
        assertThat(ChatCacheManager.sessionKey("abc123")).isEqualTo("session:{abc123}");
        assertThat(ChatCacheManager.sessionMessagesKey("abc123", 50)).isEqualTo("session:{abc123}:messages:50");
        assertThat(ChatCacheManager.userSessionsKey("user_456", 20)).isEqualTo("user:{user_456}:sessions:20");
    }

    @Test
    void idsWithBracesOrEmptyIdsAreRefused() {
        assertThatThrownBy(() -> ChatCacheManager.sessionKey("a{b")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("sessionId").hasMessageContaining("hash tag");
        assertThatThrownBy(() -> ChatCacheManager.userSessionsKey("", 20)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("userId");
        assertThatThrownBy(() -> ChatCacheManager.sessionMessagesKey("s", 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("limit");
    }

    @Test
    void searchKeyIsAFixedSha256OfTheQueryAndTheCanonicalFilters() {
        // Python: sha256(json.dumps(filters, sort_keys=True, separators=(',', ':'), ensure_ascii=False))
        assertThat(ChatCacheManager.searchKey("machine learning",
                Map.of("date_from", "2024-01-01", "user_id", "user_456")))
                .isEqualTo("search:dcaa8e5ecb8d70ad4ededfab010e9ac8894d61070d561e97e84cd68d6f1ff0c9"
                        + ":fbef4aa319fc4702c9ba4d65cf3632619c01ba4b3c631de27919bd97592b7d3b");
    }

    @Test
    void searchKeyOfRicherFiltersIsFixedToo() {
        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("tags", List.of("b", "a"));
        filters.put("limit", 10);
        filters.put("score", 0.5);
        filters.put("exact", true);
        filters.put("none", null);
        filters.put("name", "Zoë \"q\"\n");

        assertThat(ChatCacheManager.searchKey("machine learning", filters)).endsWith(
                ":b52bd1012802cdc8e0b0451993410a799e0c9ea2ad13b4ba04e4d0f798017ee4");
    }

    @Test
    void searchKeyIsTheSameForFiltersGivenInAnyOrder() {
        Map<String, Object> forward = new LinkedHashMap<>();
        forward.put("date_from", "2024-01-01");
        forward.put("user_id", "user_456");
        Map<String, Object> backward = new TreeMap<>(Collections.reverseOrder());
        backward.putAll(forward);

        assertThat(ChatCacheManager.searchKey("q", forward)).isEqualTo(ChatCacheManager.searchKey("q", backward));
    }

    @Test
    void searchKeyDiffersForDifferentQueriesOrFilters() {
        String key = ChatCacheManager.searchKey("q", Map.of("a", 1));

        assertThat(ChatCacheManager.searchKey("Q", Map.of("a", 1))).isNotEqualTo(key);
        assertThat(ChatCacheManager.searchKey("q", Map.of("a", 2))).isNotEqualTo(key);
        assertThat(ChatCacheManager.searchKey("q", null)).isEqualTo(ChatCacheManager.searchKey("q", Map.of()));
    }

    @Test
    void aFilterWithoutAStableEncodingIsRefusedNamingIt() {
        assertThatThrownBy(() -> chat.setSearchResults("q", Map.of("since", new Object()), List.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("filters.since");
    }

    // ---- sessions, messages, user sessions, search results

    @Test
    void sessionIsCachedUnderItsKeyForThirtyMinutes() {
        chat.setSession("sess_123", SESSION);

        assertThat(chat.getSession("sess_123")).contains(SESSION);
        assertThat(store.ttlOf("session:{sess_123}")).isEqualTo(Duration.ofSeconds(1800));
    }

    @Test
    void sessionTtlCanBeOverriddenPerCall() {
        chat.setSession("sess_123", SESSION, Duration.ofSeconds(60));

        assertThat(store.ttlOf("session:{sess_123}")).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void sessionsOfYourOwnTypeAreCachedThroughTheServiceUnderTheManagersKey() {
        cache.set(ChatCacheManager.sessionKey("sess_123"), Map.of("id", "sess_123", "title", "My Chat"));

        assertThat(cache.get("session:{sess_123}", Map.class)).contains(Map.of("id", "sess_123", "title", "My Chat"));
        assertThat(chat.getSession("sess_123")).isEmpty();
        assertThat(chat.invalidateSession("sess_123")).isEqualTo(1);
    }

    @Test
    void messagesAreCachedPerLimitForTenMinutes() {
        chat.setSessionMessages("sess_123", MESSAGES, 50);

        assertThat(chat.getSessionMessages("sess_123", 50)).contains(MESSAGES);
        assertThat(chat.getSessionMessages("sess_123")).contains(MESSAGES);
        assertThat(chat.getSessionMessages("sess_123", 20)).isEmpty();
        assertThat(store.ttlOf("session:{sess_123}:messages:50")).isEqualTo(Duration.ofSeconds(600));
    }

    @Test
    void messagesTtlCanBeOverriddenPerCall() {
        chat.setSessionMessages("sess_123", MESSAGES, 10, Duration.ofSeconds(5));

        assertThat(store.ttlOf("session:{sess_123}:messages:10")).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aMessageListLongerThanItsLimitIsRefused() {
        assertThatThrownBy(() -> chat.setSessionMessages("sess_123", MESSAGES, 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at most limit (1)");
        assertThat(store.keysWritten()).isEmpty();
    }

    @Test
    void cachedListsAreCopiesThatCallersCannotChange() {
        List<ChatMessage> mutable = new java.util.ArrayList<>(MESSAGES);
        chat.setSessionMessages("sess_123", mutable);
        mutable.clear();

        List<ChatMessage> cached = chat.getSessionMessages("sess_123").orElseThrow();
        assertThat(cached).isEqualTo(MESSAGES);
        assertThatThrownBy(cached::clear).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void messagesOfYourOwnTypeReadAsAbsentWhenAskedForAsChatMessages() {
        cache.set(ChatCacheManager.sessionMessagesKey("sess_123", 50), List.of(Map.of("id", "msg1")));

        assertThat(chat.getSessionMessages("sess_123")).isEmpty();
        assertThat(cache.typed(ValueType.listOf(Map.class)).get("session:{sess_123}:messages:50"))
                .contains(List.of(Map.of("id", "msg1")));
    }

    @Test
    void userSessionsAreCachedPerLimitForTwoHours() {
        chat.setUserSessions("user_456", List.of(SESSION), 20);

        assertThat(chat.getUserSessions("user_456", 20)).contains(List.of(SESSION));
        assertThat(chat.getUserSessions("user_456")).contains(List.of(SESSION));
        assertThat(chat.getUserSessions("user_456", 5)).isEmpty();
        assertThat(store.ttlOf("user:{user_456}:sessions:20")).isEqualTo(Duration.ofSeconds(7200));
    }

    @Test
    void userSessionsTtlCanBeOverriddenPerCall() {
        chat.setUserSessions("user_456", List.of(SESSION), 5, Duration.ofSeconds(30));

        assertThat(store.ttlOf("user:{user_456}:sessions:5")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void searchResultsAreFoundWithFiltersInAnotherOrderAndLiveFiveMinutes() {
        List<SearchResult> results = List.of(new SearchResult("msg1", "ML intro", 0.95));
        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("date_from", "2024-01-01");
        filters.put("user_id", "user_456");
        chat.setSearchResults("machine learning", filters, results);

        assertThat(chat.getSearchResults("machine learning", Map.of("user_id", "user_456", "date_from", "2024-01-01")))
                .contains(results);
        assertThat(store.ttlOf(ChatCacheManager.searchKey("machine learning", filters)))
                .isEqualTo(ChatCacheManager.SEARCH_RESULTS_TTL).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void searchResultsTtlCanBeOverriddenPerCall() {
        chat.setSearchResults("q", Map.of(), List.of(), Duration.ofSeconds(9));

        assertThat(store.ttlOf(ChatCacheManager.searchKey("q", Map.of()))).isEqualTo(Duration.ofSeconds(9));
    }

    // ---- invalidation

    @Test
    void invalidateSessionDropsTheSessionAndAllItsMessageListsOnly() {
        chat.setSession("s1", SESSION);
        chat.setSessionMessages("s1", MESSAGES, 50);
        chat.setSessionMessages("s1", MESSAGES, 20);
        chat.setSession("s10", SESSION);
        chat.setSessionMessages("s10", MESSAGES, 50);
        chat.setUserSessions("s1", List.of(SESSION));

        assertThat(chat.invalidateSession("s1")).isEqualTo(3);

        assertThat(chat.getSession("s1")).isEmpty();
        assertThat(chat.getSessionMessages("s1", 50)).isEmpty();
        assertThat(chat.getSessionMessages("s1", 20)).isEmpty();
        assertThat(chat.getSession("s10")).contains(SESSION);
        assertThat(chat.getSessionMessages("s10", 50)).contains(MESSAGES);
        assertThat(chat.getUserSessions("s1")).contains(List.of(SESSION));
    }

    @Test
    void invalidateSessionTreatsGlobCharactersInTheIdLiterally() {
        chat.setSessionMessages("a*", MESSAGES);
        chat.setSessionMessages("ab", MESSAGES);
        chat.setSessionMessages("a?[x]", MESSAGES);

        assertThat(chat.invalidateSession("a*")).isEqualTo(1);

        assertThat(chat.getSessionMessages("a*")).isEmpty();
        assertThat(chat.getSessionMessages("ab")).contains(MESSAGES);
        assertThat(chat.getSessionMessages("a?[x]")).contains(MESSAGES);
    }

    @Test
    void onNewMessageDropsTheSessionItsMessageListsAndTheUsersSessionLists() {
        chat.setSession("sess_123", SESSION);
        chat.setSessionMessages("sess_123", MESSAGES, 50);
        chat.setUserSessions("user_456", List.of(SESSION), 20);
        chat.setUserSessions("user_456", List.of(SESSION), 5);
        chat.setUserSessions("user_789", List.of(SESSION), 20);
        chat.setSearchResults("q", Map.of(), List.of(new SearchResult("msg1", "Hello", 1.0)));

        assertThat(chat.onNewMessage("sess_123", "user_456")).isEqualTo(4);

        assertThat(chat.getSession("sess_123")).isEmpty();
        assertThat(chat.getSessionMessages("sess_123", 50)).isEmpty();
        assertThat(chat.getUserSessions("user_456", 20)).isEmpty();
        assertThat(chat.getUserSessions("user_456", 5)).isEmpty();
        assertThat(chat.getUserSessions("user_789", 20)).isPresent();
        assertThat(chat.getSearchResults("q", Map.of())).isPresent();
    }

    @Test
    void invalidateSearchResultsDropsEverySearch() {
        chat.setSearchResults("a", Map.of(), List.of());
        chat.setSearchResults("b", Map.of("x", 1), List.of());
        chat.setSession("sess_123", SESSION);

        assertThat(chat.invalidateSearchResults()).isEqualTo(2);
        assertThat(chat.getSession("sess_123")).isPresent();
    }
}

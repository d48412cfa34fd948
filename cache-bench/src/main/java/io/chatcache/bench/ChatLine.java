package io.chatcache.bench;

/**
 * The value the Redis benchmarks store: one chat message, about 200 bytes of JSON, the typical payload of a chat
 * back end's cache.
 *
 * @param id the message id
 * @param sessionId the session it belongs to
 * @param role who wrote it ({@code user} or {@code assistant})
 * @param content the text
 * @param sentAtMillis when it was sent, in epoch milliseconds
 */
public record ChatLine(String id, String sessionId, String role, String content, long sentAtMillis) {

    /** A message whose fields depend on {@code n}, so that values differ but have the same size. */
    static ChatLine sample(int n) {
        return new ChatLine(String.format("msg-%08d", n), "session-" + (n % 1000), n % 2 == 0 ? "user" : "assistant",
                "Could you summarise the last three messages of this conversation for me, please? #"
                        + String.format("%08d", n),
                1_767_225_600_000L + n);
    }
}

package io.chatcache.chat;

/**
 * One hit of a message search as the chat manager caches it. A plain record of simple types, so JSON
 * serializers read and write it without annotations.
 *
 * @param id the id of the message (or session) found
 * @param content the text found, or a snippet of it
 * @param score the relevance score; higher is better
 */
public record SearchResult(String id, String content, double score) {
}

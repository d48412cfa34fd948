package io.chatcache.testkit.redis;

import java.util.HashMap;
import java.util.Map;

/**
 * One client connection as {@code CLIENT LIST} reports it, for fault tests that drop a single connection with
 * {@link RedisServer#killClient(long)}, such as only the pub/sub connection of one application instance.
 *
 * @param id the connection id ({@code id=}), unique for the server's lifetime
 * @param name the name the client gave itself with {@code CLIENT SETNAME}; empty if none
 * @param address the client's side of the connection, {@code host:port} ({@code addr=})
 * @param channelSubscriptions how many channels it subscribes to ({@code sub=})
 * @param patternSubscriptions how many patterns it subscribes to ({@code psub=})
 * @param lastCommand the last command it ran, such as {@code "subscribe"} ({@code cmd=})
 */
public record RedisClientConnection(long id, String name, String address, int channelSubscriptions,
        int patternSubscriptions, String lastCommand) {

    /** Whether the connection is in pub/sub mode: it subscribes to at least one channel or pattern. */
    public boolean isPubSub() {
        return channelSubscriptions > 0 || patternSubscriptions > 0;
    }

    /**
     * Parses one line of {@code CLIENT LIST}: space-separated {@code field=value} pairs.
     *
     * @throws RedisHarnessException if the line lacks an {@code id} field
     */
    static RedisClientConnection parse(String line) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : line.strip().split(" ")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                fields.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        String id = fields.get("id");
        if (id == null) {
            throw new RedisHarnessException("not a CLIENT LIST line (no id field): " + line.strip());
        }
        return new RedisClientConnection(Long.parseLong(id), fields.getOrDefault("name", ""),
                fields.getOrDefault("addr", ""), count(fields.get("sub")), count(fields.get("psub")),
                fields.getOrDefault("cmd", ""));
    }

    private static int count(String value) {
        return value == null || value.isEmpty() ? 0 : Integer.parseInt(value);
    }
}

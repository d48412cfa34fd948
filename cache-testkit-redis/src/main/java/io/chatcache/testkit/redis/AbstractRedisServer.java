package io.chatcache.testkit.redis;

import io.chatcache.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The ACL and redis-cli behaviour every kind of server shares. */
abstract class AbstractRedisServer implements RedisServer {

    @Override
    public String address() {
        return (tls() ? "rediss://" : "redis://") + host() + ":" + port();
    }

    @Override
    public void addAclUser(String user, String password, String... rules) {
        if (user == null || user.isBlank() || user.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidInputException("user", "must be a non-blank name without whitespace");
        }
        if (password == null || password.isEmpty()) {
            throw new InvalidInputException("password", "must not be null or empty");
        }
        if (rules == null || Arrays.asList(rules).contains(null)) {
            throw new InvalidInputException("rules", "must not be null or contain null");
        }
        List<String> command = new ArrayList<>(List.of("ACL", "SETUSER", user, "reset", "on", ">" + password));
        command.addAll(Arrays.asList(rules));
        String reply = cli(command.toArray(String[]::new));
        if (!reply.equals("OK")) {
            throw new RedisHarnessException("ACL SETUSER " + user + " was refused: " + reply);
        }
    }

    @Override
    public List<RedisClientConnection> clients() {
        List<RedisClientConnection> clients = new ArrayList<>();
        for (String line : cli("CLIENT", "LIST").split("\n")) {
            if (!line.isBlank()) {
                RedisClientConnection client = RedisClientConnection.parse(line);
                if (!"client|list".equals(client.lastCommand()) && !"client".equals(client.lastCommand())) {
                    clients.add(client);
                }
            }
        }
        return clients;
    }

    @Override
    public boolean killClient(long id) {
        String reply = cli("CLIENT", "KILL", "ID", Long.toString(id));
        if (!reply.matches("\\(integer\\) \\d+|\\d+")) {
            throw new RedisHarnessException("CLIENT KILL ID " + id + " was refused: " + reply);
        }
        return !reply.endsWith(" 0") && !reply.equals("0");
    }

    /** Stops what the harness started for this server; does nothing for a server it did not start. */
    void stop() {
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + address() + ", password=" + (password() == null ? "none" : "****")
                + "]";
    }
}

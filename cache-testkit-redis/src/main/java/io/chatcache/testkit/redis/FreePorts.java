package io.chatcache.testkit.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ThreadLocalRandom;

/** Picks loopback ports nobody listens on. */
final class FreePorts {
    /** Below Linux's default ephemeral range (32768+), so outgoing connections rarely take them. */
    private static final int LOW = 10_000;
    private static final int HIGH = 22_000;
    /** Redis cluster nodes also listen on port + 10000 (the cluster bus). */
    static final int BUS_OFFSET = 10_000;
    private static final int SHARED_REDIS_PORT = 6379;

    private FreePorts() {
    }

    /**
     * A port free on 127.0.0.1 right now; with {@code withBusPort}, port + 10000 is free too. Another
     * process may still take it before the server binds: callers retry on "Address already in use".
     *
     * @throws RedisHarnessException if no free port turns up after many tries
     */
    static int pick(boolean withBusPort) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (port == SHARED_REDIS_PORT || port + BUS_OFFSET == SHARED_REDIS_PORT + BUS_OFFSET) {
                continue;
            }
            if (canBind(port) && (!withBusPort || canBind(port + BUS_OFFSET))) {
                return port;
            }
        }
        throw new RedisHarnessException("no free port on 127.0.0.1 between " + LOW + " and " + HIGH);
    }

    static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether something accepts TCP connections on host:port (within 500 ms). */
    static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

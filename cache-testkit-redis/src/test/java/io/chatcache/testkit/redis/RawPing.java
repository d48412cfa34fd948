package io.chatcache.testkit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Sends an inline {@code PING} over plain TCP and reads the first reply line: what a naive client sees. */
final class RawPing {
    private RawPing() {
    }

    /**
     * The first reply line (such as {@code "+PONG"}), or {@code ""} if the server closed the connection.
     *
     * @throws java.net.SocketTimeoutException if nothing arrives within {@code timeout}
     */
    static String send(String host, int port, Duration timeout) throws IOException {
        return send(host, port, timeout, "PING");
    }

    /** Sends one inline command line and returns the first reply line. */
    static String send(String host, int port, Duration timeout, String inlineCommand) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write((inlineCommand + "\r\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }
}

package io.chatcache.testkit.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * The smallest RESP2 client the harness needs to see whether a server answers and to read
 * {@code CLUSTER INFO}, without redis-cli start-up cost in polling loops. Not thread-safe.
 */
final class Resp implements Closeable {

    /** An error reply such as {@code "NOAUTH Authentication required."}. */
    record Error(String message) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Resp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects with {@code timeoutMillis} as connect and read timeout.
     *
     * @param tls the factory for TLS, or {@code null} for plain TCP
     */
    static Resp connect(String host, int port, SSLSocketFactory tls, int timeoutMillis) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
            Socket socket = tls == null ? plain : tls.createSocket(plain, host, port, true);
            return new Resp(socket);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /**
     * Whether the server answers PING within {@code timeoutMillis}: {@code +PONG} or any error other than
     * {@code LOADING} (an authentication error proves it is up).
     */
    static boolean answers(String host, int port, SSLSocketFactory tls, int timeoutMillis) {
        try (Resp resp = connect(host, port, tls, timeoutMillis)) {
            Object reply = resp.call("PING");
            return !(reply instanceof Error error) || !error.message().startsWith("LOADING");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The {@code process_id} the server at host:port reports, after authenticating with {@code password}
     * if not {@code null}; {@code null} if it does not answer within {@code timeoutMillis} or is loading.
     */
    static Long serverPid(String host, int port, SSLSocketFactory tls, String password, int timeoutMillis) {
        try (Resp resp = connect(host, port, tls, timeoutMillis)) {
            if (password != null && resp.call("AUTH", password) instanceof Error) {
                return null;
            }
            if (resp.call("INFO", "server") instanceof String info) {
                for (String line : info.split("\r\n")) {
                    if (line.startsWith("process_id:")) {
                        return Long.parseLong(line.substring("process_id:".length()).trim());
                    }
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Sends a command and reads its reply: a {@code String} (simple or bulk), a {@code Long}, a
     * {@code List<Object>}, an {@link Error}, or {@code null}.
     */
    Object call(String... args) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        buffer.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            buffer.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            buffer.writeBytes(bytes);
            buffer.writeBytes(new byte[] {'\r', '\n'});
        }
        out.write(buffer.toByteArray());
        out.flush();
        return read();
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed by the server");
        }
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Error(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                if (bytes.length < length + 2) {
                    throw new EOFException("connection closed inside a bulk string");
                }
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read());
                }
                return items;
            }
            default:
                throw new IOException("not a RESP reply: type byte " + type);
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside a reply line");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

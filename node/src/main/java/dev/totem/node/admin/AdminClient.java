package dev.totem.node.admin;

import dev.totem.node.runtime.NodeStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Asks a running node over its admin socket ({@link AdminServer}). */
public final class AdminClient {
    /** Where {@code ./totem status} looks when no {@code --socket} is given. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/totem/admin.sock");
    /** How long a request may take before it is given up. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** The longest answer read; a status is a few KiB. */
    static final int ANSWER_BYTES_MAX = 1 << 20;

    private AdminClient() {}

    /**
     * The node's status.
     *
     * @throws NoSuchFileException when there is no socket at {@code socket} (no node runs there)
     * @throws IOException when the node does not answer, answers too slowly, or answers an error
     */
    public static NodeStatus status(Path socket) throws IOException {
        String answer = request(socket, "status", DEFAULT_TIMEOUT);
        if (answer.startsWith("error")) {
            throw new IOException("the node answered: " + answer.strip());
        }
        try {
            return StatusFormat.parse(answer);
        } catch (IllegalArgumentException e) {
            throw new IOException("the node's answer is not a status: " + e.getMessage(), e);
        }
    }

    /**
     * Sends one request line and reads the answer to the end.
     *
     * @throws NoSuchFileException when there is no socket at {@code socket}
     * @throws IOException on any other failure, or after {@code timeout}
     */
    public static String request(Path socket, String line, Duration timeout) throws IOException {
        if (!Files.exists(socket)) {
            throw new NoSuchFileException(socket.toString(), null, "no admin socket (is the node running?)");
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            // A blocking channel has no read timeout: close it from outside when time is up.
            CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> closeQuietly(ch));
            ByteBuffer request = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (request.hasRemaining()) {
                ch.write(request);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (ch.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
                if (answer.size() > ANSWER_BYTES_MAX) {
                    throw new IOException("the answer on " + socket + " is longer than " + ANSWER_BYTES_MAX + " bytes");
                }
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (AsynchronousCloseException e) {
            throw new IOException("no answer on " + socket + " within " + timeout.toMillis() + " ms", e);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing only to unblock a read
        }
    }
}

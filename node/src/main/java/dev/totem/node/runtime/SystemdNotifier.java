package dev.totem.node.runtime;

import dev.totem.protocol.api.Effect;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Tells systemd how the node is doing, as {@code sd_notify(3)} does, for a unit of {@code
 * Type=notify} (node/systemd/totem.service): {@code READY=1} once the sockets are bound, a {@code
 * STATUS=} line at each regular configuration (shown by {@code systemctl status}), {@code
 * STOPPING=1} when it leaves. One datagram per call to the Unix socket named by {@code
 * NOTIFY_SOCKET} (a leading {@code @} is the abstract namespace). Without that variable, or
 * without netty's native transport, there is nothing to notify: {@link #fromEnvironment} is empty.
 * A failed send is reported to the caller once and the notifier goes quiet: systemd's
 * bookkeeping must never stop a node.
 */
public final class SystemdNotifier implements AutoCloseable {
    /** The variable systemd sets for a {@code Type=notify} service. */
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    /** Bytes of one notification at most; a STATUS line is cut to fit. */
    static final int MESSAGE_BYTES_MAX = 4096;

    private final byte[] address;
    private final Socket socket;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(MESSAGE_BYTES_MAX);
    private boolean failed;
    private boolean statusSent;

    private SystemdNotifier(byte[] address, Socket socket) {
        this.address = address;
        this.socket = socket;
    }

    /**
     * The notifier for this process when {@code env} names a socket; empty when it does not.
     *
     * @throws IOException when the variable is set but no notification can be sent from here
     *     (no native transport, or no datagram socket)
     */
    public static Optional<SystemdNotifier> fromEnvironment(Map<String, String> env) throws IOException {
        String path = env.get(NOTIFY_SOCKET);
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        if (!Epoll.isAvailable()) {
            throw new IOException(NOTIFY_SOCKET + " is set but netty's native transport is not available here ("
                    + Epoll.unavailabilityCause() + "): systemd will not hear that the node is ready");
        }
        byte[] address = path.getBytes(StandardCharsets.UTF_8);
        if (address[0] == '@') {
            address[0] = 0; // the abstract namespace, as sd_notify spells it
        }
        return Optional.of(new SystemdNotifier(address, Socket.newSocketDomainDgram()));
    }

    /** {@code READY=1}, with {@code status} unless a status line went out already (a ring formed first). */
    public synchronized Optional<String> ready(String status) {
        return send(statusSent ? "READY=1" : "READY=1\nSTATUS=" + status);
    }

    /** A {@code STATUS=} line. */
    public synchronized Optional<String> status(String status) {
        statusSent = true;
        return send("STATUS=" + status);
    }

    /** {@code STOPPING=1}: the node is leaving. */
    public synchronized Optional<String> stopping() {
        return send("STOPPING=1\nSTATUS=leaving the ring");
    }

    /**
     * A listener that reports each regular configuration, and each token loss, as a status line;
     * a failure to send goes to {@code onFailure}, once.
     */
    public NodeListener statusListener(Consumer<String> onFailure) {
        return new NodeListener() {
            @Override
            public void onDeliver(Effect.Deliver deliver) {
                // Messages are no concern of systemd.
            }

            @Override
            public void onConfigurationChange(Effect.ConfigurationChange change) {
                if (change.kind() == Effect.ConfigurationKind.REGULAR) {
                    status(describe(change)).ifPresent(onFailure);
                }
            }

            @Override
            public void onTokenLost(Effect.TokenLost tokenLost) {
                status("token lost; forming a new ring").ifPresent(onFailure);
            }
        };
    }

    /** The status line of a regular configuration: its ring and members. */
    static String describe(Effect.ConfigurationChange change) {
        int n = change.members().length;
        return "operational in ring " + change.ring() + " with " + n + " member" + (n == 1 ? "" : "s") + " "
                + Arrays.toString(change.members());
    }

    /**
     * Sends one notification.
     *
     * @return empty when sent (or after an earlier failure); the reason of the first failure
     */
    private Optional<String> send(String message) {
        if (failed) {
            return Optional.empty();
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, MESSAGE_BYTES_MAX);
        buffer.clear();
        buffer.put(bytes, 0, length);
        try {
            socket.sendToDomainSocket(buffer, 0, length, address);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            failed = true;
            return Optional.of("cannot notify systemd at " + new String(address, StandardCharsets.UTF_8).replace('\0', '@')
                    + ": " + e.getMessage() + "; no more notifications");
        }
    }

    @Override
    public synchronized void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing to tell: the process is ending.
        }
    }
}

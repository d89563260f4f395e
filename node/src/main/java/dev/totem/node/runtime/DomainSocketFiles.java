package dev.totem.node.runtime;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/** The file of a Unix domain socket a node serves (admin, CPG): stale files and permissions. */
public final class DomainSocketFiles {
    private DomainSocketFiles() {}

    /**
     * Prepares {@code path} for a bind: creates its directory, and removes a socket file left by
     * a node that died. A live socket (something answers on it) or a file that is not a socket
     * is an error naming {@code what}.
     */
    public static void prepare(Path path, String what) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            throw new IOException("the " + what + " path " + path + " exists and is not a socket");
        }
        boolean live;
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            live = probe.isConnected();
        } catch (ConnectException e) {
            live = false;
        }
        if (live) {
            throw new IOException("another process serves the " + what + " " + path);
        }
        Files.deleteIfExists(path); // nobody listens: left by a node that died
    }

    /** Sets the socket file's mode ({@code "rw-------"}, {@code "rw-rw----"}). */
    public static void restrict(Path path, String mode, String what) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException("cannot set mode " + mode + " on the " + what + " " + path, e);
        }
    }
}

package dev.totem.node.runtime;

import dev.totem.protocol.api.RingSeqStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The highest ring seq of one node, in the file {@code ringid_<nodeid>} of the state directory,
 * as corosync keeps it: 8 bytes, big-endian.
 *
 * <p>A store writes a temporary file, forces it to disk, renames it over the old one and forces
 * the directory, so a crash leaves either the old or the new value, never a torn one. The
 * engine calls {@link #store} on its event loop thread at each commit; the fsync is the price of
 * never reusing a ring id after a restart, as in corosync.
 */
public final class FileRingSeqStore implements RingSeqStore {
    private static final int SEQ_BYTES = Long.BYTES;

    private final Path file;
    private final Path temp;

    /**
     * @param stateDirectory created if missing
     * @param nodeId the node whose file this is
     * @throws UncheckedIOException when the directory cannot be created
     */
    public FileRingSeqStore(Path stateDirectory, int nodeId) {
        try {
            Files.createDirectories(stateDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state directory " + stateDirectory, e);
        }
        this.file = stateDirectory.resolve("ringid_" + nodeId);
        this.temp = stateDirectory.resolve("ringid_" + nodeId + ".tmp");
    }

    /** The file the seq is kept in. */
    public Path file() {
        return file;
    }

    /**
     * @return the stored seq, 0 when the file does not exist yet
     * @throws UncheckedIOException when the file cannot be read or is not 8 bytes long: guessing
     *     a value could reuse a ring id, so the node must not start
     */
    @Override
    public long load() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ring seq file " + file, e);
        }
        if (bytes.length != SEQ_BYTES) {
            throw new UncheckedIOException(new IOException("the ring seq file " + file + " holds " + bytes.length
                    + " bytes instead of " + SEQ_BYTES + "; remove it only if no ring of this node can be alive"));
        }
        return ByteBuffer.wrap(bytes).getLong();
    }

    @Override
    public void store(long ringSeq) {
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.allocate(SEQ_BYTES).putLong(ringSeq).flip();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // The rename itself is durable only once the directory is.
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ring seq file " + file, e);
        }
    }
}

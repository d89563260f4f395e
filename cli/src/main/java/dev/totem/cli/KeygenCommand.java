package dev.totem.cli;

import dev.totem.crypto.KeyFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem keygen [-o FILE] [-l BYTES] [--force]}: writes a random cluster key, as
 * {@code corosync-keygen} does: {@value KeyFile#DEFAULT_BYTES} bytes by default, from a
 * {@link SecureRandom}, into a file that only its owner may read (mode 0400).
 *
 * <p>The file is created with mode 0400 in the same system call that creates it, so the key is
 * never readable by others, not even for a moment. Without {@code --force} an existing file is
 * left alone; with it, the key is written to a new file beside the old one and moved over it, so
 * the path always holds a whole key. A missing directory is created (mode 0755, as
 * {@code /etc/corosync}), so that the path the node's error names for a missing key, {@code
 * /etc/totem/authkey}, can be written on a fresh machine.
 */
@Command(
        name = "keygen",
        mixinStandardHelpOptions = true,
        description = "Write a random cluster key (mode 0400) for crypto.",
        footer = {"%nCopy the file to every node of the cluster, keeping its mode 0400 and its owner.",
            "Keys written by corosync-keygen (128 to 4096 bytes) are accepted too."})
public final class KeygenCommand implements Callable<Integer> {
    private static final Set<PosixFilePermission> OWNER_READ_ONLY = PosixFilePermissions.fromString("r--------");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    @Spec
    private CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "authkey",
            description = "Where to write the key (default: ./${DEFAULT-VALUE}).")
    private Path output;

    @Option(names = {"-l", "--length"}, paramLabel = "BYTES", defaultValue = "" + KeyFile.DEFAULT_BYTES,
            description = "Key length in bytes, " + KeyFile.MIN_BYTES + " to " + KeyFile.MAX_BYTES
                    + " (default ${DEFAULT-VALUE}).")
    private int length;

    @Option(names = "--force", description = "Replace FILE if it exists.")
    private boolean force;

    private final Path workingDirectory;
    private final SecureRandom random;

    /** Writes relative paths under the current directory, with a fresh {@link SecureRandom}. */
    public KeygenCommand() {
        this(Path.of("").toAbsolutePath(), new SecureRandom());
    }

    /**
     * @param workingDirectory what relative paths, and the default {@code authkey}, resolve against
     * @param random the source of key bytes
     */
    KeygenCommand(Path workingDirectory, SecureRandom random) {
        this.workingDirectory = workingDirectory;
        this.random = random;
    }

    @Override
    public Integer call() {
        if (length < KeyFile.MIN_BYTES || length > KeyFile.MAX_BYTES) {
            throw new ParameterException(spec.commandLine(), "--length " + length + " is out of range: a key has "
                    + KeyFile.MIN_BYTES + " to " + KeyFile.MAX_BYTES + " bytes (default " + KeyFile.DEFAULT_BYTES + ")");
        }
        Path target = workingDirectory.resolve(output).normalize();
        Path createdDirectory = createParent(target);
        byte[] key = new byte[length];
        random.nextBytes(key);
        boolean replaced;
        try {
            replaced = force ? writeReplacing(target, key) : writeNew(target, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        if (createdDirectory != null) {
            spec.commandLine().getOut().println("created directory " + createdDirectory + " (mode 0755)");
        }
        spec.commandLine().getOut().println("wrote a " + length + "-byte key to " + target + " (mode 0400"
                + (replaced ? ", replacing the old key" : "") + "); copy it to every node of the cluster");
        return ExitCode.OK;
    }

    /** Creates the directory {@code target} goes in when it is missing; returns it then, else null. */
    private static Path createParent(Path target) {
        Path parent = target.getParent();
        if (parent == null || Files.isDirectory(parent)) {
            return null;
        }
        try {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
            return parent;
        } catch (FileAlreadyExistsException e) {
            throw new UserError("cannot write " + target + ": " + e.getFile() + " is not a directory", e);
        } catch (AccessDeniedException e) {
            throw new UserError("cannot write " + target + ": cannot create directory " + parent + ": permission denied", e);
        } catch (IOException | UnsupportedOperationException e) {
            throw new UserError("cannot write " + target + ": cannot create directory " + parent + ": " + e.getMessage(), e);
        }
    }

    /** Creates {@code target}, which must not exist. */
    private boolean writeNew(Path target, byte[] key) {
        try {
            create(target, key);
            return false;
        } catch (FileAlreadyExistsException e) {
            throw new UserError(target + " already exists; not overwriting it (use --force to replace it)", e);
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
    }

    /** Writes a new file beside {@code target} and moves it over, so the path never holds half a key. */
    private boolean writeReplacing(Path target, byte[] key) {
        if (Files.isDirectory(target)) {
            throw new UserError(target + " is a directory; give the path of the key file");
        }
        boolean existed = Files.exists(target);
        Path temp = target.resolveSibling("." + target.getFileName() + ".new-" + Long.toHexString(random.nextLong()));
        try {
            create(temp, key);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return existed;
        } catch (IOException e) {
            throw cannotWrite(target, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // Best effort: the message about the real failure matters more.
            }
        }
    }

    /**
     * Creates {@code path} with mode 0400 (the umask can only remove bits) and writes the key
     * through the descriptor that created it: reopening a 0400 file for writing would fail.
     */
    private static void create(Path path, byte[] key) throws IOException {
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_READ_ONLY);
        boolean complete = false;
        try (FileChannel channel = FileChannel.open(path,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode)) {
            try {
                ByteBuffer buffer = ByteBuffer.wrap(key);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
                complete = true;
            } finally {
                if (!complete) {
                    Files.deleteIfExists(path);
                }
            }
        } catch (UnsupportedOperationException e) {
            throw new UserError("cannot write " + path + " with mode 0400: its file system has no POSIX"
                    + " permissions; write the key on a POSIX file system (ext4, xfs, ...)", e);
        }
    }

    private static UserError cannotWrite(Path target, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new UserError("cannot write " + target + ": directory " + target.getParent()
                    + " does not exist", e);
        }
        if (e instanceof AccessDeniedException) {
            return new UserError("cannot write " + target + ": permission denied", e);
        }
        return new UserError("cannot write " + target + ": " + e.getMessage(), e);
    }
}

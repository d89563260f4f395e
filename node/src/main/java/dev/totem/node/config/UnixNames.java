package dev.totem.node.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * User and group names to ids, as {@code getpwnam}/{@code getgrnam} would answer from the files
 * ({@code /etc/passwd}, {@code /etc/group}): corosync's {@code uidgid} sections name users and
 * groups, and the JDK's NIO peer credentials give names. A name made of digits is the id itself.
 */
public final class UnixNames {
    private final Path passwd;
    private final Path group;

    /** Names from the given files (tests). */
    public UnixNames(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    /** Names from /etc/passwd and /etc/group. */
    public static UnixNames system() {
        return new UnixNames(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    /** The uid of user {@code name}, or empty when there is none. */
    public OptionalInt uid(String name) {
        return lookup(passwd, name);
    }

    /** The gid of group {@code name}, or empty when there is none. */
    public OptionalInt gid(String name) {
        return lookup(group, name);
    }

    private static OptionalInt lookup(Path file, String name) {
        if (name.matches("[0-9]{1,10}")) {
            long id = Long.parseLong(name);
            return id <= Integer.MAX_VALUE ? OptionalInt.of((int) id) : OptionalInt.empty();
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 3 && fields[0].equals(name) && fields[2].matches("[0-9]{1,10}")) {
                    return OptionalInt.of((int) Long.parseLong(fields[2]));
                }
            }
        } catch (IOException e) {
            // No such file: the name is unknown.
        }
        return OptionalInt.empty();
    }
}

package dev.totem.cli;

import java.util.ArrayList;
import java.util.List;

/** The command that runs one of our hidden subcommands in a new JVM, with this JVM's java and class path. */
final class ChildJvm {
    private ChildJvm() {}

    /** {@code java [jvmOptions] -cp <ours> dev.totem.cli.Main <subcommand>}; the caller appends the options. */
    static List<String> command(String subcommand, String... jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), subcommand));
        return cmd;
    }
}

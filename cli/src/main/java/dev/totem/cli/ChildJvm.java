package dev.totem.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The command that runs one of our hidden subcommands in a new JVM, with this JVM's java and class
 * path. The JVM options in {@value #CHILD_OPTS_ENV} come after ours, so they win (a larger
 * {@code -Xmx}, another collector).
 */
final class ChildJvm {
    /** Environment variable with extra JVM options for every child JVM, separated by spaces. */
    static final String CHILD_OPTS_ENV = "TOTEM_CHILD_JAVA_OPTS";

    private ChildJvm() {}

    /** {@code java [jvmOptions] [$TOTEM_CHILD_JAVA_OPTS] -cp <ours> dev.totem.cli.Main <subcommand>}; the caller appends the options. */
    static List<String> command(String subcommand, String... jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of(jvmOptions));
        String extra = System.getenv(CHILD_OPTS_ENV);
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), subcommand));
        return cmd;
    }
}

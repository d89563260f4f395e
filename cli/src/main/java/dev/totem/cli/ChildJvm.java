package dev.totem.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that runs one of our hidden subcommands in a new JVM, with this JVM's java and class
 * path, and the access options the launcher gave this JVM ({@link #INHERITED}). The JVM options
 * in {@value #CHILD_OPTS_ENV} come after ours, so they win (a larger {@code -Xmx}, another
 * collector).
 */
final class ChildJvm {
    /** Environment variable with extra JVM options for every child JVM, separated by spaces. */
    static final String CHILD_OPTS_ENV = "TOTEM_CHILD_JAVA_OPTS";

    /**
     * Options a child takes over from this JVM: the ones {@code ./totem} gives a JDK that needs
     * them (netty's use of sun.misc.Unsafe and of its native transport; see the launcher).
     */
    static final List<String> INHERITED = List.of("--sun-misc-unsafe-memory-access=", "--enable-native-access=");

    private ChildJvm() {}

    /** {@code java [inherited] [jvmOptions] [$TOTEM_CHILD_JAVA_OPTS] -cp <ours> dev.totem.cli.Main <subcommand>}; the caller appends the options. */
    static List<String> command(String subcommand, String... jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(inherited(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        cmd.addAll(List.of(jvmOptions));
        String extra = System.getenv(CHILD_OPTS_ENV);
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), subcommand));
        return cmd;
    }

    /** Those of a JVM's {@code options} that a child takes over ({@link #INHERITED}), in order. */
    static List<String> inherited(List<String> options) {
        List<String> kept = new ArrayList<>();
        for (String option : options) {
            if (INHERITED.stream().anyMatch(option::startsWith)) {
                kept.add(option);
            }
        }
        return kept;
    }
}

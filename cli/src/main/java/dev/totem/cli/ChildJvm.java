package dev.totem.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The command that runs one of our hidden subcommands in a new JVM, with this JVM's java and class
 * path, the access options the launcher gave this JVM ({@link #INHERITED}) and our collector
 * ({@link #COLLECTOR}). The JVM options in {@value #CHILD_OPTS_ENV} come after ours, so they win
 * (a larger {@code -Xmx}; another collector replaces ours).
 */
final class ChildJvm {
    /** Environment variable with extra JVM options for every child JVM, separated by spaces. */
    static final String CHILD_OPTS_ENV = "TOTEM_CHILD_JAVA_OPTS";

    /**
     * Options a child takes over from this JVM: the ones {@code ./totem} gives a JDK that needs
     * them (netty's use of sun.misc.Unsafe and of its native transport; see the launcher).
     */
    static final List<String> INHERITED = List.of("--sun-misc-unsafe-memory-access=", "--enable-native-access=");

    /**
     * The collector of every child JVM unless its caller or {@value #CHILD_OPTS_ENV} picks one, and
     * of {@code ./totem}'s own JVM (the launcher passes the same options; keep them equal).
     * Nodes, bench clients and lock replicas keep what they allocate for a ring rotation or two:
     * messages in flight, requests. G1 promoted that and paused a busy lock replica for 50-150 ms
     * every half second, where the parallel collector collects in 5-6 ms. In ipc mode at 64 B,
     * nodes and clients with it carried 8-13 % more than with G1 (perf/HISTORY.md, session 19).
     * No generation sizes here: they belong with the heap size each caller picks (the bench's
     * nodes: {@link BenchHeaps}).
     */
    static final List<String> COLLECTOR = List.of("-XX:+UseParallelGC");

    /**
     * The JVM's own warnings go to stderr: our children answer their parent on stdout, where the
     * JVM writes them by default (a heap option it adjusts, for one). Options after these, such as
     * a {@code -Xlog:gc} in {@value #CHILD_OPTS_ENV}, still log where they say.
     */
    static final List<String> JVM_WARNINGS_TO_STDERR = List.of("-Xlog:disable", "-Xlog:all=warning:stderr");

    /** An option that picks a collector: two on one command line stop the JVM. */
    private static final Pattern PICKS_COLLECTOR = Pattern.compile("-XX:\\+Use\\w*GC");

    private ChildJvm() {}

    /** {@code java [inherited] [warnings to stderr] [collector] [jvmOptions] [$TOTEM_CHILD_JAVA_OPTS] -cp <ours> dev.totem.cli.Main <subcommand>}; the caller appends the options. */
    static List<String> command(String subcommand, String... jvmOptions) {
        return commandWith(System.getenv(CHILD_OPTS_ENV), subcommand, jvmOptions);
    }

    /** As {@link #command(String, String...)}, with {@code extra} in place of {@value #CHILD_OPTS_ENV}. */
    static List<String> commandWith(String extra, String subcommand, String... jvmOptions) {
        List<String> extraOptions = extra == null || extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+"));
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(inherited(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        cmd.addAll(JVM_WARNINGS_TO_STDERR);
        if (Stream.concat(Arrays.stream(jvmOptions), extraOptions.stream()).noneMatch(o -> PICKS_COLLECTOR.matcher(o).matches())) {
            cmd.addAll(COLLECTOR);
        }
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(extraOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), subcommand));
        return cmd;
    }

    /** This JVM's java executable, which every child runs ({@code java} on the path if the JVM cannot tell). */
    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
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

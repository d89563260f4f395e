package dev.totem.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code ./totem jmh ARGS}: runs JMH with ARGS, as {@code java -cp totem.jar org.openjdk.jmh.Main}
 * would. {@code ./totem jmh -h} shows JMH's options, {@code ./totem jmh -l} lists the benchmarks.
 *
 * <p>The benchmarks come from the perf module: JMH's annotation processor writes their index to
 * {@code META-INF/BenchmarkList}, which the shaded jar carries. Without that index JMH fails with
 * an exception, so this command checks first and says in one line that there are none.
 */
@Command(
        name = "jmh",
        description = "Run the perf module's JMH benchmarks (-h: JMH options, -l: list).")
public final class JmhCommand implements Callable<Integer> {

    /** The benchmark index written by JMH's annotation processor. */
    static final String BENCHMARK_LIST = "META-INF/BenchmarkList";

    /** JMH options that list benchmarks; these have nothing to list without the index. */
    private static final Set<String> LIST_OPTIONS = Set.of("-l", "-lp");

    /** JMH options that work without any benchmark. */
    private static final Set<String> NO_BENCHMARK_OPTIONS = Set.of("-h", "-lprof", "-lrf");

    private static final String NONE = "no JMH benchmarks in this build: the perf module has none yet";

    private final ClassLoader loader;

    @Spec
    private CommandSpec spec;

    // No options of our own: every argument, -h included, goes to JMH in order.
    @Unmatched
    private List<String> jmhArgs = new ArrayList<>();

    /** Looks for benchmarks on the class path this command was loaded from. */
    public JmhCommand() {
        this(JmhCommand.class.getClassLoader());
    }

    /**
     * @param loader where to look for {@value #BENCHMARK_LIST}
     */
    JmhCommand(ClassLoader loader) {
        this.loader = loader;
    }

    /** @return the arguments that go to JMH, in the order given */
    List<String> jmhArgs() {
        return List.copyOf(jmhArgs);
    }

    @Override
    public Integer call() throws Exception {
        if (loader.getResource(BENCHMARK_LIST) == null
                && jmhArgs.stream().noneMatch(NO_BENCHMARK_OPTIONS::contains)) {
            if (jmhArgs.stream().anyMatch(LIST_OPTIONS::contains)) {
                // An empty list is an answer, not an error.
                spec.commandLine().getOut().println("Benchmarks: none (" + NONE + ")");
                return ExitCode.OK;
            }
            throw new UserError(NONE);
        }
        // JMH prints to System.out and calls System.exit itself on its own errors.
        org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
        return ExitCode.OK;
    }
}

package dev.totem.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ./totem version}: the totem version and the Java runtime. Also the version provider of
 * {@code ./totem --version}, so both print the same.
 */
@Command(
        name = "version",
        mixinStandardHelpOptions = true,
        description = "Print the totem version and the Java runtime it runs on.")
public final class VersionCommand implements Callable<Integer>, IVersionProvider {

    /** Written by Maven resource filtering from the project version. */
    private static final String VERSION_RESOURCE = "/totem-version.properties";

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        for (String line : getVersion()) {
            spec.commandLine().getOut().println(line);
        }
        return ExitCode.OK;
    }

    /**
     * @return two lines: {@code totem <version>} and {@code Java <version> (<vendor> <vm>)}
     */
    @Override
    public String[] getVersion() {
        return new String[] {
            "totem " + totemVersion(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor")
                    + " " + System.getProperty("java.vm.name") + ")",
        };
    }

    /**
     * @return the project version this jar was built from, or {@code unknown} when the filtered
     *     resource is absent (e.g. classes compiled by an IDE without Maven)
     */
    static String totemVersion() {
        try (InputStream in = VersionCommand.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + VERSION_RESOURCE, e);
        }
    }
}

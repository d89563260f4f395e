package dev.totem.jepsen;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system commands a run needs ({@code ip}, {@code nft}, {@code kill}) and turns a
 * failure into an exception that names the command and quotes its error output.
 */
public final class Shell {
    /** No command of ours takes longer; one that does is stuck. */
    static final long COMMAND_TIMEOUT_SECONDS = 20;

    private Shell() {}

    /** The commands a run needs (and {@code --cleanup} some of them). */
    public static final List<String> REQUIRED = List.of("ip", "nft");

    /** The Debian packages of {@link #REQUIRED}, for the message that names what is missing. */
    public static final String PACKAGES = "iproute2 nftables";

    /**
     * Which of the commands a run needs ({@link #REQUIRED}) are not executable files in any
     * directory of {@code searchPath} (a {@code PATH} value; null: none), in their order.
     */
    public static List<String> missingCommands(String searchPath) {
        List<String> missing = new ArrayList<>(REQUIRED.size());
        for (String command : REQUIRED) {
            if (!onPath(command, searchPath)) {
                missing.add(command);
            }
        }
        return missing;
    }

    private static boolean onPath(String command, String searchPath) {
        if (searchPath == null) {
            return false;
        }
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, command);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Runs {@code command}; returns its standard output. */
    static String run(String... command) throws IOException {
        return runWithInput(null, command);
    }

    /** Runs {@code command} with {@code input} on its standard input (null: none). */
    static String runWithInput(String input, String... command) throws IOException {
        Result r = tryRun(input, command);
        if (r.exitCode() != 0) {
            throw new IOException("'" + String.join(" ", command) + "' failed (exit " + r.exitCode() + "): "
                    + r.error().strip());
        }
        return r.output();
    }

    /** The outcome of a command that may fail. */
    record Result(int exitCode, String output, String error) {}

    /** Runs {@code command} and returns its exit code and output, failing only when it cannot start. */
    static Result tryRun(String input, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(command));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run '" + command[0] + "': " + e.getMessage()
                    + " (Debian: apt-get install " + PACKAGES + ")", e);
        }
        try (var stdin = p.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        // Both streams are small; read the error stream on a helper thread so neither pipe fills.
        List<String> err = new ArrayList<>(1);
        Thread errReader = new Thread(() -> err.add(readAll(p.getErrorStream())), "shell-stderr");
        errReader.start();
        String out = readAll(p.getInputStream());
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", command) + "' did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            errReader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running '" + String.join(" ", command) + "'", e);
        }
        return new Result(p.exitValue(), out, err.isEmpty() ? "" : err.get(0));
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}

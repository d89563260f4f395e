package dev.totem.jepsen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system commands a run needs ({@code ip}, {@code nft}, {@code kill}) and turns a
 * failure into an exception that names the command and quotes its error output.
 */
final class Shell {
    /** No command of ours takes longer; one that does is stuck. */
    static final long COMMAND_TIMEOUT_SECONDS = 20;

    private Shell() {}

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
                    + " (Debian: apt-get install iproute2 nftables)", e);
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

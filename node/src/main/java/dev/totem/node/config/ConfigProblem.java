package dev.totem.node.config;

import java.util.Objects;

/**
 * One error or warning found in a configuration file, with the place it refers to.
 *
 * @param file the file as the user named it (printed as given, so messages match what was typed)
 * @param line 1-based line number; 0 when the problem concerns the whole file (e.g. a missing
 *     section), in which case the line is left out of {@link #toString()}
 * @param message what is wrong and, where it helps, what is allowed or expected instead
 */
public record ConfigProblem(String file, int line, String message) {

    /** Checks that every field is set and the line is not negative. */
    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        if (line < 0) {
            throw new IllegalArgumentException("line must be at least 0, got " + line);
        }
    }

    /** @return {@code FILE:LINE: message}, or {@code FILE: message} when the line is 0 */
    @Override
    public String toString() {
        return where() + " " + message;
    }

    /**
     * The compiler-style spelling that {@code ./totem config check} prints.
     *
     * @param severity {@code error} or {@code warning}
     * @return {@code FILE:LINE: severity: message}
     */
    public String describe(String severity) {
        return where() + " " + severity + ": " + message;
    }

    private String where() {
        return line > 0 ? file + ":" + line + ":" : file + ":";
    }
}

package dev.totem.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns failures into what the user sees: one line for mistakes the user can fix, a stack trace
 * only for bugs.
 *
 * <p>Exit codes: {@link ExitCode#USAGE} (2) for a command line picocli could not parse,
 * {@link ExitCode#SOFTWARE} (1) for a {@link UserError} or a bug.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        StringBuilder line = new StringBuilder("totem: ").append(oneLine(ex.getMessage()));
        if (ex instanceof UnmatchedArgumentException unmatched) {
            // picocli prints suggestions on lines of their own; fold them into the one line.
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append(" (did you mean: ").append(String.join(", ", suggestions)).append("?)");
            }
        }
        line.append(" (see ./").append(cmd.getCommandSpec().qualifiedName()).append(" --help)");
        print(cmd.getErr(), line.toString());
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof UserError) {
            print(err, "totem: " + oneLine(ex.getMessage()));
        } else {
            err.println("totem: internal error (a bug; please report it with this stack trace):");
            ex.printStackTrace(err);
            err.flush();
        }
        return ExitCode.SOFTWARE;
    }

    private static void print(PrintWriter err, String line) {
        err.println(line);
        err.flush();
    }

    /** Keeps the promise of one line even when a message spans several. */
    private static String oneLine(String message) {
        return message == null ? "(no message)" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}

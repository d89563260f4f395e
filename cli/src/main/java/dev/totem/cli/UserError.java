package dev.totem.cli;

/**
 * A mistake the user can fix: a missing file, a bad value, a wrong combination of options.
 *
 * <p>Commands throw it to stop with one line {@code totem: <message>} on stderr and exit code 1,
 * instead of a stack trace. Any other exception is treated as a bug and printed in full, so write
 * the message for the user: say what is wrong and, where it helps, what to do instead.
 */
public class UserError extends RuntimeException {
    /**
     * @param message one line for the user, without the {@code totem: } prefix
     */
    public UserError(String message) {
        super(message);
    }

    /**
     * @param message one line for the user, without the {@code totem: } prefix
     * @param cause what went wrong underneath, kept for debuggers (it is not printed)
     */
    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}

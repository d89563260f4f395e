package dev.totem.cli;

import dev.totem.protocol.api.Guarantee;
import java.util.Locale;

/** The one reading of a {@code --guarantee agreed|safe} option, for every command that has it. */
final class GuaranteeOption {
    private GuaranteeOption() {}

    /**
     * @param command the command's name, for the message
     * @param value what the user wrote, in any case
     * @throws UserError when {@code value} is neither agreed nor safe
     */
    static Guarantee parse(String command, String value) {
        try {
            return Guarantee.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError(command + ": --guarantee must be agreed or safe, got '" + value + "'");
        }
    }
}

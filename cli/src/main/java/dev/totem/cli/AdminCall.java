package dev.totem.cli;

import dev.totem.node.admin.AdminClient;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/** One request to a running node's admin socket whose answer is one line, for the commands that change something. */
final class AdminCall {
    private AdminCall() {}

    /**
     * Sends {@code request} and returns the node's answer line.
     *
     * @throws UserError when there is no node at {@code socket}, it does not answer, or it answers an error
     */
    static String ask(Path socket, String request, Duration timeout) {
        String answer;
        try {
            answer = AdminClient.request(socket, request, timeout).strip();
        } catch (NoSuchFileException e) {
            throw new UserError("no admin socket at " + socket + ": is the node running? (pass --socket PATH)", e);
        } catch (IOException e) {
            throw new UserError("cannot ask the node at " + socket + ": " + e.getMessage(), e);
        }
        if (answer.startsWith("error")) {
            throw new UserError(answer.substring("error".length()).strip());
        }
        return answer;
    }
}

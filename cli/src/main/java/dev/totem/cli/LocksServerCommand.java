package dev.totem.cli;

import dev.totem.locks.baseline.LockServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The server process of {@code ./totem locks bench}'s client/server mode (hidden): a
 * {@link LockServer} on loopback, in a JVM of its own with the node processes' JVM options, so
 * both modes run on equal terms. Prints {@code LISTENING <port>}, then serves until stdin closes
 * or says {@code quit}.
 */
@Command(name = "locks-server", hidden = true, description = "The server process of ./totem locks bench.")
public final class LocksServerCommand implements Callable<Integer> {
    /** The line the server prints once it accepts connections. */
    static final String LISTENING = "LISTENING ";

    @Override
    public Integer call() throws Exception {
        try (LockServer server = LockServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            System.out.println(LISTENING + server.address().getPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null && !line.strip().equals("quit"); line = in.readLine()) {
                // nothing else to do: the server's thread answers the clients
            }
        }
        return 0;
    }
}

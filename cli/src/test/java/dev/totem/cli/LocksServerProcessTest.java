package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.locks.baseline.LockClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client/server baseline's server process: says where it listens, serves, and ends with its stdin. */
class LocksServerProcessTest {
    @Test
    void theServerProcessAnswersClientsAndEndsWhenItsInputCloses() throws Exception {
        Process server = new ProcessBuilder(ChildJvm.command("locks-server", "-Xmx128m")).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).startsWith(LocksServerCommand.LISTENING);
            int port = Integer.parseInt(line.substring(LocksServerCommand.LISTENING.length()).strip());
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            try (LockClient a = new LockClient(address); LockClient b = new LockClient(address)) {
                LockClient.Grant first = a.acquire("printer");
                assertThat(b.tryAcquire("printer")).isEmpty();
                a.release("printer", first);
                LockClient.Grant second = b.acquire("printer");
                assertThat(second.fence()).isGreaterThan(first.fence());
            }
            server.getOutputStream().close();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
        } finally {
            server.destroyForcibly();
        }
    }
}

package dev.totem.locks.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LockServerTest {
    @Test
    void aWaiterIsGrantedWhenTheHolderReleasesOrDisconnects() throws Exception {
        try (LockServer server = LockServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                LockClient a = new LockClient(server.address());
                LockClient b = new LockClient(server.address());
                LockClient c = new LockClient(server.address())) {
            LockClient.Grant first = a.acquire("x");
            assertThat(b.tryAcquire("x")).isEmpty();
            CompletableFuture<LockClient.Grant> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return b.acquire("x");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(waiting).isNotDone();
            a.release("x", first);
            LockClient.Grant second = waiting.get(30, TimeUnit.SECONDS);
            CompletableFuture<LockClient.Grant> third = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.acquire("x");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(second.fence()).isGreaterThan(first.fence());
            b.close();  // the holder goes away: the next waiter gets the lock
            assertThat(third.get(30, TimeUnit.SECONDS).fence()).isGreaterThan(second.fence());
        }
    }
}

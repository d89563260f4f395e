package dev.totem.node.runtime;

import dev.totem.protocol.api.TotemConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the settings of a small cluster on this host, node {@code i} on 127.0.0.{@code i} (and,
 * with a redundant ring, on 127.{@code n}.0.{@code i} on network {@code n}), for tests and demos.
 * Everything it picks stays on loopback: unicast addresses in 127.0.0.0/8 and, for UDP, a group
 * in the organisation-local 239.192.0.0/14 with TTL 1 on {@code lo}.
 */
public final class NodeRunner {
    private NodeRunner() {}

    /**
     * One builder per node, ids 1 to {@code count}, each on its own 127.0.0.{@code id} with a
     * free unicast port and its own state directory {@code stateRoot/node-<id>}; for UDP, one
     * random group and a free port shared by all. Callers may add an admin socket or a metrics
     * port before building.
     */
    public static List<RuntimeSettings.Builder> loopbackCluster(Transport transport, int count, Path stateRoot,
            TotemConfig totemConfig) {
        return loopbackCluster(transport, count, 1, stateRoot, totemConfig);
    }

    /**
     * As {@link #loopbackCluster(Transport, int, Path, TotemConfig)}, over {@code networks}
     * networks: network {@code n} has node {@code id} on 127.{@code n}.0.{@code id} with a port of
     * its own (and, for UDP, a group of its own). The rrp mode is passive unless the caller sets it.
     */
    public static List<RuntimeSettings.Builder> loopbackCluster(Transport transport, int count, int networks,
            Path stateRoot, TotemConfig totemConfig) {
        if (count < 1 || count > 254) {
            throw new IllegalArgumentException("count must be 1 to 254, got " + count);
        }
        if (networks < 1 || networks > 8) {
            throw new IllegalArgumentException("networks must be 1 to 8, got " + networks);
        }
        List<Map<Integer, InetSocketAddress>> peers = new ArrayList<>();
        List<InetAddress> groups = new ArrayList<>();
        List<Integer> groupPorts = new ArrayList<>();
        for (int n = 0; n < networks; n++) {
            Map<Integer, InetSocketAddress> onNetwork = new TreeMap<>();
            for (int id = 1; id <= count; id++) {
                InetAddress address = loopback(id, n);
                onNetwork.put(id, new InetSocketAddress(address, freeUdpPort(address)));
            }
            peers.add(onNetwork);
            if (transport == Transport.UDP) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                groups.add(address(new byte[] {(byte) 239, (byte) 192, (byte) r.nextInt(1, 255), (byte) r.nextInt(1, 255)}));
                groupPorts.add(freeUdpPort(null));
            }
        }
        List<RuntimeSettings.Builder> builders = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            InetSocketAddress ring0 = peers.get(0).get(id);
            RuntimeSettings.Builder b = RuntimeSettings.builder(id, transport, ring0.getAddress())
                    .port(ring0.getPort())
                    .peers(peers.get(0))
                    .totemConfig(totemConfig)
                    .stateDirectory(stateRoot.resolve("node-" + id));
            if (transport == Transport.UDP) {
                b.multicast(groups.get(0), groupPorts.get(0)).ttl(1);
            }
            for (int n = 1; n < networks; n++) {
                InetSocketAddress own = peers.get(n).get(id);
                b.redundantNetwork(own.getAddress(), own.getPort(), peers.get(n));
                if (transport == Transport.UDP) {
                    b.redundantMulticast(groups.get(n), groupPorts.get(n), 1);
                }
            }
            builders.add(b);
        }
        return builders;
    }

    /** 127.0.0.{@code id}. */
    public static InetAddress loopback(int id) {
        return loopback(id, 0);
    }

    /** Node {@code id}'s address on network {@code network}: 127.{@code network}.0.{@code id}. */
    public static InetAddress loopback(int id, int network) {
        return address(new byte[] {127, (byte) network, 0, (byte) id});
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // only for a wrong length
        }
    }

    /**
     * A UDP port free at this moment on {@code address} (any address when null). Another process
     * may take it before it is bound again; good enough for tests on one host.
     */
    public static int freeUdpPort(InetAddress address) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free UDP port on " + address, e);
        }
    }

    /**
     * A UDP port free at this moment on every one of 127.0.0.1 to 127.0.0.{@code count}, for a
     * cluster whose nodes share one port on their own addresses; empty after 20 tries.
     */
    public static java.util.OptionalInt freeUdpPortOnLoopbacks(int count) {
        for (int tries = 0; tries < 20; tries++) {
            int candidate = freeUdpPort(loopback(1));
            boolean free = true;
            for (int id = 2; id <= count && free; id++) {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(loopback(id), candidate))) {
                    free = s.getLocalPort() == candidate;
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return java.util.OptionalInt.of(candidate);
            }
        }
        return java.util.OptionalInt.empty();
    }
}

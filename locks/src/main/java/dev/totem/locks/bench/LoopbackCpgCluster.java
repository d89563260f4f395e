package dev.totem.locks.bench;

import dev.totem.cpg.ClientId;
import dev.totem.cpg.CpgConfig;
import dev.totem.protocol.api.TotemConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** {@link LoopbackCpgNode}s in this JVM, one thread each, talking UDP over loopback. */
public final class LoopbackCpgCluster implements CpgCluster {
    private final List<LoopbackCpgNode> nodes = new ArrayList<>();

    /** Starts {@code count} nodes (ids 1..count) with {@code totem}; they form a ring by themselves. */
    public LoopbackCpgCluster(int count, TotemConfig totem) throws IOException {
        Map<Integer, InetSocketAddress> addresses = new TreeMap<>();
        for (int id = 1; id <= count; id++) {
            LoopbackCpgNode n = new LoopbackCpgNode(id, totem, CpgConfig.defaults());
            nodes.add(n);
            addresses.put(id, n.address());
        }
        for (LoopbackCpgNode n : nodes) {
            n.start(addresses);
        }
    }

    @Override
    public int nodes() {
        return nodes.size();
    }

    @Override
    public void execute(int node, Consumer<Opener> task) {
        nodes.get(node - 1).execute(cpg -> task.accept((pid, listener) -> cpg.open(ClientId.of(pid), listener)));
    }

    @Override
    public void ticker(int node, Runnable tick) {
        nodes.get(node - 1).ticker(cpg -> tick.run());
    }

    @Override
    public Throwable failure() {
        for (LoopbackCpgNode n : nodes) {
            if (n.failure() != null) {
                return n.failure();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        for (LoopbackCpgNode n : nodes) {
            n.close();
        }
    }

    /** Each node's counters, one line each (after {@link #close}). */
    public List<String> stats() {
        List<String> out = new ArrayList<>();
        for (LoopbackCpgNode n : nodes) {
            out.add(n.stats());
        }
        return out;
    }
}

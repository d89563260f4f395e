package dev.totem.node.runtime;

import dev.totem.node.runtime.NodeCounters.Kind;
import dev.totem.node.runtime.NodeCounters.Stat;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.util.List;

/**
 * The sockets of every network of a node, one {@link UdpNetwork} per network (ring0, ring1, ...),
 * each bound to this node's own address on it. Frames from network N reach the receiver with
 * index N; a send names the network it goes on. Event loop only, but for {@link #open}.
 */
final class Networks {
    private final UdpNetwork[] networks;

    Networks(RuntimeSettings settings, NodeLog log, UdpNetwork.Receiver receiver) {
        List<NetworkSettings> all = settings.networks();
        this.networks = new UdpNetwork[all.size()];
        for (int i = 0; i < networks.length; i++) {
            networks[i] = new UdpNetwork(settings, all.get(i), new NodeCounters(), log, receiver);
        }
    }

    /**
     * Binds every network's sockets; blocks, so never call it on the event loop. On failure the
     * caller closes.
     *
     * @throws IOException naming the address that could not be bound
     */
    void open(EventLoopGroup group, boolean epoll) throws IOException {
        for (UdpNetwork n : networks) {
            n.open(group, epoll);
        }
    }

    /** Whether a socket of any network was read to its per-event limit since the last call. */
    boolean takeReadsMayRemain() {
        boolean any = false;
        for (UdpNetwork n : networks) {
            any |= n.takeReadsMayRemain();
        }
        return any;
    }

    /** Takes every network's peers from {@code settings} (a reloaded nodelist); see {@link UdpNetwork#replacePeers}. */
    void replacePeers(RuntimeSettings settings) {
        List<NetworkSettings> all = settings.networks();
        if (all.size() != networks.length) {
            throw new IllegalArgumentException(all.size() + " networks of peers for " + networks.length + " networks");
        }
        for (int i = 0; i < networks.length; i++) {
            networks[i].replacePeers(all.get(i));
        }
    }

    /** How many networks. */
    int count() {
        return networks.length;
    }

    /** Network {@code index}'s sockets. */
    UdpNetwork get(int index) {
        return networks[index];
    }

    /**
     * Writes {@code frame[off, off + len)} on network {@code network} to {@code destination} (a node
     * id other than ours, or {@code Effect.MULTICAST}); {@link #flush} after the batch. The bytes are
     * copied before this returns: the caller may reuse the array. A network the node does
     * not have is a bug of the layer above: counted as an unknown destination.
     */
    void send(int network, int destination, byte[] frame, int off, int len) {
        if (network < 0 || network >= networks.length) {
            networks[0].counters().increment(Stat.FRAMES_DROPPED_UNKNOWN_DESTINATION);
            return;
        }
        networks[network].send(destination, frame, off, len);
    }

    /** Writes what waits and flushes it, on every network: once the answer's frames are all written. */
    void flush() {
        for (UdpNetwork n : networks) {
            n.flush();
        }
    }

    /** Flushes what is written, on every network, keeping the copies for the peers after the successor ({@link UdpNetwork#flushWritten}). */
    void flushWritten() {
        for (UdpNetwork n : networks) {
            n.flushWritten();
        }
    }

    /** Runs {@code then} on the loop once the writes made so far on every network have gone to the sockets. */
    void whenWritten(Runnable then) {
        whenWritten(0, then);
    }

    private void whenWritten(int from, Runnable then) {
        for (int i = from; i < networks.length; i++) {
            ChannelFuture last = networks[i].lastWrite();
            if (last != null && !last.isDone()) {
                int next = i + 1;
                last.addListener(f -> whenWritten(next, then));
                return;
            }
        }
        then.run();
    }

    /** Closes every network's channels; on the event loop it does not wait. */
    void close() {
        for (UdpNetwork n : networks) {
            n.close();
        }
    }

    /** Each network's counters, indexed by network then {@link Stat#ordinal()}. */
    long[][] counterValues() {
        long[][] values = new long[networks.length][];
        for (int i = 0; i < networks.length; i++) {
            values[i] = networks[i].counters().copy();
        }
        return values;
    }

    /**
     * Adds the networks' counters into the node's {@code values}: counters summed over the
     * networks, gauges (socket buffers) as network 0 has them.
     */
    static void addTotals(long[] values, long[][] perNetwork) {
        for (Stat stat : Stat.ALL) {
            int i = stat.ordinal();
            if (stat.kind == Kind.GAUGE) {
                values[i] += perNetwork[0][i];
            } else {
                for (long[] network : perNetwork) {
                    values[i] += network[i];
                }
            }
        }
    }
}

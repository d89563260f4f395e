package dev.totem.simulator.cpg;

import dev.totem.cpg.ClientId;
import dev.totem.cpg.CpgConfig;
import dev.totem.cpg.CpgEngine;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgNotice;
import dev.totem.cpg.CpgService;
import dev.totem.crypto.SealedEngine;
import dev.totem.membership.TotemProcessor;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemConfig;
import dev.totem.protocol.api.TotemEngine;
import dev.totem.rrp.RedundantRing;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A simulated node running the CPG service over its Totem processor, with its local processes:
 * a {@link TotemEngine} the simulator drives as any other ({@link CpgEngine} underneath). Each
 * process holds a {@link CpgHandle}; what the processes see goes to the {@link Observer}.
 *
 * <p>Each confchg is named by the group view it installs, as the service names it
 * ({@link CpgEvent.Confchg#view()}): the configuration it happens in and how many messages of
 * that configuration the node had delivered then.
 */
public final class CpgNode implements TotemEngine {

    /** Receives what the node's processes see, as it happens. */
    public interface Observer {
        /** Process {@code pid} of {@code node} delivered {@code deliver}. */
        void deliver(int node, int pid, CpgEvent.Deliver deliver);

        /** Process {@code pid} of {@code node} delivered {@code confchg} (which names the view it installs). */
        void confchg(int node, int pid, CpgEvent.Confchg confchg);

        /** The node's service said something to its log. */
        default void notice(int node, CpgNotice notice) {}
    }

    private final TotemProcessor processor;
    private final CpgEngine engine;
    private final Observer observer;
    private final TreeMap<Integer, CpgHandle> processes = new TreeMap<>();

    /** The CPG node a simulated node runs; null when {@code engine} is not one (a node that is down). */
    public static CpgNode of(TotemEngine engine) {
        return engine instanceof CpgNode n ? n : null;
    }

    /**
     * @param below the engine the service runs on, not yet started: the node's processor, or its
     *     redundant ring over the processor, or the crypto layer over either (as a node runs it: the
     *     frames of a process's call then go on the networks the ring picks, sealed); the processor
     *     must carry messages of {@link
     *     CpgConfig#engineMessageBytesMax()} bytes
     */
    public CpgNode(TotemEngine below, CpgConfig config, Observer observer) {
        TotemEngine p = below instanceof SealedEngine s ? s.inner() : below;
        p = p instanceof RedundantRing r ? r.inner() : p;
        if (!(p instanceof TotemProcessor tp)) {
            throw new IllegalArgumentException("the CPG layer runs over a TotemProcessor, not " + p);
        }
        this.processor = tp;
        this.observer = observer;
        Consumer<CpgNotice> notices = n -> observer.notice(processor.nodeId(), n);
        this.engine = new CpgEngine(below, config, notices);
    }

    /** {@code totemConfig}, raised if needed so that its processor carries full CPG messages of {@code config}. */
    public static TotemConfig carrying(TotemConfig totemConfig, CpgConfig config) {
        return totemConfig.messageBytesMax() >= config.engineMessageBytesMax() ? totemConfig
                : totemConfig.withMessageBytesMax(config.engineMessageBytesMax());
    }

    /** The Totem processor underneath. */
    public TotemProcessor processor() {
        return processor;
    }

    /** The node's CPG service. */
    public CpgService service() {
        return engine.service();
    }

    /** Pids of the node's live processes, ascending. */
    public List<Integer> pids() {
        return List.copyOf(processes.keySet());
    }

    /** The handle of live process {@code pid}, or null. */
    public CpgHandle process(int pid) {
        return processes.get(pid);
    }

    /** Starts process {@code pid}: it opens a handle and is in no group yet. */
    public void spawn(int pid) {
        int node = nodeId();
        CpgHandle h = engine.cpg().open(ClientId.of(pid), new CpgListener() {
            @Override
            public void onDeliver(CpgEvent.Deliver d) {
                observer.deliver(node, pid, d);
            }

            @Override
            public void onConfchg(CpgEvent.Confchg c) {
                observer.confchg(node, pid, c);
            }

            @Override
            public void onDisconnected(String reason) {
                processes.remove(pid);
            }
        });
        processes.put(pid, h);
    }

    /** Process {@code pid} exits without leaving its groups. */
    public void kill(int pid) {
        CpgHandle h = processes.remove(pid);
        if (h != null) {
            h.close();
        }
    }

    /** Runs the processes' calls at {@code nowNanos}; returns the effects they caused. */
    public Effects client(long nowNanos, Consumer<CpgNode> action) {
        return engine.client(nowNanos, cpg -> action.accept(this));
    }

    @Override
    public int nodeId() {
        return engine.nodeId();
    }

    @Override
    public Effects start(long nowNanos) {
        return engine.start(nowNanos);
    }

    @Override
    public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
        return engine.onPacket(nowNanos, network, frame);
    }

    @Override
    public Effects onOwnedFrame(long nowNanos, int network, byte[] frame) {
        return engine.onOwnedFrame(nowNanos, network, frame);
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        return engine.onTimer(nowNanos, timer);
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        return engine.submit(nowNanos, payload, guarantee);
    }

    @Override
    public Effects leave(long nowNanos) {
        return engine.leave(nowNanos);
    }

    @Override
    public Effects onPause(long nowNanos, long pausedNanos) {
        return engine.onPause(nowNanos, pausedNanos);
    }

    @Override
    public Effects onPauseBacklogRead(long nowNanos) {
        return engine.onPauseBacklogRead(nowNanos);
    }

    @Override
    public Effects reloadTunables(long nowNanos, TotemConfig reloaded) {
        return engine.reloadTunables(nowNanos, reloaded);
    }
}

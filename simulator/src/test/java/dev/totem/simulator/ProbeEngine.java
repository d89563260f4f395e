package dev.totem.simulator;

import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.protocol.api.TimerKind;
import dev.totem.protocol.api.TotemEngine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test engine that logs every input it gets and answers with what its test's {@link Script}
 * adds. The log is shared by all nodes and all incarnations, one line per input, as
 * {@code "<time ns> <node>#<incarnation> <input>"}: for example {@code "1000 2#1 packet hi"}.
 */
final class ProbeEngine implements TotemEngine {
    /** What a test makes the engine do; each method adds effects to {@code out}. */
    interface Script {
        default void onStart(ProbeEngine engine, long nowNanos, Effects out) {}

        default void onPacket(ProbeEngine engine, long nowNanos, String frame, Effects out) {}

        default void onTimer(ProbeEngine engine, long nowNanos, TimerKind timer, Effects out) {}

        default void onSubmit(ProbeEngine engine, long nowNanos, String payload, Effects out) {}
    }

    private final int nodeId;
    private final int incarnation;
    private final List<String> log;
    private final Script script;
    private final Effects effects = new Effects();

    private ProbeEngine(int nodeId, int incarnation, List<String> log, Script script) {
        this.nodeId = nodeId;
        this.incarnation = incarnation;
        this.log = log;
        this.script = script;
    }

    /** A factory whose engines append to {@code log}; incarnations count from 1 per node. */
    static EngineFactory factory(List<String> log, Script script) {
        int[] incarnations = new int[1_000];
        return (nodeId, store, random) -> new ProbeEngine(nodeId, ++incarnations[nodeId], log, script);
    }

    /** A script that only sends on submit (see {@link ProbeReactions}). */
    static Script sendOnSubmit() {
        return ProbeReactions.none().sendingOnSubmit();
    }

    /** The frame bytes of a text, as the probe scripts send them. */
    static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Log lines that mention {@code node} (any incarnation). */
    static List<String> linesOf(List<String> log, int node) {
        List<String> lines = new ArrayList<>();
        for (String line : log) {
            if (line.split(" ")[1].startsWith(node + "#")) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Override
    public int nodeId() {
        return nodeId;
    }

    @Override
    public Effects start(long nowNanos) {
        record(nowNanos, "start");
        script.onStart(this, nowNanos, effects.clear());
        return effects;
    }

    @Override
    public Effects onPacket(long nowNanos, int network, ByteBuffer frame) {
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        String text = new String(bytes, StandardCharsets.UTF_8);
        record(nowNanos, "packet " + text);
        script.onPacket(this, nowNanos, text, effects.clear());
        return effects;
    }

    @Override
    public Effects onTimer(long nowNanos, TimerKind timer) {
        record(nowNanos, "timer " + timer);
        script.onTimer(this, nowNanos, timer, effects.clear());
        return effects;
    }

    @Override
    public Effects submit(long nowNanos, byte[] payload, Guarantee guarantee) {
        String text = new String(payload, StandardCharsets.UTF_8);
        record(nowNanos, "submit " + text);
        script.onSubmit(this, nowNanos, text, effects.clear());
        if (effects.submitStatus() == SubmitStatus.NONE) {
            effects.submitStatus(SubmitStatus.ACCEPTED);
        }
        return effects;
    }

    private void record(long nowNanos, String input) {
        log.add(nowNanos + " " + nodeId + "#" + incarnation + " " + input);
    }
}

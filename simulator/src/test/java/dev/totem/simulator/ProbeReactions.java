package dev.totem.simulator;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.TimerKind;
import java.util.List;

/**
 * A {@link ProbeEngine.Script} given as data: the same effects at every start, packet, submit
 * and timer, and optionally a send on each submit: a payload {@code "<destination> <text>"}
 * sends the frame {@code <text>} to that node id, or to every node for destination 0.
 */
record ProbeReactions(List<Effect> start, List<Effect> packet, List<Effect> submit, List<Effect> timer,
        boolean sendOnSubmit) implements ProbeEngine.Script {

    static ProbeReactions none() {
        return new ProbeReactions(List.of(), List.of(), List.of(), List.of(), false);
    }

    static ProbeReactions atStart(Effect... effects) {
        return none().withStart(effects);
    }

    ProbeReactions withStart(Effect... effects) {
        return new ProbeReactions(List.of(effects), packet, submit, timer, sendOnSubmit);
    }

    ProbeReactions onPacket(Effect... effects) {
        return new ProbeReactions(start, List.of(effects), submit, timer, sendOnSubmit);
    }

    ProbeReactions onSubmit(Effect... effects) {
        return new ProbeReactions(start, packet, List.of(effects), timer, sendOnSubmit);
    }

    ProbeReactions onTimer(Effect... effects) {
        return new ProbeReactions(start, packet, submit, List.of(effects), sendOnSubmit);
    }

    ProbeReactions sendingOnSubmit() {
        return new ProbeReactions(start, packet, submit, timer, true);
    }

    @Override
    public void onStart(ProbeEngine engine, long nowNanos, Effects out) {
        start.forEach(out::add);
    }

    @Override
    public void onPacket(ProbeEngine engine, long nowNanos, String frame, Effects out) {
        packet.forEach(out::add);
    }

    @Override
    public void onSubmit(ProbeEngine engine, long nowNanos, String payload, Effects out) {
        if (sendOnSubmit) {
            int space = payload.indexOf(' ');
            out.add(new Effect.Send(Integer.parseInt(payload.substring(0, space)), ProbeEngine.text(payload.substring(space + 1))));
        }
        submit.forEach(out::add);
    }

    @Override
    public void onTimer(ProbeEngine engine, long nowNanos, TimerKind kind, Effects out) {
        timer.forEach(out::add);
    }
}

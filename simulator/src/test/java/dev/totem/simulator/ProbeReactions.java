package dev.totem.simulator;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effects;
import dev.totem.protocol.api.TimerKind;
import java.util.List;

/**
 * A {@link ProbeEngine.Script} given as data: the same effects at every start, every submit and
 * every timer. Build with {@link #atStart} and the {@code on...} withers.
 */
record ProbeReactions(List<Effect> start, List<Effect> submit, List<Effect> timer) implements ProbeEngine.Script {

    static ProbeReactions atStart(Effect... effects) {
        return new ProbeReactions(List.of(effects), List.of(), List.of());
    }

    ProbeReactions onSubmit(Effect... effects) {
        return new ProbeReactions(start, List.of(effects), timer);
    }

    ProbeReactions onTimer(Effect... effects) {
        return new ProbeReactions(start, submit, List.of(effects));
    }

    @Override
    public void onStart(ProbeEngine engine, long nowNanos, Effects out) {
        start.forEach(out::add);
    }

    @Override
    public void onSubmit(ProbeEngine engine, long nowNanos, String payload, Effects out) {
        submit.forEach(out::add);
    }

    @Override
    public void onTimer(ProbeEngine engine, long nowNanos, TimerKind kind, Effects out) {
        timer.forEach(out::add);
    }
}

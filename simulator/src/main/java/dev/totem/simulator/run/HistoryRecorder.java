package dev.totem.simulator.run;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.simulator.NodeEvent;
import dev.totem.simulator.Payloads;
import dev.totem.simulator.SimulationListener;
import dev.totem.simulator.check.History;

/** Builds the checker's {@link History} from a running simulation. */
public final class HistoryRecorder implements SimulationListener {
    private final History history = new History();
    private long configs;
    private long countFromNanos = Long.MAX_VALUE;
    private long configsCounted;

    public History history() {
        return history;
    }

    /** Configuration changes delivered, over all nodes. */
    public long configs() {
        return configs;
    }

    /** From {@code timeNanos} on, configuration changes are also counted in {@link #configsCounted()}. */
    public void countConfigsFrom(long timeNanos) {
        countFromNanos = timeNanos;
    }

    /** Configuration changes delivered, over all nodes, since {@link #countConfigsFrom}. */
    public long configsCounted() {
        return configsCounted;
    }

    private static long micros(long nanos) {
        return nanos / 1_000;
    }

    @Override
    public void onNodeEvent(long timeNanos, int nodeId, NodeEvent event) {
        switch (event) {
            case CRASH -> history.crash(micros(timeNanos), nodeId);
            case RESTART -> history.restart(micros(timeNanos), nodeId);
            default -> { }
        }
    }

    @Override
    public void onSubmit(long timeNanos, int nodeId, byte[] payload, Guarantee guarantee, SubmitStatus status) {
        if (status == SubmitStatus.ACCEPTED) {
            history.submit(micros(timeNanos), nodeId, Payloads.id(payload), guarantee);
        }
    }

    @Override
    public void onDeliver(long timeNanos, int nodeId, Effect.Deliver deliver) {
        history.deliver(micros(timeNanos), nodeId, Payloads.id(deliver.payload()), deliver.sender(), deliver.guarantee(),
                deliver.ring().toString());
    }

    @Override
    public void onConfigurationChange(long timeNanos, int nodeId, Effect.ConfigurationChange change) {
        configs++;
        if (timeNanos >= countFromNanos) {
            configsCounted++;
        }
        history.config(micros(timeNanos), nodeId, change.kind(), change.ring().toString(), change.members());
    }
}

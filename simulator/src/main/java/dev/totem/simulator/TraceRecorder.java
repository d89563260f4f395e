package dev.totem.simulator;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import dev.totem.simulator.trace.TraceWriter;

/** Writes what a simulation observes to its trace; submits only once the engine accepted them. */
final class TraceRecorder implements SimulationListener {
    private final TraceWriter trace;

    TraceRecorder(TraceWriter trace) {
        this.trace = trace;
    }

    @Override
    public void onNodeEvent(long timeNanos, int nodeId, NodeEvent event) {
        switch (event) {
            case START -> trace.start(timeNanos, nodeId);
            case CRASH -> trace.crash(timeNanos, nodeId);
            case RESTART -> trace.restart(timeNanos, nodeId);
            case PAUSE -> trace.pause(timeNanos, nodeId);
            case RESUME -> trace.resume(timeNanos, nodeId);
        }
    }

    @Override
    public void onSubmit(long timeNanos, int nodeId, byte[] payload, Guarantee guarantee, SubmitStatus status) {
        if (status == SubmitStatus.ACCEPTED) {
            trace.submit(timeNanos, nodeId, Payloads.id(payload), guarantee);
        }
    }

    @Override
    public void onDeliver(long timeNanos, int nodeId, Effect.Deliver deliver) {
        trace.deliver(timeNanos, nodeId, Payloads.id(deliver.payload()), deliver.sender(), deliver.guarantee(), deliver.ring());
    }

    @Override
    public void onConfigurationChange(long timeNanos, int nodeId, Effect.ConfigurationChange change) {
        trace.config(timeNanos, nodeId, change.kind(), change.ring(), change.members());
    }

    @Override
    public void onTokenLost(long timeNanos, int nodeId, Effect.TokenLost tokenLost) {
        trace.tokenLost(timeNanos, nodeId, tokenLost.ring());
    }

    @Override
    public void onTransition(long timeNanos, int nodeId, Effect.Transition transition) {
        trace.transition(timeNanos, nodeId, transition.machine(), transition.from(), transition.to(), transition.reason());
    }

    @Override
    public void onPartition(long timeNanos, int[][] groups) {
        trace.partition(timeNanos, groups);
    }

    @Override
    public void onBlock(long timeNanos, int fromNodeId, int toNodeId) {
        trace.block(timeNanos, fromNodeId, toNodeId);
    }

    @Override
    public void onHeal(long timeNanos) {
        trace.heal(timeNanos);
    }

    @Override
    public void onNetworkPartition(long timeNanos, int network, int[][] groups) {
        trace.netPartition(timeNanos, network, groups);
    }

    @Override
    public void onNetworkHeal(long timeNanos, int network) {
        trace.netHeal(timeNanos, network);
    }

    @Override
    public void onNetworkDeaf(long timeNanos, int network, int nodeId) {
        trace.netDeaf(timeNanos, network, nodeId);
    }

    @Override
    public void onNetworkLoss(long timeNanos, int network, double probability) {
        trace.netLoss(timeNanos, network, probability);
    }
}

package dev.totem.simulator;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;
import java.util.Arrays;

/** Passes every observation to each registered listener, in registration order. */
final class ListenerFanout implements SimulationListener {
    private SimulationListener[] listeners = new SimulationListener[0];

    void add(SimulationListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        listeners = Arrays.copyOf(listeners, listeners.length + 1);
        listeners[listeners.length - 1] = listener;
    }

    @Override
    public void onNodeEvent(long timeNanos, int nodeId, NodeEvent event) {
        for (SimulationListener listener : listeners) {
            listener.onNodeEvent(timeNanos, nodeId, event);
        }
    }

    @Override
    public void onSubmit(long timeNanos, int nodeId, byte[] payload, Guarantee guarantee, SubmitStatus status) {
        for (SimulationListener listener : listeners) {
            listener.onSubmit(timeNanos, nodeId, payload, guarantee, status);
        }
    }

    @Override
    public void onDeliver(long timeNanos, int nodeId, Effect.Deliver deliver) {
        for (SimulationListener listener : listeners) {
            listener.onDeliver(timeNanos, nodeId, deliver);
        }
    }

    @Override
    public void onConfigurationChange(long timeNanos, int nodeId, Effect.ConfigurationChange change) {
        for (SimulationListener listener : listeners) {
            listener.onConfigurationChange(timeNanos, nodeId, change);
        }
    }

    @Override
    public void onTokenLost(long timeNanos, int nodeId, Effect.TokenLost tokenLost) {
        for (SimulationListener listener : listeners) {
            listener.onTokenLost(timeNanos, nodeId, tokenLost);
        }
    }

    @Override
    public void onTransition(long timeNanos, int nodeId, Effect.Transition transition) {
        for (SimulationListener listener : listeners) {
            listener.onTransition(timeNanos, nodeId, transition);
        }
    }

    @Override
    public void onPartition(long timeNanos, int[][] groups) {
        for (SimulationListener listener : listeners) {
            listener.onPartition(timeNanos, groups);
        }
    }

    @Override
    public void onBlock(long timeNanos, int fromNodeId, int toNodeId) {
        for (SimulationListener listener : listeners) {
            listener.onBlock(timeNanos, fromNodeId, toNodeId);
        }
    }

    @Override
    public void onHeal(long timeNanos) {
        for (SimulationListener listener : listeners) {
            listener.onHeal(timeNanos);
        }
    }

    @Override
    public void onNetworkPartition(long timeNanos, int network, int[][] groups) {
        for (SimulationListener listener : listeners) {
            listener.onNetworkPartition(timeNanos, network, groups);
        }
    }

    @Override
    public void onNetworkHeal(long timeNanos, int network) {
        for (SimulationListener listener : listeners) {
            listener.onNetworkHeal(timeNanos, network);
        }
    }

    @Override
    public void onNetworkDeaf(long timeNanos, int network, int nodeId) {
        for (SimulationListener listener : listeners) {
            listener.onNetworkDeaf(timeNanos, network, nodeId);
        }
    }

    @Override
    public void onNetworkLoss(long timeNanos, int network, double probability) {
        for (SimulationListener listener : listeners) {
            listener.onNetworkLoss(timeNanos, network, probability);
        }
    }
}

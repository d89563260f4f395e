package dev.totem.node.runtime;

import dev.totem.rrp.NetworkState;
import dev.totem.rrp.RedundantRing;
import dev.totem.rrp.RrpMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** The operator's commands to a node's redundant ring, checked and answered in one line each. */
final class RrpCommands {
    private RrpCommands() {}

    /**
     * Re-enables network {@code network}, or every faulty network when it is -1, through
     * {@code reenable} (which must apply the ring's answer, so its probes go out).
     *
     * @return what happened; "error ..." when the command does not fit this node
     */
    static String reenable(RedundantRing ring, RrpMode mode, int network, IntConsumer reenable) {
        int count = ring.config().networks();
        if (mode == RrpMode.NONE) {
            return "error the redundant ring is off (rrp_mode none): this node has one network";
        }
        if (network < -1 || network >= count) {
            return "error network " + network + " does not exist; this node has networks 0.." + (count - 1);
        }
        List<Integer> faulty = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if ((network < 0 || network == i) && ring.state(i) == NetworkState.FAULTY) {
                faulty.add(i);
            }
        }
        if (faulty.isEmpty()) {
            return network < 0 ? "no network is faulty; nothing to do"
                    : "network " + network + " (" + NetworkSettings.name(network) + ") is not faulty; nothing to do";
        }
        StringBuilder answer = new StringBuilder("re-enabled");
        for (int i : faulty) {
            reenable.accept(i);
            answer.append(answer.length() == "re-enabled".length() ? " " : ", ").append("network ").append(i)
                    .append(" (").append(NetworkSettings.name(i)).append(')');
        }
        return answer.toString();
    }
}

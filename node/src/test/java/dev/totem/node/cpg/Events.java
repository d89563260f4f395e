package dev.totem.node.cpg;

import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A CPG listener that keeps what it got, readable from any thread. */
class Events implements CpgListener {
    final List<CpgEvent> all = new CopyOnWriteArrayList<>();
    volatile String disconnected;

    @Override
    public void onDeliver(CpgEvent.Deliver deliver) {
        all.add(deliver);
    }

    @Override
    public void onConfchg(CpgEvent.Confchg confchg) {
        all.add(confchg);
    }

    @Override
    public void onTotemConfchg(CpgEvent.TotemConfchg totemConfchg) {
        all.add(totemConfchg);
    }

    @Override
    public void onDisconnected(String reason) {
        disconnected = reason;
    }

    /** The texts of the deliveries, in order. */
    List<String> texts() {
        return all.stream().filter(e -> e instanceof CpgEvent.Deliver).map(e -> ((CpgEvent.Deliver) e).payload())
                .map(p -> new String(p, StandardCharsets.UTF_8)).toList();
    }

    long delivered() {
        return all.stream().filter(e -> e instanceof CpgEvent.Deliver).count();
    }

    /** The confchgs of {@code group}, in order. */
    List<CpgEvent.Confchg> confchgs(String group) {
        return all.stream().filter(e -> e instanceof CpgEvent.Confchg c && c.group().equals(group))
                .map(e -> (CpgEvent.Confchg) e).toList();
    }

    /** Whether a confchg of {@code group} lists {@code pid} of node {@code node} as left with {@code reason}. */
    boolean sawLeft(String group, int node, int pid, Reason reason) {
        return confchgs(group).stream().anyMatch(c -> c.left().contains(new CpgAddress(node, pid, reason)));
    }

    /** The member list of the last confchg of {@code group}, or empty. */
    List<CpgAddress> lastMembers(String group) {
        List<CpgEvent.Confchg> c = confchgs(group);
        return c.isEmpty() ? List.of() : c.get(c.size() - 1).members();
    }
}

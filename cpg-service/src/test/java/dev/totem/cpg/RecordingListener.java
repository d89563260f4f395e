package dev.totem.cpg;

import java.util.ArrayList;
import java.util.List;

/** A handle's listener that keeps what it got, in order. */
final class RecordingListener implements CpgListener {
    final List<CpgEvent> events = new ArrayList<>();
    String disconnected;

    @Override
    public void onDeliver(CpgEvent.Deliver deliver) {
        events.add(deliver);
    }

    @Override
    public void onConfchg(CpgEvent.Confchg confchg) {
        events.add(confchg);
    }

    @Override
    public void onTotemConfchg(CpgEvent.TotemConfchg totemConfchg) {
        events.add(totemConfchg);
    }

    @Override
    public void onDisconnected(String reason) {
        disconnected = reason;
    }
}

package dev.totem.cpg;

/**
 * Callbacks of one {@link CpgHandle}: corosync's cpg_deliver_fn, cpg_confchg_fn and
 * cpg_totem_confchg_fn. Called on the thread that drives the service, in the order of the
 * client's event stream; a callback may call the handle (to multicast a reply, to leave).
 */
public interface CpgListener {
    /** A message of a group this client is in. */
    void onDeliver(CpgEvent.Deliver deliver);

    /** The membership of a group this client is in (or is joining, or leaving) changed. */
    void onConfchg(CpgEvent.Confchg confchg);

    /** The ring changed and the service finished its sync. */
    default void onTotemConfchg(CpgEvent.TotemConfchg totemConfchg) {}

    /** The service disconnected this client (it did not take its events); the handle is closed. */
    default void onDisconnected(String reason) {}

    /** Hands {@code event} to the callback of its kind. */
    default void accept(CpgEvent event) {
        if (event instanceof CpgEvent.Deliver d) {
            onDeliver(d);
        } else if (event instanceof CpgEvent.Confchg c) {
            onConfchg(c);
        } else if (event instanceof CpgEvent.TotemConfchg t) {
            onTotemConfchg(t);
        }
    }
}

package dev.totem.cpg;

/** What the service tells its driver (to log, or to act on), not addressed to one client. */
public sealed interface CpgNotice {

    /**
     * The service disconnected a client: its groups see it leave with reason PROCDOWN, its
     * queued events are dropped, and the driver closes its connection.
     *
     * @param client the client
     * @param reason why, for the log
     */
    record ClientDisconnected(ClientId client, String reason) implements CpgNotice {}

    /**
     * A message from the ring could not be used (not a CPG message, an unknown version, a
     * malformed body); it was dropped at every node alike.
     *
     * @param senderNode the node that sent it
     * @param reason what was wrong
     */
    record Malformed(int senderNode, String reason) implements CpgNotice {}

    /**
     * An internal message (a re-sent multicast, a PROCDOWN) was refused by the engine for good
     * and dropped.
     *
     * @param reason what was dropped and the engine's answer
     */
    record SubmitDropped(String reason) implements CpgNotice {}
}

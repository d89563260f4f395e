package dev.totem.locks;

/**
 * What a replica's lock table did, in the order it did it: every replica that applies the same
 * deliveries emits the same events for every process's requests. The {@link LockService} of a
 * process acts on the events of its own requests; a checker reads all of them.
 */
public sealed interface LockEvent {
    /** Why a request left the table. */
    enum Cause {
        /** Its process released it (or cancelled it while it waited). */
        RELEASED,
        /** Its process is no longer a member of the group: it left, exited or its node failed. */
        LEFT,
        /** A merge of partitions kept another holder of the same lock. */
        REVOKED,
        /** A merge made the table larger than its bound; the newest waiters were dropped. */
        TRIMMED
    }

    /** The lock's name. */
    String name();

    /** The request the event is about. */
    RequestId request();

    /**
     * {@code request} now holds {@code name}.
     *
     * @param fence the grant's number in this table, larger than every earlier grant's: a fencing token
     */
    record Granted(String name, RequestId request, long fence) implements LockEvent {}

    /** {@code request} no longer holds {@code name}, because of {@code cause}. */
    record Released(String name, RequestId request, Cause cause) implements LockEvent {}

    /** {@code request} waits for {@code name}, behind {@code position} others. */
    record Queued(String name, RequestId request, int position) implements LockEvent {}

    /** Waiting {@code request} was taken out of the queue of {@code name}, because of {@code cause}. */
    record Cancelled(String name, RequestId request, Cause cause) implements LockEvent {}

    /** {@code request} was refused: a try of a held lock, or the table is full ({@code why}). */
    record Denied(String name, RequestId request, String why) implements LockEvent {}

    /**
     * {@code request} was delivered while the group synchronised and a new configuration came
     * before the sync ended: it was dropped alike at every member, and its process sends it again.
     */
    record Dropped(RequestId request, LockMessage message) implements LockEvent {
        @Override
        public String name() {
            return message instanceof LockMessage.Acquire a ? a.name() : ((LockMessage.Release) message).name();
        }
    }
}

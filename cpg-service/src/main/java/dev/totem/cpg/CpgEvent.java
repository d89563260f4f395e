package dev.totem.cpg;

import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/** What the service tells one local client, in the order the client must see it. */
public sealed interface CpgEvent {

    /** Bytes this event holds in a client's queue, counted against the queue's byte limit. */
    int sizeBytes();

    /**
     * A message of a group member, in the ring's total order: corosync's deliver callback.
     * Immutable: {@link #payload()} returns a copy; {@link #payloadView()} a read-only view of
     * the bytes, shared by the node's receivers, without copying.
     *
     * @param group the group
     * @param senderNode the sender's node id
     * @param senderPid the sender's pid
     */
    record Deliver(String group, int senderNode, int senderPid, byte[] payload) implements CpgEvent {
        /** {@code payload} is kept, not copied: the caller hands it over and never writes it again. */
        public Deliver {
            if (group == null || payload == null) {
                throw new IllegalArgumentException("group and payload are required");
            }
        }

        /** A copy of the message's bytes. */
        @Override
        public byte[] payload() {
            return payload.clone();
        }

        /** The message's bytes, read-only, without a copy. */
        public ByteBuffer payloadView() {
            return ByteBuffer.wrap(payload).asReadOnlyBuffer();
        }

        /** The message's length in bytes. */
        public int length() {
            return payload.length;
        }

        @Override
        public int sizeBytes() {
            return payload.length + group.length() + 32;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Deliver d && d.senderNode == senderNode && d.senderPid == senderPid
                    && d.group.equals(group) && Arrays.equals(d.payload, payload);
        }

        @Override
        public int hashCode() {
            return (group.hashCode() * 31 + senderNode) * 31 + senderPid + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Deliver[" + group + " from " + senderNode + "/" + senderPid + ", " + payload.length + " B]";
        }
    }

    /**
     * The membership of a group changed: corosync's confchg callback. Lists are sorted by (node
     * id, pid) and immutable.
     *
     * @param group the group
     * @param members the members after the change (reason {@link Reason#UNDEFINED})
     * @param left the processes that left, with their reasons
     * @param joined the processes that joined, with their reasons
     */
    record Confchg(String group, List<CpgAddress> members, List<CpgAddress> left, List<CpgAddress> joined)
            implements CpgEvent {
        public Confchg {
            members = List.copyOf(members);
            left = List.copyOf(left);
            joined = List.copyOf(joined);
        }

        @Override
        public int sizeBytes() {
            return group.length() + 16 * (members.size() + left.size() + joined.size()) + 32;
        }
    }

    /**
     * The ring changed and the service finished its sync: corosync's totem confchg callback,
     * sent to every local client with a group after each sync.
     *
     * @param ring the ring id of the new configuration
     * @param members its node ids, ascending, immutable
     */
    record TotemConfchg(RingId ring, List<Integer> members) implements CpgEvent {
        public TotemConfchg {
            members = List.copyOf(members);
        }

        @Override
        public int sizeBytes() {
            return 4 * members.size() + 32;
        }
    }
}

package dev.totem.cpg;

import dev.totem.protocol.api.ByteSlice;
import dev.totem.protocol.api.RingId;
import java.nio.ByteBuffer;
import java.util.List;

/** What the service tells one local client, in the order the client must see it. */
public sealed interface CpgEvent {

    /** Bytes this event holds in a client's queue, counted against the queue's byte limit. */
    int sizeBytes();

    /**
     * A message of a group member, in the ring's total order: corosync's deliver callback.
     * Immutable: {@link #payload()} returns a copy; {@link #payloadView()} a read-only view of
     * the bytes, shared by the node's receivers, without copying ({@link #payloadSlice()} the
     * shared bytes themselves, for writers that copy them on and never write them). (A class
     * rather than a record: the service keeps the payload where it arrived, inside the frame
     * that carried it, so a delivery costs no copy of it.) An event kept after its callback keeps that whole frame
     * (up to netmtu bytes) in memory: a listener that stores messages stores {@link #payload()}.
     */
    final class Deliver implements CpgEvent {
        private final String group;
        private final int senderNode;
        private final int senderPid;
        private final ByteSlice payload;

        /**
         * @param group the group
         * @param senderNode the sender's node id
         * @param senderPid the sender's pid
         * @param payload the message; kept, not copied: the caller hands it over and never writes it again
         */
        public Deliver(String group, int senderNode, int senderPid, byte[] payload) {
            this(group, senderNode, senderPid, payload, 0, payload == null ? 0 : payload.length);
        }

        /** The message is {@code length} bytes of {@code bytes} from {@code offset}, handed over as above. */
        Deliver(String group, int senderNode, int senderPid, byte[] bytes, int offset, int length) {
            if (group == null || bytes == null) {
                throw new IllegalArgumentException("group and payload are required");
            }
            this.group = group;
            this.senderNode = senderNode;
            this.senderPid = senderPid;
            this.payload = new ByteSlice(bytes, offset, length);
        }

        /** The group. */
        public String group() {
            return group;
        }

        /** The sender's node id. */
        public int senderNode() {
            return senderNode;
        }

        /** The sender's pid. */
        public int senderPid() {
            return senderPid;
        }

        /** A copy of the message's bytes. */
        public byte[] payload() {
            return payload.copy();
        }

        /** The message's bytes, read-only, without a copy (position 0, limit {@link #length()}). */
        public ByteBuffer payloadView() {
            return payload.view();
        }

        /**
         * The message's bytes where they lie, shared, for a writer that copies them on in one
         * call (a read-only view makes some writers copy twice): never write its array.
         */
        public ByteSlice payloadSlice() {
            return payload;
        }

        /** The message's length in bytes. */
        public int length() {
            return payload.length();
        }

        @Override
        public int sizeBytes() {
            return payload.length() + group.length() + 32;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Deliver d && d.senderNode == senderNode && d.senderPid == senderPid
                    && d.group.equals(group) && d.payload.equals(payload);
        }

        @Override
        public int hashCode() {
            return ((group.hashCode() * 31 + senderNode) * 31 + senderPid) * 31 + payload.hashCode();
        }

        @Override
        public String toString() {
            return "Deliver[" + group + " from " + senderNode + "/" + senderPid + ", " + payload + "]";
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
     * @param view names the group view this confchg installs, alike at every node that installs
     *     it: the configuration the node was in and how many of its messages the node had
     *     delivered when it made the event, e.g. {@code r1:12@8} (simulator/README.md, trace
     *     format, {@code cpg_confchg}); an extension of ours, corosync has no such name. Empty
     *     when unknown.
     */
    record Confchg(String group, List<CpgAddress> members, List<CpgAddress> left, List<CpgAddress> joined, String view)
            implements CpgEvent {
        public Confchg {
            members = List.copyOf(members);
            left = List.copyOf(left);
            joined = List.copyOf(joined);
            view = view == null ? "" : view;
        }

        @Override
        public int sizeBytes() {
            return group.length() + view.length() + 16 * (members.size() + left.size() + joined.size()) + 32;
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

package dev.totem.cpg;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.SubmitStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A hand-driven stand-in for Totem under several CPG services: each node's accepted messages wait
 * in its send queue until {@link #order()} puts the queues of a ring's members into one total
 * order and delivers it to every member. A configuration change keeps unsent messages queued, so
 * they go out in the next ring, as the real engine does.
 */
final class Cluster {
    /** Bytes of a delivered message's frame before the message. */
    private static final int FRAME_HEAD = 11;

    record Sent(int sender, byte[] bytes, Guarantee guarantee) {}

    final class Node {
        final int id;
        final CpgService service;
        final ArrayDeque<Sent> sendQueue = new ArrayDeque<>();
        final List<Sent> submitted = new ArrayList<>();
        final List<CpgNotice> notices = new ArrayList<>();
        /** When set, the engine answers TRY_AGAIN to every submit. */
        boolean full;
        /** Submits the engine was asked for, accepted or not. */
        int submitCalls;
        /** When set, {@link #flush} takes the service's notices into {@link #notices}. */
        boolean collectNotices = true;
        int[] ring = new int[0];
        RingId ringId;

        Node(int id, CpgConfig config) {
            this.id = id;
            this.service = new CpgService(id, config, (bytes, g) -> {
                submitCalls++;
                if (full) {
                    return SubmitStatus.TRY_AGAIN;
                }
                Sent s = new Sent(this.id, bytes, g);
                sendQueue.add(s);
                submitted.add(s);
                return SubmitStatus.ACCEPTED;
            });
        }

        /**
         * Every event of {@code pid} since the last call, confchgs with their view names blanked
         * (tests of membership need not spell them; {@link #eventsNamed} keeps them).
         */
        List<CpgEvent> events(int pid) {
            List<CpgEvent> out = eventsNamed(pid);
            out.replaceAll(e -> e instanceof CpgEvent.Confchg c
                    ? new CpgEvent.Confchg(c.group(), c.members(), c.left(), c.joined(), "") : e);
            return out;
        }

        /** Every event of {@code pid} since the last call, as the service made it. */
        List<CpgEvent> eventsNamed(int pid) {
            List<CpgEvent> out = new ArrayList<>();
            CpgEvent e;
            while ((e = service.poll(ClientId.of(pid))) != null) {
                out.add(e);
            }
            return out;
        }

        void feed(Effect e) {
            service.onEffect(e);
        }

        void flush() {
            service.flush();
            if (collectNotices) {
                notices.addAll(service.drainNotices());
            }
        }
    }

    private final TreeMap<Integer, Node> nodes = new TreeMap<>();
    private long ringSeq;

    Cluster(CpgConfig config, int... ids) {
        for (int id : ids) {
            nodes.put(id, new Node(id, config));
        }
    }

    Cluster(int... ids) {
        this(CpgConfig.defaults(), ids);
    }

    Node node(int id) {
        return nodes.get(id);
    }

    Map<Integer, Node> nodes() {
        return nodes;
    }

    /**
     * Forms a new ring of each group of {@code partitions}: every member gets a transitional
     * configuration (members of its old ring that are in the new one) and then the regular one,
     * then submits its JOINLIST. Nothing is ordered yet.
     */
    void configure(int[]... partitions) {
        ringSeq += 4;
        for (int[] p : partitions) {
            int[] members = p.clone();
            Arrays.sort(members);
            RingId r = new RingId(members[0], ringSeq);
            for (int id : members) {
                Node n = nodes.get(id);
                if (n.ringId != null) {
                    int[] trans = Arrays.stream(n.ring).filter(x -> Arrays.binarySearch(members, x) >= 0).toArray();
                    int[] left = Arrays.stream(n.ring).filter(x -> Arrays.binarySearch(members, x) < 0).toArray();
                    n.feed(new Effect.ConfigurationChange(ConfigurationKind.TRANSITIONAL, r, trans, left, new int[0]));
                }
                int[] joined = n.ringId == null ? new int[] {id}
                        : Arrays.stream(members).filter(x -> Arrays.binarySearch(n.ring, x) < 0).toArray();
                n.feed(new Effect.ConfigurationChange(ConfigurationKind.REGULAR, r, members, new int[0], joined));
                n.ring = members;
                n.ringId = r;
            }
            for (int id : members) {
                nodes.get(id).flush();
            }
        }
    }

    /**
     * Orders what the members of {@code member}'s ring have queued, round robin by node as a
     * token would, delivers it to all of them in that order, and lets them flush; repeats until
     * no queue holds anything.
     */
    void order(int member) {
        Node first = nodes.get(member);
        int[] ring = first.ring;
        boolean any = true;
        while (any) {
            any = false;
            List<Sent> order = new ArrayList<>();
            for (int id : ring) {
                Node n = nodes.get(id);
                while (!n.sendQueue.isEmpty()) {
                    order.add(n.sendQueue.poll());
                }
            }
            for (Sent s : order) {
                any = true;
                // As the engine delivers: the message inside a frame, other bytes around it.
                byte[] frame = new byte[FRAME_HEAD + s.bytes().length + 3];
                Arrays.fill(frame, (byte) 0x5a);
                System.arraycopy(s.bytes(), 0, frame, FRAME_HEAD, s.bytes().length);
                for (int id : ring) {
                    nodes.get(id).feed(new Effect.Deliver(s.sender(), frame, FRAME_HEAD, s.bytes().length, s.guarantee(),
                            first.ringId));
                }
            }
            for (int id : ring) {
                nodes.get(id).flush();
            }
        }
    }

    /** Orders every ring's queues. */
    void settle() {
        List<Integer> done = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (n.ringId != null && !done.contains(n.ring[0])) {
                done.add(n.ring[0]);
                order(n.id);
            }
        }
    }
}

package dev.totem.simulator.timeline;

import dev.totem.simulator.trace.TraceEvent;
import dev.totem.simulator.trace.TraceFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the timeline page draws, gathered from a trace in one pass: per node its configuration
 * bands, shaded spans (down, paused, not started), markers and ticks; the global faults; and the
 * message, ring and text tables the page's script indexes into.
 */
final class Timeline {
    static final int AGREED = 0;
    static final int SAFE = 1;

    /** A configuration the node was in from {@code from} until {@code to}. */
    record Band(long from, long to, boolean regular, String ring, int[] members) {}

    /** A stretch of a lane drawn shaded: {@code kind} is "down", "paused" or "unstarted". */
    record Span(long from, long to, String kind) {}

    /** A marker on a lane: {@code kind} is "crash", "restart", "start", "pause", "resume" or "token_lost". */
    record Mark(long t, String kind, String title) {}

    /** A submit, delivery or transition: {@code ref} indexes messages or texts, {@code code} as documented at use. */
    record Tick(long t, int ref, int code) {}

    /**
     * A global event drawn across every lane: {@code kind} is "partition", "block", "heal" or
     * "quiet" (no fault from here on: the liveness checks start).
     */
    record GlobalMark(long t, String kind, String label) {}

    /** A message: its sender, guarantee (AGREED, SAFE) and where it was submitted (node 0: not in the trace). */
    static final class Message {
        final String id;
        int sender;
        int guarantee = -1;
        int submitNode;
        long submitT;

        Message(String id) {
            this.id = id;
        }
    }

    static final class Lane {
        final int node;
        final List<Band> bands = new ArrayList<>();
        final List<Span> spans = new ArrayList<>();
        final List<Mark> marks = new ArrayList<>();
        /** ref: message index; code: ring index * 2 + guarantee. */
        final List<Tick> deliveries = new ArrayList<>();
        /** ref: message index; code: guarantee. */
        final List<Tick> submits = new ArrayList<>();
        /** ref: text index. */
        final List<Tick> transitions = new ArrayList<>();
        private Band open;
        private long downSince = -1;
        private long pausedSince = -1;
        private long startedAt = -1;
        private boolean seen;

        Lane(int node) {
            this.node = node;
        }

        private void closeBand(long t) {
            if (open != null) {
                bands.add(new Band(open.from, Math.max(open.from, t), open.regular, open.ring, open.members));
                open = null;
            }
        }

        private void closePause(long t) {
            if (pausedSince >= 0) {
                spans.add(new Span(pausedSince, Math.max(pausedSince, t), "paused"));
                pausedSince = -1;
            }
        }

        private void closeDown(long t) {
            if (downSince >= 0) {
                spans.add(new Span(downSince, Math.max(downSince, t), "down"));
                downSince = -1;
            }
        }
    }

    final Map<Integer, Lane> lanes = new TreeMap<>();
    final List<GlobalMark> globals = new ArrayList<>();
    final List<Message> messages = new ArrayList<>();
    final List<String> rings = new ArrayList<>();
    final List<String> texts = new ArrayList<>();
    /** Event name to how many lines had it. */
    final Map<String, Long> counts = new HashMap<>();
    long t0 = Long.MAX_VALUE;
    long t1 = Long.MIN_VALUE;
    long events;
    long regularConfigs;
    long transitionalConfigs;

    private final Map<String, Integer> messageIndex = new HashMap<>();
    private final Map<String, Integer> ringIndex = new HashMap<>();
    private final Map<String, Integer> textIndex = new HashMap<>();
    /** Configured rings in order of their first configuration, for their colours. */
    private final Map<String, Integer> configuredRings = new HashMap<>();
    private boolean finished;

    /** Takes the next event of the trace, in trace order. */
    void add(TraceEvent e) throws TraceFormatException {
        events++;
        t0 = Math.min(t0, e.t());
        t1 = Math.max(t1, e.t());
        counts.merge(e.ev(), 1L, Long::sum);
        switch (e.ev()) {
            case "partition" -> {
                int[][] groups = e.intArrays("groups");
                StringBuilder label = new StringBuilder("partition ");
                for (int i = 0; i < groups.length; i++) {
                    label.append(i == 0 ? "" : " | ").append(join(groups[i]));
                    for (int n : groups[i]) {
                        lane(n);
                    }
                }
                globals.add(new GlobalMark(e.t(), "partition", label.toString()));
            }
            case "block" -> {
                int from = e.integer("from", 0);
                int to = e.integer("to", 0);
                lane(from);
                lane(to);
                globals.add(new GlobalMark(e.t(), "block", "block " + from + "\u2192" + to));
            }
            case "heal" -> globals.add(new GlobalMark(e.t(), "heal", "heal"));
            case "quiet" -> globals.add(new GlobalMark(e.t(), "quiet", "quiet: liveness from here"));
            default -> {
                if (e.node() > 0) {
                    nodeEvent(e, lane(e.node()));
                }
            }
        }
    }

    private void nodeEvent(TraceEvent e, Lane lane) throws TraceFormatException {
        long t = e.t();
        boolean first = !lane.seen;
        lane.seen = true;
        switch (e.ev()) {
            case "start" -> {
                if (first) {
                    lane.startedAt = t;
                }
                lane.marks.add(new Mark(t, "start", "start"));
            }
            case "submit" -> {
                int guarantee = guarantee(e);
                Message m = message(e.requiredText("id"));
                if (m.submitNode == 0) {
                    m.submitNode = lane.node;
                    m.submitT = t;
                    m.sender = lane.node;
                    m.guarantee = guarantee;
                }
                lane.submits.add(new Tick(t, messageIndex.get(m.id), guarantee));
            }
            case "deliver" -> {
                int guarantee = guarantee(e);
                Message m = message(e.requiredText("id"));
                int sender = e.integer("sender", 0);
                if (m.sender == 0) {
                    m.sender = sender;
                }
                if (m.guarantee < 0) {
                    m.guarantee = guarantee;
                }
                lane(sender);
                int ring = ring(e.requiredText("ring"));
                lane.deliveries.add(new Tick(t, messageIndex.get(m.id), ring * 2 + guarantee));
            }
            case "config" -> {
                String kind = e.requiredText("kind");
                String ring = e.requiredText("ring");
                int[] members = e.ints("members");
                for (int n : members) {
                    lane(n);
                }
                boolean regular = !kind.equals("transitional");
                if (regular) {
                    regularConfigs++;
                } else {
                    transitionalConfigs++;
                }
                configuredRings.putIfAbsent(ring, configuredRings.size());
                lane.closeBand(t);
                lane.open = new Band(t, t, regular, ring, members);
            }
            case "token_lost" -> {
                String ring = e.text("ring");
                lane.marks.add(new Mark(t, "token_lost", "token lost" + (ring == null ? "" : ", ring " + ring)));
            }
            case "transition" -> {
                String reason = e.text("reason");
                String text = e.text("machine") + ": " + e.text("from") + " \u2192 " + e.text("to")
                        + (reason == null ? "" : " (" + reason + ")");
                lane.transitions.add(new Tick(t, textIndex.computeIfAbsent(text, key -> {
                    texts.add(key);
                    return texts.size() - 1;
                }), 0));
            }
            case "crash" -> {
                lane.closeBand(t);
                lane.closePause(t);
                if (lane.downSince < 0) {
                    lane.downSince = t;
                }
                lane.marks.add(new Mark(t, "crash", "crash"));
            }
            case "restart" -> {
                lane.closeDown(t);
                lane.marks.add(new Mark(t, "restart", "restart"));
            }
            case "pause" -> {
                if (lane.pausedSince < 0) {
                    lane.pausedSince = t;
                }
                lane.marks.add(new Mark(t, "pause", "pause"));
            }
            case "resume" -> {
                lane.closePause(t);
                lane.marks.add(new Mark(t, "resume", "resume"));
            }
            default -> {
                // Readers ignore events they do not know (README, "Trace format").
            }
        }
    }

    /** Closes what is still open at the end of the trace and orders every lane by time. */
    Timeline finish() {
        if (finished) {
            return this;
        }
        finished = true;
        if (events == 0) {
            t0 = 0;
            t1 = 0;
        }
        for (Lane lane : lanes.values()) {
            lane.closeBand(t1);
            lane.closePause(t1);
            lane.closeDown(t1);
            if (lane.startedAt > t0) {
                lane.spans.add(0, new Span(t0, lane.startedAt, "unstarted"));
            }
            Comparator<Tick> byTime = Comparator.comparingLong(Tick::t);
            lane.deliveries.sort(byTime);
            lane.submits.sort(byTime);
            lane.transitions.sort(byTime);
        }
        globals.sort(Comparator.comparingLong(GlobalMark::t));
        return this;
    }

    /** The hue of a configured ring: the same in every lane, far from the rings before and after it. */
    int hue(String ring) {
        return Markup.hue(configuredRings.getOrDefault(ring, 0));
    }

    long count(String ev) {
        return counts.getOrDefault(ev, 0L);
    }

    /** The lane of {@code node}, made on first mention; node ids below 1 get none. */
    private Lane lane(int node) {
        return node > 0 ? lanes.computeIfAbsent(node, Lane::new) : null;
    }

    private Message message(String id) {
        Integer index = messageIndex.get(id);
        if (index != null) {
            return messages.get(index);
        }
        Message m = new Message(id);
        messageIndex.put(id, messages.size());
        messages.add(m);
        return m;
    }

    private int ring(String ring) {
        return ringIndex.computeIfAbsent(ring, key -> {
            rings.add(key);
            return rings.size() - 1;
        });
    }

    private static int guarantee(TraceEvent e) throws TraceFormatException {
        String g = e.text("guarantee");
        return "safe".equals(g) ? SAFE : AGREED;
    }

    static String join(int[] nodes) {
        return Arrays.toString(nodes).replace(" ", "").replace('[', '{').replace(']', '}');
    }
}

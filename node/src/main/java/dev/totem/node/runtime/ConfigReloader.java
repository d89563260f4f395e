package dev.totem.node.runtime;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A node's configuration reload ({@link TotemNode#reloadConfig}): reads the settings again from
 * its {@link SettingsSource}, has the node apply the new nodelist, and answers in one line what
 * changed and what waits for a restart ({@link SettingsReload}). Event loop only, but for
 * {@link #readFrom}.
 */
final class ConfigReloader {
    private final int nodeId;
    private final NodeLog log;
    /** Null: the node was not started from a file, there is nothing to reload. */
    private volatile SettingsSource source;

    ConfigReloader(int nodeId, NodeLog log) {
        this.nodeId = nodeId;
        this.log = log;
    }

    /** Where {@link #reload} reads the settings again. */
    void readFrom(SettingsSource settingsSource) {
        this.source = Objects.requireNonNull(settingsSource, "source");
    }

    /**
     * Reads the file (a few milliseconds between two inputs, as corosync reads its file on its
     * main loop) and hands {@code apply} the running settings with the new peers and CPG peer
     * policy when either changes. Never throws: a file that cannot be used changes nothing.
     *
     * @param running the settings the node runs with
     * @param members the current ring's members, to say which removed nodes are still in it
     * @return one line, starting with "error" when nothing could be applied (logged as a warning too)
     */
    String reload(RuntimeSettings running, int[] members, Consumer<RuntimeSettings> apply) {
        String answer = reloadOrRefuse(running, members, apply);
        if (answer.startsWith("error ")) {
            log.warning("configuration reload failed: " + answer.substring("error ".length()));
        }
        return answer;
    }

    private String reloadOrRefuse(RuntimeSettings running, int[] members, Consumer<RuntimeSettings> apply) {
        SettingsSource from = source;
        if (from == null) {
            return "error node " + nodeId + " was not started from a configuration file: there is nothing to reload";
        }
        SettingsReload reload;
        try {
            RuntimeSettings read = from.read();
            if (read.nodeId() != nodeId) {
                return "error the file now makes this node " + read.nodeId() + ", it runs as " + nodeId + "; nothing changed";
            }
            reload = SettingsReload.between(running, read);
        } catch (RuntimeException e) { // ConfigException, or settings that do not fit (IllegalArgumentException)
            return "error " + e.getMessage() + "; nothing changed";
        }
        if (reload.changesAnything()) {
            apply.accept(reload.applied());
        }
        String answer = reload.describe();
        String leaving = reload.removed().stream().filter(id -> Arrays.stream(members).anyMatch(m -> m == id))
                .sorted().map(String::valueOf).collect(Collectors.joining(" "));
        if (!leaving.isEmpty()) {
            // Their frames are dropped from now on: the ring loses its token there and re-forms without them.
            answer += "; the ring re-forms without " + leaving + " (members until now)";
        }
        log.info("configuration reloaded: " + answer.substring("ok ".length())
                + (reload.waiting().size() > SettingsReload.WAITING_SHOWN_MAX ? "; all waiting: " + reload.waiting() : ""));
        return answer;
    }
}

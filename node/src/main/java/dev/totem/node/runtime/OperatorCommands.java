package dev.totem.node.runtime;

import dev.totem.node.admin.AdminServer;
import dev.totem.node.cpg.NodeCpg;
import dev.totem.protocol.api.TotemConfig;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * A running node's operator commands, each run on its event loop and answered in one line: the
 * key and configuration reloads, on this node or across the ring ({@link ClusterReload}), and a
 * network's re-enable; and the settings a reload replaces. {@link TotemNode}'s public methods
 * and its admin socket hand them here.
 */
final class OperatorCommands {
    private final int nodeId;
    private final NodeLog log;
    /** The node's event loop: every command runs there, and a key reload schedules its later steps there. */
    private final ScheduledExecutorService loop;
    private final EngineStack stack;
    /** Null when the node runs without CPG (no cluster-wide reload then). */
    private final NodeCpg cpg;
    /** Null when frames go in the clear. */
    private final NodeCrypto crypto;
    private final Networks networks;
    private final EngineDriver driver;
    private final NodeEvents events;
    private final PauseWatch pauseWatch;
    private final ConfigReloader reloader;
    private final ClusterReload clusterReload;
    /** Replaced by a reload ({@link #reloadConfigNow}); written on the loop only. */
    private volatile RuntimeSettings settings;

    /** The parts of the node the commands act on. */
    record Parts(EngineStack stack, NodeCpg cpg, NodeCrypto crypto, Networks networks, EngineDriver driver,
            NodeEvents events, PauseWatch pauseWatch, NodeCounters counters) {}

    /** Registers the cluster reload with the driver, which hands it other services' messages. */
    OperatorCommands(RuntimeSettings settings, NodeLog log, ScheduledExecutorService loop, Parts parts) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nodeId = settings.nodeId();
        this.log = log;
        this.loop = loop;
        this.stack = parts.stack();
        this.cpg = parts.cpg();
        this.crypto = parts.crypto();
        this.networks = parts.networks();
        this.driver = parts.driver();
        this.events = parts.events();
        this.pauseWatch = parts.pauseWatch();
        this.reloader = new ConfigReloader(nodeId, log);
        this.clusterReload = new ClusterReload(nodeId, log, parts.counters(),
                what -> what == ClusterReload.What.CONFIG ? reloadConfigNow() : reloadKeyNow(), loop);
        driver.serviceMessages(clusterReload::delivered);
    }

    /** The settings the node runs with (the nodelist, peer policy and tunables as last reloaded). */
    RuntimeSettings settings() {
        return settings;
    }

    /** Where a configuration reload reads the settings again. */
    void readFrom(SettingsSource source) {
        reloader.readFrom(source);
    }

    /** What answers the admin socket's requests. */
    AdminServer.Handlers handlers(Supplier<NodeStatus> status) {
        return new AdminServer.Handlers(status, this::reloadKeyNow, this::reenableNow, this::reloadConfigNow,
                () -> reloadClusterNow(ClusterReload.What.CONFIG), () -> reloadClusterNow(ClusterReload.What.KEY));
    }

    /**
     * Runs a command on the loop; its one-line answer, or an error line when the loop has
     * stopped (a SIGHUP may come while the node closes).
     */
    CompletableFuture<String> run(Supplier<String> onLoop) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        try {
            loop.execute(() -> answer.complete(onLoop.get()));
        } catch (RejectedExecutionException e) {
            answer.complete("error node " + nodeId + " is closed");
        }
        return answer;
    }

    /** On the loop: the key file's reload; never throws. */
    String reloadKeyNow() {
        return crypto == null ? "error crypto is off (crypto_cipher none): there is no key to reload" : crypto.reload(loop);
    }

    /** On the loop: the configuration file's reload ({@link ConfigReloader}); never throws. */
    String reloadConfigNow() {
        return reloader.reload(settings, events.members(), applied -> {
            networks.replacePeers(applied);
            if (cpg != null) {
                applied.cpg().ifPresent(c -> cpg.replacePeerPolicy(c.peers()));
            }
            TotemConfig tunables = applied.totemConfig();
            if (!tunables.equals(settings.totemConfig())) {
                driver.reloadTunablesInput(tunables);
                pauseWatch.tokenTimeoutMs(tunables.tokenTimeoutMs());
                events.tokenTimeoutMs(tunables.tokenTimeoutMs());
            }
            settings = applied;
        });
    }

    /** On the loop: this node's reload of {@code what}, then the request to the others; never throws. */
    String reloadClusterNow(ClusterReload.What what) {
        return clusterReload.reloadEverywhere(what, cpg != null ? driver::submitService : null, events.members());
    }

    /** On the loop: {@code network} or, when -1, every faulty network; never throws. */
    String reenableNow(int network) {
        if (!driver.running()) {
            return "error node " + nodeId + " is not running";
        }
        String answer = RrpCommands.reenable(stack.ring(), settings.rrpMode(), network,
                n -> driver.apply(stack.reenable(System.nanoTime(), n)));
        log.info("rrp reenable " + (network < 0 ? "(all)" : network) + ": " + answer);
        return answer;
    }
}

package dev.totem.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.node.runtime.ClusterReload.What;
import dev.totem.node.runtime.NodeCounters.Stat;
import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.RingId;
import dev.totem.protocol.api.SubmitStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cfg service's reload request: who reloads when, and what is dropped. */
class ClusterReloadTest {
    private static final RingId RING = new RingId(1, 4);

    private final LogCapture logs = LogCapture.attach();
    private final NodeCounters counters = new NodeCounters();
    private final List<Runnable> loopTasks = new ArrayList<>();
    private final List<String> reloads = new ArrayList<>();
    private String nextAnswer = "ok nodelist: unchanged";
    private final ClusterReload reload = new ClusterReload(2, new NodeLog(2), counters, what -> {
        reloads.add(what.name());
        return nextAnswer;
    }, loopTasks::add);

    @AfterEach
    void detach() {
        logs.detach();
    }

    @Test
    void anotherNodesRequestReloadsHereInALoopTaskOfItsOwn() {
        reload.delivered(new Effect.Deliver(1, ClusterReload.request(What.CONFIG), Guarantee.AGREED, RING));
        reload.delivered(new Effect.Deliver(3, ClusterReload.request(What.KEY), Guarantee.AGREED, RING));
        assertThat(reloads).as("not inside the batch that delivered it").isEmpty();
        nextAnswer = "error crypto is off (crypto_cipher none): there is no key to reload";
        loopTasks.forEach(Runnable::run);
        assertThat(reloads).containsExactly("CONFIG", "KEY");
        assertThat(logs.lines()).anyMatch(l -> l.contains("node 1 asks every node to reload its configuration file"))
                .anyMatch(l -> l.contains("node 3 asks every node to reload its key file"))
                .anyMatch(l -> l.startsWith("WARNING") && l.contains("key reload asked by node 3 failed: crypto is off"));
    }

    @Test
    void ourOwnRequestIsNotReloadedTwice() {
        reload.delivered(new Effect.Deliver(2, ClusterReload.request(What.CONFIG), Guarantee.AGREED, RING));
        assertThat(loopTasks).isEmpty();
    }

    @Test
    void aMessageOfAnUnknownServiceIsCountedAndDropped() {
        reload.delivered(new Effect.Deliver(3, new byte[] {9, 1, 1}, Guarantee.AGREED, RING));
        reload.delivered(new Effect.Deliver(3, new byte[] {1, 2, 1}, Guarantee.AGREED, RING)); // cfg, a newer version
        reload.delivered(new Effect.Deliver(3, new byte[] {1, 1, 7}, Guarantee.AGREED, RING)); // a request not known here
        assertThat(loopTasks).isEmpty();
        assertThat(counters.get(Stat.SERVICE_MESSAGES_UNKNOWN)).isEqualTo(3);
        assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARNING") && l.contains("dropped a message of service 9 from node 3"));
    }

    @Test
    void theOthersAreAskedOnlyWhenThisNodeReloaded() {
        List<byte[]> sent = new ArrayList<>();
        assertThat(reload.reloadEverywhere(What.CONFIG, m -> {
            sent.add(m);
            return SubmitStatus.ACCEPTED;
        }, new int[] {1, 2, 3})).isEqualTo("ok nodelist: unchanged; asked nodes 1 3 to reload theirs");
        assertThat(sent).singleElement().isEqualTo(ClusterReload.request(What.CONFIG));

        nextAnswer = "error totem.conf:3: error: unknown key 'tokn'; nothing changed";
        assertThat(reload.reloadEverywhere(What.CONFIG, m -> {
            sent.add(m);
            return SubmitStatus.ACCEPTED;
        }, new int[] {1, 2, 3})).endsWith("; nothing changed; the other nodes were not asked");
        assertThat(sent).hasSize(1);

        nextAnswer = "ok nodelist: added 4";
        assertThat(reload.reloadEverywhere(What.CONFIG, m -> SubmitStatus.TRY_AGAIN, new int[] {2}))
                .isEqualTo("error this node reloaded (nodelist: added 4) but the ring did not take the request to the "
                        + "others (TRY_AGAIN): reload again, or each node");
    }
}

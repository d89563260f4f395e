package dev.totem.jepsen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NemesisTest {
    private static final long TOKEN_MS = 1_000;

    /** Records what the nemesis does, on a virtual clock. */
    private static final class Recorder implements Nemesis.Cluster, Nemesis.Clock {
        final List<String> actions = new ArrayList<>();
        long nowMs;
        long lastPauseMs = -1;
        long shortestPauseMs = Long.MAX_VALUE;
        long longestPauseMs;

        @Override
        public long nowMs() {
            return nowMs;
        }

        @Override
        public void sleepMs(long ms) {
            nowMs += ms;
        }

        @Override
        public void kill(int node) {
            actions.add("kill " + node);
        }

        @Override
        public void restart(int node) {
            actions.add("restart " + node);
        }

        @Override
        public void pause(int node) {
            actions.add("pause " + node);
            lastPauseMs = nowMs;
        }

        @Override
        public void resume(int node) {
            actions.add("resume " + node);
            shortestPauseMs = Math.min(shortestPauseMs, nowMs - lastPauseMs);
            longestPauseMs = Math.max(longestPauseMs, nowMs - lastPauseMs);
        }

        @Override
        public void partition(int[][] groups) {
            actions.add("partition " + java.util.Arrays.deepToString(groups));
        }

        long blockedAtMs = -1;
        long longestBlockMs;
        long shortestBlockMs = Long.MAX_VALUE;

        @Override
        public void block(int from, int to) {
            actions.add("block " + from + "->" + to);
            if (blockedAtMs < 0) {
                blockedAtMs = nowMs;
            }
        }

        @Override
        public void loss(double share) {
            actions.add("loss " + share);
        }

        @Override
        public void heal() {
            actions.add("heal");
            if (blockedAtMs >= 0) {
                longestBlockMs = Math.max(longestBlockMs, nowMs - blockedAtMs);
                shortestBlockMs = Math.min(shortestBlockMs, nowMs - blockedAtMs);
                blockedAtMs = -1;
            }
        }

        @Override
        public void cutNetwork(int network, int[] nodes) {
            actions.add("cut " + network + " " + java.util.Arrays.toString(nodes));
        }

        @Override
        public void degradeNetwork(int network, double share) {
            actions.add("degrade " + network);
        }

        @Override
        public void mendNetwork(int network) {
            actions.add("mend " + network);
        }

        @Override
        public boolean stallClient(int node) {
            actions.add("stall " + node);
            return true;
        }

        @Override
        public void resumeClient(int node) {
            actions.add("unstall " + node);
        }
    }

    private static Recorder run(long seed, List<FaultKind> kinds, long durationMs) throws Exception {
        Recorder r = new Recorder();
        Nemesis n = new Nemesis(kinds, 5, kinds.contains(FaultKind.NETFAIL) ? 2 : 1, seed, TOKEN_MS, r, line -> { }, r);
        n.run(durationMs);
        r.actions.add("injected " + n.injected());
        return r;
    }

    @Test
    void theSameSeedGivesTheSameSchedule() throws Exception {
        List<FaultKind> all = List.of(FaultKind.values());
        assertThat(run(42, all, 120_000).actions).isEqualTo(run(42, all, 120_000).actions);
        assertThat(run(42, all, 120_000).actions).isNotEqualTo(run(43, all, 120_000).actions);
    }

    @Test
    void twoMinutesInjectAtLeastTwentyFaultsEachUndoneBeforeTheNext() throws Exception {
        List<FaultKind> shortOnes = new ArrayList<>(List.of(FaultKind.values()));
        shortOnes.remove(FaultKind.ONEWAY);
        shortOnes.remove(FaultKind.PARTIAL);
        Recorder r = run(7, shortOnes, 120_000);
        String last = r.actions.get(r.actions.size() - 1);
        assertThat(Integer.parseInt(last.substring("injected ".length()))).isGreaterThanOrEqualTo(20);
        String open = null;
        for (String a : r.actions.subList(0, r.actions.size() - 1)) {
            if (open == null) {
                assertThat(a).matches("(kill|pause|partition|block|loss 0\\.[0-9]|cut|degrade|stall).*");
                open = a;
            } else {
                String undo = open.startsWith("kill") ? "restart" + open.substring(4)
                        : open.startsWith("pause") ? "resume" + open.substring(5)
                        : open.startsWith("stall") ? "unstall" + open.substring(5)
                        : open.startsWith("loss") ? "loss 0.0"
                        : open.startsWith("cut") || open.startsWith("degrade") ? "mend " + open.split(" ")[1] : "heal";
                assertThat(a).as("after " + open).isEqualTo(undo);
                open = null;
            }
        }
        assertThat(open).isNull();
    }

    @Test
    void aNetworkFailsWholeForOneNodeOrDegradedAndOnlyWithTwoNetworks() throws Exception {
        Recorder r = run(5, List.of(FaultKind.NETFAIL), 300_000);
        assertThat(r.actions).anyMatch(a -> a.matches("cut [01] \\[1, 2, 3, 4, 5]"))
                .anyMatch(a -> a.matches("cut [01] \\[[1-5]]")).anyMatch(a -> a.matches("degrade [01]"))
                .anyMatch(a -> a.startsWith("cut 0")).anyMatch(a -> a.startsWith("cut 1"));
        assertThatThrownBy(() -> new Nemesis(List.of(FaultKind.NETFAIL), 5, 1, 1, TOKEN_MS, r, line -> { }, r))
                .hasMessageContaining("--networks 2");
    }

    @Test
    void aPauseOutlastsTheTokenTimeoutAndPartitionsSplitTheNodes() throws Exception {
        Recorder r = run(3, List.of(FaultKind.PAUSE, FaultKind.PARTITION), 300_000);
        assertThat(r.shortestPauseMs).isGreaterThan(TOKEN_MS).isLessThan(4_000 + 1).isNotEqualTo(Long.MAX_VALUE);
        assertThat(r.longestPauseMs).as("some pauses outlast token + consensus (2.2 tokens) by the fault's length")
                .isGreaterThanOrEqualTo(TOKEN_MS * 5 / 2 + 1_500);
        for (String a : r.actions) {
            if (a.startsWith("partition")) {
                List<String> nodes = new ArrayList<>(List.of(a.replaceAll("[^0-9,]", "").split(",")));
                nodes.sort(null);
                assertThat(nodes).containsExactly("1", "2", "3", "4", "5");
            }
        }
        assertThat(r.actions).anyMatch(a -> a.startsWith("block")).anyMatch(a -> a.startsWith("partition"));
    }

    @Test
    void aOneWayBlockLastsTwentyToFortySecondsThenHealsAndSometimesAnEndRestarts() throws Exception {
        Recorder r = run(9, List.of(FaultKind.ONEWAY), 300_000);
        assertThat(r.actions).allMatch(a -> a.matches("block [1-5]->[1-5]|heal|kill [1-5]|restart [1-5]|injected [0-9]+"))
                .noneMatch(a -> a.matches("block ([1-5])->\\1"));
        for (int i = 0; i < r.actions.size(); i++) {
            if (r.actions.get(i).startsWith("kill")) {
                String node = r.actions.get(i).substring(5);
                assertThat(r.actions.get(i - 1)).as("a restart follows a heal").isEqualTo("heal");
                assertThat(r.actions.get(i - 2)).as("of an end of the link").matches("block (" + node + "->.|.->" + node + ")");
                assertThat(r.actions.get(i + 1)).isEqualTo("restart " + node);
            }
        }
        long kills = r.actions.stream().filter(a -> a.startsWith("kill")).count();
        long heals = r.actions.stream().filter(a -> a.equals("heal")).count();
        assertThat(kills).as("some repaired links see a restart, some do not").isPositive().isLessThan(heals);
        assertThat(r.shortestBlockMs).isGreaterThanOrEqualTo(Nemesis.ONEWAY_MIN_MS);
        assertThat(r.longestBlockMs).isLessThan(2 * Nemesis.ONEWAY_MIN_MS).isGreaterThan(Nemesis.ONEWAY_MIN_MS);
        assertThat(r.actions.stream().filter(a -> a.startsWith("block")).count()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void aPartialFaultBlocksTwoDistinctLinksTwentyToFortySecondsThenHeals() throws Exception {
        Recorder r = run(11, List.of(FaultKind.PARTIAL), 300_000);
        assertThat(r.actions).allMatch(a -> a.matches("block [1-5]->[1-5]|heal|injected [0-9]+"))
                .noneMatch(a -> a.matches("block ([1-5])->\\1"));
        int faults = 0;
        boolean bothWays = false;
        boolean oneWay = false;
        java.util.Map<String, Integer> directionsPerLink = new java.util.HashMap<>();
        for (String a : r.actions) {
            if (a.startsWith("block")) {
                String[] ends = a.substring("block ".length()).split("->");
                int x = Integer.parseInt(ends[0]);
                int y = Integer.parseInt(ends[1]);
                directionsPerLink.merge(Math.min(x, y) + "-" + Math.max(x, y), 1, Integer::sum);
            } else if (a.equals("heal")) {
                assertThat(directionsPerLink).as("two links fail together").hasSize(2);
                bothWays |= directionsPerLink.containsValue(2);
                oneWay |= directionsPerLink.containsValue(1);
                directionsPerLink.clear();
                faults++;
            }
        }
        assertThat(faults).isGreaterThanOrEqualTo(6);
        assertThat(bothWays).as("some links fail both ways").isTrue();
        assertThat(oneWay).as("some one way").isTrue();
        assertThat(r.shortestBlockMs).isGreaterThanOrEqualTo(Nemesis.ONEWAY_MIN_MS);
        assertThat(r.longestBlockMs).isLessThan(2 * Nemesis.ONEWAY_MIN_MS).isGreaterThan(Nemesis.ONEWAY_MIN_MS);
        assertThatThrownBy(() -> new Nemesis(List.of(FaultKind.PARTIAL), 2, 1, 1, TOKEN_MS, r, line -> { }, r))
                .hasMessageContaining("three nodes");
    }
}

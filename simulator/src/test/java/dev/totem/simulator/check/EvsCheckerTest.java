package dev.totem.simulator.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.protocol.api.Effect.ConfigurationKind;
import dev.totem.protocol.api.Guarantee;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hand-made histories for {@link EvsChecker}: one realistic history that keeps every property,
 * and per property small histories that break exactly that one, so a checker that misses a
 * violation or flags a correct run fails here rather than in a simulation.
 */
class EvsCheckerTest {

    /**
     * Builds a {@link History} as a timeline. Deliveries take sender and guarantee from the
     * submission and the ring from the node's last configuration, so scenarios state only what
     * matters to them; every event advances the clock by one microsecond unless {@link #at} moves it.
     */
    static final class Timeline {
        private final History history = new History();
        private final Map<String, Integer> senders = new HashMap<>();
        private final Map<String, Guarantee> guarantees = new HashMap<>();
        private final Map<Integer, String> rings = new HashMap<>();
        private long now;

        Timeline at(long timeMicros) {
            now = timeMicros;
            return this;
        }

        private long tick() {
            return now++;
        }

        Timeline regular(int node, String ring, int... members) {
            return config(node, ConfigurationKind.REGULAR, ring, members);
        }

        Timeline transitional(int node, String ring, int... members) {
            return config(node, ConfigurationKind.TRANSITIONAL, ring, members);
        }

        /** Every member installs the regular configuration. */
        Timeline regularAll(String ring, int... members) {
            for (int node : members) {
                regular(node, ring, members);
            }
            return this;
        }

        /** Every member installs the transitional configuration. */
        Timeline transitionalAll(String ring, int... members) {
            for (int node : members) {
                transitional(node, ring, members);
            }
            return this;
        }

        /** {@code node} is cut off alone: it installs {@code ring} of only itself, transitional then regular. */
        Timeline alone(int node, String ring) {
            return transitional(node, ring, node).regular(node, ring, node);
        }

        private Timeline config(int node, ConfigurationKind kind, String ring, int[] members) {
            history.config(tick(), node, kind, ring, members);
            rings.put(node, ring);
            return this;
        }

        Timeline submit(int node, String id) {
            return submit(node, id, Guarantee.AGREED);
        }

        Timeline submitSafe(int node, String id) {
            return submit(node, id, Guarantee.SAFE);
        }

        private Timeline submit(int node, String id, Guarantee guarantee) {
            history.submit(tick(), node, id, guarantee);
            senders.put(id, node);
            guarantees.put(id, guarantee);
            return this;
        }

        /** Each of {@code nodes} delivers {@code id} as submitted. */
        Timeline deliver(String id, int... nodes) {
            for (int node : nodes) {
                deliverAs(node, id, senders.get(id));
            }
            return this;
        }

        /** {@code node} delivers {@code id} claiming {@code sender} sent it. */
        Timeline deliverAs(int node, String id, int sender) {
            history.deliver(tick(), node, id, sender, guarantees.getOrDefault(id, Guarantee.AGREED), rings.get(node));
            return this;
        }

        Timeline crash(int node) {
            history.crash(tick(), node);
            rings.remove(node);
            return this;
        }

        Timeline restart(int node) {
            history.restart(tick(), node);
            return this;
        }

        /** No faults from now on. */
        Timeline quiet() {
            history.quietFrom(now);
            return this;
        }

        History history() {
            return history;
        }

        List<Violation> check() {
            return EvsChecker.check(history);
        }
    }

    /**
     * Two nodes through a token-loss reformation, a partition, a merge, a crash and restart, and a
     * quiet period: every property holds.
     */
    static Timeline good() {
        return new Timeline()
                // One ring of both nodes; an agreed and a safe message.
                .at(10).regularAll("1:4", 1, 2)
                .at(20).submit(1, "a1").submitSafe(2, "b1")
                .at(30).deliver("a1", 1, 2).deliver("b1", 1, 2)
                // Token loss: the same members re-form as 1:6 and deliver a2 in the transitional configuration.
                .at(40).submit(1, "a2")
                .at(50).transitionalAll("1:6", 1, 2).deliver("a2", 1, 2).regularAll("1:6", 1, 2)
                // Partition: each side has its own transitional and regular configuration; only node 1 got a3.
                .at(100).submit(1, "a3")
                .transitional(1, "1:8", 1).deliver("a3", 1).regular(1, "1:8", 1)
                .alone(2, "2:8")
                .at(150).submit(1, "a4").deliver("a4", 1).submitSafe(2, "b2").deliver("b2", 2)
                // Merge: one new ring, reached through a different transitional configuration on each side.
                .at(200).transitional(1, "1:12", 1).transitional(2, "1:12", 2).regularAll("1:12", 1, 2)
                .at(220).submitSafe(1, "a5").submit(2, "b3").deliver("a5", 1, 2).deliver("b3", 1, 2)
                // Node 2 holds safe a6 (else node 1 could not deliver it) but crashes before delivering it; b4 is lost.
                .at(300).submitSafe(1, "a6").submit(2, "b4").deliver("a6", 1).crash(2)
                .at(310).alone(1, "1:16")
                // Node 2 restarts alone and merges back.
                .at(400).restart(2).regular(2, "2:20", 2)
                .at(420).transitional(1, "1:24", 1).transitional(2, "1:24", 2).regularAll("1:24", 1, 2)
                .at(430).submit(2, "b5").deliver("b5", 1, 2)
                // Quiet: late submissions reach everybody.
                .at(500).quiet()
                .at(510).submit(1, "a7").submitSafe(2, "b6").deliver("a7", 1, 2).deliver("b6", 1, 2);
    }

    /** Both nodes in one ring 1:4, node 1 having sent {@code a1}. */
    private static Timeline oneRing() {
        return new Timeline().at(10).regularAll("1:4", 1, 2).at(20).submit(1, "a1");
    }

    /** Every violation is of {@code property}, and one of them mentions all of {@code details}. */
    private static void assertOnly(List<Violation> violations, String property, String... details) {
        assertThat(violations).isNotEmpty().allSatisfy(v -> assertThat(v.property()).isEqualTo(property));
        assertThat(violations).anySatisfy(v -> assertThat(v.detail()).contains(details));
    }

    @Test
    void goodHistoryHasNoViolations() {
        assertThat(good().check()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("properties")
    void goodHistoryKeepsProperty(String property) {
        assertThat(good().check()).extracting(Violation::property).doesNotContain(property);
    }

    static List<String> properties() {
        return EvsChecker.PROPERTIES;
    }

    @Test
    void everyPropertyHasAHistoryThatBreaksIt() {
        Set<String> tested = new HashSet<>();
        for (Class<?> nested : EvsCheckerTest.class.getDeclaredClasses()) {
            tested.add(nested.getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT));
        }
        assertThat(tested).containsAll(EvsChecker.PROPERTIES);
    }

    @Test
    void reportsAtMostFivePerPropertyAndSaysSo() {
        Timeline t = oneRing();
        for (int i = 0; i < 7; i++) {
            t.deliverAs(2, "ghost" + i, 1);
        }
        t.deliver("a1", 1, 2);

        List<Violation> violations = t.check();

        assertThat(violations).hasSize(6).allSatisfy(v -> assertThat(v.property()).isEqualTo("no-invented"));
        assertThat(violations.get(5).detail()).contains("more violations");
    }

    @Nested
    class ConfigAgreement {
        @Test
        void oneRegularRingWithDifferentMembers() {
            Timeline t = new Timeline().regular(1, "1:4", 1, 2).regular(2, "1:4", 1, 2, 3);

            assertOnly(t.check(), "config-agreement", "node 2", "regular 1:4", "[1, 2, 3]");
        }

        @Test
        void oneTransitionalConfigurationWithDifferentMembers() {
            Timeline t = new Timeline().regularAll("1:4", 1, 2)
                    .transitional(1, "1:8", 1, 2).transitional(2, "1:8", 2).regularAll("1:8", 1, 2);

            assertOnly(t.check(), "config-agreement", "node 2", "transitional 1:8 after 1:4", "[2]");
        }

        @Test
        void transitionalConfigurationsOfOneRingAfterDifferentRingsMayDiffer() {
            Timeline t = new Timeline().regular(1, "1:4", 1).regular(2, "2:4", 2)
                    .transitional(1, "1:8", 1).transitional(2, "1:8", 2).regularAll("1:8", 1, 2);

            assertThat(t.check()).isEmpty();
        }
    }

    @Nested
    class ConfigurationChanges {
        @Test
        void configurationWithoutTheInstallingNode() {
            Timeline t = new Timeline().regular(1, "1:4", 2, 3);

            assertOnly(t.check(), "configuration-changes", "node 1", "regular 1:4 [2, 3]", "does not hold it");
        }

        @Test
        void regularAfterRegularWithoutTransitional() {
            Timeline t = new Timeline().regularAll("1:4", 1, 2).regularAll("1:8", 1, 2);

            assertOnly(t.check(), "configuration-changes", "regular 1:8 right after regular 1:4");
        }

        @Test
        void firstRegularAfterARestartNeedsNoTransitional() {
            Timeline t = new Timeline().regularAll("1:4", 1, 2).crash(2).alone(1, "1:8")
                    .restart(2).regular(2, "2:12", 2);

            assertThat(t.check()).isEmpty();
        }

        @Test
        void transitionalMemberThatWasNotInTheOldRing() {
            Timeline t = new Timeline().regular(1, "1:4", 1).regular(2, "2:4", 2)
                    .transitional(1, "1:8", 1, 2).transitional(2, "1:8", 2).regularAll("1:8", 1, 2);

            assertOnly(t.check(), "configuration-changes", "node 1", "transitional 1:8 [1, 2]", "regular configuration 1:4 [1]");
        }

        @Test
        void transitionalOfAnotherRingThanTheNextRegular() {
            Timeline t = new Timeline().regularAll("1:4", 1, 2).transitionalAll("1:8", 1, 2).regularAll("1:12", 1, 2);

            assertOnly(t.check(), "configuration-changes", "regular 1:12 [1, 2] after transitional 1:8");
        }

        @Test
        void ringSequenceNumberThatGoesBackAcrossARestart() {
            Timeline t = new Timeline().regular(1, "1:8", 1).crash(1).restart(1).regular(1, "1:4", 1);

            assertOnly(t.check(), "configuration-changes", "regular 1:4 after a ring of sequence number 8");
        }
    }

    @Nested
    class DeliveryConfiguration {
        @Test
        void oneMessageDeliveredInTwoRegularConfigurations() {
            // Node 2 delivers a1 only after the next ring is installed: a message of the old ring in the new one.
            Timeline t = oneRing().deliver("a1", 1)
                    .transitional(1, "1:8", 1, 2).transitional(2, "1:8", 1, 2).regularAll("1:8", 1, 2).deliver("a1", 2);

            assertThat(t.check()).extracting(Violation::property).contains("delivery-configuration");
            assertThat(t.check()).filteredOn(v -> v.property().equals("delivery-configuration"))
                    .anySatisfy(v -> assertThat(v.detail()).contains("a1", "regular 1:4", "regular 1:8"));
        }

        @Test
        void oldRingMessageInTheTransitionalConfigurationIsInItsConfiguration() {
            Timeline t = oneRing().deliver("a1", 1).transitional(1, "1:8", 1).regular(1, "1:8", 1)
                    .transitional(2, "2:8", 2).deliver("a1", 2).regular(2, "2:8", 2);

            assertThat(t.check()).isEmpty();
        }

        @Test
        void senderNotAMemberOfTheConfiguration() {
            Timeline t = new Timeline().regular(1, "1:4", 1).regular(2, "2:4", 2).submit(2, "b1").deliver("b1", 1, 2);

            assertOnly(t.check(), "delivery-configuration", "node 1 delivered b1 of node 2", "regular 1:4 [1]");
        }
    }

    @Nested
    class SelfDelivery {
        @Test
        void nodeThatNeverCrashesMissesItsOwnMessage() {
            Timeline t = oneRing().submit(2, "b1").deliver("b1", 1, 2);

            assertOnly(t.check(), "self-delivery", "node 1", "a1");
        }

        @Test
        void crashExcusesMessagesSubmittedBeforeIt() {
            Timeline t = oneRing().submit(2, "b1").deliver("b1", 1, 2).crash(1);

            assertThat(t.check()).isEmpty();
        }

        @Test
        void crashDoesNotExcuseMessagesSubmittedAfterRestart() {
            Timeline t = oneRing().crash(1).restart(1).regular(1, "1:8", 1).submit(1, "a2");

            assertOnly(t.check(), "self-delivery", "node 1", "a2");
        }
    }

    @Nested
    class VirtualSynchrony {
        @Test
        void sameConfigurationsDifferentDeliveries() {
            Timeline t = oneRing().deliver("a1", 1)
                    .transitionalAll("1:8", 1, 2).regularAll("1:8", 1, 2);

            assertOnly(t.check(), "virtual-synchrony", "nodes 1 and 2", "regular 1:4", "a1");
        }

        @Test
        void differentNextConfigurationsMayFollowDifferentDeliveries() {
            Timeline t = oneRing().deliver("a1", 1)
                    .alone(1, "1:8").alone(2, "2:8");

            assertThat(t.check()).isEmpty();
        }
    }

    @Nested
    class TotalOrder {
        @Test
        void twoNodesDeliverTwoMessagesInOppositeOrders() {
            Timeline t = oneRing().submit(2, "b1").deliver("a1", 1).deliver("b1", 1).deliver("b1", 2).deliver("a1", 2);

            assertOnly(t.check(), "total-order", "a1", "b1");
        }

        @Test
        void threeNodesCloseACycle() {
            Timeline t = new Timeline().regularAll("1:4", 1, 2, 3)
                    .submit(1, "a").submit(2, "b").submit(3, "c")
                    .deliver("a", 1).deliver("b", 1)
                    .deliver("b", 2).deliver("c", 2)
                    .deliver("c", 3).deliver("a", 3);

            assertOnly(t.check(), "total-order", "a", "b", "c");
        }
    }

    @Nested
    class Safe {
        @Test
        void memberThatNeverCrashesMissesSafeMessage() {
            Timeline t = new Timeline().regularAll("1:4", 1, 2).submitSafe(1, "s1").deliver("s1", 1);

            assertOnly(t.check(), "safe", "node 1", "s1", "1:4", "member 2");
        }

        @Test
        void laterCrashOfTheMemberExcusesIt() {
            Timeline t = new Timeline().regularAll("1:4", 1, 2).submitSafe(1, "s1").deliver("s1", 1).crash(2);

            assertThat(t.check()).isEmpty();
        }

        @Test
        void crashBeforeTheMemberInstalledTheRingDoesNotExcuseIt() {
            Timeline t = new Timeline().at(1).crash(2).restart(2)
                    .at(10).regularAll("1:4", 1, 2).submitSafe(1, "s1").deliver("s1", 1);

            assertOnly(t.check(), "safe", "s1", "member 2");
        }

        @Test
        void safeDeliveryInTransitionalConfigurationBindsNobodyElse() {
            Timeline t = new Timeline().regularAll("1:4", 1, 2).submitSafe(1, "s1")
                    .transitional(1, "1:8", 1).deliver("s1", 1).regular(1, "1:8", 1)
                    .alone(2, "2:8");

            assertThat(t.check()).isEmpty();
        }
    }

    @Nested
    class Fifo {
        @Test
        void oneSendersMessagesReordered() {
            // Both nodes agree on the wrong order, so only FIFO, not total order, is broken.
            Timeline t = oneRing().submit(1, "a2").deliver("a2", 1, 2).deliver("a1", 1, 2);

            assertOnly(t.check(), "fifo", "node 2", "a1");
        }

        @Test
        void gapWithinOneConfiguration() {
            Timeline t = oneRing().submit(1, "a2").submit(1, "a3").deliver("a1", 1, 2).deliver("a2", 1)
                    .deliver("a3", 1, 2);

            assertOnly(t.check(), "fifo", "node 2", "skipped 1", "a3");
        }
    }

    @Nested
    class NoDuplicate {
        @Test
        void deliveredTwice() {
            Timeline t = oneRing().deliver("a1", 1, 2, 2);

            assertOnly(t.check(), "no-duplicate", "node 2", "a1");
        }

        @Test
        void submittedTwice() {
            Timeline t = oneRing().submit(1, "a1").deliver("a1", 1, 2);

            assertOnly(t.check(), "no-duplicate", "a1", "submitted twice");
        }
    }

    @Nested
    class NoInvented {
        @Test
        void deliveredIdNobodySubmitted() {
            Timeline t = oneRing().deliver("a1", 1, 2).deliverAs(2, "ghost", 1);

            assertOnly(t.check(), "no-invented", "node 2", "ghost");
        }

        @Test
        void deliveredWithWrongSender() {
            Timeline t = oneRing().deliver("a1", 1).deliverAs(2, "a1", 2);

            assertOnly(t.check(), "no-invented", "node 2", "a1", "sent by 2");
        }
    }

    @Nested
    class Liveness {
        @Test
        void liveNodesEndApart() {
            Timeline t = oneRing().deliver("a1", 1, 2)
                    .alone(1, "1:8").alone(2, "2:8")
                    .quiet();

            List<Violation> violations = t.check();

            assertOnly(violations, "liveness", "node 1", "1:8");
            assertOnly(violations, "liveness", "node 2", "2:8");
        }

        @Test
        void lateMessageMissedByALiveNode() {
            Timeline t = oneRing().deliver("a1", 1, 2).quiet().submit(1, "a2").deliver("a2", 1);

            assertOnly(t.check(), "liveness", "node 2", "a2");
        }

        @Test
        void noQuietPeriodNoLiveness() {
            Timeline t = oneRing().deliver("a1", 1, 2)
                    .alone(1, "1:8").alone(2, "2:8");

            assertThat(t.check()).isEmpty();
        }

        @Test
        void crashedNodeNeedNotRejoin() {
            Timeline t = oneRing().deliver("a1", 1, 2).crash(2)
                    .alone(1, "1:8")
                    .quiet().submit(1, "a2").deliver("a2", 1);

            assertThat(t.check()).isEmpty();
        }

        @Test
        void restartedNodeThatNeverRejoinsDoesNotKeepItsOldConfiguration() {
            // Node 1 never noticed node 2 go; node 2's configuration from before its crash is not its current one.
            Timeline t = oneRing().deliver("a1", 1, 2).crash(2).restart(2).quiet();

            assertOnly(t.check(), "liveness", "node 2", "no configuration");
        }

        @Test
        void liveNodesEndInDifferentRingsOfTheSameMembers() {
            // Node 2 missed the commit of ring 1:8 and stays in 1:4: two configurations, not one.
            Timeline t = oneRing().deliver("a1", 1, 2)
                    .transitional(1, "1:8", 1, 2).regular(1, "1:8", 1, 2)
                    .quiet();

            assertOnly(t.check(), "liveness", "node 2", "1:4");
        }
    }
}

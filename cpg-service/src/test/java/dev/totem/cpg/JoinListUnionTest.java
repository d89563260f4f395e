package dev.totem.cpg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.totem.cpg.wire.EntryState;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class JoinListUnionTest {
    private static Exec.Entry entry(int pid, String group, EntryState state) {
        return new Exec.Entry(pid, group, state);
    }

    private static TreeSet<Member> members(Member... ms) {
        return new TreeSet<>(List.of(ms));
    }

    @Test
    void everyReasonFollowsFromTheJoinListsAndTheConfiguration() {
        // Before: node 1 has pids 10 (stays), 11 (leaving), 12 (gone without a word); node 3 (not in
        // the configuration any more) has 30. After: node 2 lists 20 joining and 21 as a member.
        TreeMap<String, TreeSet<Member>> table = new TreeMap<>();
        table.put("g", members(new Member(1, 10), new Member(1, 11), new Member(1, 12), new Member(3, 30)));
        TreeMap<Integer, List<Exec.Entry>> joinLists = new TreeMap<>();
        joinLists.put(1, List.of(entry(10, "g", EntryState.ENTRY_STATE_MEMBER), entry(11, "g", EntryState.ENTRY_STATE_LEAVING)));
        joinLists.put(2, List.of(entry(20, "g", EntryState.ENTRY_STATE_JOINING), entry(21, "g", EntryState.ENTRY_STATE_MEMBER)));

        List<JoinListUnion.GroupChange> changes = JoinListUnion.changes(table, joinLists, new int[] {1, 2});

        assertThat(changes).hasSize(1);
        JoinListUnion.GroupChange g = changes.get(0);
        assertThat(g.group()).isEqualTo("g");
        assertThat(g.after()).containsExactly(new Member(1, 10), new Member(2, 20), new Member(2, 21));
        assertThat(g.left()).containsExactly(new CpgAddress(1, 11, Reason.LEAVE), new CpgAddress(1, 12, Reason.PROCDOWN),
                new CpgAddress(3, 30, Reason.NODEDOWN));
        assertThat(g.joined()).containsExactly(new CpgAddress(2, 20, Reason.JOIN), new CpgAddress(2, 21, Reason.NODEUP));
        assertThat(table.get("g")).hasSize(4); // the table it was given is not changed
    }

    @Test
    void groupsOfEitherSideAreListedInNameOrderChangedOrNot() {
        TreeMap<String, TreeSet<Member>> table = new TreeMap<>();
        table.put("b", members(new Member(1, 10)));
        table.put("c", members(new Member(2, 20)));
        TreeMap<Integer, List<Exec.Entry>> joinLists = new TreeMap<>();
        joinLists.put(1, List.of(entry(10, "b", EntryState.ENTRY_STATE_MEMBER), entry(10, "a", EntryState.ENTRY_STATE_JOINING)));
        joinLists.put(2, List.of());

        List<JoinListUnion.GroupChange> changes = JoinListUnion.changes(table, joinLists, new int[] {1, 2});

        assertThat(changes).extracting(JoinListUnion.GroupChange::group).containsExactly("a", "b", "c");
        assertThat(changes).extracting(JoinListUnion.GroupChange::changed).containsExactly(true, false, true);
        assertThat(changes.get(2).after()).isEmpty();
        assertThat(changes.get(2).left()).containsExactly(new CpgAddress(2, 20, Reason.PROCDOWN));
    }
}

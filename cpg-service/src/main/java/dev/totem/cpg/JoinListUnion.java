package dev.totem.cpg;

import dev.totem.cpg.wire.EntryState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The end of a sync, computed: the group table becomes the union of every member's JOINLIST, and
 * each group's change from the table a node had is stated with reasons. The reasons depend only on
 * the JOINLISTs and the configuration, so every member finds the same ones for the same process:
 * a process that is gone left by NODEDOWN when its node is not in the configuration, by LEAVE
 * when its JOINLIST says it was leaving, by PROCDOWN otherwise; one that is new joined by JOIN
 * when its JOINLIST says it was joining, by NODEUP otherwise. Entries in the LEAVING state are
 * not members after the sync.
 */
final class JoinListUnion {
    /** One group after the sync: its members, and who left and joined relative to the table before. */
    record GroupChange(String group, TreeSet<Member> after, List<CpgAddress> left, List<CpgAddress> joined) {
        boolean changed() {
            return !left.isEmpty() || !joined.isEmpty();
        }
    }

    private JoinListUnion() {
    }

    /**
     * @param table the group table before the sync (not changed)
     * @param joinLists node id -> that node's JOINLIST entries, one per member of the configuration
     * @param configurationMembers the regular configuration's node ids, sorted
     * @return every group of the table or of a JOINLIST, in name order
     */
    static List<GroupChange> changes(SortedMap<String, TreeSet<Member>> table, SortedMap<Integer, List<Exec.Entry>> joinLists,
            int[] configurationMembers) {
        TreeMap<String, TreeSet<Member>> next = new TreeMap<>();
        TreeSet<String> joining = new TreeSet<>();
        TreeSet<String> leaving = new TreeSet<>();
        for (Map.Entry<Integer, List<Exec.Entry>> list : joinLists.entrySet()) {
            int node = list.getKey();
            for (Exec.Entry en : list.getValue()) {
                String key = key(en.group(), node, en.pid());
                if (en.state() == EntryState.ENTRY_STATE_LEAVING) {
                    leaving.add(key);
                    continue;
                }
                if (en.state() == EntryState.ENTRY_STATE_JOINING) {
                    joining.add(key);
                }
                next.computeIfAbsent(en.group(), g -> new TreeSet<>()).add(new Member(node, en.pid()));
            }
        }
        TreeSet<String> groups = new TreeSet<>(table.keySet());
        groups.addAll(next.keySet());
        List<GroupChange> out = new ArrayList<>(groups.size());
        for (String group : groups) {
            TreeSet<Member> before = table.getOrDefault(group, new TreeSet<>());
            TreeSet<Member> after = next.getOrDefault(group, new TreeSet<>());
            List<CpgAddress> left = new ArrayList<>();
            for (Member m : before) {
                if (!after.contains(m)) {
                    Reason r = Arrays.binarySearch(configurationMembers, m.node()) < 0 ? Reason.NODEDOWN
                            : leaving.contains(key(group, m.node(), m.pid())) ? Reason.LEAVE : Reason.PROCDOWN;
                    left.add(m.address(r));
                }
            }
            List<CpgAddress> joined = new ArrayList<>();
            for (Member m : after) {
                if (!before.contains(m)) {
                    joined.add(m.address(joining.contains(key(group, m.node(), m.pid())) ? Reason.JOIN : Reason.NODEUP));
                }
            }
            out.add(new GroupChange(group, after, left, joined));
        }
        return out;
    }

    private static String key(String group, int node, int pid) {
        return group + '\0' + node + '\0' + pid;
    }
}

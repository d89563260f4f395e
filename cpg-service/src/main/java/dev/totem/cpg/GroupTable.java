package dev.totem.cpg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A node's group table: every member process of every group, sorted, as agreed at the last sync
 * and changed since in total order. A group is kept only while it has a member. The sets it hands
 * out are its own: callers read them (to write a confchg) and never change them.
 */
final class GroupTable {
    /** What {@link #removeNodes} tells per group that lost members. */
    interface Departure {
        /**
         * @param group the group
         * @param remaining its members after (empty: the group is gone)
         * @param gone the processes that went, with reason NODEDOWN
         */
        void departed(String group, TreeSet<Member> remaining, List<CpgAddress> gone);
    }

    private final TreeMap<String, TreeSet<Member>> groups = new TreeMap<>();

    /** Whether {@code member} is in {@code group}. */
    boolean contains(String group, Member member) {
        TreeSet<Member> members = groups.get(group);
        return members != null && members.contains(member);
    }

    /** Adds {@code member} to {@code group}: its members after, or null when it was there already. */
    TreeSet<Member> add(String group, Member member) {
        TreeSet<Member> members = groups.computeIfAbsent(group, g -> new TreeSet<>());
        return members.add(member) ? members : null;
    }

    /** Removes {@code member} from {@code group}: its members after (maybe none), or null when it was not there. */
    TreeSet<Member> remove(String group, Member member) {
        TreeSet<Member> members = groups.get(group);
        if (members == null || !members.remove(member)) {
            return null;
        }
        if (members.isEmpty()) {
            groups.remove(group);
        }
        return members;
    }

    /** {@code group} has exactly {@code members} from now on (none: it is gone). */
    void replace(String group, TreeSet<Member> members) {
        if (members.isEmpty()) {
            groups.remove(group);
        } else {
            groups.put(group, members);
        }
    }

    /** Removes every process of the nodes {@code sortedNodes}, telling {@code departure} group by group, in group order. */
    void removeNodes(int[] sortedNodes, Departure departure) {
        for (String group : List.copyOf(groups.keySet())) {
            TreeSet<Member> members = groups.get(group);
            List<CpgAddress> gone = new ArrayList<>();
            for (Iterator<Member> it = members.iterator(); it.hasNext(); ) {
                Member m = it.next();
                if (Arrays.binarySearch(sortedNodes, m.node()) >= 0) {
                    gone.add(m.address(Reason.NODEDOWN));
                    it.remove();
                }
            }
            if (members.isEmpty()) {
                groups.remove(group);
            }
            if (!gone.isEmpty()) {
                departure.departed(group, members, gone);
            }
        }
    }

    /** The table itself, read-only, for the sync's union of JOINLISTs. */
    SortedMap<String, TreeSet<Member>> groups() {
        return Collections.unmodifiableSortedMap(groups);
    }

    /** How many groups have a member. */
    int size() {
        return groups.size();
    }

    /** The members of {@code group}, sorted, with reason UNDEFINED; empty when it has none. */
    List<CpgAddress> membership(String group) {
        TreeSet<Member> members = groups.get(group);
        if (members == null) {
            return List.of();
        }
        List<CpgAddress> out = new ArrayList<>(members.size());
        for (Member m : members) {
            out.add(m.address(Reason.UNDEFINED));
        }
        return Collections.unmodifiableList(out);
    }

    /** Every group with its members as {@link #membership} gives them, sorted by name. */
    SortedMap<String, List<CpgAddress>> groupMembers() {
        SortedMap<String, List<CpgAddress>> out = new TreeMap<>();
        for (String group : groups.keySet()) {
            out.put(group, membership(group));
        }
        return Collections.unmodifiableSortedMap(out);
    }
}

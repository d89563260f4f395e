package dev.totem.membership;

import java.util.Arrays;
import java.util.TreeSet;

/** Small helpers over sorted sets of node ids, the currency of join messages. */
final class NodeSet {
    private NodeSet() {}

    static TreeSet<Integer> of(int[] ids) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int id : ids) {
            s.add(id);
        }
        return s;
    }

    static int[] toArray(java.util.Collection<Integer> ids) {
        int[] a = new int[ids.size()];
        int i = 0;
        for (int id : ids) {
            a[i++] = id;
        }
        Arrays.sort(a);
        return a;
    }

    /** Ascending ids of {@code a} not in {@code b}. */
    static int[] minus(int[] a, int[] b) {
        return Arrays.stream(a).filter(x -> Arrays.binarySearch(b, x) < 0).toArray();
    }

    static boolean contains(int[] sorted, int id) {
        return Arrays.binarySearch(sorted, id) >= 0;
    }

    /** For a list read off the wire, whose order is the sender's word only. */
    static boolean containsUnsorted(int[] ids, int id) {
        for (int x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }
}

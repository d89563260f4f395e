package dev.totem.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NodeSetTest {
    @Test
    void aListFromTheWireIsSearchedWhateverItsOrder() {
        int[] fromWire = {9, 7, 1};
        assertThat(Arrays.binarySearch(fromWire, 9)).as("what a sorted search would answer").isNegative();
        assertThat(NodeSet.containsUnsorted(fromWire, 9)).isTrue();
        assertThat(NodeSet.containsUnsorted(fromWire, 1)).isTrue();
        assertThat(NodeSet.containsUnsorted(fromWire, 8)).isFalse();
        assertThat(NodeSet.containsUnsorted(new int[0], 8)).isFalse();
    }
}

package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchHeapsTest {
    private static final long GIB = 1L << 30;

    @Test
    void aMachineWithTwiceTheirSumGetsTheLargeHeaps() {
        // Three nodes embedded: 6 GB of heaps, 12 GB wanted.
        BenchHeaps embedded = BenchHeaps.forMachine(12 * GIB, 3, false);
        assertThat(embedded.large()).isTrue();
        assertThat(embedded.node()).contains("-Xms2g", "-Xmx2g", "-Xmn1g");
        assertThat(embedded.describe(3, false)).contains("-Xmn1g").doesNotContain("small").doesNotContain("clients");
        // Three nodes and three clients: 9 GB of heaps, 18 GB wanted.
        BenchHeaps ipc = BenchHeaps.forMachine(18 * GIB, 3, true);
        assertThat(ipc.large()).isTrue();
        assertThat(ipc.client()).contains("-Xms1g", "-Xmx1g", "-Xmn768m");
        assertThat(ipc.describe(3, true)).contains("clients -Xms1g");
    }

    @Test
    void aSmallerMachineGetsTheSmallHeapsAndTheRunSaysWhy() {
        BenchHeaps ipc = BenchHeaps.forMachine(18 * GIB - 1, 3, true);
        assertThat(ipc.large()).isFalse();
        assertThat(ipc.node()).containsExactly("-Xmx512m");
        assertThat(ipc.client()).containsExactly("-Xmx256m");
        assertThat(ipc.describe(3, true)).contains("small").contains("18 GB");
        assertThat(BenchHeaps.forMachine(11 * GIB, 3, false).large()).isFalse();
        // A JVM that cannot tell the machine's memory says 0.
        assertThat(BenchHeaps.forMachine(0, 2, false).large()).isFalse();
    }

    @Test
    void moreNodesWantMoreMemory() {
        assertThat(BenchHeaps.forMachine(12 * GIB, 3, false).large()).isTrue();
        assertThat(BenchHeaps.forMachine(12 * GIB, 4, false).large()).isFalse();
    }
}

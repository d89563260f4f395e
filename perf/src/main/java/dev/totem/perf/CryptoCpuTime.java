package dev.totem.perf;

import dev.totem.crypto.CryptoCipher;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The cases of {@link CryptoBench}, timed in CPU time of the running thread instead of wall
 * time. On a machine shared with other builds the benchmark thread waits for a core most of
 * the time and JMH's wall-clock figures mostly measure that wait; CPU time does not count it.
 * Every case warms up first, then each runs {@value #ROUNDS} rounds and reports the median.
 *
 * <p>Run: {@code java -cp cli/target/totem.jar dev.totem.perf.CryptoCpuTime}
 */
public final class CryptoCpuTime {
    private static final int ROUNDS = 7;
    private static final long WARMUP_CPU_NANOS = 300_000_000L;
    private static final long ROUND_CPU_NANOS = 100_000_000L;
    private static final int[] SIZES = {64, 1500, 9000};

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private CryptoCpuTime() {}

    /** @param args none */
    public static void main(String[] args) throws Exception {
        new CryptoCpuTime().run();
    }

    private void run() throws Exception {
        List<Case> cases = cases();
        // Warm every case before measuring any: on a busy machine the JIT's compiler threads get
        // little CPU, and a case measured right after its own short warm-up may still run interpreted.
        for (Case c : cases) {
            round(c.op, WARMUP_CPU_NANOS);
        }
        System.out.println("CPU ns per seal+open (median of " + ROUNDS + " rounds), and frame MB per CPU second");
        System.out.printf("%-32s %6s %12s %10s%n", "case", "size", "cpu ns/op", "MB/s");
        for (Case c : cases) {
            double[] nanosPerOp = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                nanosPerOp[r] = round(c.op, ROUND_CPU_NANOS);
            }
            Arrays.sort(nanosPerOp);
            double median = nanosPerOp[ROUNDS / 2];
            System.out.printf(Locale.ROOT, "%-32s %6d %12.0f %10.0f%n", c.name, c.size, median, c.size * 1e3 / median);
        }
    }

    private static List<Case> cases() throws Exception {
        List<Case> cases = new ArrayList<>();
        CryptoBench bench = new CryptoBench();
        for (CryptoBench.Impl impl : CryptoBench.Impl.values()) {
            for (int size : SIZES) {
                CryptoBench.Raw s = new CryptoBench.Raw();
                s.impl = impl;
                s.size = size;
                s.setUp();
                cases.add(new Case("aead " + impl, size, () -> bench.aead(s)));
            }
        }
        for (CryptoCipher cipher : new CryptoCipher[] {CryptoCipher.AES256_GCM, CryptoCipher.CHACHA20_POLY1305}) {
            for (int size : SIZES) {
                CryptoBench.Module s = new CryptoBench.Module();
                s.cipher = cipher;
                s.size = size;
                s.setUp();
                cases.add(new Case("frameSealer " + cipher, size, () -> bench.frameSealer(s).length));
            }
        }
        return cases;
    }

    /** One operation of a case. */
    private interface Op {
        int run() throws Exception;
    }

    /** A named case: implementation and frame size. */
    private static final class Case {
        final String name;
        final int size;
        final Op op;

        Case(String name, int size, Op op) {
            this.name = name;
            this.size = size;
            this.op = op;
        }
    }

    /** Runs {@code op} until it has used {@code cpuNanos} of CPU; returns CPU ns per op. */
    private double round(Op op, long cpuNanos) throws Exception {
        long start = threads.getCurrentThreadCpuTime();
        long ops = 0;
        int sink = 0;
        long used;
        do {
            // Batches of 64 keep the clock reads out of the figure.
            for (int i = 0; i < 64; i++) {
                sink += op.run();
            }
            ops += 64;
            used = threads.getCurrentThreadCpuTime() - start;
        } while (used < cpuNanos);
        if (sink == 42) {
            System.out.print("");
        }
        return (double) used / ops;
    }
}

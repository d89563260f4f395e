package dev.totem.testkit;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Seeded property tests inside ordinary JUnit tests.
 *
 * <p>Case {@code i} of a run draws everything from {@code new SplittableRandom(baseSeed + i)}.
 * When a case fails, the failure names its seed and a one-line command that replays exactly that
 * case: the system property {@code totem.seed} makes {@link #run} execute only that seed.
 */
public final class SeededCases {
    /** System property that replays one seed. */
    public static final String SEED_PROPERTY = "totem.seed";

    private SeededCases() {}

    /** One generated case. */
    @FunctionalInterface
    public interface Case {
        void check(SplittableRandom random, long seed) throws Exception;
    }

    /**
     * Runs {@code cases} cases with seeds {@code baseSeed .. baseSeed + cases - 1}, or only the
     * seed given by {@code -Dtotem.seed=S}. Stops at the first failure and rethrows it wrapped in
     * an {@link AssertionError} whose message holds the seed and the replay command.
     */
    public static void run(long baseSeed, int cases, Case body) {
        String pinned = System.getProperty(SEED_PROPERTY);
        if (pinned != null && !pinned.isBlank()) {
            long seed = Long.parseLong(pinned.trim());
            runOne(seed, body);
            return;
        }
        for (int i = 0; i < cases; i++) {
            runOne(baseSeed + i, body);
        }
    }

    private static void runOne(long seed, Case body) {
        try {
            body.check(new SplittableRandom(seed), seed);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme) {
                throw vme;
            }
            // The message carries the seed and the replay command; JUnit prints it on failure.
            AssertionError e = new AssertionError("seed " + seed + " failed: " + t + "\n  replay: " + replayCommand(seed), t);
            throw e;
        }
    }

    /** The command that reruns the calling test with only {@code seed}. */
    public static String replayCommand(long seed) {
        StackTraceElement test = callingTest();
        String module = Path.of(System.getProperty("user.dir")).getFileName().toString();
        String target = test == null ? "" : " -Dtest='" + test.getClassName() + "#" + test.getMethodName() + "'";
        return "mvn -q test -pl " + module + " -am -Dsurefire.failIfNoSpecifiedTests=false" + target
                + " -D" + SEED_PROPERTY + "=" + seed;
    }

    private static StackTraceElement callingTest() {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            if (!e.getClassName().equals(SeededCases.class.getName()) && !e.getClassName().startsWith("java.")
                    && !e.getClassName().startsWith("jdk.") && e.getClassName().endsWith("Test")
                    && !e.getMethodName().startsWith("lambda$")) {
                return e;
            }
        }
        return null;
    }
}

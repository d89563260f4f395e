package dev.totem.simulator.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The violations a checker found, at most a few per property, so one bad run does not flood the
 * output. Every checker keeps its findings in one (the EVS and CPG checkers here, the lock
 * service's checker in {@code locks}).
 */
public final class ViolationLog {
    /** Violations kept per property. */
    public static final int MAX_PER_PROPERTY = 5;

    private final List<Violation> violations = new ArrayList<>();
    private final Map<String, Integer> perProperty = new HashMap<>();

    /** Records a violation of {@code property}; past {@link #MAX_PER_PROPERTY} only a mark that more were found. */
    public void report(String property, String detail) {
        int n = perProperty.merge(property, 1, Integer::sum);
        if (n <= MAX_PER_PROPERTY) {
            violations.add(new Violation(property, detail));
        } else if (n == MAX_PER_PROPERTY + 1) {
            violations.add(new Violation(property, "more violations of this property not listed"));
        }
    }

    /** The violations kept, in the order they were found. */
    public List<Violation> violations() {
        return violations;
    }
}

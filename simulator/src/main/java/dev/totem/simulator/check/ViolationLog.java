package dev.totem.simulator.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The violations a checker found, at most a few per property, so one bad run does not flood the output. */
final class ViolationLog {
    /** Violations kept per property. */
    static final int MAX_PER_PROPERTY = 5;

    private final List<Violation> violations = new ArrayList<>();
    private final Map<String, Integer> perProperty = new HashMap<>();

    void report(String property, String detail) {
        int n = perProperty.merge(property, 1, Integer::sum);
        if (n <= MAX_PER_PROPERTY) {
            violations.add(new Violation(property, detail));
        } else if (n == MAX_PER_PROPERTY + 1) {
            violations.add(new Violation(property, "more violations of this property not listed"));
        }
    }

    List<Violation> violations() {
        return violations;
    }
}

package dev.totem.node.runtime;

import dev.totem.protocol.api.Effect;
import java.util.Arrays;
import java.util.Optional;

/**
 * The line a tool's node process prints on stdout at each configuration change, and the parent
 * reads ({@code demo-node}, {@code jepsen-node}, {@code bench-node}):
 * {@code CONFIG <kind> <ring> <members>}, for example {@code CONFIG regular 1:9 [1, 2, 3]}.
 *
 * @param kind {@code regular} or {@code transitional}
 * @param ring the ring id as {@code RingId.toString()} writes it
 * @param members the members as {@code Arrays.toString} writes them
 */
public record ConfigLine(String kind, String ring, String members) {
    private static final String PREFIX = "CONFIG ";

    /** The line for {@code change}. */
    public static String of(Effect.ConfigurationChange change) {
        return PREFIX + change.kind().traceName() + " " + change.ring() + " " + Arrays.toString(change.members());
    }

    /** The configuration {@code line} announces, or empty when it is another kind of line. */
    public static Optional<ConfigLine> parse(String line) {
        if (!line.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = line.split(" ", 4);
        return parts.length == 4 ? Optional.of(new ConfigLine(parts[1], parts[2], parts[3])) : Optional.empty();
    }

    /** Whether it is a regular configuration. */
    public boolean regular() {
        return kind.equals(Effect.ConfigurationKind.REGULAR.traceName());
    }
}

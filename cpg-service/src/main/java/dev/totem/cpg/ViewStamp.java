package dev.totem.cpg;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effect.ConfigurationKind;

/**
 * Names the group view each confchg installs ({@link CpgEvent.Confchg#view()}), from the
 * engine's effects as the service is fed them: the configuration the node is in ({@code
 * r<ring>} for a regular one, {@code t<ring><<previous regular ring>} for a transitional one,
 * as the EVS checker names configurations), {@code @}, and how many messages of that
 * configuration the node had delivered, the one that made the confchg included.
 *
 * <p>Members of one configuration deliver the same messages in the same order, so a confchg
 * named alike at two nodes follows the same message and installs the same view. A checker of
 * group membership needs such names (two processes "installed the same view" must be decidable),
 * and a client cannot make them itself: a node hands events to its clients later than it makes
 * them (after each batch's frames left), when the count has moved on.
 */
final class ViewStamp {
    private String configuration = "none";
    private String previousRegular = "none";
    private long delivered;

    /** Counts one effect the service is fed: a delivery, or a configuration change that starts a new count. */
    void onEffect(Effect e) {
        if (e instanceof Effect.ConfigurationChange c) {
            if (c.kind() == ConfigurationKind.REGULAR) {
                configuration = "r" + c.ring();
                previousRegular = c.ring().toString();
            } else {
                configuration = "t" + c.ring() + "<" + previousRegular;
            }
            delivered = 0;
        } else if (e instanceof Effect.Deliver) {
            delivered++;
        }
    }

    /** The name of the view a confchg made now installs. */
    String current() {
        return configuration + "@" + delivered;
    }
}

package dev.totem.node.runtime;

import dev.totem.protocol.api.Effect;
import dev.totem.protocol.api.Effect.ConfigurationKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what one node's listener sees, in order; read from the test thread. */
final class Recorder implements NodeListener {
    /** Everything, in the order the loop produced it. */
    final List<Object> events = new CopyOnWriteArrayList<>();

    @Override
    public void onDeliver(Effect.Deliver deliver) {
        events.add(deliver);
    }

    @Override
    public void onConfigurationChange(Effect.ConfigurationChange change) {
        events.add(change);
    }

    @Override
    public void onTransition(Effect.Transition transition) {
        events.add(transition);
    }

    @Override
    public void onTokenLost(Effect.TokenLost tokenLost) {
        events.add(tokenLost);
    }

    int size() {
        return events.size();
    }

    <T> List<T> since(int from, Class<T> type) {
        List<T> out = new ArrayList<>();
        List<Object> all = new ArrayList<>(events);
        for (Object e : all.subList(Math.min(from, all.size()), all.size())) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** Whether a regular configuration with exactly {@code members} was installed at or after index {@code from}. */
    boolean hasRegular(int from, int... members) {
        return regular(from, members) != null;
    }

    Effect.ConfigurationChange regular(int from, int... members) {
        for (Effect.ConfigurationChange c : since(from, Effect.ConfigurationChange.class)) {
            if (c.kind() == ConfigurationKind.REGULAR && Arrays.equals(c.members(), members)) {
                return c;
            }
        }
        return null;
    }

    /** The text payloads delivered at or after {@code from} that start with {@code prefix}. */
    List<String> delivered(int from, String prefix) {
        List<String> out = new ArrayList<>();
        for (Effect.Deliver d : since(from, Effect.Deliver.class)) {
            String text = new String(d.payload(), StandardCharsets.UTF_8);
            if (text.startsWith(prefix)) {
                out.add(text + "/" + d.guarantee().traceName());
            }
        }
        return out;
    }
}

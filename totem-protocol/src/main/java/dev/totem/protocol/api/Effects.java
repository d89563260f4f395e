package dev.totem.protocol.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The batch of effects one input produced, as etcd raft's Ready.
 *
 * <p>Order contract: the driver applies {@link #list()} in order. An engine puts the frames it
 * sends before the deliveries that those frames made possible, so a driver that applies the list
 * in order never shows the application a message before the ring has it in flight. Timer
 * effects for one kind are idempotent; the last one for a kind wins.
 *
 * <p>The batch belongs to the engine and is reused: it is valid until the next input to the
 * same engine. A driver that keeps effects longer copies them.
 */
public final class Effects {
    private final List<Effect> list = new ArrayList<>();
    private SubmitStatus submitStatus = SubmitStatus.NONE;

    /** The effects, in the order they must be applied. */
    public List<Effect> list() {
        return list;
    }

    /** For a submit input: whether the message was accepted; {@link SubmitStatus#NONE} otherwise. */
    public SubmitStatus submitStatus() {
        return submitStatus;
    }

    /** Engine side: starts a new batch. */
    public Effects clear() {
        list.clear();
        submitStatus = SubmitStatus.NONE;
        return this;
    }

    /** Engine side: appends one effect. */
    public void add(Effect effect) {
        list.add(effect);
    }

    /** Engine side: records the outcome of a submit. */
    public void submitStatus(SubmitStatus status) {
        this.submitStatus = status;
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    @Override
    public String toString() {
        return "Effects" + list + (submitStatus == SubmitStatus.NONE ? "" : " submit=" + submitStatus);
    }
}

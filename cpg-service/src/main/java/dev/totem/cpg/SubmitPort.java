package dev.totem.cpg;

import dev.totem.protocol.api.Guarantee;
import dev.totem.protocol.api.SubmitStatus;

/**
 * How the service hands a message to the ring: "submit these bytes with this guarantee", and the
 * engine's answer. The driver implements it with {@code TotemEngine.submit} and applies the
 * effects that call returns itself.
 *
 * <p>Contract: the service calls it only from its client operations (clientGone and
 * disconnect included) and from {@link CpgService#flush()}, never while it is being fed engine
 * effects. The driver must not
 * call back into the service from inside {@code submit}: effects the engine returns (a delivery,
 * say) are fed to the service after the current service call returns.
 */
@FunctionalInterface
public interface SubmitPort {
    /**
     * Submits {@code message} to the engine. The service does not touch the array afterwards.
     *
     * @return the engine's answer: ACCEPTED, TRY_AGAIN (queue full), TOO_LARGE or NOT_READY
     */
    SubmitStatus submit(byte[] message, Guarantee guarantee);
}

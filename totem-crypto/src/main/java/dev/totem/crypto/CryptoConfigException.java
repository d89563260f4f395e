package dev.totem.crypto;

/**
 * A crypto setting or key the operator has to fix: an unknown or weak cipher or hash, a key file
 * that is missing, of the wrong size or readable by others.
 *
 * <p>The message is written for the operator: it names the setting or the path, says what is
 * wrong and how to fix it (for example {@code chmod 0400 /etc/totem/authkey}), on one line.
 */
public final class CryptoConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line for the operator: what is wrong and what to do
     */
    public CryptoConfigException(String message) {
        super(message);
    }

    /**
     * @param message one line for the operator: what is wrong and what to do
     * @param cause the I/O error underneath, kept for debugging
     */
    public CryptoConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}

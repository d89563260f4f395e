package dev.totem.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One JCA AEAD cipher object, re-initialised per frame with that frame's key and nonce. The
 * JCA was chosen over BouncyCastle's lightweight API by the benchmark in the README. Single
 * owner: a {@link Cipher} is not thread-safe.
 */
final class JcaAead {
    private final CryptoCipher cipher;
    private final Cipher jca;
    private final byte[] nonce = new byte[SealedFrame.NONCE_BYTES];

    JcaAead(CryptoCipher cipher) {
        if (cipher == CryptoCipher.NONE) {
            throw new IllegalArgumentException("crypto_cipher none has no AEAD");
        }
        this.cipher = cipher;
        try {
            this.jca = Cipher.getInstance(cipher.jcaTransformation());
        } catch (GeneralSecurityException e) {
            // Both are mandatory in every Java 11+ runtime; a runtime without them is broken.
            throw new IllegalStateException("this Java runtime lacks " + cipher.jcaTransformation(), e);
        }
    }

    /**
     * Encrypts {@code len} bytes into {@code out} after the header that is already written at
     * {@code outOff}, and appends the tag.
     */
    void seal(SecretKeySpec key, long bootSalt, long counter, byte[] in, int off, int len, byte[] out, int outOff) {
        try {
            jca.init(Cipher.ENCRYPT_MODE, key, params(bootSalt, counter));
            jca.updateAAD(out, outOff, SealedFrame.HEADER_BYTES);
            int written = jca.doFinal(in, off, len, out, outOff + SealedFrame.HEADER_BYTES);
            if (written != len + SealedFrame.TAG_BYTES) {
                throw new IllegalStateException("AEAD wrote " + written + " bytes for " + len);
            }
        } catch (GeneralSecurityException e) {
            // Only a bug gets here: a nonce repeated under one key, or an output buffer too small.
            throw new IllegalStateException("sealing failed", e);
        }
    }

    /**
     * Checks the tag of the sealed frame at {@code off} and decrypts it into {@code out}.
     *
     * @return false if the frame is not authentic; never throws for any content
     */
    boolean open(SecretKeySpec key, long bootSalt, long counter, byte[] sealed, int off, int len, byte[] out) {
        try {
            AlgorithmParameterSpec params = params(bootSalt, counter);
            try {
                jca.init(Cipher.DECRYPT_MODE, key, params);
            } catch (InvalidKeyException e) {
                // The JDK's ChaCha20-Poly1305 refuses the key and nonce of its previous init even to
                // decrypt (a guard meant for encryption). Without this detour, a forged copy of a
                // frame's header arriving first would make the genuine frame impossible to open.
                jca.init(Cipher.DECRYPT_MODE, key, scratchParams());
                jca.init(Cipher.DECRYPT_MODE, key, params);
            }
            jca.updateAAD(sealed, off, SealedFrame.HEADER_BYTES);
            int written = jca.doFinal(sealed, off + SealedFrame.HEADER_BYTES, len - SealedFrame.HEADER_BYTES, out, 0);
            return written == out.length;
        } catch (GeneralSecurityException e) {
            // AEADBadTagException in practice; whatever it is, the frame is not accepted.
            return false;
        }
    }

    /** Parameters with a nonce other than the last one: {@link #nonce} with its first byte inverted. */
    private AlgorithmParameterSpec scratchParams() {
        nonce[0] ^= (byte) 0xFF;
        AlgorithmParameterSpec scratch = spec();
        nonce[0] ^= (byte) 0xFF;
        return scratch;
    }

    private AlgorithmParameterSpec params(long bootSalt, long counter) {
        SealedFrame.nonce(bootSalt, counter, nonce);
        return spec();
    }

    private AlgorithmParameterSpec spec() {
        // Both specs copy the nonce, so reusing the array is safe.
        return cipher == CryptoCipher.AES256_GCM
                ? new GCMParameterSpec(SealedFrame.TAG_BYTES * 8, nonce)
                : new IvParameterSpec(nonce);
    }
}

package dev.totem.perf;

import dev.totem.crypto.CryptoCipher;
import dev.totem.crypto.FrameKey;
import dev.totem.crypto.FrameOpener;
import dev.totem.crypto.FrameSealer;
import dev.totem.crypto.KeyFile;
import dev.totem.crypto.OpenResult;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Seal + open of one frame, to choose the AEAD provider of totem-crypto.
 *
 * <ul>
 *   <li>{@code aead}: the bare AEAD, seal then open with a fresh nonce and 25 bytes of associated
 *       data (the sealed-frame header), for JCA (the JDK's SunJCE provider, with AES-NI and CLMUL
 *       intrinsics) and BouncyCastle's lightweight API, AES-256-GCM and ChaCha20-Poly1305 each.
 *       Each implementation takes its cheapest legitimate path: JCA needs an init per nonce, BC
 *       keeps its key schedule across inits.
 *   <li>{@code frameSealer}: the module's own {@link FrameSealer} then {@link FrameOpener}
 *       (header, boot key, replay window, result allocation) around the JCA cipher.
 * </ul>
 *
 * <p>Run: {@code java -cp cli/target/totem.jar org.openjdk.jmh.Main CryptoBench -f 1 -wi 2 -i 3 -w 1s -r 1s}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CryptoBench {
    private static final int AAD_BYTES = 25;
    private static final int TAG_BYTES = 16;

    /** One AEAD implementation: seal and open with a caller-chosen nonce. */
    interface Aead {
        int seal(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws Exception;

        int open(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws Exception;
    }

    /** The implementations compared. */
    public enum Impl {
        JCA_AES_GCM, JCA_CHACHA20_POLY1305, BC_AES_GCM, BC_CHACHA20_POLY1305;

        Aead create(byte[] key) throws GeneralSecurityException {
            switch (this) {
                case JCA_AES_GCM:
                    return new Jca("AES/GCM/NoPadding", new SecretKeySpec(key, "AES"), true);
                case JCA_CHACHA20_POLY1305:
                    return new Jca("ChaCha20-Poly1305", new SecretKeySpec(key, "ChaCha20"), false);
                case BC_AES_GCM:
                    return new Bc(GCMBlockCipher.newInstance(AESEngine.newInstance()),
                            GCMBlockCipher.newInstance(AESEngine.newInstance()), key);
                case BC_CHACHA20_POLY1305:
                    return new Bc(new ChaCha20Poly1305(), new ChaCha20Poly1305(), key);
                default:
                    throw new IllegalArgumentException(name());
            }
        }
    }

    /** State of the bare-AEAD benchmark. */
    @State(Scope.Thread)
    public static class Raw {
        /** The implementation measured. */
        @Param({"JCA_AES_GCM", "JCA_CHACHA20_POLY1305", "BC_AES_GCM", "BC_CHACHA20_POLY1305"})
        public Impl impl;

        /** Bytes of the Totem frame. */
        @Param({"64", "1500", "9000"})
        public int size;

        Aead aead;
        byte[] frame;
        byte[] sealed;
        byte[] opened;
        final byte[] aad = new byte[AAD_BYTES];
        final byte[] nonce = new byte[12];
        long counter;

        /** Random key, frame and header; buffers for the sealed and the opened frame. */
        @Setup
        public void setUp() throws GeneralSecurityException {
            SplittableRandom random = new SplittableRandom(1);
            byte[] key = new byte[32];
            random.nextBytes(key);
            aead = impl.create(key);
            frame = new byte[size];
            random.nextBytes(frame);
            random.nextBytes(aad);
            sealed = new byte[size + TAG_BYTES];
            opened = new byte[size + TAG_BYTES];
        }
    }

    /** State of the module benchmark. */
    @State(Scope.Thread)
    public static class Module {
        /** The cipher measured. */
        @Param({"AES256_GCM", "CHACHA20_POLY1305"})
        public CryptoCipher cipher;

        /** Bytes of the Totem frame. */
        @Param({"64", "1500", "9000"})
        public int size;

        FrameSealer sealer;
        FrameOpener opener;
        byte[] frame;
        byte[] sealed;

        /** A sealer and an opener sharing a key derived from random key-file bytes. */
        @Setup
        public void setUp() throws Exception {
            SplittableRandom random = new SplittableRandom(1);
            byte[] keyBytes = new byte[KeyFile.DEFAULT_BYTES];
            random.nextBytes(keyBytes);
            FrameKey key = KeyFile.of(keyBytes).derive("bench");
            sealer = new FrameSealer(cipher, key, 1, random);
            opener = new FrameOpener(cipher, key);
            frame = new byte[size];
            random.nextBytes(frame);
            sealed = new byte[size + sealer.overheadBytes()];
        }
    }

    /**
     * @param s the implementation and frame size
     * @return the opened length, so the work is not optimised away
     */
    @Benchmark
    public int aead(Raw s) throws Exception {
        ByteBuffer.wrap(s.nonce).putLong(4, ++s.counter);
        int n = s.aead.seal(s.nonce, s.aad, s.frame, s.size, s.sealed);
        return s.aead.open(s.nonce, s.aad, s.sealed, n, s.opened);
    }

    /**
     * @param s the cipher and frame size
     * @return the opened frame, so the work is not optimised away
     */
    @Benchmark
    public byte[] frameSealer(Module s) {
        int n = s.sealer.seal(s.frame, 0, s.size, s.sealed, 0);
        OpenResult result = s.opener.open(s.sealed, 0, n);
        return result.frame();
    }

    /** JCA: one Cipher per direction, re-initialised per nonce as the JCA requires. */
    static final class Jca implements Aead {
        private final Cipher enc;
        private final Cipher dec;
        private final SecretKeySpec key;
        private final boolean gcm;

        Jca(String transformation, SecretKeySpec key, boolean gcm) throws GeneralSecurityException {
            this.enc = Cipher.getInstance(transformation);
            this.dec = Cipher.getInstance(transformation);
            this.key = key;
            this.gcm = gcm;
        }

        @Override
        public int seal(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws GeneralSecurityException {
            enc.init(Cipher.ENCRYPT_MODE, key, gcm ? new GCMParameterSpec(128, nonce) : new IvParameterSpec(nonce));
            enc.updateAAD(aad);
            return enc.doFinal(in, 0, len, out, 0);
        }

        @Override
        public int open(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws GeneralSecurityException {
            dec.init(Cipher.DECRYPT_MODE, key, gcm ? new GCMParameterSpec(128, nonce) : new IvParameterSpec(nonce));
            dec.updateAAD(aad);
            return dec.doFinal(in, 0, len, out, 0);
        }
    }

    /** BouncyCastle lightweight API: the key is set once, later inits pass only the nonce. */
    static final class Bc implements Aead {
        private final AEADCipher enc;
        private final AEADCipher dec;
        private KeyParameter encKey;
        private KeyParameter decKey;

        Bc(AEADCipher enc, AEADCipher dec, byte[] key) {
            this.enc = enc;
            this.dec = dec;
            this.encKey = new KeyParameter(key);
            this.decKey = new KeyParameter(key);
        }

        @Override
        public int seal(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws InvalidCipherTextException {
            enc.init(true, new AEADParameters(encKey, 128, nonce, aad));
            encKey = null;
            int n = enc.processBytes(in, 0, len, out, 0);
            return n + enc.doFinal(out, n);
        }

        @Override
        public int open(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws InvalidCipherTextException {
            dec.init(false, new AEADParameters(decKey, 128, nonce, aad));
            decKey = null;
            int n = dec.processBytes(in, 0, len, out, 0);
            return n + dec.doFinal(out, n);
        }
    }
}

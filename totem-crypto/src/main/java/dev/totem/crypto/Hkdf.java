package dev.totem.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF-SHA256 (RFC 5869) through BouncyCastle, and the info strings of this module. */
final class Hkdf {
    /** Info prefix of the frame key; the cluster name follows. */
    static final String FRAME_KEY_INFO = "totem frame key v1";
    /** Info prefix of the key id; the cluster name follows. */
    static final String KEY_ID_INFO = "totem key id v1";
    /** Info prefix of a boot key; the sender node id (4 bytes) and the boot salt (8 bytes) follow. */
    static final String BOOT_KEY_INFO = "totem boot key v1";

    private Hkdf() {}

    /** Extract (salt: none, i.e. zeros) then expand. */
    static byte[] extractAndExpand(byte[] inputKey, byte[] info, int length) {
        return generate(new HKDFParameters(inputKey, null, info), length);
    }

    /** Expand only: {@code key} is already uniformly random (a frame key). */
    static byte[] expand(byte[] key, byte[] info, int length) {
        return generate(HKDFParameters.skipExtractParameters(key, info), length);
    }

    static byte[] info(String prefix, String clusterName) {
        return (prefix + clusterName).getBytes(StandardCharsets.UTF_8);
    }

    /** Info of the boot key of (sender, salt): prefix, then the two numbers big-endian. */
    static byte[] bootInfo(int senderNodeId, long bootSalt) {
        byte[] prefix = BOOT_KEY_INFO.getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[prefix.length + 12];
        System.arraycopy(prefix, 0, info, 0, prefix.length);
        SealedFrame.putInt(info, prefix.length, senderNodeId);
        SealedFrame.putLong(info, prefix.length + 4, bootSalt);
        return info;
    }

    private static byte[] generate(HKDFParameters params, int length) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(params);
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }
}

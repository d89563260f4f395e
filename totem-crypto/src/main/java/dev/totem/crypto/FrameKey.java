package dev.totem.crypto;

import java.security.MessageDigest;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's frame key, derived from a key file and the cluster name, with its key id.
 *
 * <ul>
 *   <li>frame key = HKDF-SHA256(ikm = key file bytes, salt = none,
 *       info = {@code "totem frame key v1" + cluster_name}, 32 bytes);
 *   <li>key id = the same with info = {@code "totem key id v1" + cluster_name}, 4 bytes, big-endian;
 *   <li>boot key of a sender boot = HKDF-Expand(prk = frame key,
 *       info = {@code "totem boot key v1"} ‖ sender node id (4) ‖ boot salt (8), 32 bytes).
 * </ul>
 *
 * <p>Frames are sealed with the boot key, not the frame key itself: every node of a cluster
 * holds the same frame key, and an AEAD nonce must never repeat under one key. With a key per
 * (sender, boot salt) the nonce only has to be unique within one sender's boot, which its
 * counter guarantees; with one shared key, two nodes (or two boots of one node) whose salts
 * happened to share their nonce bits would reuse nonces, which breaks GCM outright.
 *
 * <p>The key id lets a receiver pick the key of a frame without trying each, and tell a frame of
 * an unknown key (another cluster, a key not yet rotated in) from a forged one. A different
 * cluster name with the same key file gives different keys and ids. Immutable; holds no state.
 */
public final class FrameKey {
    /** Bytes of the frame key and of each boot key: 256 bits. */
    static final int KEY_BYTES = 32;

    private final int keyId;
    private final byte[] key;

    private FrameKey(int keyId, byte[] key) {
        this.keyId = keyId;
        this.key = key;
    }

    /**
     * Derives the frame key and key id of a cluster.
     *
     * @param keyMaterial the key file's bytes (not copied: not kept)
     * @param clusterName the cluster's name, part of the derivation
     * @return the frame key
     */
    static FrameKey derive(byte[] keyMaterial, String clusterName) {
        Objects.requireNonNull(clusterName, "clusterName");
        byte[] id = Hkdf.extractAndExpand(keyMaterial, Hkdf.info(Hkdf.KEY_ID_INFO, clusterName), 4);
        byte[] key = Hkdf.extractAndExpand(keyMaterial, Hkdf.info(Hkdf.FRAME_KEY_INFO, clusterName), KEY_BYTES);
        return new FrameKey(SealedFrame.getInt(id, 0), key);
    }

    /** @return the 4-byte id a sealed frame carries to name this key */
    public int keyId() {
        return keyId;
    }

    /**
     * @param other another key
     * @return whether both are the same key (same bytes), compared in constant time
     */
    public boolean sameKeyAs(FrameKey other) {
        return keyId == other.keyId && MessageDigest.isEqual(key, other.key);
    }

    /** Derives the AEAD key that a sender seals with during one boot. */
    SecretKeySpec bootKey(CryptoCipher cipher, int senderNodeId, long bootSalt) {
        byte[] bootKey = Hkdf.expand(key, Hkdf.bootInfo(senderNodeId, bootSalt), KEY_BYTES);
        return new SecretKeySpec(bootKey, cipher.jcaKeyAlgorithm());
    }

    /** Shows the key id only: key bytes never reach a log. */
    @Override
    public String toString() {
        return "FrameKey[id=" + keyIdHex(keyId) + "]";
    }

    /**
     * @param keyId a key id
     * @return it as 8 hex digits with {@code 0x}, as logs show key ids
     */
    public static String keyIdHex(int keyId) {
        return String.format("0x%08x", keyId);
    }
}

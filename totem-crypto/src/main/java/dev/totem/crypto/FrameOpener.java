package dev.totem.crypto;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens frames sealed by {@link FrameSealer}s of the cluster.
 *
 * <p>Checks, cheapest first: length, format byte and header ranges, key id, replay, then the
 * tag. A frame changes the opener's state only once its tag has verified: a forged frame can
 * neither start a boot, nor move a window, nor evict a sender.
 *
 * <p>Replay: for each sender the opener keeps the window of its current boot, the window of the
 * boot before (which accepts only counters up to a window's worth above the highest seen from
 * it), and the salts of {@link SenderHistory#RETIRED_SALTS} older boots, whose frames are all
 * replays. A salt seen for the first time starts a new boot once its frame authenticates; boots
 * are ordered by when they were first seen. At most {@link #MAX_SENDERS} senders are remembered;
 * the one heard from least recently is forgotten first.
 *
 * <p>Single owner (the event loop); not thread-safe.
 */
public final class FrameOpener implements Opener {
    /** Senders remembered; far above the 384 nodes a ring can have. */
    public static final int MAX_SENDERS = 1024;

    private final CryptoCipher cipher;
    private final JcaAead aead;
    private final int maxSenders;
    private final Map<Integer, SenderHistory> senders;
    private FrameKey current;
    private FrameKey previous;
    private long accepted;
    private final long[] rejected = new long[Rejection.values().length];
    private long evictedSenders;

    /**
     * @param cipher the configured AEAD cipher, not {@link CryptoCipher#NONE}
     * @param key the cluster's frame key
     */
    public FrameOpener(CryptoCipher cipher, FrameKey key) {
        this(cipher, key, MAX_SENDERS);
    }

    /** With a smaller {@code maxSenders}, tests can see senders evicted. */
    FrameOpener(CryptoCipher cipher, FrameKey key, int maxSenders) {
        if (cipher == CryptoCipher.NONE) {
            throw new IllegalArgumentException("crypto_cipher none does not open: use Opener.create");
        }
        if (maxSenders < 1) {
            throw new IllegalArgumentException("maxSenders must be positive: " + maxSenders);
        }
        this.cipher = cipher;
        this.current = Objects.requireNonNull(key, "key");
        this.aead = new JcaAead(cipher);
        this.maxSenders = maxSenders;
        // Access order: the eldest entry is the sender heard from least recently.
        this.senders = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, SenderHistory> eldest) {
                if (size() > FrameOpener.this.maxSenders) {
                    evictedSenders++;
                    return true;
                }
                return false;
            }
        };
    }

    @Override
    public OpenResult open(byte[] sealed, int off, int len) {
        Objects.checkFromIndexSize(off, len, sealed.length);
        if (len < SealedFrame.OVERHEAD_BYTES) {
            return reject(Rejection.TRUNCATED);
        }
        int sender = SealedFrame.senderNodeId(sealed, off);
        long salt = SealedFrame.bootSalt(sealed, off);
        long counter = SealedFrame.counter(sealed, off);
        if (sealed[off + SealedFrame.FORMAT_OFFSET] != cipher.formatByte() || sender == 0 || counter < 0) {
            return reject(Rejection.BAD_FORMAT);
        }
        FrameKey key = key(SealedFrame.keyId(sealed, off));
        if (key == null) {
            return reject(Rejection.UNKNOWN_KEY);
        }
        SenderHistory history = senders.get(sender);
        SenderHistory.Boot boot = history == null ? null : history.boot(salt);
        if (boot != null ? !boot.isFresh(counter) : history != null && history.isRetired(salt)) {
            return reject(Rejection.REPLAY);
        }
        SecretKeySpec bootKey = boot != null ? boot.key(key, cipher, sender) : key.bootKey(cipher, sender, salt);
        byte[] frame = new byte[len - SealedFrame.OVERHEAD_BYTES];
        if (!aead.open(bootKey, salt, counter, sealed, off, len, frame)) {
            return reject(Rejection.BAD_TAG);
        }
        // Authentic: from here on the frame may change what the opener remembers.
        if (history == null) {
            history = new SenderHistory();
            senders.put(sender, history);
        }
        if (boot == null) {
            boot = history.startBoot(salt);
            boot.cacheKey(key, bootKey);
        }
        boot.mark(counter);
        accepted++;
        return OpenResult.accepted(sender, frame);
    }

    @Override
    public void rotate(FrameKey newKey) {
        Objects.requireNonNull(newKey, "newKey");
        if (newKey.keyId() == current.keyId()) {
            if (newKey.sameKeyAs(current)) {
                return;
            }
            throw new IllegalArgumentException("the new key has the key id " + FrameKey.keyIdHex(newKey.keyId())
                    + " of the current key but other bytes: generate another key");
        }
        previous = current;
        current = newKey;
    }

    @Override
    public void dropPrevious() {
        previous = null;
    }

    @Override
    public long acceptedFrames() {
        return accepted;
    }

    @Override
    public long rejectedFrames(Rejection reason) {
        return rejected[reason.ordinal()];
    }

    /** @return senders forgotten to stay within {@link #MAX_SENDERS} */
    public long evictedSenders() {
        return evictedSenders;
    }

    /** @return senders remembered now */
    int senderCount() {
        return senders.size();
    }

    private FrameKey key(int keyId) {
        if (current.keyId() == keyId) {
            return current;
        }
        return previous != null && previous.keyId() == keyId ? previous : null;
    }

    private OpenResult reject(Rejection reason) {
        rejected[reason.ordinal()]++;
        return OpenResult.rejected(reason);
    }
}

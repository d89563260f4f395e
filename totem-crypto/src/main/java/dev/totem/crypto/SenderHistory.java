package dev.totem.crypto;

import javax.crypto.spec.SecretKeySpec;

/**
 * What an opener remembers of one sender: the boot it sends from now, the boot before (so frames
 * still in flight when the sender restarted are accepted once, up to a window's worth above the
 * highest counter seen from it), and the salts of older boots, whose frames are all replays.
 *
 * <p>Boots are ordered by the order in which their first authentic frame arrived: salts are
 * random, so there is no other order to go by. A salt seen for the first time is a new boot
 * (the caller checks the tag first); a salt among the retired ones is a replay.
 */
final class SenderHistory {
    /** Salts of boots before the previous one that are remembered; older ones are forgotten. */
    static final int RETIRED_SALTS = 64;

    /** One boot of the sender: its salt, the counters seen, and a cached boot key. */
    static final class Boot {
        final long salt;
        private final ReplayWindow window = new ReplayWindow();
        /** Highest counter still accepted: unbounded while current, see {@link #supersede()}. */
        private long counterLimit = Long.MAX_VALUE;
        private FrameKey keyFrom;
        private SecretKeySpec key;

        Boot(long salt) {
            this.salt = salt;
        }

        boolean isFresh(long counter) {
            return counter <= counterLimit && window.isFresh(counter);
        }

        void mark(long counter) {
            window.mark(counter);
        }

        /**
         * The sender has moved on to another boot, so this one sends nothing new: only frames
         * already in flight can still come, at most a window's worth above the highest seen.
         * Without this limit, a replay of a captured boot could go on for its whole length.
         */
        private void supersede() {
            counterLimit = window.top() + ReplayWindow.SIZE;
        }

        /** The boot key under {@code frameKey}, derived once per frame key: HKDF costs as much as a small frame. */
        SecretKeySpec key(FrameKey frameKey, CryptoCipher cipher, int senderNodeId) {
            if (keyFrom != frameKey) {
                key = frameKey.bootKey(cipher, senderNodeId, salt);
                keyFrom = frameKey;
            }
            return key;
        }

        void cacheKey(FrameKey frameKey, SecretKeySpec bootKey) {
            keyFrom = frameKey;
            key = bootKey;
        }
    }

    private Boot current;
    private Boot previous;
    private final long[] retired = new long[RETIRED_SALTS];
    private int retiredCount;
    private int retiredNext;

    /**
     * @param salt a frame's boot salt
     * @return the current or previous boot with this salt, or null
     */
    Boot boot(long salt) {
        if (current != null && current.salt == salt) {
            return current;
        }
        if (previous != null && previous.salt == salt) {
            return previous;
        }
        return null;
    }

    /**
     * @param salt a salt that is neither the current nor the previous boot's
     * @return whether it belongs to an older boot that is remembered
     */
    boolean isRetired(long salt) {
        for (int i = 0; i < retiredCount; i++) {
            if (retired[i] == salt) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts a boot after its first authentic frame: the current boot becomes the previous one,
     * and the previous one retires.
     *
     * @param salt a salt that is not known
     * @return the new current boot
     */
    Boot startBoot(long salt) {
        if (previous != null) {
            retired[retiredNext] = previous.salt;
            retiredNext = (retiredNext + 1) % RETIRED_SALTS;
            retiredCount = Math.min(retiredCount + 1, RETIRED_SALTS);
        }
        previous = current;
        if (previous != null) {
            previous.supersede();
        }
        current = new Boot(salt);
        return current;
    }
}

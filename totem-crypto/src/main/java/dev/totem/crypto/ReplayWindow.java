package dev.totem.crypto;

/**
 * The counters seen from one sender boot: a sliding bitmap over the last {@link #SIZE} counters
 * below the highest one seen (RFC 6479's ring of words, without its per-packet shifting).
 * A counter is fresh if it is above the highest, or within the window and not yet marked.
 *
 * <p>The ring has twice {@link #SIZE} bits so that a counter in the window never shares a word
 * with the highest one's wrapped-around word.
 */
final class ReplayWindow {
    /** Counters below the highest seen that are still told apart; older ones are replays. */
    static final int SIZE = 1024;
    private static final int WORDS = 2 * SIZE / 64;

    private final long[] words = new long[WORDS];
    /** Highest counter marked; -1 before the first. */
    private long top = -1;

    /**
     * @param counter a counter, 0 or more
     * @return whether it was not marked and is not too old to tell
     */
    boolean isFresh(long counter) {
        if (counter > top) {
            return true;
        }
        if (top - counter >= SIZE) {
            return false;
        }
        return (words[wordIndex(counter)] & bit(counter)) == 0;
    }

    /**
     * Marks a counter for which {@link #isFresh} holds, sliding the window if it is the highest.
     *
     * @param counter the counter of an authenticated frame
     */
    void mark(long counter) {
        if (counter > top) {
            // Clear the words the window slides over; at most the whole ring.
            long first = top < 0 ? 0 : (top >>> 6) + 1;
            long last = counter >>> 6;
            long count = Math.min(last - first + 1, WORDS);
            for (long w = last - count + 1; w <= last; w++) {
                words[(int) (w & (WORDS - 1))] = 0;
            }
            top = counter;
        }
        words[wordIndex(counter)] |= bit(counter);
    }

    /** @return the highest counter marked, -1 if none */
    long top() {
        return top;
    }

    private static int wordIndex(long counter) {
        return (int) ((counter >>> 6) & (WORDS - 1));
    }

    private static long bit(long counter) {
        return 1L << (counter & 63);
    }
}

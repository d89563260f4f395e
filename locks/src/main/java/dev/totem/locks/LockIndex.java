package dev.totem.locks;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A lock table's locks by the UTF-8 of their names: open addressing, linear probing, at most half
 * full. Keyed by bytes, so that a request read from a delivered message finds its lock with one
 * lookup and no {@code String}: the hash, then the slot's lock, whose name bytes it compares. The
 * table grows with its locks, which its owner bounds. One owner; not thread-safe.
 */
final class LockIndex {
    private static final int CAPACITY_MIN = 16;

    private int[] hashes = new int[CAPACITY_MIN];
    private LockTable.Lock[] slots = new LockTable.Lock[CAPACITY_MIN];
    /** 32 less the bits of a slot number: a home slot is the top bits of the mixed hash. */
    private int shift = 32 - Integer.numberOfTrailingZeros(CAPACITY_MIN);
    private int size;

    /** The hash of {@code length} bytes of {@code bytes} from {@code offset}, as {@link #get} wants it. */
    static int hash(byte[] bytes, int offset, int length) {
        int h = 1;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        return h;
    }

    /**
     * Bytes {@code from} to {@code from + 7} of a name as one word, first byte highest, zeros past
     * its end: a lock keeps its name's first two words beside its state, so that comparing a short
     * name costs no load of its bytes.
     */
    static long word(byte[] bytes, int offset, int length, int from) {
        long w = 0;
        for (int i = from; i < from + 8; i++) {
            w = (w << 8) | (i < length ? bytes[offset + i] & 0xff : 0);
        }
        return w;
    }

    /** Locks in the index. */
    int size() {
        return size;
    }

    /** The lock whose name is those bytes ({@code hash} from {@link #hash}), or null. */
    LockTable.Lock get(byte[] bytes, int offset, int length, int hash) {
        int mask = slots.length - 1;
        long word0 = word(bytes, offset, length, 0);
        long word1 = word(bytes, offset, length, 8);
        for (int slot = home(hash);; slot = (slot + 1) & mask) {
            LockTable.Lock l = slots[slot];
            if (l == null) {
                return null;
            }
            if (hashes[slot] == hash && l.nameWord0 == word0 && l.nameWord1 == word1 && l.nameLength == length
                    && (length <= 16 || Arrays.equals(bytes, offset, offset + length, l.nameBytes, 0, length))) {
                return l;
            }
        }
    }

    /** Adds {@code lock}, whose name is in no lock of the index. */
    void add(LockTable.Lock lock) {
        if (2 * (size + 1) > slots.length) {
            rehash(2 * slots.length);
        }
        place(lock);
        size++;
    }

    /** Takes out every lock {@code drop} says yes to (a rare walk: it rebuilds the index). */
    void removeIf(Predicate<LockTable.Lock> drop) {
        LockTable.Lock[] old = slots;
        hashes = new int[old.length];
        slots = new LockTable.Lock[old.length];
        size = 0;
        for (LockTable.Lock l : old) {
            if (l != null && !drop.test(l)) {
                place(l);
                size++;
            }
        }
    }

    /** Every lock, in no order. */
    void forEach(Consumer<LockTable.Lock> action) {
        for (LockTable.Lock l : slots) {
            if (l != null) {
                action.accept(l);
            }
        }
    }

    private void rehash(int capacity) {
        LockTable.Lock[] old = slots;
        hashes = new int[capacity];
        slots = new LockTable.Lock[capacity];
        shift = 32 - Integer.numberOfTrailingZeros(capacity);
        for (LockTable.Lock l : old) {
            if (l != null) {
                place(l);
            }
        }
    }

    private void place(LockTable.Lock lock) {
        int mask = slots.length - 1;
        int slot = home(lock.hash);
        while (slots[slot] != null) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = lock;
        hashes[slot] = lock.hash;
    }

    private int home(int hash) {
        // Fibonacci hashing: names that differ in their last bytes only (lock-1, lock-2, ...)
        // have hashes that differ in their low bits, which the product spreads over the top ones.
        return (hash * 0x9E3779B9) >>> shift;
    }
}

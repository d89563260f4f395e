package dev.totem.simulator;

import java.util.Arrays;

/**
 * A bounded priority queue of simulation events, ordered by (time, insertion sequence) so that
 * events due at the same nanosecond run in the order they were scheduled.
 *
 * <p>Events live in numbered slots held as parallel primitive arrays and the heap stores slot
 * numbers, so adding and polling allocate nothing once the arrays have grown. A slot number
 * is valid from {@link #add} until {@link #release} (after {@link #poll}) or {@link #cancel};
 * cancelling removes the event from the heap at once, which keeps re-armed timers from piling
 * up as stale entries.
 */
final class EventQueue {
    private static final int INITIAL_SLOTS = 256;

    private final int capacityEvents;
    private long nextSequence;
    private int size;

    // Heap, indexed by heap position.
    private long[] heapTimes;
    private long[] heapSequences;
    private int[] heapSlots;

    // Event records, indexed by slot.
    private int[] slotPositions;
    private int[] kinds;
    private int[] nodes;
    private int[] args;
    private Object[] refs;

    private int[] freeSlots;
    private int freeCount;
    private int slotsCreated;

    /** A queue that holds at most {@code capacityEvents} events (queued or polled but not released). */
    EventQueue(int capacityEvents) {
        if (capacityEvents < 1) {
            throw new IllegalArgumentException("capacityEvents must be positive: " + capacityEvents);
        }
        this.capacityEvents = capacityEvents;
        int initial = Math.min(INITIAL_SLOTS, capacityEvents);
        heapTimes = new long[initial];
        heapSequences = new long[initial];
        heapSlots = new int[initial];
        slotPositions = new int[initial];
        kinds = new int[initial];
        nodes = new int[initial];
        args = new int[initial];
        refs = new Object[initial];
        freeSlots = new int[initial];
    }

    /**
     * Queues an event and returns its slot.
     *
     * @throws SimulationLimitException when the queue already holds its capacity
     */
    int add(long timeNanos, int kind, int node, int arg, Object ref) {
        if (timeNanos < 0) {
            throw new IllegalArgumentException("negative event time: " + timeNanos);
        }
        int slot = allocateSlot();
        kinds[slot] = kind;
        nodes[slot] = node;
        args[slot] = arg;
        refs[slot] = ref;
        siftUp(size++, timeNanos, nextSequence++, slot);
        return slot;
    }

    /** Whether no event is queued. */
    boolean isEmpty() {
        return size == 0;
    }

    /** Number of queued events. */
    int size() {
        return size;
    }

    /** Time of the earliest event; the queue must not be empty. */
    long peekTimeNanos() {
        if (size == 0) {
            throw new IllegalStateException("empty event queue");
        }
        return heapTimes[0];
    }

    /**
     * Removes the earliest event from the queue and returns its slot; its fields stay readable
     * until {@link #release}.
     */
    int poll() {
        if (size == 0) {
            throw new IllegalStateException("empty event queue");
        }
        int slot = heapSlots[0];
        removeAt(0);
        return slot;
    }

    /** Frees a slot returned by {@link #poll}. */
    void release(int slot) {
        if (slotPositions[slot] != -1) {
            throw new IllegalStateException("slot " + slot + " is still queued");
        }
        refs[slot] = null;
        slotPositions[slot] = -2;
        freeSlots[freeCount++] = slot;
    }

    /** Removes a queued event and frees its slot. */
    void cancel(int slot) {
        int position = slotPositions[slot];
        if (position < 0) {
            throw new IllegalStateException("slot " + slot + " is not queued");
        }
        removeAt(position);
        release(slot);
    }

    int kind(int slot) {
        return kinds[slot];
    }

    int node(int slot) {
        return nodes[slot];
    }

    int arg(int slot) {
        return args[slot];
    }

    Object ref(int slot) {
        return refs[slot];
    }

    private int allocateSlot() {
        if (freeCount > 0) {
            return freeSlots[--freeCount];
        }
        if (slotsCreated == capacityEvents) {
            throw new SimulationLimitException("event queue is full: " + capacityEvents
                    + " events (raise SimConfig.maxQueuedEvents, or look for a runaway sender)");
        }
        if (slotsCreated == kinds.length) {
            grow();
        }
        return slotsCreated++;
    }

    // Slots and heap positions grow together: the heap never holds more entries than slots exist.
    private void grow() {
        int length = (int) Math.min((long) kinds.length * 2, capacityEvents);
        heapTimes = Arrays.copyOf(heapTimes, length);
        heapSequences = Arrays.copyOf(heapSequences, length);
        heapSlots = Arrays.copyOf(heapSlots, length);
        slotPositions = Arrays.copyOf(slotPositions, length);
        kinds = Arrays.copyOf(kinds, length);
        nodes = Arrays.copyOf(nodes, length);
        args = Arrays.copyOf(args, length);
        refs = Arrays.copyOf(refs, length);
        freeSlots = Arrays.copyOf(freeSlots, length);
    }

    private void removeAt(int position) {
        slotPositions[heapSlots[position]] = -1;
        int last = --size;
        if (position == last) {
            return;
        }
        long time = heapTimes[last];
        long sequence = heapSequences[last];
        int slot = heapSlots[last];
        siftDown(position, time, sequence, slot);
        if (heapSlots[position] == slot) {
            siftUp(position, time, sequence, slot);
        }
    }

    private void siftUp(int position, long time, long sequence, int slot) {
        while (position > 0) {
            int parent = (position - 1) >>> 1;
            if (!before(time, sequence, heapTimes[parent], heapSequences[parent])) {
                break;
            }
            place(position, heapTimes[parent], heapSequences[parent], heapSlots[parent]);
            position = parent;
        }
        place(position, time, sequence, slot);
    }

    private void siftDown(int position, long time, long sequence, int slot) {
        int half = size >>> 1;
        while (position < half) {
            int child = 2 * position + 1;
            int right = child + 1;
            if (right < size && before(heapTimes[right], heapSequences[right], heapTimes[child], heapSequences[child])) {
                child = right;
            }
            if (!before(heapTimes[child], heapSequences[child], time, sequence)) {
                break;
            }
            place(position, heapTimes[child], heapSequences[child], heapSlots[child]);
            position = child;
        }
        place(position, time, sequence, slot);
    }

    private void place(int position, long time, long sequence, int slot) {
        heapTimes[position] = time;
        heapSequences[position] = sequence;
        heapSlots[position] = slot;
        slotPositions[slot] = position;
    }

    private static boolean before(long timeA, long sequenceA, long timeB, long sequenceB) {
        return timeA < timeB || (timeA == timeB && sequenceA < sequenceB);
    }
}

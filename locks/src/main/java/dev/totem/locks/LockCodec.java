package dev.totem.locks;

import dev.totem.cpg.Utf8Names;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire form of {@link LockMessage}s, network byte order:
 *
 * <pre>
 *   version (1 byte, = 1) | type (1 byte) | body
 *   ACQUIRE    seq (8) | try (1: 0 or 1) | name
 *   RELEASE    seq (8) | name
 *   SYNC_REQUEST round (8)
 *   BATCH      count (2: 1..{@value #BATCH_REQUESTS_MAX}) | per request: type (1: ACQUIRE or RELEASE) | its body
 *   SNAPSHOT   round (8) | stale (1: 0 or 1) | fence (8) | locks (4) | per lock: name | has holder (1)
 *              [| holder request | holder fence (8)] | waiters (4) | waiter requests
 *   name    = length (2) | UTF-8 bytes, 1..{@value #NAME_BYTES_MAX}
 *   request = node (4) | pid (4) | seq (8)
 * </pre>
 *
 * A hand-written layout rather than protobuf: five small messages that the benchmark encodes a
 * million times a second, with no schema evolution to speak of (the version byte covers it).
 */
public final class LockCodec {
    /** The longest lock name, in bytes of UTF-8 (as CPG's group names). */
    public static final int NAME_BYTES_MAX = 128;
    static final byte VERSION = 2;
    private static final byte ACQUIRE = 1;
    private static final byte RELEASE = 2;
    private static final byte SYNC_REQUEST = 3;
    private static final byte SNAPSHOT = 4;
    private static final byte BATCH = 5;
    private static final int REQUEST_BYTES = 16;
    /** Network-order views of a byte array, for the requests written without a ByteBuffer. */
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    /** The most requests in one batch (its count field). */
    public static final int BATCH_REQUESTS_MAX = 65_535;
    /** A batch's own bytes: version, type, count. */
    public static final int BATCH_HEADER_BYTES = 4;

    private LockCodec() {}

    /** The UTF-8 bytes of a lock name, checked against the limits. */
    public static byte[] nameBytes(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a lock name must not be empty");
        }
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length > NAME_BYTES_MAX) {
            throw new IllegalArgumentException("lock name of " + b.length + " bytes, more than " + NAME_BYTES_MAX);
        }
        return b;
    }

    /** Encodes {@code m}. */
    public static byte[] encode(LockMessage m) {
        if (m instanceof LockMessage.Acquire a) {
            return acquire(nameBytes(a.name()), a.seq(), a.tryOnly());
        }
        if (m instanceof LockMessage.Release r) {
            return release(nameBytes(r.name()), r.seq());
        }
        if (m instanceof LockMessage.SyncRequest s) {
            return header(SYNC_REQUEST, 8).putLong(s.round()).array();
        }
        if (m instanceof LockMessage.Batch b) {
            List<byte[]> requests = new ArrayList<>(b.requests().size());
            for (LockMessage r : b.requests()) {
                requests.add(encode(r));
            }
            return batch(requests);
        }
        LockMessage.Snapshot s = (LockMessage.Snapshot) m;
        return encodeSnapshot(s);
    }

    /** An {@link LockMessage.Acquire} of the lock whose name is {@code name} ({@link #nameBytes}). */
    public static byte[] acquire(byte[] name, long seq, boolean tryOnly) {
        // Written into the array directly: a busy process encodes two requests per lock.
        byte[] b = new byte[2 + 8 + 1 + 2 + name.length];
        b[0] = VERSION;
        b[1] = ACQUIRE;
        LONG.set(b, 2, seq);
        b[10] = (byte) (tryOnly ? 1 : 0);
        putName(b, 11, name);
        return b;
    }

    /** A {@link LockMessage.Release} of the lock whose name is {@code name} ({@link #nameBytes}). */
    public static byte[] release(byte[] name, long seq) {
        byte[] b = new byte[2 + 8 + 2 + name.length];
        b[0] = VERSION;
        b[1] = RELEASE;
        LONG.set(b, 2, seq);
        putName(b, 10, name);
        return b;
    }

    /** A name's length (2 bytes, network order) and bytes. */
    private static void putName(byte[] b, int at, byte[] name) {
        SHORT.set(b, at, (short) name.length);
        System.arraycopy(name, 0, b, at + 2, name.length);
    }

    /**
     * A batch of requests already encoded one by one ({@link #encode} of acquires and releases),
     * without decoding them: each goes in as its type and body.
     */
    public static byte[] batch(List<byte[]> encodedRequests) {
        int n = encodedRequests.size();
        if (n < 1 || n > BATCH_REQUESTS_MAX) {
            throw new IllegalArgumentException("a batch holds 1 to " + BATCH_REQUESTS_MAX + " requests, not " + n);
        }
        int size = 2;
        for (byte[] r : encodedRequests) {
            size += r.length - 1;
        }
        ByteBuffer b = header(BATCH, size).putShort((short) n);
        for (byte[] r : encodedRequests) {
            if (r[1] != ACQUIRE && r[1] != RELEASE) {
                throw new IllegalArgumentException("a batch holds acquires and releases only, not type " + r[1]);
            }
            b.put(r, 1, r.length - 1);
        }
        return b.array();
    }

    /** The bytes {@code encoded} (an {@link #encode}d acquire or release) adds to a batch. */
    public static int batchedBytes(byte[] encoded) {
        return encoded.length - 1;
    }

    private static byte[] encodeSnapshot(LockMessage.Snapshot s) {
        List<byte[]> names = new ArrayList<>(s.table().locks().size());
        int size = 8 + 1 + 8 + 4;
        for (LockMessage.LockImage l : s.table().locks()) {
            byte[] name = nameBytes(l.name());
            names.add(name);
            size += 2 + name.length + 1 + (l.holder() != null ? REQUEST_BYTES + 8 : 0) + 4 + REQUEST_BYTES * l.waiters().size();
        }
        ByteBuffer b = header(SNAPSHOT, size).putLong(s.round()).put((byte) (s.stale() ? 1 : 0)).putLong(s.table().fence()).putInt(names.size());
        for (int i = 0; i < names.size(); i++) {
            LockMessage.LockImage l = s.table().locks().get(i);
            b.putShort((short) names.get(i).length).put(names.get(i));
            b.put((byte) (l.holder() != null ? 1 : 0));
            if (l.holder() != null) {
                putRequest(b, l.holder());
                b.putLong(l.holderFence());
            }
            b.putInt(l.waiters().size());
            for (RequestId w : l.waiters()) {
                putRequest(b, w);
            }
        }
        return b.array();
    }

    /**
     * Decodes a message.
     *
     * @throws IllegalArgumentException with the reason, when {@code bytes} is not a lock message
     */
    public static LockMessage decode(ByteBuffer bytes) {
        return decode(bytes, new Utf8Names());
    }

    /**
     * Decodes a message, its lock names through {@code names} (a service keeps one: a busy
     * table sees the same names again and again, and decodes each once).
     *
     * @throws IllegalArgumentException with the reason, when {@code bytes} is not a lock message
     */
    public static LockMessage decode(ByteBuffer bytes, Utf8Names names) {
        ByteBuffer b = bytes.duplicate();
        try {
            byte version = b.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("lock message version " + version + ", expected " + VERSION);
            }
            byte type = b.get();
            LockMessage m = type == BATCH ? batch(b, names) : body(type, b, names);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " bytes after the message");
            }
            return m;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("lock message cut short (" + bytes.remaining() + " bytes)", e);
        }
    }

    private static LockMessage.Batch batch(ByteBuffer b, Utf8Names names) {
        int count = Short.toUnsignedInt(b.getShort());
        // Each request takes at least 12 bytes: a count beyond what is left is a lie, not an allocation.
        if (count == 0 || count > b.remaining() / 12) {
            throw new IllegalArgumentException("batch of " + count + " requests in " + b.remaining() + " bytes");
        }
        List<LockMessage> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte type = b.get();
            if (type != ACQUIRE && type != RELEASE) {
                throw new IllegalArgumentException("a batch holds acquires and releases only, not type " + type);
            }
            requests.add(body(type, b, names));
        }
        return new LockMessage.Batch(requests);
    }

    private static LockMessage body(byte type, ByteBuffer b, Utf8Names names) {
        return switch (type) {
            case ACQUIRE -> {
                long seq = b.getLong();
                byte flag = b.get();
                if (flag != 0 && flag != 1) {
                    throw new IllegalArgumentException("try flag " + flag);
                }
                yield new LockMessage.Acquire(name(b, names), positive(seq), flag == 1);
            }
            case RELEASE -> {
                long seq = b.getLong();
                yield new LockMessage.Release(name(b, names), positive(seq));
            }
            case SYNC_REQUEST -> new LockMessage.SyncRequest(b.getLong());
            case SNAPSHOT -> snapshot(b, names);
            default -> throw new IllegalArgumentException("unknown lock message type " + type);
        };
    }

    private static LockMessage.Snapshot snapshot(ByteBuffer b, Utf8Names names) {
        long round = b.getLong();
        byte stale = b.get();
        if (stale != 0 && stale != 1) {
            throw new IllegalArgumentException("stale flag " + stale);
        }
        long fence = b.getLong();
        int count = b.getInt();
        // Each lock takes at least 7 bytes: a count beyond what is left is a lie, not an allocation.
        if (count < 0 || count > b.remaining() / 7) {
            throw new IllegalArgumentException("snapshot of " + count + " locks in " + b.remaining() + " bytes");
        }
        List<LockMessage.LockImage> locks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = name(b, names);
            byte has = b.get();
            if (has != 0 && has != 1) {
                throw new IllegalArgumentException("holder flag " + has);
            }
            RequestId holder = has == 1 ? request(b) : null;
            long holderFence = has == 1 ? b.getLong() : 0;
            int waiters = b.getInt();
            if (waiters < 0 || waiters > b.remaining() / REQUEST_BYTES) {
                throw new IllegalArgumentException(waiters + " waiters in " + b.remaining() + " bytes");
            }
            List<RequestId> w = new ArrayList<>(waiters);
            for (int j = 0; j < waiters; j++) {
                w.add(request(b));
            }
            locks.add(new LockMessage.LockImage(name, holder, holderFence, w));
        }
        return new LockMessage.Snapshot(round, stale == 1, new LockMessage.Image(fence, locks));
    }

    private static ByteBuffer header(byte type, int bodyBytes) {
        return ByteBuffer.allocate(2 + bodyBytes).put(VERSION).put(type);
    }

    private static void putRequest(ByteBuffer b, RequestId r) {
        b.putInt(r.node()).putInt(r.pid()).putLong(r.seq());
    }

    private static RequestId request(ByteBuffer b) {
        int node = b.getInt();
        int pid = b.getInt();
        return new RequestId(node, pid, positive(b.getLong()));
    }

    private static long positive(long seq) {
        if (seq <= 0) {
            throw new IllegalArgumentException("request number " + seq + " is not positive");
        }
        return seq;
    }

    private static String name(ByteBuffer b, Utf8Names names) {
        int len = Short.toUnsignedInt(b.getShort());
        if (len == 0 || len > NAME_BYTES_MAX) {
            throw new IllegalArgumentException("lock name of " + len + " bytes");
        }
        if (len > b.remaining()) {
            throw new BufferUnderflowException();
        }
        try {
            return names.decode(b, len);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("lock name is not UTF-8", e);
        }
    }
}

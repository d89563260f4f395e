package dev.totem.locks;

import dev.totem.cpg.Utf8Names;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
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
        ByteBuffer b = bytes.duplicate();
        if (b.remaining() >= 2 && Requests.isRequests(b.get(b.position() + 1))) {
            // Requests have one reader, which a service also runs over delivered bytes in place.
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            Requests r = new Requests();
            r.check(copy, 0, copy.length);
            List<LockMessage> requests = new ArrayList<>(r.count());
            while (r.next()) {
                requests.add(r.message());
            }
            return copy[1] == BATCH ? new LockMessage.Batch(requests) : requests.get(0);
        }
        try {
            byte version = b.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("lock message version " + version + ", expected " + VERSION);
            }
            byte type = b.get();
            LockMessage m = switch (type) {
                case SYNC_REQUEST -> new LockMessage.SyncRequest(b.getLong());
                case SNAPSHOT -> snapshot(b);
                default -> throw new IllegalArgumentException("unknown lock message type " + type);
            };
            if (b.hasRemaining()) {
                throw new IllegalArgumentException(b.remaining() + " bytes after the message");
            }
            return m;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("lock message cut short (" + bytes.remaining() + " bytes)", e);
        }
    }

    /**
     * Reads a request message (an acquire, a release, or a batch of them) where it lies, request
     * by request, without making objects: {@link #check} it whole first (a malformed message is
     * refused before any of its requests is applied), then {@link #next} through it. A service
     * keeps one and reads every delivered message with it. One owner; not thread-safe.
     */
    public static final class Requests {
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        private byte[] bytes;
        private boolean batch;
        private byte type;
        private int count;
        private int at;
        private int left;
        private boolean acquire;
        private boolean tryOnly;
        private long seq;
        private int nameOffset;
        private int nameLength;

        /** Whether a message of type {@code type} (its second byte) is one of requests. */
        public static boolean isRequests(byte type) {
            return type == ACQUIRE || type == RELEASE || type == BATCH;
        }

        /**
         * Checks the request message in {@code length} bytes of {@code bytes} from {@code offset}
         * throughout, and readies it to be read from its first request. The bytes must stay as
         * they are while it is read.
         *
         * @return how many requests it holds
         * @throws IllegalArgumentException with the reason, when it is not a well-formed request message
         */
        public int check(byte[] bytes, int offset, int length) {
            int end = offset + length;
            need(offset, 2, end, length);
            if (bytes[offset] != VERSION) {
                throw new IllegalArgumentException("lock message version " + bytes[offset] + ", expected " + VERSION);
            }
            byte t = bytes[offset + 1];
            if (!isRequests(t)) {
                throw new IllegalArgumentException("not a request message: type " + t);
            }
            int p = offset + 2;
            int n = 1;
            if (t == BATCH) {
                need(p, 2, end, length);
                n = Short.toUnsignedInt((short) SHORT.get(bytes, p));
                p += 2;
                // Each request takes at least 12 bytes: a count beyond what is left is a lie.
                if (n == 0 || n > (end - p) / 12) {
                    throw new IllegalArgumentException("batch of " + n + " requests in " + (end - p) + " bytes");
                }
            }
            int first = p;
            for (int i = 0; i < n; i++) {
                byte rt = t;
                if (t == BATCH) {
                    need(p, 1, end, length);
                    rt = bytes[p++];
                    if (rt != ACQUIRE && rt != RELEASE) {
                        throw new IllegalArgumentException("a batch holds acquires and releases only, not type " + rt);
                    }
                }
                need(p, 8, end, length);
                positive((long) LONG.get(bytes, p));
                p += 8;
                if (rt == ACQUIRE) {
                    need(p, 1, end, length);
                    if (bytes[p] != 0 && bytes[p] != 1) {
                        throw new IllegalArgumentException("try flag " + bytes[p]);
                    }
                    p++;
                }
                need(p, 2, end, length);
                int len = Short.toUnsignedInt((short) SHORT.get(bytes, p));
                p += 2;
                if (len == 0 || len > NAME_BYTES_MAX) {
                    throw new IllegalArgumentException("lock name of " + len + " bytes");
                }
                need(p, len, end, length);
                checkUtf8(bytes, p, len);
                p += len;
            }
            if (p != end) {
                throw new IllegalArgumentException((end - p) + " bytes after the message");
            }
            this.bytes = bytes;
            this.batch = t == BATCH;
            this.type = t;
            this.count = n;
            this.at = first;
            this.left = n;
            return n;
        }

        /** Requests in the message last checked. */
        public int count() {
            return count;
        }

        /** Moves to the next request: false when none is left. */
        public boolean next() {
            if (left == 0) {
                return false;
            }
            left--;
            byte rt = batch ? bytes[at++] : type;
            acquire = rt == ACQUIRE;
            seq = (long) LONG.get(bytes, at);
            at += 8;
            tryOnly = acquire && bytes[at++] == 1;
            nameLength = Short.toUnsignedInt((short) SHORT.get(bytes, at));
            nameOffset = at + 2;
            at = nameOffset + nameLength;
            return true;
        }

        /** Whether the request is an acquire (else a release). */
        public boolean acquire() {
            return acquire;
        }

        /** Whether the request is a try (an acquire that never waits). */
        public boolean tryOnly() {
            return tryOnly;
        }

        /** The request's number in its process. */
        public long seq() {
            return seq;
        }

        /** The bytes the message lies in; the name at {@link #nameOffset()}. */
        public byte[] bytes() {
            return bytes;
        }

        /** Where the request's lock name (UTF-8) starts in {@link #bytes()}. */
        public int nameOffset() {
            return nameOffset;
        }

        /** The length of the request's lock name in bytes. */
        public int nameLength() {
            return nameLength;
        }

        /** The request as a message. */
        public LockMessage message() {
            String name = new String(bytes, nameOffset, nameLength, StandardCharsets.UTF_8);
            return acquire ? new LockMessage.Acquire(name, seq, tryOnly) : new LockMessage.Release(name, seq);
        }

        private void checkUtf8(byte[] b, int offset, int length) {
            for (int i = offset, end = offset + length; i < end; i++) {
                if (b[i] < 0) {
                    // Not ASCII, the common case: the strict decoder judges.
                    try {
                        utf8.reset().decode(ByteBuffer.wrap(b, offset, length));
                    } catch (CharacterCodingException e) {
                        throw new IllegalArgumentException("lock name is not UTF-8", e);
                    }
                    return;
                }
            }
        }

        private static void need(int at, int bytes, int end, int length) {
            if (end - at < bytes) {
                throw new IllegalArgumentException("lock message cut short (" + length + " bytes)");
            }
        }
    }

    private static LockMessage.Snapshot snapshot(ByteBuffer b) {
        Utf8Names names = new Utf8Names();
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

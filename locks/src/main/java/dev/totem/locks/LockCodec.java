package dev.totem.locks;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
 *   SNAPSHOT   round (8) | stale (1: 0 or 1) | fence (8) | locks (4) | per lock: name | has holder (1)
 *              [| holder request | holder fence (8)] | waiters (4) | waiter requests
 *   name    = length (2) | UTF-8 bytes, 1..{@value #NAME_BYTES_MAX}
 *   request = node (4) | pid (4) | seq (8)
 * </pre>
 *
 * A hand-written layout rather than protobuf: four small messages that the benchmark encodes a
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
    private static final int REQUEST_BYTES = 16;

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
            byte[] name = nameBytes(a.name());
            return header(ACQUIRE, 8 + 1 + 2 + name.length).putLong(a.seq()).put((byte) (a.tryOnly() ? 1 : 0))
                    .putShort((short) name.length).put(name).array();
        }
        if (m instanceof LockMessage.Release r) {
            byte[] name = nameBytes(r.name());
            return header(RELEASE, 8 + 2 + name.length).putLong(r.seq()).putShort((short) name.length).put(name).array();
        }
        if (m instanceof LockMessage.SyncRequest s) {
            return header(SYNC_REQUEST, 8).putLong(s.round()).array();
        }
        LockMessage.Snapshot s = (LockMessage.Snapshot) m;
        return encodeSnapshot(s);
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
        try {
            byte version = b.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("lock message version " + version + ", expected " + VERSION);
            }
            byte type = b.get();
            LockMessage m = switch (type) {
                case ACQUIRE -> {
                    long seq = b.getLong();
                    byte flag = b.get();
                    if (flag != 0 && flag != 1) {
                        throw new IllegalArgumentException("try flag " + flag);
                    }
                    yield new LockMessage.Acquire(name(b), positive(seq), flag == 1);
                }
                case RELEASE -> {
                    long seq = b.getLong();
                    yield new LockMessage.Release(name(b), positive(seq));
                }
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

    private static LockMessage.Snapshot snapshot(ByteBuffer b) {
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
            String name = name(b);
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

    private static String name(ByteBuffer b) {
        int len = Short.toUnsignedInt(b.getShort());
        if (len == 0 || len > NAME_BYTES_MAX) {
            throw new IllegalArgumentException("lock name of " + len + " bytes");
        }
        if (len > b.remaining()) {
            throw new BufferUnderflowException();
        }
        ByteBuffer slice = b.slice(b.position(), len);
        b.position(b.position() + len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("lock name is not UTF-8", e);
        }
    }
}

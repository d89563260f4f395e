package dev.totem.locks.baseline;

import dev.totem.locks.LockCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.OptionalLong;

/**
 * A blocking client of {@link LockServer}: each acquire sends a request and waits for the
 * server's answer. One thread at a time.
 */
public final class LockClient implements AutoCloseable {
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;
    private long nextSeq = 1;

    /** Connects to the server at {@code server}. */
    public LockClient(InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(server, 5_000);
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    }

    /** Waits until the server grants {@code name}; returns the grant's fencing token and request number. */
    public Grant acquire(String name) throws IOException {
        long seq = send(Wire.ACQUIRE, name, 0);
        return new Grant(seq, answer(seq).orElseThrow(() -> new IOException("the server denied " + name)));
    }

    /** Takes {@code name} if it is free now: its fencing token, or empty. */
    public OptionalLong tryAcquire(String name) throws IOException {
        long seq = send(Wire.TRY, name, 0);
        return answer(seq);
    }

    /** Gives back (or stops waiting for) the request {@code grant} of {@code name}; does not wait. */
    public void release(String name, Grant grant) throws IOException {
        send(Wire.RELEASE, name, grant.seq());
    }

    /**
     * A lock the server granted.
     *
     * @param seq the request's number, to release it
     * @param fence its fencing token
     */
    public record Grant(long seq, long fence) {}

    private long send(byte op, String name, long releaseSeq) throws IOException {
        byte[] n = LockCodec.nameBytes(name);
        long seq = op == Wire.RELEASE ? releaseSeq : nextSeq++;
        out.writeInt(11 + n.length);
        out.writeByte(op);
        out.writeLong(seq);
        out.writeShort(n.length);
        out.write(n);
        out.flush();
        return seq;
    }

    private OptionalLong answer(long seq) throws IOException {
        int len = in.readInt();
        if (len != Wire.ANSWER_BYTES) {
            throw new IOException("answer of " + len + " bytes");
        }
        byte kind = in.readByte();
        long got = in.readLong();
        long fence = in.readLong();
        if (got != seq) {
            throw new IOException("answer for request " + got + ", expected " + seq);
        }
        return kind == Wire.GRANTED ? OptionalLong.of(fence) : OptionalLong.empty();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package dev.totem.locks.baseline;

import dev.totem.locks.LockCodec;
import dev.totem.locks.LockEvent;
import dev.totem.locks.LockEventSink;
import dev.totem.locks.LockTable;
import dev.totem.locks.RequestId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * The client/server lock service the replicated one is measured against: one server holds the
 * only lock table (the same {@link LockTable} the replicas run) and answers each client over
 * TCP; a client waits for the answer of each acquire, a round trip per lock. One thread runs a
 * selector over every connection, so the table has one owner. A client that disconnects loses
 * its locks and its place in queues, as a process that leaves a CPG group does.
 */
public final class LockServer implements AutoCloseable {
    private static final int TABLE_REQUESTS_MAX = 1 << 20;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final LockTable table = new LockTable(TABLE_REQUESTS_MAX);
    private final Map<Integer, Connection> connections = new HashMap<>();
    private final LockEventSink answers = this::answer;
    /** The lock name of the request being read. */
    private final byte[] name = new byte[LockCodec.NAME_BYTES_MAX];
    private int nextConnection = 1;
    private volatile boolean running = true;

    /** One client: its socket, what it sent that is not a whole frame yet, and what waits to be written. */
    private static final class Connection {
        final int id;
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);

        Connection(int id, SocketChannel channel) {
            this.id = id;
            this.channel = channel;
        }
    }

    private LockServer(InetSocketAddress bind) throws IOException {
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.bind(bind, 1024);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        this.thread = new Thread(this::loop, "lock-server");
        thread.setDaemon(true);
    }

    /** Starts a server on {@code bind} (port 0: any free port). */
    public static LockServer start(InetSocketAddress bind) throws IOException {
        LockServer s = new LockServer(bind);
        s.thread.start();
        return s;
    }

    /** Where clients connect. */
    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    private void loop() {
        try {
            while (running) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        Connection c = (Connection) key.attachment();
                        try {
                            if (key.isReadable()) {
                                read(c);
                            }
                            if (key.isValid() && key.isWritable()) {
                                write(c);
                            }
                        } catch (IOException | IllegalArgumentException e) {
                            drop(c);
                        }
                    }
                }
                selector.selectedKeys().clear();
                flushAll();
            }
        } catch (IOException e) {
            running = false;
        }
    }

    private void accept() throws IOException {
        SocketChannel ch = server.accept();
        if (ch == null) {
            return;
        }
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Connection c = new Connection(nextConnection++, ch);
        connections.put(c.id, c);
        ch.register(selector, SelectionKey.OP_READ, c);
    }

    private void read(Connection c) throws IOException {
        if (c.channel.read(c.in) < 0) {
            drop(c);
            return;
        }
        c.in.flip();
        while (c.in.remaining() >= 4) {
            int len = c.in.getInt(c.in.position());
            if (len < 11 || len > Wire.REQUEST_BYTES_MAX) {
                throw new IllegalArgumentException("request of " + len + " bytes");
            }
            if (c.in.remaining() < 4 + len) {
                break;
            }
            c.in.getInt();
            byte op = c.in.get();
            long seq = c.in.getLong();
            int nameLen = Short.toUnsignedInt(c.in.getShort());
            if (nameLen != len - 11) {
                throw new IllegalArgumentException("name of " + nameLen + " bytes in a request of " + len);
            }
            if (nameLen == 0 || nameLen > LockCodec.NAME_BYTES_MAX) {
                throw new IllegalArgumentException("lock name of " + nameLen + " bytes");
            }
            c.in.get(name, 0, nameLen);
            apply(c, op, seq, nameLen);
        }
        c.in.compact();
    }

    /** Applies a request whose lock name is the first {@code nameLen} bytes of {@link #name}, as a replica does. */
    private void apply(Connection c, byte op, long seq, int nameLen) {
        if (seq <= 0) {
            throw new IllegalArgumentException("request number " + seq + " is not positive");
        }
        long process = RequestId.process(0, c.id);
        switch (op) {
            case Wire.ACQUIRE -> table.acquire(name, 0, nameLen, process, seq, false, answers);
            case Wire.TRY -> table.acquire(name, 0, nameLen, process, seq, true, answers);
            case Wire.RELEASE -> table.release(name, 0, nameLen, process, seq, answers);
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
    }

    /** Grants and denials go back to their clients; the rest needs no answer. */
    private void answer(LockEvent e) {
        byte kind;
        long fence = 0;
        if (e instanceof LockEvent.Granted g) {
            kind = Wire.GRANTED;
            fence = g.fence();
        } else if (e instanceof LockEvent.Denied) {
            kind = Wire.DENIED;
        } else {
            return;
        }
        Connection c = connections.get(e.request().pid());
        if (c == null) {
            return;
        }
        if (c.out.remaining() < 4 + Wire.ANSWER_BYTES) {
            ByteBuffer bigger = ByteBuffer.allocate(c.out.capacity() * 2);
            c.out.flip();
            bigger.put(c.out);
            c.out = bigger;
        }
        c.out.putInt(Wire.ANSWER_BYTES).put(kind).putLong(e.request().seq()).putLong(fence);
    }

    private void flushAll() {
        for (Connection c : connections.values().toArray(new Connection[0])) {
            if (c.out.position() > 0) {
                try {
                    write(c);
                } catch (IOException e) {
                    drop(c);
                }
            }
        }
    }

    private void write(Connection c) throws IOException {
        c.out.flip();
        c.channel.write(c.out);
        c.out.compact();
        SelectionKey key = c.channel.keyFor(selector);
        if (key != null && key.isValid()) {
            key.interestOps(c.out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }
    }

    /** A client went away: its requests leave the table, as a CPG member's do at its confchg. */
    private void drop(Connection c) {
        if (connections.remove(c.id) == null) {
            return;
        }
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // closing a socket that failed: nothing more to do
        }
        int id = c.id;
        table.removeAbsent(p -> p != RequestId.process(0, id), e -> { });
        table.grantWaiting(answers);
    }

    /** Requests in the table now (for tests; racy while clients run). */
    int requests() {
        return table.requests();
    }

    @Override
    public void close() throws IOException {
        running = false;
        SelectorThread.stop(selector, thread);
        for (Connection c : connections.values()) {
            c.channel.close();
        }
        server.close();
        selector.close();
    }
}

package dev.totem.cpg.client;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.totem.cpg.ClientId;
import dev.totem.cpg.ConnectionState;
import dev.totem.cpg.CpgAddress;
import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.Utf8Names;
import dev.totem.cpg.ipc.IpcCodec;
import dev.totem.cpg.ipc.IpcFrames;
import dev.totem.cpg.ipc.wire.ClientMessage;
import dev.totem.cpg.ipc.wire.Hello;
import dev.totem.cpg.ipc.wire.Join;
import dev.totem.cpg.ipc.wire.Leave;
import dev.totem.cpg.ipc.wire.GroupsGet;
import dev.totem.cpg.ipc.wire.MembershipGet;
import dev.totem.cpg.ipc.wire.Reply;
import dev.totem.cpg.ipc.wire.ServerMessage;
import dev.totem.cpg.ipc.wire.StateGet;
import dev.totem.protocol.api.Guarantee;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

/**
 * A process's connection to its node's CPG service over the node's IPC socket: corosync's
 * libcpg ({@code cpg_initialize} is {@link #connect}, {@code cpg_finalize} is {@link #close}).
 * The same operations as the embedded {@link CpgHandle}; plain JDK Unix domain sockets.
 *
 * <p>Threading: every method is thread safe. Calls are round trips to the node and wait for its
 * answer (at most {@link #CALL_TIMEOUT}); {@link #mcastAsync} streams multicasts without waiting.
 * Callers encode their requests into one buffer, in call order, and a writer thread
 * ({@code cpg-client-writer}) takes it whole and puts it on the socket: one write for all the
 * requests that queued up meanwhile. A reader thread takes the node's messages; the listener is called on a separate dispatch
 * thread ({@code cpg-client-dispatch}), in the order the node sent the events, so a callback may
 * call this client. The reader parses what each socket read brings in place and hands its events
 * to the dispatcher as one batch. Events wait for the dispatcher in a queue of
 * {@value #EVENTS_QUEUED_MAX}; when it is full the reader stops reading (except while the
 * listener itself waits in a call, whose answer comes after the events the node sent first), and
 * a node whose client leaves too much unread disconnects it ({@link CpgListener#onDisconnected}).
 */
public final class CpgClient implements CpgHandle {
    /** How long a call waits for the node's answer. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Events read and not yet handed to the listener. */
    public static final int EVENTS_QUEUED_MAX = 10_000;

    /** The largest frame read from a node: more means the stream is not a node's. */
    static final int FRAME_BYTES_MAX = 64 << 20;
    /** The reader's buffer: one read takes up to this many bytes; a larger frame gets a buffer of its own size. */
    public static final int READ_BUFFER_BYTES = 256 << 10;
    /** How long a failed write waits for the reader to reach the node's own reason for closing. */
    private static final long WRITE_FAILURE_GRACE_MS = 1_000;
    private static final System.Logger LOG = System.getLogger("dev.totem.cpg.client");

    private static final CpgEvent END = new CpgEvent.TotemConfchg(dev.totem.protocol.api.RingId.NONE, List.of());

    private final SocketChannel channel;
    private final CpgListener listener;
    /** Requests on their way to the node, ids in call order; the writer thread empties it. */
    private final RequestQueue requests = new RequestQueue();
    /**
     * Calls waiting for their answer, in the order their requests go on the socket, which is the
     * order the node answers them in; guarded by itself.
     */
    private final ArrayDeque<Call> calls = new ArrayDeque<>();
    /** The reader's list of calls to complete, outside the lock on {@link #calls}. */
    private final ArrayList<Call> answered = new ArrayList<>();
    private final EventBatches events = new EventBatches(EVENTS_QUEUED_MAX);
    /** The reader's group-name decoder: the deliveries of a group share one String. */
    private final Utf8Names groupNames = new Utf8Names();
    private final Thread reader;
    private final Thread writer;
    private final Thread dispatcher;
    private volatile String closedReason;
    private volatile boolean closedByUs;
    private int localNodeId;
    private ClientId clientId;
    private int messageBytesMax;

    /**
     * A request's id and the future its answer completes: the node's reply, or, for a streamed
     * multicast, the result itself (no second future to map one to the other per message).
     */
    private record Call(long id, CompletableFuture<Reply> reply, CompletableFuture<CpgResult> result) {
    }

    private CpgClient(SocketChannel channel, CpgListener listener) {
        this.channel = channel;
        this.listener = listener;
        this.reader = new Thread(this::readLoop, "cpg-client-reader");
        this.writer = new Thread(this::writeLoop, "cpg-client-writer");
        this.dispatcher = new Thread(this::dispatchLoop, "cpg-client-dispatch");
        reader.setDaemon(true);
        writer.setDaemon(true);
        dispatcher.setDaemon(true);
    }

    /**
     * Connects to the node serving {@code socket} and says hello.
     *
     * @param listener gets this client's deliveries and confchgs, on the dispatch thread
     * @throws IOException when the socket cannot be reached, or the node refuses this process
     *     (the message says why: its uid is not allowed, for example)
     */
    public static CpgClient connect(Path socket, CpgListener listener) throws IOException {
        if (listener == null) {
            throw new IllegalArgumentException("listener is required");
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to the CPG socket " + socket + ": " + e.getMessage(), e);
        }
        CpgClient c = new CpgClient(ch, listener);
        c.reader.start();
        c.writer.start();
        c.dispatcher.start();
        Reply hello = c.call(ClientMessage.newBuilder().setHello(Hello.newBuilder().setVersion(IpcFrames.PROTOCOL_VERSION)));
        CpgResult r = hello == null ? c.lostResult() : IpcCodec.result(hello);
        if (!r.ok()) {
            c.close();
            throw new IOException("the node at " + socket + " refused this client: " + r.detail());
        }
        c.localNodeId = hello.getLocalNodeId();
        c.clientId = ClientId.of(hello.getPid());
        c.messageBytesMax = hello.getMessageBytesMax();
        return c;
    }

    /** The id the node knows this client by: its pid, or a made-up id when another connection of the process has it. */
    @Override
    public ClientId clientId() {
        return clientId;
    }

    /** The largest payload the node takes in a multicast. */
    public int messageBytesMax() {
        return messageBytesMax;
    }

    @Override
    public CpgResult join(String group) {
        return result(call(ClientMessage.newBuilder().setJoin(Join.newBuilder().setGroup(group))));
    }

    @Override
    public CpgResult leave(String group) {
        return result(call(ClientMessage.newBuilder().setLeave(Leave.newBuilder().setGroup(group))));
    }

    /** Multicasts and waits for the node's answer: TRY_AGAIN when the ring is full or syncing (nothing was sent). */
    @Override
    public CpgResult mcast(String group, byte[] payload, Guarantee guarantee) {
        int wire = IpcCodec.wire(guarantee).getNumber();
        return result(await(send(id -> ClientFrames.mcastRequest(id, group, wire, false, payload))));
    }

    /**
     * Streams a multicast without waiting: the node keeps it until the ring takes it (never
     * TRY_AGAIN), in order with this client's other calls, and answers through the future (OK,
     * or why it was refused: NOT_EXIST when not in the group, TOO_BIG). When the node holds a
     * waiting multicast it stops reading this client, so once the socket is full and
     * {@link RequestQueue#BYTES_MAX} bytes of requests wait here, this call blocks: that is the flow
     * control. The payload is encoded before this returns, so the caller may reuse it.
     */
    public CompletableFuture<CpgResult> mcastAsync(String group, byte[] payload, Guarantee guarantee) {
        CompletableFuture<CpgResult> result = new CompletableFuture<>();
        int wire = IpcCodec.wire(guarantee).getNumber();
        enqueue(id -> ClientFrames.mcastRequest(id, group, wire, true, payload), null, result);
        return result;
    }

    @Override
    public List<CpgAddress> membership(String group) {
        Reply r = call(ClientMessage.newBuilder().setMembershipGet(MembershipGet.newBuilder().setGroup(group)));
        if (r == null || !IpcCodec.result(r).ok()) {
            throw new IllegalStateException("membership of " + group + ": " + (r == null ? lostResult() : IpcCodec.result(r)));
        }
        return IpcCodec.addresses(r.getMembersList());
    }

    @Override
    public SortedMap<String, List<CpgAddress>> groups() {
        Reply r = call(ClientMessage.newBuilder().setGroupsGet(GroupsGet.getDefaultInstance()));
        if (r == null || !IpcCodec.result(r).ok()) {
            throw new IllegalStateException("groups: " + (r == null ? lostResult() : IpcCodec.result(r)));
        }
        return IpcCodec.groups(r.getGroupsList());
    }

    @Override
    public int localNodeId() {
        return localNodeId;
    }

    @Override
    public ConnectionState state(String group) {
        Reply r = call(ClientMessage.newBuilder().setStateGet(StateGet.newBuilder().setGroup(group)));
        return r == null ? ConnectionState.UNJOINED : IpcCodec.state(r.getState());
    }

    @Override
    public boolean closed() {
        return closedReason != null;
    }

    /** Why the connection ended, or null while it is open. */
    public String closedReason() {
        return closedReason;
    }

    /** Closes the connection (cpg_finalize): the node tells this client's groups PROCDOWN. */
    @Override
    public void close() {
        closedByUs = true;
        end("closed by this client");
        try {
            channel.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        if (Thread.currentThread() != reader) {
            try {
                reader.join(CALL_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ calls

    private CpgResult result(Reply r) {
        return r == null ? lostResult() : IpcCodec.result(r);
    }

    private CpgResult lostResult() {
        return CpgResult.of(CpgError.BAD_HANDLE, "the connection to the node is closed: " + closedReason);
    }

    /** A round trip; null when the connection ended first. */
    private Reply call(ClientMessage.Builder m) {
        return await(send(m));
    }

    /** The reply a request's future completes with, waiting at most {@link #CALL_TIMEOUT}. */
    private Reply await(CompletableFuture<Reply> reply) {
        // A listener's call: the answer comes after the events the node sent before it, which the
        // reader must be able to queue although nobody dispatches them meanwhile.
        boolean onDispatcher = Thread.currentThread() == dispatcher;
        if (onDispatcher) {
            events.suspendBound(true);
        }
        try {
            return reply.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.newBuilder().setError(CpgError.TRY_AGAIN.code()).setDetail("interrupted").build();
        } catch (ExecutionException | TimeoutException e) {
            return Reply.newBuilder().setError(CpgError.TRY_AGAIN.code())
                    .setDetail("no answer from the node within " + CALL_TIMEOUT.toSeconds() + " s").build();
        } finally {
            if (onDispatcher) {
                events.suspendBound(false);
            }
        }
    }

    /** Writes one request; the future completes with its reply, or null when the connection ends. */
    private CompletableFuture<Reply> send(ClientMessage.Builder m) {
        return send(id -> {
            ClientMessage message = m.setId(id).build();
            int size = message.getSerializedSize();
            byte[] frame = new byte[IpcFrames.LENGTH_BYTES + size];
            ByteBuffer.wrap(frame).putInt(size);
            try {
                CodedOutputStream out = CodedOutputStream.newInstance(frame, IpcFrames.LENGTH_BYTES, size);
                message.writeTo(out);
                out.checkNoSpaceLeft();
            } catch (IOException e) {
                throw new IllegalStateException("encoding a request", e);
            }
            return frame;
        });
    }

    /** Writes the request {@code frame} encodes for the id it is given; as {@link #send(ClientMessage.Builder)}. */
    private CompletableFuture<Reply> send(LongFunction<byte[]> frameOfId) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        enqueue(frameOfId, reply, null);
        return reply;
    }

    /**
     * Queues the request {@code frameOfId} encodes for its id, for the writer; its answer goes to
     * {@code reply} or, as a result, to {@code result} (one of them null). Waits while
     * {@link RequestQueue#BYTES_MAX} bytes wait for the writer: the flow control of streamed
     * multicasts.
     */
    private void enqueue(LongFunction<byte[]> frameOfId, CompletableFuture<Reply> reply, CompletableFuture<CpgResult> result) {
        // Registered while the queue's lock is held, before the node can answer it.
        Call[] call = new Call[1];
        boolean[] boundSuspended = new boolean[1];
        try {
            requests.queue(frameOfId, id -> {
                call[0] = new Call(id, reply, result);
                synchronized (calls) {
                    calls.add(call[0]);
                }
            }, () -> {
                // As in await(): the node may hold this client's requests back until it reads.
                if (Thread.currentThread() == dispatcher) {
                    events.suspendBound(true);
                    boundSuspended[0] = true;
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Never queued: the node does not see this id.
            answer(new Call(0, reply, result), Reply.newBuilder().setError(CpgError.TRY_AGAIN.code()).setDetail("interrupted").build());
            return;
        } finally {
            if (boundSuspended[0]) {
                events.suspendBound(false);
            }
        }
        if (call[0] == null) {
            answer(new Call(0, reply, result), null); // the connection had ended
        } else if (closedReason != null) {
            boolean mine;
            synchronized (calls) {
                mine = calls.remove(call[0]);
            }
            if (mine) {
                answer(call[0], null);
            }
        }
    }

    /** Completes {@code c}'s future with {@code r}: null when the connection ended. */
    private void answer(Call c, Reply r) {
        if (c.result() == null) {
            c.reply().complete(r);
        } else {
            c.result().complete(r == null ? lostResult() : r == ClientFrames.OK ? CpgResult.OK : IpcCodec.result(r));
        }
    }

    /** The writer thread: puts the queued requests on the socket until the connection ends. */
    private void writeLoop() {
        try {
            requests.writeUntilEnd(channel);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // A node that refuses or drops this client writes an Error and closes, maybe before
            // this writer's first request lands: the reader then has the node's reason to read,
            // which says more than a broken pipe. The peer is gone, so the reader ends soon.
            try {
                reader.join(WRITE_FAILURE_GRACE_MS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            end("cannot write to the node: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ reader and dispatcher

    private void readLoop() {
        String reason = "the node closed the connection";
        ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER_BYTES);
        List<CpgEvent> batch = new ArrayList<>();
        try {
            while (true) {
                if (channel.read(buf) < 0) {
                    break;
                }
                buf.flip();
                reason = parseFrames(buf, batch);
                // Events read before an Error in the same read still reach the listener, first.
                events.putAll(batch);
                batch.clear();
                if (reason != null) {
                    break;
                }
                buf = room(buf);
            }
            if (reason == null) {
                reason = "the node closed the connection";
            }
        } catch (IOException e) {
            reason = closedByUs ? "closed by this client" : "reading from the node failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            end(reason);
        }
    }

    /**
     * Takes the whole frames at the start of {@code buf}: completes the calls they answer and adds
     * their events to {@code batch}. Returns why the connection ends (an Error message, a frame no
     * node sends), or null to read on.
     */
    private String parseFrames(ByteBuffer buf, List<CpgEvent> batch) throws IOException {
        while (buf.remaining() >= IpcFrames.LENGTH_BYTES) {
            int length = buf.getInt(buf.position());
            if (length < 0 || length > FRAME_BYTES_MAX) {
                return "the node sent a frame of " + (length & 0xffffffffL) + " bytes, more than a client takes";
            }
            if (buf.remaining() < IpcFrames.LENGTH_BYTES + length) {
                return null;
            }
            int offset = buf.arrayOffset() + buf.position() + IpcFrames.LENGTH_BYTES;
            buf.position(buf.position() + IpcFrames.LENGTH_BYTES + length);
            long okId = ClientFrames.okReplyId(buf.array(), offset, length);
            if (okId != ClientFrames.NOT_AN_OK_REPLY) {
                complete(okId, ClientFrames.OK);
                continue;
            }
            CpgEvent.Deliver delivery = ClientFrames.delivery(buf.array(), offset, length, groupNames);
            if (delivery != null) {
                batch.add(delivery);
                continue;
            }
            CodedInputStream cin = CodedInputStream.newInstance(buf.array(), offset, length);
            // Aliased: a delivery's payload is copied out of the buffer once, into its event.
            cin.enableAliasing(true);
            ServerMessage m = ServerMessage.parseFrom(cin);
            switch (m.getBodyCase()) {
                case REPLY -> complete(m.getReply().getId(), m.getReply());
                case ERROR -> {
                    return m.getError().getDetail();
                }
                default -> {
                    CpgEvent e = IpcCodec.event(m);
                    if (e != null) {
                        batch.add(e);
                    }
                }
            }
        }
        return null;
    }

    /**
     * Completes the call {@code id} with {@code reply}, and, as OK, every call ahead of it: the
     * node answers in request order and answers only OK streamed multicasts together. Futures are
     * completed outside the lock, as their callbacks may call this client.
     */
    private void complete(long id, Reply reply) {
        synchronized (calls) {
            Call head;
            while ((head = calls.peek()) != null && head.id() <= id) {
                answered.add(calls.poll());
            }
        }
        for (int i = 0; i < answered.size(); i++) {
            Call c = answered.get(i);
            answer(c, c.id() == id ? reply : ClientFrames.OK);
        }
        answered.clear();
    }

    /**
     * The buffer to read into next, holding the start of the next frame: {@code buf} compacted,
     * or, when that frame is larger than it, a buffer of the frame's size (back to the usual size
     * once a read ends on a frame boundary).
     */
    private static ByteBuffer room(ByteBuffer buf) {
        if (buf.remaining() >= IpcFrames.LENGTH_BYTES) {
            int needed = IpcFrames.LENGTH_BYTES + buf.getInt(buf.position());
            if (needed > buf.capacity()) {
                ByteBuffer larger = ByteBuffer.allocate(needed);
                larger.put(buf);
                return larger;
            }
        } else if (!buf.hasRemaining() && buf.capacity() > READ_BUFFER_BYTES) {
            return ByteBuffer.allocate(READ_BUFFER_BYTES);
        }
        buf.compact();
        return buf;
    }

    /** The connection is over: every waiting call answers, the dispatcher gets the end mark. */
    private void end(String reason) {
        synchronized (this) {
            if (closedReason != null) {
                return;
            }
            closedReason = reason;
        }
        List<Call> waiting;
        synchronized (calls) {
            waiting = List.copyOf(calls);
            calls.clear();
        }
        for (Call c : waiting) {
            answer(c, null);
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        // Past the bound if need be: a full queue must not block the end.
        events.add(END);
        requests.end(); // the writer ends, callers waiting for room give up
    }

    private void dispatchLoop() {
        List<CpgEvent> batch = new ArrayList<>();
        try {
            dispatching:
            while (true) {
                batch.clear();
                if (!events.takeAll(batch, 100, TimeUnit.MILLISECONDS)) {
                    if (closedReason != null && events.size() == 0) {
                        break;
                    }
                    continue;
                }
                for (CpgEvent e : batch) {
                    if (e == END) {
                        break dispatching;
                    }
                    try {
                        listener.accept(e);
                    } catch (RuntimeException thrown) {
                        LOG.log(System.Logger.Level.ERROR, "the CPG listener threw; the client goes on", thrown);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!closedByUs) {
            listener.onDisconnected(closedReason);
        }
    }
}

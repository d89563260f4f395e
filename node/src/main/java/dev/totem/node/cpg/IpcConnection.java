package dev.totem.node.cpg;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.totem.cpg.ClientId;
import dev.totem.cpg.CpgError;
import dev.totem.cpg.CpgEvent;
import dev.totem.cpg.CpgHandle;
import dev.totem.cpg.CpgListener;
import dev.totem.cpg.CpgResult;
import dev.totem.cpg.EmbeddedCpg;
import dev.totem.cpg.Utf8Names;
import dev.totem.cpg.ipc.IpcCodec;
import dev.totem.cpg.ipc.IpcFrames;
import dev.totem.cpg.ipc.wire.ClientMessage;
import dev.totem.cpg.ipc.wire.Error;
import dev.totem.cpg.ipc.wire.Reply;
import dev.totem.cpg.ipc.wire.ServerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;

/**
 * One IPC client of a node, on the node's loop: decodes its requests, serves them against the
 * service through an embedded handle, and writes replies and events back.
 *
 * <p>Requests are served in order, every one answered in order; the streamed multicasts the ring
 * took since the last answer share one OK, written before the next answer or at the task's end
 * (protocol version 2). A streaming multicast ({@code wait}) that
 * meets a full or syncing ring is kept, and the connection's later requests wait behind it: past
 * {@value #PENDING_REQUESTS_MAX} waiting requests the connection stops reading, so the client's
 * own writes block and the socket carries the back-pressure. Messages are encoded into buffers
 * of {@value #OUT_BUFFER_BYTES} bytes from the channel's pooled allocator (a larger message gets
 * one of its own size), never grown: a full buffer is handed to the channel and the next
 * begun, and everything a loop task wrote is flushed once at its end, for every connection
 * written during it: a burst of deliveries is one gathering socket write, not a netty write per
 * message. Deliveries and OK answers skip protobuf's builders ({@link ServerFrames}).
 *
 * <p>A client with more than {@link CpgSettings#holdBackBytes} unread (the channel unwritable)
 * has its requests held back, and the connection stops reading, until it has read down to half
 * that: a client that sends faster than it reads (starved of CPU, say) slows its own sending
 * instead of growing the node's buffers, and the ring's other senders keep their pace.
 *
 * <p>A client whose unread bytes stay above {@link CpgSettings#connectionOutboundBytesMax} for
 * {@value #STALL_GRACE_MILLIS} ms (or pass four times it) stopped reading: the service disconnects it (its groups see PROCDOWN, the log says why) and the
 * connection closes. A malformed or oversized frame gets one Error message and the connection
 * closes; the node and its other clients go on.
 */
final class IpcConnection extends ChannelInboundHandlerAdapter implements FrameDecoder.Sink {
    /** Requests read and not yet served, past which the connection stops reading. */
    static final int PENDING_REQUESTS_MAX = 256;
    /** How long a client may stay above its bound of unread bytes. */
    static final long STALL_GRACE_MILLIS = 1_000;
    /**
     * Capacity of a buffer that messages are encoded into. Fixed, so no buffer is grown (copied)
     * and the pool serves the same size each time.
     */
    static final int OUT_BUFFER_BYTES = 64 << 10;

    /** A request: a multicast (read by the fast path, {@code message} null) or any other request. */
    private record Request(ClientMessage message, McastRequest mcast) {
        long id() {
            return mcast != null ? mcast.id() : message.getId();
        }

        ClientMessage.BodyCase body() {
            return mcast != null ? ClientMessage.BodyCase.MCAST : message.getBodyCase();
        }
    }

    private final NodeCpg cpg;
    private final Channel ch;
    private final PeerCredentials peer;
    private final int requestBytesMax;
    private final ArrayDeque<Request> pending = new ArrayDeque<>();
    private ClientId id;
    private CpgHandle handle;
    /** A streaming multicast waits for the ring. */
    private boolean parked;
    /** Requests wait because too much waits for the client to read (the channel is unwritable). */
    private boolean heldBack;
    private boolean dirty;
    /**
     * Whether streamed multicasts the ring took wait for their OK; {@link #unansweredOkId} is
     * the newest. One OK answers it and every earlier request still unanswered (all of them
     * streamed multicasts the ring took), written before any other answer and at the end of the task.
     */
    private boolean streamedUnanswered;
    private long unansweredOkId;
    /** Writes deliveries and OK replies (with a scratch array of its own). */
    private final ServerFrames frames = new ServerFrames();
    /** The group names of this client's multicast requests, decoded once while one repeats. */
    private final Utf8Names groupNames = new Utf8Names();
    /** The group of the last delivery written, and its UTF-8. */
    private String lastGroup;
    private byte[] lastGroupUtf8;
    /** Messages encoded during this loop task and not yet handed to the channel; null when none. */
    private ByteBuf out;
    /** When the unread bytes went above the bound; 0 while below. */
    private long overSinceNanos;
    /**
     * What the log calls a round of serving this client's requests, should it fail: kept, not
     * formatted per round (JFR found the formatting of the peer's credentials in the hot loop).
     */
    private String serving;
    /** The connection is ending: nothing more is read, served or written but the last Error. */
    private boolean ending;

    IpcConnection(NodeCpg cpg, Channel ch, PeerCredentials peer) {
        this.cpg = cpg;
        this.ch = ch;
        this.peer = peer;
        this.requestBytesMax = IpcFrames.requestBytesMax(cpg.settings().config());
        this.serving = "requests of IPC client " + describe();
    }

    /** Sends one Error message to a peer that is not served, then closes. */
    static void refuse(Channel ch, CpgError error, String detail) {
        ch.writeAndFlush(frame(ch, errorMessage(error, detail))).addListener(ChannelFutureListener.CLOSE);
    }

    // ------------------------------------------------------------------ reading

    /** A request frame, read where it lies: what is kept of it is copied out (McastRequest's payload). */
    @Override
    public void frame(ByteBuf buf, int index, int length) {
        if (ending) {
            return;
        }
        ClientMessage m;
        try {
            McastRequest mcast = McastRequest.read(buf.nioBuffer(index, length), groupNames);
            if (mcast != null) {
                queue(new Request(null, mcast));
                return;
            }
            CodedInputStream in = CodedInputStream.newInstance(buf.nioBuffer(index, length));
            in.enableAliasing(true);
            m = ClientMessage.parseFrom(in);
        } catch (IOException e) {
            fail(CpgError.INVALID_PARAM, "malformed request frame of " + length
                    + " bytes (not a ClientMessage of cpg_ipc.proto): " + e.getMessage());
            return;
        }
        if (m.getBodyCase() == ClientMessage.BodyCase.BODY_NOT_SET) {
            fail(CpgError.INVALID_PARAM, "request " + m.getId() + " has no body (hello, join, leave, mcast, ...)");
            return;
        }
        // The payload aliases the read buffer: copy it out (the one copy of a request) before the frame is gone.
        queue(new Request(m, m.hasMcast() ? McastRequest.of(m) : null));
    }

    private void queue(Request r) {
        pending.add(r);
        if (pending.size() >= PENDING_REQUESTS_MAX) {
            ch.config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        serve();
    }

    /** The frame decoder saw a length above the limit. */
    @Override
    public void oversized(long length) {
        fail(CpgError.TOO_BIG, "request frame of " + length + " bytes is larger than the " + requestBytesMax
                + " bytes this node accepts (a multicast carries at most " + cpg.settings().config().messageBytesMax()
                + " bytes)");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ending = true;
        pending.clear();
        if (out != null) {
            out.release();
            out = null;
        }
        if (handle != null && !handle.closed()) {
            // The process went away (or its connection was closed): its groups see PROCDOWN.
            CpgHandle h = handle;
            cpg.run("the close of IPC client " + id, api -> h.close());
        }
        if (id != null) {
            cpg.release(id);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        cpg.log().debug("CPG client " + describe() + ": " + cause);
        ctx.close();
    }

    // ------------------------------------------------------------------ serving

    private void serve() {
        if (parked || ending || pending.isEmpty()) {
            return;
        }
        if (!ch.isWritable()) {
            if (!heldBack) {
                heldBack = true;
                cpg.countHoldBack();
                ch.config().setAutoRead(false);
            }
            return;
        }
        boolean ran = cpg.run(serving, api -> {
            while (!pending.isEmpty() && !ending) {
                if (!serve(api, pending.peek())) {
                    parked = true;
                    break;
                }
                pending.poll();
            }
        });
        if (!ran) {
            fail(CpgError.TRY_AGAIN, "the node is not running");
            return;
        }
        if (parked) {
            cpg.await(this::unpark);
        }
        if (pending.size() < PENDING_REQUESTS_MAX / 2 && !ch.config().isAutoRead() && !ending) {
            ch.config().setAutoRead(true);
        }
    }

    /** The client read down to the low mark: its requests are served again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (heldBack && ch.isWritable()) {
            heldBack = false;
            serve(); // which reads again once few requests wait
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void unpark() {
        parked = false;
        serve();
    }

    /** Serves one request; false when a streaming multicast must wait for the ring. */
    private boolean serve(EmbeddedCpg api, Request r) {
        ClientMessage m = r.message();
        long requestId = r.id();
        if (handle == null && r.body() != ClientMessage.BodyCase.HELLO) {
            fail(CpgError.BAD_HANDLE, "the first request must be hello (cpg_initialize), got " + r.body());
            return true;
        }
        switch (r.body()) {
            case HELLO -> hello(api, requestId, m.getHello().getVersion());
            case JOIN -> reply(IpcCodec.reply(requestId, handle.join(m.getJoin().getGroup())));
            case LEAVE -> reply(IpcCodec.reply(requestId, handle.leave(m.getLeave().getGroup())));
            case MCAST -> {
                McastRequest mc = r.mcast();
                CpgResult result = handle.mcast(mc.group(), mc.payload(), mc.guarantee());
                if (result.error() == CpgError.TRY_AGAIN && mc.waitForRing()) {
                    return false;
                }
                if (result == CpgResult.OK && mc.waitForRing()) {
                    streamedUnanswered = true;
                    unansweredOkId = requestId;
                    written();
                } else if (result == CpgResult.OK) {
                    answerStreamed();
                    frames.writeOkReply(this::out, requestId, CpgError.OK.code());
                    written();
                } else {
                    reply(IpcCodec.reply(requestId, result));
                }
            }
            case MEMBERSHIP_GET -> reply(IpcCodec.reply(requestId, CpgResult.OK)
                    .addAllMembers(IpcCodec.wire(handle.membership(m.getMembershipGet().getGroup()))));
            case STATE_GET -> reply(IpcCodec.reply(requestId, CpgResult.OK)
                    .setState(IpcCodec.wire(handle.state(m.getStateGet().getGroup()))));
            case GROUPS_GET -> reply(IpcCodec.reply(requestId, CpgResult.OK)
                    .addAllGroups(IpcCodec.wireGroups(handle.groups())));
            default -> fail(CpgError.INVALID_PARAM, "unknown request " + r.body());
        }
        return true;
    }

    private void hello(EmbeddedCpg api, long requestId, int version) {
        if (handle != null) {
            reply(IpcCodec.reply(requestId, CpgResult.of(CpgError.EXIST, "this connection already said hello")));
            return;
        }
        if (version != IpcFrames.PROTOCOL_VERSION) {
            fail(CpgError.INVALID_PARAM, "protocol version " + version + " is not spoken here (this node speaks "
                    + IpcFrames.PROTOCOL_VERSION + ")");
            return;
        }
        id = cpg.allocate(peer.pid());
        handle = api.open(id, new Events());
        serving = "requests of IPC client " + describe();
        reply(IpcCodec.reply(requestId, CpgResult.OK).setLocalNodeId(handle.localNodeId()).setPid(id.pid())
                .setMessageBytesMax(cpg.settings().config().messageBytesMax()));
        cpg.log().debug("CPG client " + describe() + " connected");
    }

    /** The service's events for this client, on the loop (inside an input). */
    private final class Events implements CpgListener {
        @Override
        public void onDeliver(CpgEvent.Deliver deliver) {
            push(deliver);
        }

        @Override
        public void onConfchg(CpgEvent.Confchg confchg) {
            push(confchg);
        }

        @Override
        public void onTotemConfchg(CpgEvent.TotemConfchg totemConfchg) {
            push(totemConfchg);
        }

        @Override
        public void onDisconnected(String reason) {
            fail(CpgError.TRY_AGAIN, "disconnected by the node: " + reason);
        }
    }

    private void push(CpgEvent event) {
        if (ending) {
            return;
        }
        if (event instanceof CpgEvent.Deliver d) {
            if (d.group() != lastGroup) { // consecutive deliveries of a group share its String
                lastGroup = d.group();
                lastGroupUtf8 = lastGroup.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            frames.writeDeliver(this::out, d, lastGroupUtf8);
            written();
        } else {
            write(IpcCodec.wire(event));
        }
    }

    // ------------------------------------------------------------------ writing

    private void reply(Reply.Builder reply) {
        answerStreamed();
        write(ServerMessage.newBuilder().setReply(reply).build());
    }

    private void write(ServerMessage m) {
        int size = m.getSerializedSize();
        ByteBuf buf = out(IpcFrames.LENGTH_BYTES + size);
        buf.writeInt(size);
        encode(m, buf, size);
        written();
    }

    /**
     * The buffer to encode a message of {@code bytes} into, with that much room: the current one,
     * or, when it lacks the room, a new one (the current goes to the channel first).
     */
    private ByteBuf out(int bytes) {
        if (out != null && out.writableBytes() < bytes) {
            handOver();
        }
        if (out == null) {
            out = ch.alloc().buffer(Math.max(OUT_BUFFER_BYTES, bytes));
        }
        return out;
    }

    /** After a message was encoded into {@link #out}: the task's end flushes. */
    private void written() {
        if (!dirty) {
            dirty = true;
            cpg.flushLater(this);
        }
    }

    /** Writes the one OK that answers the streamed multicasts taken since the last answer, if any. */
    private void answerStreamed() {
        if (streamedUnanswered) {
            streamedUnanswered = false;
            frames.writeOkReply(this::out, unansweredOkId, CpgError.OK.code());
        }
    }

    /** Hands the encoded messages to the channel's outbound buffer (not yet flushed). */
    private void handOver() {
        if (out != null) {
            ch.write(out, ch.voidPromise());
            out = null;
        }
    }

    /**
     * Writes what this loop task wrote; called once per task by {@link NodeCpg}, outside any
     * input. What the socket did not take stays in netty's outbound buffer. A client that reads
     * may be behind by one burst of deliveries; one that stays above the bound for
     * {@value #STALL_GRACE_MILLIS} ms, or passes four times it, stopped reading: the service
     * disconnects it.
     */
    void flush() {
        dirty = false;
        answerStreamed();
        handOver();
        ch.flush();
        checkUnread();
    }

    private void checkUnread() {
        io.netty.channel.ChannelOutboundBuffer outbound = ch.unsafe().outboundBuffer();
        long waiting = outbound == null ? 0 : outbound.totalPendingWriteBytes();
        long max = cpg.settings().connectionOutboundBytesMax();
        if (waiting <= max || ending || id == null) {
            overSinceNanos = 0;
            return;
        }
        long now = System.nanoTime();
        if (overSinceNanos == 0 && waiting <= 4 * max) {
            overSinceNanos = now;
            cpg.loop().schedule(this::checkUnread, STALL_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            return;
        }
        if (waiting <= 4 * max && now - overSinceNanos < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(STALL_GRACE_MILLIS)) {
            return;
        }
        ending = true;
        String reason = "it stopped reading: " + waiting + " bytes of events wait for it, more than the " + max
                + " a client may leave unread";
        ClientId client = id;
        cpg.run("the disconnection of IPC client " + client, api -> api.service().disconnect(client, reason));
        ch.close();
    }

    /** The length-prefixed frame of {@code m}, encoded straight into a buffer of the channel's allocator. */
    private static ByteBuf frame(Channel ch, ServerMessage m) {
        int size = m.getSerializedSize();
        ByteBuf buf = ch.alloc().buffer(IpcFrames.LENGTH_BYTES + size);
        try {
            buf.writeInt(size);
            encode(m, buf, size);
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /** Encodes {@code m} ({@code size} bytes) at the writer index of {@code buf}, which has the room. */
    private static void encode(ServerMessage m, ByteBuf buf, int size) {
        try {
            CodedOutputStream cos = CodedOutputStream.newInstance(buf.nioBuffer(buf.writerIndex(), size));
            m.writeTo(cos);
            cos.checkNoSpaceLeft();
            buf.writerIndex(buf.writerIndex() + size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServerMessage errorMessage(CpgError error, String detail) {
        return ServerMessage.newBuilder().setError(Error.newBuilder().setError(error.code()).setDetail(detail)).build();
    }

    /** Ends the connection with one Error message saying why; the node goes on. */
    private void fail(CpgError error, String detail) {
        if (ch.isActive() && !(ending && !ch.isWritable())) {
            cpg.log().warning("CPG client " + describe() + ": " + detail + "; closing its connection");
        }
        ending = true;
        pending.clear();
        ch.config().setAutoRead(false);
        answerStreamed(); // the multicasts the ring took are answered OK, then the Error
        handOver(); // what this task wrote goes before the Error
        ch.writeAndFlush(frame(ch, errorMessage(error, detail))).addListener(ChannelFutureListener.CLOSE);
    }

    private String describe() {
        return (id == null ? "" : id + ", ") + peer;
    }
}

package org.btda.protocol.mse;

import java.util.ArrayDeque;
import java.util.Deque;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Runs an {@link MseHandshake} at the bottom of a peer-wire pipeline, so the codec above it sees plaintext BitTorrent
 * over any channel. Outbound bytes written before the handshake completes are held: the first ones (our BitTorrent
 * handshake) travel inside step 3 as the initial payload, saving a round trip; the rest follow once the stream is set
 * up. On completion it fires {@link MseEstablished}, puts an {@link Rc4Decoder}/{@link Rc4Encoder} pair in its place
 * when RC4 was selected, passes on the payload already received (the peer's IA first) and removes itself. A failure
 * is counted, fired as an {@link MseException} and closes the channel.
 */
public final class MseHandshakeHandler extends ChannelDuplexHandler {
    public static final String NAME = "mse-handshake";
    public static final String RC4_DECODER = "mse-rc4-decoder";
    public static final String RC4_ENCODER = "mse-rc4-encoder";
    /** Largest initial payload we send: our BitTorrent handshake is 68 bytes. */
    private static final int OUR_MAX_INITIAL_PAYLOAD = 1024;

    private final MseHandshake handshake;
    private final MseCounters counters;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private ByteBuf cumulation = Unpooled.EMPTY_BUFFER;
    private boolean slot;
    private boolean finished;

    private record Pending(ByteBuf bytes, ChannelPromise promise) {
    }

    public MseHandshakeHandler(MseHandshake handshake, MseCounters counters) {
        this.handshake = handshake;
        this.counters = counters;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // a responder is added to an active channel by the detector in front of it; an initiator waits for connect
        if (ctx.channel().isActive()) begin(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!slot && !finished) begin(ctx);
        ctx.fireChannelActive();
    }

    private void begin(ChannelHandlerContext ctx) {
        if (slot || finished) return;
        if (!counters.tryBegin()) {
            finished = true;
            fail(ctx, new MseException(MseViolation.OVERLOADED, "too many MSE handshakes in progress"), false);
            return;
        }
        slot = true;
        byte[] first = handshake.start();
        if (first.length > 0) ctx.writeAndFlush(Unpooled.wrappedBuffer(first)).addListener(f -> {
            if (!f.isSuccess()) ctx.fireExceptionCaught(f.cause());
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (finished || !(msg instanceof ByteBuf in)) {
            if (finished && msg instanceof ByteBuf b) b.release(); // draining after a failure
            else ctx.fireChannelRead(msg);
            return;
        }
        cumulation = cumulation.isReadable() ? Unpooled.wrappedBuffer(cumulation, in) : in;
        ByteBuf out = ctx.alloc().heapBuffer(0);
        try {
            handshake.receive(cumulation, out, () -> initialPayload(ctx));
        } catch (MseException e) {
            out.release();
            counters.countViolation(e.violation());
            fail(ctx, e, true);
            return;
        }
        if (out.isReadable()) {
            ctx.writeAndFlush(out).addListener(f -> {
                if (!f.isSuccess()) ctx.fireExceptionCaught(f.cause());
            });
        } else {
            out.release();
        }
        if (handshake.done()) complete(ctx);
        else if (!cumulation.isReadable()) releaseCumulation();
        else cumulation = compact(ctx, cumulation);
    }

    /** Our held writes, as far as they fit, become the IA of step 3; their promises follow the step's write. */
    private byte[] initialPayload(ChannelHandlerContext ctx) {
        int total = 0;
        for (Pending p : pending) {
            if (total + p.bytes.readableBytes() > OUR_MAX_INITIAL_PAYLOAD) break;
            total += p.bytes.readableBytes();
        }
        byte[] ia = new byte[total];
        int at = 0;
        while (at < total) {
            Pending p = pending.removeFirst();
            int n = p.bytes.readableBytes();
            p.bytes.readBytes(ia, at, n);
            p.bytes.release();
            at += n;
            p.promise.trySuccess();
        }
        return ia;
    }

    private void complete(ChannelHandlerContext ctx) {
        finished = true;
        releaseSlot();
        MseEncryption selected = handshake.selected();
        counters.countEstablished(selected);
        Rc4 reader = handshake.reader();
        if (selected == MseEncryption.RC4) {
            ctx.pipeline().addBefore(ctx.name(), RC4_DECODER, new Rc4Decoder(reader));
            ctx.pipeline().addBefore(ctx.name(), RC4_ENCODER, new Rc4Encoder(handshake.writer()));
        }
        // held writes now pass through the encoder just installed in front of us
        while (!pending.isEmpty()) {
            Pending p = pending.removeFirst();
            ctx.write(p.bytes, p.promise);
        }
        ctx.flush();
        ctx.fireUserEventTriggered(new MseEstablished(selected, handshake.infoHash()));
        byte[] ia = handshake.initialPayload();
        if (ia.length > 0) ctx.fireChannelRead(Unpooled.wrappedBuffer(ia));
        ByteBuf rest = cumulation;
        cumulation = Unpooled.EMPTY_BUFFER;
        if (rest.isReadable()) {
            ByteBuf plain = ctx.alloc().heapBuffer(rest.readableBytes());
            plain.writeBytes(rest);
            rest.release();
            if (reader != null) reader.crypt(plain);
            ctx.fireChannelRead(plain);
        } else {
            rest.release();
        }
        ctx.pipeline().remove(this);
    }

    private static ByteBuf compact(ChannelHandlerContext ctx, ByteBuf b) {
        // bounded by the handshake's windows: copy the unread part so a composite does not grow per read
        ByteBuf c = ctx.alloc().heapBuffer(b.readableBytes());
        c.writeBytes(b);
        b.release();
        return c;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!finished && msg instanceof ByteBuf b) {
            pending.addLast(new Pending(b, promise));
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (finished) ctx.flush(); // before that, held bytes are flushed by the handshake's own writes
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // held writes were never sent; the handlers behind learn of the close from channelInactive itself
        releaseAll(null);
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll(null);
    }

    private void fail(ChannelHandlerContext ctx, MseException e, boolean close) {
        finished = true;
        releaseAll(e);
        ctx.fireExceptionCaught(e);
        if (close || ctx.channel().isActive()) ctx.close();
    }

    private void releaseAll(Throwable cause) {
        releaseSlot();
        releaseCumulation();
        while (!pending.isEmpty()) {
            Pending p = pending.removeFirst();
            p.bytes.release();
            if (cause != null) p.promise.tryFailure(cause);
            else p.promise.trySuccess();
        }
    }

    private void releaseSlot() {
        if (slot) {
            slot = false;
            counters.end();
        }
    }

    private void releaseCumulation() {
        if (cumulation != Unpooled.EMPTY_BUFFER) {
            if (cumulation.refCnt() > 0) cumulation.release();
            cumulation = Unpooled.EMPTY_BUFFER;
        }
    }
}

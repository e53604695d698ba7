package org.btda.evaluator.utp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;

/**
 * One uTP connection as a Netty byte-stream channel, so the peer-wire pipeline runs on it unchanged: writes become
 * DATA packets, received in-order payload arrives as {@link ByteBuf}s, {@code close()} sends FIN. It lives on the
 * {@link UtpSocket}'s event loop, where all of its connection state is touched.
 */
public final class UtpChannel extends AbstractChannel {

    private static final ChannelMetadata METADATA = new ChannelMetadata(false);

    private final UtpSocket socket;
    private final DefaultChannelConfig config = new DefaultChannelConfig(this);
    private UtpConnection connection;
    /** what let this accepted connection in when a BEP 55 relay announced the peer (see {@link UtpSocket#acceptExpected}) */
    private Object introduction;
    private boolean open = true;

    UtpChannel(UtpSocket socket) {
        super(null);
        this.socket = socket;
    }

    /** An accepted connection: active as soon as it is registered. */
    UtpChannel(UtpSocket socket, UtpConnection accepted) {
        this(socket);
        this.connection = accepted;
    }

    void attach(UtpConnection c) {
        this.connection = c;
    }

    UtpConnection connection() {
        return connection;
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    /** Whether this accepted connection was let in by a BEP 55 introduction rather than by listening. */
    public boolean holepunched() {
        return introduction != null;
    }

    /** The acceptor's answer that let this connection in, or null. */
    public Object introduction() {
        return introduction;
    }

    void markHolepunched(Object introduction) {
        this.introduction = introduction;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && connection != null && connection.isConnected();
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new UtpUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop == socket.eventLoop();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0() {
        return socket.localAddress();
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return connection == null ? null : connection.remote();
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("uTP channels share the socket's port");
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        if (!open) return;
        open = false;
        if (connection != null) connection.channelClosed();
    }

    @Override
    protected void doBeginRead() {
        // data is pushed as it arrives; the fixed receive window bounds it
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) return msg;
        throw new UnsupportedOperationException("uTP channels carry bytes, not " + msg.getClass().getSimpleName());
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws IOException {
        while (true) {
            Object msg = in.current();
            if (msg == null) break;
            ByteBuf buf = (ByteBuf) msg;
            if (buf.isReadable()) {
                if (connection == null || !connection.isConnected()) throw new IOException("uTP connection not open");
                connection.write(ByteBufUtil.getBytes(buf));
            }
            in.remove();
        }
    }

    // ---- called by the connection, on the event loop ----

    void connected(ChannelPromise promise) {
        boolean ok = promise.trySuccess();
        if (ok) pipeline().fireChannelActive();
        else unsafe().close(voidPromise());
    }

    void received(byte[] data) {
        if (!open) return;
        pipeline().fireChannelRead(Unpooled.wrappedBuffer(data));
        pipeline().fireChannelReadComplete();
    }

    /** The peer ended the stream (FIN) or the connection failed: the pipeline sees the error (if any), then inactive. */
    void closedByConnection(Throwable error) {
        if (!open) return;
        // the connection is already closed here, so isActive() is false: the pipeline still has to hear why
        if (error != null && isRegistered()) pipeline().fireExceptionCaught(error);
        if (open) unsafe().close(voidPromise());
    }

    private final class UtpUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) return;
            if (connection != null) {
                promise.tryFailure(new AlreadyConnectedException());
                return;
            }
            socket.connect(UtpChannel.this, (InetSocketAddress) remote, config.getConnectTimeoutMillis(), promise);
        }
    }
}

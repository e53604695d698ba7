package org.btda.harvester.magnet;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.wire.ExtendedHandshake;
import org.btda.protocol.wire.ExtensionIds;
import org.btda.protocol.wire.Handshake;
import org.btda.protocol.wire.MetadataMessage;
import org.btda.protocol.wire.PeerMessage;

/**
 * One peer connection fetching the whole info dictionary: handshake (extension bit), BEP 10 handshake, then
 * ut_metadata pieces strictly one at a time in order. Any deviation ends the session with a reason; the resolution
 * then tries another peer. Runs on the channel's event loop, so its fields need no locking.
 */
final class MetadataSession extends SimpleChannelInboundHandler<Object> {
    private final MagnetResolver.Resolution resolution;
    private final InetSocketAddress peer;
    private final InfoHash infoHash;
    private final byte[] peerId;
    private final MagnetOptions options;
    private final MagnetCounters counters;
    private boolean handshaken;
    private int peerUtMetadata;
    private byte[] buffer;
    private int nextPiece;
    private boolean ended;

    MetadataSession(MagnetResolver.Resolution resolution, InetSocketAddress peer, InfoHash infoHash, byte[] peerId,
            MagnetOptions options, MagnetCounters counters) {
        this.resolution = resolution;
        this.peer = peer;
        this.infoHash = infoHash;
        this.peerId = peerId;
        this.options = options;
        this.counters = counters;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Handshake.of(infoHash.bytes(), peerId, true, false, false));
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (ended) {
            return;
        }
        if (msg instanceof Handshake h) {
            if (!Arrays.equals(h.infoHash(), infoHash.bytes())) {
                end(ctx, "handshake for another torrent", counters.protocolErrors);
            } else if (!h.supportsExtensionProtocol()) {
                end(ctx, "no extension protocol", counters.protocolErrors);
            } else {
                handshaken = true;
                ctx.writeAndFlush(ExtendedHandshake.forBtda(MagnetResolver.LOCAL_IDS, false, true, null, 1));
            }
        } else if (msg instanceof ExtendedHandshake eh && handshaken && buffer == null) {
            onExtendedHandshake(ctx, eh);
        } else if (msg instanceof MetadataMessage m) {
            onMetadata(ctx, m);
        }
        // everything else (bitfield, have, choke, PEX, ...) is irrelevant to fetching metadata
    }

    private void onExtendedHandshake(ChannelHandlerContext ctx, ExtendedHandshake eh) {
        peerUtMetadata = eh.extensionId(ExtensionIds.UT_METADATA);
        Long size = eh.metadataSize();
        if (peerUtMetadata == 0) {
            end(ctx, "no ut_metadata", counters.protocolErrors);
        } else if (size == null || size <= 0) {
            end(ctx, "no metadata_size", counters.protocolErrors);
        } else if (size > options.maxMetadataSize()) {
            end(ctx, "metadata_size " + size + " above limit " + options.maxMetadataSize(), counters.protocolErrors);
        } else {
            buffer = new byte[size.intValue()];
            request(ctx);
        }
    }

    private void request(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(MetadataMessage.request(peerUtMetadata, nextPiece));
    }

    private int pieces() {
        return (buffer.length + MetadataMessage.PIECE_LENGTH - 1) / MetadataMessage.PIECE_LENGTH;
    }

    private void onMetadata(ChannelHandlerContext ctx, MetadataMessage m) {
        switch (m.type()) {
            case REQUEST -> ctx.writeAndFlush(MetadataMessage.reject(Math.max(1, peerUtMetadata), m.piece()));
            case REJECT -> end(ctx, "rejected piece " + m.piece(), counters.rejected);
            case DATA -> {
                if (buffer == null || m.piece() != nextPiece || m.totalSize() != buffer.length) {
                    end(ctx, "unexpected metadata piece " + m.piece(), counters.protocolErrors);
                    return;
                }
                int offset = nextPiece * MetadataMessage.PIECE_LENGTH;
                int expected = Math.min(MetadataMessage.PIECE_LENGTH, buffer.length - offset);
                byte[] data = m.data();
                if (data.length != expected) {
                    end(ctx, "metadata piece " + nextPiece + " of " + data.length + " bytes, expected " + expected,
                            counters.protocolErrors);
                    return;
                }
                System.arraycopy(data, 0, buffer, offset, expected);
                nextPiece++;
                if (nextPiece < pieces()) {
                    request(ctx);
                } else if (InfoHash.sha1(buffer).equals(infoHash)) {
                    ended = true;
                    resolution.succeeded(buffer);
                    ctx.close();
                } else {
                    end(ctx, "metadata does not hash to the info hash", counters.hashMismatch);
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            end(ctx, "idle for " + options.idleTimeout(), counters.timeouts);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        end(ctx, cause.toString(), counters.protocolErrors);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end(ctx, "connection closed", null);
    }

    private void end(ChannelHandlerContext ctx, String why, java.util.concurrent.atomic.LongAdder counter) {
        if (ended) {
            return;
        }
        ended = true;
        if (counter != null && !resolution.done()) {
            counter.increment();
        }
        ctx.close();
        resolution.sessionFailed(peer, why);
    }
}

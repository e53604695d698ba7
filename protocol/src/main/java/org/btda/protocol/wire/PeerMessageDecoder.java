package org.btda.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.btda.protocol.bencode.BencodeException;

/**
 * Length-prefixed peer wire framing (BEP 3) after the handshake. One instance per channel.
 *
 * <p>Memory: a frame body is only buffered once its length is known to be within
 * {@link PeerWireLimits#maxFrameLength()}, and then only what the peer actually sent; a larger prefix is a
 * {@link WireViolation#FRAME_TOO_LARGE} before any body byte is held. Bodies that btda has no use for are never
 * buffered at all: {@code piece} blocks (btda never requests, so any piece is unsolicited; only its header is emitted as
 * {@link PeerMessage.Piece}) and frames with unknown ids (counted, nothing emitted) are skipped as they stream in.
 *
 * <p>After a violation the decoder counts it, throws {@link PeerWireException} once and then discards all input: the
 * handler is expected to close the channel.
 */
public final class PeerMessageDecoder extends ByteToMessageDecoder {
    private enum State { LENGTH, BODY, SKIP, FAILED }

    private final PeerWireLimits limits;
    private final ExtensionIds localIds;
    private final WireCounters counters;
    private State state = State.LENGTH;
    private int frameLength;
    private long skipRemaining;
    private PeerMessage afterSkip;

    public PeerMessageDecoder(PeerWireLimits limits, ExtensionIds localIds, WireCounters counters) {
        this.limits = limits;
        this.localIds = localIds;
        this.counters = counters;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case FAILED -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                case LENGTH -> {
                    if (in.readableBytes() < 4) {
                        return;
                    }
                    long length = in.readUnsignedInt();
                    if (length == 0) {
                        out.add(PeerMessage.KeepAlive.INSTANCE);
                        continue;
                    }
                    if (length > limits.maxFrameLength()) {
                        throw fail(in, WireViolation.FRAME_TOO_LARGE,
                                "length " + length + " > max " + limits.maxFrameLength());
                    }
                    frameLength = (int) length;
                    state = State.BODY;
                }
                case BODY -> {
                    if (!body(in, out)) {
                        return;
                    }
                }
                case SKIP -> {
                    int n = (int) Math.min(skipRemaining, in.readableBytes());
                    in.skipBytes(n);
                    skipRemaining -= n;
                    if (skipRemaining > 0) {
                        return;
                    }
                    if (afterSkip != null) {
                        out.add(afterSkip);
                        afterSkip = null;
                    }
                    state = State.LENGTH;
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    /** Returns false when more bytes are needed. */
    private boolean body(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 1) {
            return false;
        }
        int id = in.getUnsignedByte(in.readerIndex());
        if (id == MessageId.PIECE) {
            // header only (id + index + begin); the block is skipped, never buffered
            if (frameLength < 9) {
                throw fail(in, WireViolation.MALFORMED_MESSAGE, "piece frame of " + frameLength + " bytes");
            }
            if (in.readableBytes() < 9) {
                return false;
            }
            in.skipBytes(1);
            int index = pieceIndex(in, in.readInt());
            int begin = in.readInt();
            counters.countDiscardedPiece();
            return startSkip(frameLength - 9, new PeerMessage.Piece(index, begin, frameLength - 9));
        }
        if (!known(id)) {
            counters.countUnknownMessage();
            in.skipBytes(1);
            return startSkip(frameLength - 1, null);
        }
        if (in.readableBytes() < frameLength) {
            return false;
        }
        in.skipBytes(1);
        ByteBuf body = in.readSlice(frameLength - 1);
        state = State.LENGTH;
        out.add(message(id, body, in));
        return true;
    }

    private boolean startSkip(long bytes, PeerMessage then) {
        skipRemaining = bytes;
        afterSkip = then;
        state = State.SKIP;
        return true;
    }

    private static boolean known(int id) {
        return id <= MessageId.PORT || (id >= MessageId.SUGGEST_PIECE && id <= MessageId.ALLOWED_FAST)
                || id == MessageId.EXTENDED;
    }

    private PeerMessage message(int id, ByteBuf body, ByteBuf in) {
        int len = body.readableBytes();
        return switch (id) {
            case MessageId.CHOKE -> empty(len, id, PeerMessage.Choke.INSTANCE, in);
            case MessageId.UNCHOKE -> empty(len, id, PeerMessage.Unchoke.INSTANCE, in);
            case MessageId.INTERESTED -> empty(len, id, PeerMessage.Interested.INSTANCE, in);
            case MessageId.NOT_INTERESTED -> empty(len, id, PeerMessage.NotInterested.INSTANCE, in);
            case MessageId.HAVE_ALL -> empty(len, id, PeerMessage.HaveAll.INSTANCE, in);
            case MessageId.HAVE_NONE -> empty(len, id, PeerMessage.HaveNone.INSTANCE, in);
            case MessageId.HAVE -> new PeerMessage.Have(index(body, len, id, in));
            case MessageId.SUGGEST_PIECE -> new PeerMessage.SuggestPiece(index(body, len, id, in));
            case MessageId.ALLOWED_FAST -> new PeerMessage.AllowedFast(index(body, len, id, in));
            case MessageId.BITFIELD -> new PeerMessage.Bitfield(bytes(body));
            case MessageId.REQUEST, MessageId.CANCEL, MessageId.REJECT_REQUEST -> triple(id, body, len, in);
            case MessageId.PORT -> {
                expect(len, 2, id, in);
                yield new PeerMessage.Port(body.readUnsignedShort());
            }
            case MessageId.EXTENDED -> extended(body, len, in);
            default -> throw new IllegalStateException("unhandled known id " + id);
        };
    }

    private PeerMessage empty(int len, int id, PeerMessage m, ByteBuf in) {
        expect(len, 0, id, in);
        return m;
    }

    private int index(ByteBuf body, int len, int id, ByteBuf in) {
        expect(len, 4, id, in);
        return pieceIndex(in, body.readInt());
    }

    private PeerMessage triple(int id, ByteBuf body, int len, ByteBuf in) {
        expect(len, 12, id, in);
        int index = pieceIndex(in, body.readInt());
        int begin = body.readInt();
        int length = body.readInt();
        return switch (id) {
            case MessageId.REQUEST -> new PeerMessage.Request(index, begin, length);
            case MessageId.CANCEL -> new PeerMessage.Cancel(index, begin, length);
            default -> new PeerMessage.RejectRequest(index, begin, length);
        };
    }

    private PeerMessage extended(ByteBuf body, int len, ByteBuf in) {
        if (len < 1) {
            throw fail(in, WireViolation.MALFORMED_MESSAGE, "extended message without extended id");
        }
        int extId = body.readUnsignedByte();
        byte[] payload = bytes(body);
        try {
            if (extId == MessageId.EXTENDED_HANDSHAKE) {
                return ExtendedHandshake.parse(payload, limits.bencode());
            }
            if (extId == localIds.utPex()) {
                return PexMessage.parse(payload, limits.bencode(), limits.maxPexEntries());
            }
            if (extId == localIds.utMetadata()) {
                MetadataMessage m = MetadataMessage.parse(extId, payload, limits.bencode());
                if (m != null) {
                    return m;
                }
            }
        } catch (BencodeException | IllegalArgumentException e) {
            throw fail(in, WireViolation.MALFORMED_EXTENDED, "extended id " + extId + ": " + e.getMessage());
        }
        counters.countUnknownExtended();
        return new ExtendedMessage(extId, payload);
    }

    private void expect(int len, int expected, int id, ByteBuf in) {
        if (len != expected) {
            throw fail(in, WireViolation.MALFORMED_MESSAGE,
                    "message id " + id + " with " + len + " body bytes (expected " + expected + ")");
        }
    }

    private int pieceIndex(ByteBuf in, int raw) {
        if (raw < 0) {
            throw fail(in, WireViolation.MALFORMED_MESSAGE, "piece index " + Integer.toUnsignedString(raw));
        }
        return raw;
    }

    private static byte[] bytes(ByteBuf body) {
        byte[] b = new byte[body.readableBytes()];
        body.readBytes(b);
        return b;
    }

    /** Bytes held in the cumulation buffer right now (for memory-bound tests). */
    int bufferedBytes() {
        ByteBuf buf = internalBuffer();
        return buf == null ? 0 : buf.readableBytes();
    }

    private PeerWireException fail(ByteBuf in, WireViolation v, String detail) {
        state = State.FAILED;
        counters.countViolation(v);
        in.skipBytes(in.readableBytes());
        return new PeerWireException(v, detail);
    }
}

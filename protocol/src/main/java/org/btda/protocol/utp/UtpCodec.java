package org.btda.protocol.utp;

import java.nio.ByteBuffer;

/**
 * BEP 29 packet codec: the 20-byte version-1 header and the extension chain, of which selective ack (1) is read and
 * every other type is skipped by its length (libtorrent also sends "extension bits" (2) and a close reason (3)).
 * Bounds come from {@link UtpLimits}; anything invalid is a {@link UtpException} and nothing else escapes.
 */
public final class UtpCodec {

    private UtpCodec() {
    }

    public static UtpPacket decode(byte[] datagram) throws UtpException {
        return decode(datagram, 0, datagram.length, UtpLimits.DEFAULT);
    }

    public static UtpPacket decode(byte[] data, int offset, int length, UtpLimits limits) throws UtpException {
        if (length > limits.maxPacketBytes()) {
            throw new UtpException(UtpException.Reason.TOO_LARGE, length + " bytes, limit " + limits.maxPacketBytes());
        }
        if (length < UtpPacket.HEADER_BYTES) {
            throw new UtpException(UtpException.Reason.TRUNCATED, length + " bytes, the header alone is 20");
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, length);
        int first = b.get() & 0xff;
        int version = first & 0x0f;
        if (version != UtpPacket.VERSION) throw new UtpException(UtpException.Reason.BAD_VERSION, "version " + version);
        UtpType type = UtpType.of(first >>> 4);
        if (type == null) throw new UtpException(UtpException.Reason.BAD_TYPE, "type " + (first >>> 4));
        int extension = b.get() & 0xff;
        int connectionId = b.getShort() & 0xffff;
        long timestamp = b.getInt() & 0xffffffffL;
        long timestampDiff = b.getInt() & 0xffffffffL;
        long window = b.getInt() & 0xffffffffL;
        int seq = b.getShort() & 0xffff;
        int ack = b.getShort() & 0xffff;
        byte[] selectiveAck = null;
        int extensions = 0;
        while (extension != UtpPacket.EXTENSION_NONE) {
            if (++extensions > limits.maxExtensions()) {
                throw new UtpException(UtpException.Reason.TOO_MANY_EXTENSIONS, "more than " + limits.maxExtensions());
            }
            if (b.remaining() < 2) throw new UtpException(UtpException.Reason.TRUNCATED, "extension header cut off");
            int next = b.get() & 0xff;
            int len = b.get() & 0xff;
            if (b.remaining() < len) {
                throw new UtpException(UtpException.Reason.TRUNCATED, "extension " + extension + " of " + len
                        + " bytes, " + b.remaining() + " left");
            }
            if (extension == UtpPacket.EXTENSION_SELECTIVE_ACK) {
                if (len == 0 || len % 4 != 0 || len > limits.maxSelectiveAckBytes() || selectiveAck != null) {
                    throw new UtpException(UtpException.Reason.BAD_SELECTIVE_ACK, "selective ack of " + len + " bytes"
                            + (selectiveAck != null ? " (twice)" : ""));
                }
                selectiveAck = new byte[len];
                b.get(selectiveAck);
            } else {
                b.position(b.position() + len);
            }
            extension = next;
        }
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        if (payload.length > 0 && (type == UtpType.SYN || type == UtpType.STATE || type == UtpType.RESET)) {
            throw new UtpException(UtpException.Reason.UNEXPECTED_PAYLOAD, type + " with " + payload.length + " bytes");
        }
        return new UtpPacket(type, connectionId, timestamp, timestampDiff, window, seq, ack, selectiveAck, payload);
    }

    public static byte[] encode(UtpPacket p) {
        ByteBuffer b = ByteBuffer.allocate(p.encodedLength());
        b.put((byte) (p.type().code() << 4 | UtpPacket.VERSION));
        b.put((byte) (p.selectiveAck() == null ? UtpPacket.EXTENSION_NONE : UtpPacket.EXTENSION_SELECTIVE_ACK));
        b.putShort((short) p.connectionId());
        b.putInt((int) p.timestampMicros());
        b.putInt((int) p.timestampDiffMicros());
        b.putInt((int) p.windowSize());
        b.putShort((short) p.seqNr());
        b.putShort((short) p.ackNr());
        if (p.selectiveAck() != null) {
            b.put((byte) UtpPacket.EXTENSION_NONE);
            b.put((byte) p.selectiveAck().length);
            b.put(p.selectiveAck());
        }
        b.put(p.payload());
        return b.array();
    }
}

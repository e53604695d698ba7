package org.btda.protocol.utp;

import java.util.Arrays;
import java.util.Objects;

/**
 * One BEP 29 (uTP) packet, header version 1. Sequence and ack numbers are 16-bit and wrap; timestamps and the window
 * are unsigned 32-bit values held in longs.
 *
 * @param connectionId        the receiver's id for this connection (0..65535); a SYN carries the initiator's
 *                            receive id
 * @param timestampMicros     sender's clock when sent, microseconds modulo 2^32
 * @param timestampDiffMicros sender's receive time of the last packet minus that packet's timestamp, modulo 2^32
 * @param windowSize          bytes the sender is still willing to receive
 * @param seqNr               this packet's number (DATA, FIN, SYN consume one; STATE carries the next one unchanged)
 * @param ackNr               last packet received in order by the sender
 * @param selectiveAck        BEP 29 extension 1: bit i (little-endian within each byte) acknowledges packet
 *                            {@code ackNr + 2 + i}; null when absent
 * @param payload             data bytes (empty unless DATA; FIN payload is tolerated by decoders)
 */
public record UtpPacket(UtpType type, int connectionId, long timestampMicros, long timestampDiffMicros, long windowSize,
                        int seqNr, int ackNr, byte[] selectiveAck, byte[] payload) {

    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 20;
    public static final int EXTENSION_NONE = 0;
    public static final int EXTENSION_SELECTIVE_ACK = 1;
    public static final int SEQ_MASK = 0xffff;

    public UtpPacket {
        Objects.requireNonNull(type);
        Objects.requireNonNull(payload);
        if ((connectionId & ~SEQ_MASK) != 0 || (seqNr & ~SEQ_MASK) != 0 || (ackNr & ~SEQ_MASK) != 0) {
            throw new IllegalArgumentException("connection id, seq_nr and ack_nr are 16-bit");
        }
        if ((timestampMicros >>> 32) != 0 || (timestampDiffMicros >>> 32) != 0 || (windowSize >>> 32) != 0) {
            throw new IllegalArgumentException("timestamps and window are unsigned 32-bit");
        }
        if (selectiveAck != null && (selectiveAck.length == 0 || selectiveAck.length % 4 != 0
                || selectiveAck.length > 252)) {
            throw new IllegalArgumentException("selective ack must be a positive multiple of 4 bytes, at most 252");
        }
    }

    /** A header-only packet (SYN, STATE, FIN, RESET). */
    public static UtpPacket control(UtpType type, int connectionId, long timestampMicros, long timestampDiffMicros,
                                    long windowSize, int seqNr, int ackNr) {
        return new UtpPacket(type, connectionId, timestampMicros, timestampDiffMicros, windowSize, seqNr, ackNr, null,
                new byte[0]);
    }

    /** Whether this packet's selective ack acknowledges {@code seq} (false without one, or out of its range). */
    public boolean selectivelyAcks(int seq) {
        if (selectiveAck == null) return false;
        int bit = distance(ackNr + 2, seq);
        if (bit < 0 || bit >= selectiveAck.length * 8) return false;
        return (selectiveAck[bit >>> 3] & (1 << (bit & 7))) != 0;
    }

    /** {@code to - from} on the 16-bit circle, in -32768..32767: positive when {@code to} is after {@code from}. */
    public static int distance(int from, int to) {
        return (short) ((to - from) & SEQ_MASK);
    }

    public int encodedLength() {
        return HEADER_BYTES + (selectiveAck == null ? 0 : 2 + selectiveAck.length) + payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UtpPacket p && type == p.type && connectionId == p.connectionId
                && timestampMicros == p.timestampMicros && timestampDiffMicros == p.timestampDiffMicros
                && windowSize == p.windowSize && seqNr == p.seqNr && ackNr == p.ackNr
                && Arrays.equals(selectiveAck, p.selectiveAck) && Arrays.equals(payload, p.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, connectionId, seqNr, ackNr, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return type + "{id=" + connectionId + " seq=" + seqNr + " ack=" + ackNr + " wnd=" + windowSize
                + (selectiveAck == null ? "" : " sack=" + selectiveAck.length * 8) + " payload=" + payload.length + "}";
    }
}

package org.btda.protocol.utp;

/**
 * Bounds applied while decoding one uTP datagram.
 *
 * @param maxPacketBytes       largest datagram accepted (header, extensions and payload); BEP 29 peers keep packets
 *                             below the path MTU, so anything much larger is not a uTP peer
 * @param maxExtensions        extension headers in one packet's chain (libtorrent sends at most two)
 * @param maxSelectiveAckBytes largest selective-ack bitmask; BEP 29 requires a multiple of 4 bytes
 */
public record UtpLimits(int maxPacketBytes, int maxExtensions, int maxSelectiveAckBytes) {

    /** 64 KiB datagrams, 8 extensions, 128-byte (1,024-packet) selective acks. */
    public static final UtpLimits DEFAULT = new UtpLimits(65_507, 8, 128);

    public UtpLimits {
        if (maxPacketBytes < UtpPacket.HEADER_BYTES) throw new IllegalArgumentException("maxPacketBytes below the header size");
        if (maxExtensions < 1) throw new IllegalArgumentException("maxExtensions must be >= 1 (selective ack)");
        if (maxSelectiveAckBytes < 4 || maxSelectiveAckBytes % 4 != 0) {
            throw new IllegalArgumentException("maxSelectiveAckBytes must be a positive multiple of 4");
        }
    }
}

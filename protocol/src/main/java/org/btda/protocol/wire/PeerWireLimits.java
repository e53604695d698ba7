package org.btda.protocol.wire;

import org.btda.protocol.bencode.BencodeLimits;

/**
 * Bounds for one peer connection's decoder.
 *
 * @param maxFrameLength  largest accepted length prefix (id + body). The default 1 MiB + 16 fits the bitfield of a torrent
 *                        with 8 M pieces and a 16 KiB piece block with ample room; anything larger is a violation.
 * @param maxPexEntries   at most this many endpoints are kept from each PEX list (BEP 11 says peers send at most 50)
 * @param bencode         limits for BEP 10 payloads; maxTotalSize is clamped to maxFrameLength
 */
public record PeerWireLimits(int maxFrameLength, int maxPexEntries, BencodeLimits bencode) {
    public static final PeerWireLimits DEFAULT = new PeerWireLimits(
            (1 << 20) + 16, 1000, new BencodeLimits(16, 1 << 20, (1 << 20) + 16, 20_000));

    public PeerWireLimits {
        if (maxFrameLength < 16 || maxPexEntries < 0 || bencode == null) {
            throw new IllegalArgumentException("invalid peer wire limits");
        }
        if (bencode.maxTotalSize() > maxFrameLength) {
            bencode = bencode.withMaxTotalSize(maxFrameLength);
        }
    }

    public PeerWireLimits withMaxFrameLength(int length) {
        return new PeerWireLimits(length, maxPexEntries, bencode);
    }
}

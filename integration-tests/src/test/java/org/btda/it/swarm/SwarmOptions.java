package org.btda.it.swarm;

import java.util.List;

/**
 * Shape of the swarm. Defaults: 12 MiB in 32 KiB pieces (384 pieces), every leecher limited to 80 KiB/s so a download
 * takes about 2.5 minutes, and a Transmission "half leecher" frozen at about 50 %. The Transmission leecher requires
 * encryption and the libtorrent one forces it both ways: btda reaches those two only through MSE/PE.
 *
 * @param payloadBytes    size of the random payload
 * @param pieceLengthLog2 piece length as a power of two (14 = 16 KiB, 15 = 32 KiB)
 * @param leecherLimitBytesPerSecond download limit of every full leecher
 * @param leechers        implementations of the full leechers, each on its own /24
 * @param stopAtHalf      whether to add the half leecher
 */
public record SwarmOptions(long payloadBytes, int pieceLengthLog2, long leecherLimitBytesPerSecond,
                           List<Implementation> leechers, boolean stopAtHalf) {

    /** Leecher implementations the fixture can run. */
    public enum Implementation { TRANSMISSION, QBITTORRENT, ARIA2, RTORRENT, CTORRENT, LIBTORRENT, LIBTORRENT_UTP }

    public SwarmOptions {
        if (pieceLengthLog2 < 14 || pieceLengthLog2 > 22) {
            throw new IllegalArgumentException("piece length 2^" + pieceLengthLog2);
        }
        if (payloadBytes <= 0 || payloadBytes > 256L * 1024 * 1024) {
            throw new IllegalArgumentException("payload size " + payloadBytes);
        }
        leechers = List.copyOf(leechers);
    }

    public static SwarmOptions defaults() {
        return new SwarmOptions(12L * 1024 * 1024, 15, 80 * 1024, List.of(Implementation.values()), true);
    }

    public SwarmOptions withPayload(long bytes, long limitBytesPerSecond) {
        return new SwarmOptions(bytes, pieceLengthLog2, limitBytesPerSecond, leechers, stopAtHalf);
    }

    /** Seconds a full leecher needs at its limit, ignoring ramp-up. */
    public double nominalDownloadSeconds() {
        return (double) payloadBytes / leecherLimitBytesPerSecond;
    }
}

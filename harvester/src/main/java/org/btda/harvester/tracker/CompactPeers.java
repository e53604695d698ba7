package org.btda.harvester.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** BEP 23 / BEP 7 compact peer lists: 6 bytes (IPv4 + port) or 18 bytes (IPv6 + port) per peer. */
public final class CompactPeers {
    private CompactPeers() {}

    /**
     * Decodes {@code length} bytes at {@code offset}; {@code entrySize} is 6 or 18. A trailing partial entry is an
     * error (a truncated or wrongly typed list), as is port 0 (undialable; skipped, not an error).
     */
    public static List<InetSocketAddress> decode(byte[] data, int offset, int length, int entrySize) {
        if (entrySize != 6 && entrySize != 18) {
            throw new IllegalArgumentException("entry size must be 6 or 18");
        }
        if (length % entrySize != 0) {
            throw new TrackerException("compact peer list of " + length + " bytes is not a multiple of " + entrySize);
        }
        int addrLen = entrySize - 2;
        List<InetSocketAddress> out = new ArrayList<>(length / entrySize);
        for (int p = offset; p < offset + length; p += entrySize) {
            int port = ((data[p + addrLen] & 0xff) << 8) | (data[p + addrLen + 1] & 0xff);
            if (port == 0) {
                continue;
            }
            try {
                out.add(new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(data, p, p + addrLen)), port));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("cannot happen: address of " + addrLen + " bytes", e);
            }
        }
        return out;
    }
}

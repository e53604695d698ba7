package org.btda.protocol.compact;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one compact endpoint codec: an address in network byte order followed by a 2-byte big-endian port. 6 bytes for
 * IPv4, 18 for IPv6. Used by BEP 23 compact tracker peers (and BEP 7 {@code peers6}), BEP 15 UDP announce replies,
 * BEP 5 compact peers ({@code values}) and the endpoint part of compact node info, and BEP 11 PEX lists.
 *
 * <p>Bytes are turned into addresses with {@link InetAddress#getByAddress(byte[])}, which never resolves a name.
 */
public final class CompactEndpoints {
    public static final int IPV4 = 6;
    public static final int IPV6 = 18;
    /**
     * Cap on one decoded list. A 1 MiB tracker answer (the largest we read) holds at most 174,762 IPv4 entries, so this
     * never cuts a real list; it bounds what a caller who passes a larger buffer can be made to allocate.
     */
    public static final int MAX_ENTRIES = 200_000;

    private CompactEndpoints() {}

    /** Entry size of {@code address}'s family. */
    public static int entrySize(InetAddress address) {
        return address instanceof Inet4Address ? IPV4 : IPV6;
    }

    /**
     * Decodes a strict list: {@code length} bytes at {@code offset}, {@code entrySize} each (6 or 18). A trailing partial
     * entry (a truncated or wrongly typed list) or more than {@code maxEntries} entries is an error; entries with port 0
     * (undialable) are skipped.
     */
    public static List<InetSocketAddress> decode(byte[] data, int offset, int length, int entrySize, int maxEntries) {
        checkEntrySize(entrySize);
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " outside " + data.length + " bytes");
        }
        if (length % entrySize != 0) {
            throw new CompactFormatException("compact peer list of " + length + " bytes is not a multiple of " + entrySize);
        }
        int count = length / entrySize;
        if (count > maxEntries) {
            throw new CompactFormatException("compact peer list of " + count + " entries exceeds " + maxEntries);
        }
        List<InetSocketAddress> out = new ArrayList<>(count);
        for (int p = offset; p < offset + length; p += entrySize) {
            if (port(data, p, entrySize) != 0) {
                out.add(read(data, p, entrySize));
            }
        }
        return out;
    }

    /** {@link #decode(byte[], int, int, int, int)} of a whole array with the default cap. */
    public static List<InetSocketAddress> decode(byte[] data, int entrySize) {
        return decode(data, 0, data.length, entrySize, MAX_ENTRIES);
    }

    /** Number of whole entries in {@code length} bytes, at most {@code maxEntries}: for lenient lists (BEP 11). */
    public static int wholeEntries(int length, int entrySize, int maxEntries) {
        checkEntrySize(entrySize);
        return Math.min(length / entrySize, maxEntries);
    }

    /** The port of the entry at {@code offset}. */
    public static int port(byte[] data, int offset, int entrySize) {
        int at = offset + entrySize - 2;
        return ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
    }

    /** The entry at {@code offset}, port 0 included (callers decide whether that is usable). */
    public static InetSocketAddress read(byte[] data, int offset, int entrySize) {
        checkEntrySize(entrySize);
        byte[] ip = new byte[entrySize - 2];
        System.arraycopy(data, offset, ip, 0, ip.length);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port(data, offset, entrySize));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot happen: address of " + ip.length + " bytes", e);
        }
    }

    /** Writes {@code endpoint} at {@code offset}: 6 bytes for IPv4, 18 for IPv6. */
    public static void write(InetSocketAddress endpoint, byte[] out, int offset) {
        byte[] ip = endpoint.getAddress().getAddress();
        System.arraycopy(ip, 0, out, offset, ip.length);
        out[offset + ip.length] = (byte) (endpoint.getPort() >>> 8);
        out[offset + ip.length + 1] = (byte) endpoint.getPort();
    }

    /** One endpoint in its family's compact form. */
    public static byte[] encode(InetSocketAddress endpoint) {
        byte[] out = new byte[entrySize(endpoint.getAddress())];
        write(endpoint, out, 0);
        return out;
    }

    /** The endpoints of one family ({@code entrySize} 6 or 18) as one compact list; the other family is left out. */
    public static byte[] encode(List<InetSocketAddress> endpoints, int entrySize) {
        checkEntrySize(entrySize);
        Class<?> family = entrySize == IPV4 ? Inet4Address.class : Inet6Address.class;
        List<InetSocketAddress> same = endpoints.stream().filter(e -> family.isInstance(e.getAddress())).toList();
        byte[] out = new byte[same.size() * entrySize];
        for (int i = 0; i < same.size(); i++) {
            write(same.get(i), out, i * entrySize);
        }
        return out;
    }

    private static void checkEntrySize(int entrySize) {
        if (entrySize != IPV4 && entrySize != IPV6) {
            throw new IllegalArgumentException("entry size must be 6 or 18, not " + entrySize);
        }
    }
}

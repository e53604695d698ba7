package org.btda.common.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A set of IPv4 and IPv6 networks (the do-not-contact list). Entries are CIDRs ({@code 10.0.0.0/8},
 * {@code 2001:db8::/32}) or single addresses; host bits below the prefix are ignored ({@code 192.168.1.7/24} is
 * {@code 192.168.1.0/24}). Stored as merged, sorted address ranges per family, so {@link #contains} is a binary search.
 * Immutable and thread-safe.
 */
public final class CidrSet {
    public static final int MAX_ENTRIES = 1_000_000;
    private static final CidrSet EMPTY = new CidrSet(new byte[0][], new byte[0][], new byte[0][], new byte[0][], 0);

    private final byte[][] v4Start;
    private final byte[][] v4End;
    private final byte[][] v6Start;
    private final byte[][] v6End;
    private final int entries;

    private CidrSet(byte[][] v4Start, byte[][] v4End, byte[][] v6Start, byte[][] v6End, int entries) {
        this.v4Start = v4Start;
        this.v4End = v4End;
        this.v6Start = v6Start;
        this.v6End = v6End;
        this.entries = entries;
    }

    public static CidrSet empty() {
        return EMPTY;
    }

    /** Parses every entry; blank entries are skipped, and any bad one fails with a message naming it. */
    public static CidrSet parse(List<String> cidrs) {
        if (cidrs.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_ENTRIES + " CIDR entries");
        }
        List<byte[][]> v4 = new ArrayList<>();
        List<byte[][]> v6 = new ArrayList<>();
        int count = 0;
        for (String entry : cidrs) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            byte[][] range = range(entry.strip());
            (range[0].length == 4 ? v4 : v6).add(range);
            count++;
        }
        List<byte[][]> m4 = merge(v4);
        List<byte[][]> m6 = merge(v6);
        return new CidrSet(starts(m4), ends(m4), starts(m6), ends(m6), count);
    }

    public static CidrSet parse(String... cidrs) {
        return parse(Arrays.asList(cidrs));
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        return a.length == 4 ? contains(v4Start, v4End, a) : contains(v6Start, v6End, a);
    }

    public boolean isEmpty() {
        return entries == 0;
    }

    /** Number of entries parsed (before merging overlaps). */
    public int size() {
        return entries;
    }

    private static boolean contains(byte[][] starts, byte[][] ends, byte[] a) {
        // Last range whose start <= a.
        int lo = 0;
        int hi = starts.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Arrays.compareUnsigned(starts[mid], a) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && Arrays.compareUnsigned(a, ends[found]) <= 0;
    }

    private static byte[][] range(String entry) {
        int slash = entry.indexOf('/');
        String addressText = slash < 0 ? entry : entry.substring(0, slash);
        InetAddress address;
        try {
            address = Networks.parseLiteral(addressText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad CIDR '" + entry + "': " + e.getMessage());
        }
        byte[] a = address.getAddress();
        int bits = a.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = entry.substring(slash + 1);
            if (!p.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("bad CIDR '" + entry + "': prefix length '" + p + "' is not a number");
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                throw new IllegalArgumentException("bad CIDR '" + entry + "': prefix length " + prefix + " exceeds " + bits);
            }
        }
        byte[] start = a.clone();
        byte[] end = a.clone();
        for (int bit = prefix; bit < bits; bit++) {
            int i = bit / 8;
            int mask = 0x80 >>> (bit % 8);
            start[i] &= (byte) ~mask;
            end[i] |= (byte) mask;
        }
        return new byte[][] {start, end};
    }

    private static List<byte[][]> merge(List<byte[][]> ranges) {
        ranges.sort(Comparator.comparing((byte[][] r) -> r[0], Arrays::compareUnsigned));
        List<byte[][]> out = new ArrayList<>();
        for (byte[][] r : ranges) {
            if (!out.isEmpty()) {
                byte[][] last = out.get(out.size() - 1);
                // CIDR ranges either nest or are disjoint, so merging covers nested ones; adjacent ones stay apart.
                if (Arrays.compareUnsigned(r[0], last[1]) <= 0) {
                    if (Arrays.compareUnsigned(r[1], last[1]) > 0) {
                        last[1] = r[1];
                    }
                    continue;
                }
            }
            out.add(new byte[][] {r[0], r[1]});
        }
        return out;
    }

    private static byte[][] starts(List<byte[][]> ranges) {
        return ranges.stream().map(r -> r[0]).toArray(byte[][]::new);
    }

    private static byte[][] ends(List<byte[][]> ranges) {
        return ranges.stream().map(r -> r[1]).toArray(byte[][]::new);
    }
}

package org.btda.common.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.btda.protocol.net.IpLiterals;

/** Address helpers that never touch DNS. */
public final class Networks {
    private Networks() {}

    /** The /24 (IPv4) or /48 (IPv6) network of an address, e.g. {@code 203.0.113.0/24}, {@code 2001:db8:1::/48}. */
    public static String truncate(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + ".0/24";
        }
        byte[] n = new byte[16];
        System.arraycopy(a, 0, n, 0, 6);
        return formatIpv6(n) + "/48";
    }

    /**
     * Parses an IPv4 dotted quad or an IPv6 literal without any name lookup (InetAddress.getByName would resolve
     * anything else via DNS). Zone ids are rejected. One rule for the whole project: {@link IpLiterals}.
     */
    public static InetAddress parseLiteral(String text) {
        return IpLiterals.parse(text);
    }

    /** RFC 5952 text form: lowercase, leading zeros dropped, longest run (≥2) of zero groups as "::". */
    public static String format(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        return formatIpv6(address.getAddress());
    }

    static String formatIpv6(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}

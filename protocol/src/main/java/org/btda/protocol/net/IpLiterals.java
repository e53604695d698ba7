package org.btda.protocol.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * IP address literals from untrusted text (a tracker's BEP 3 {@code ip}, settings, CIDR lists). Anything that is not a
 * dotted quad or an IPv6 literal is refused before {@link InetAddress#getByName}, which would otherwise resolve it
 * through DNS: a peer- or tracker-supplied name must never trigger a lookup. Zone ids are refused too.
 */
public final class IpLiterals {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiterals() {}

    /** The address, or IllegalArgumentException when {@code text} is not a literal. */
    public static InetAddress parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        boolean v4 = IPV4.matcher(s).matches();
        boolean v6 = !v4 && s.indexOf(':') >= 0 && IPV6_CHARS.matcher(s).matches();
        if (!v4 && !v6) {
            throw new IllegalArgumentException("not an IP address literal: '" + text + "'");
        }
        try {
            return InetAddress.getByName(s); // a dotted quad or a string with ':' is parsed, never resolved
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: '" + text + "'", e);
        }
    }
}

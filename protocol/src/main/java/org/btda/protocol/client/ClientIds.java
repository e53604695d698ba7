package org.btda.protocol.client;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the client behind a 20-byte peer id: Azureus style ({@code -TR3000-}), Shadow style ({@code T03I--}),
 * Mainline style ({@code M4-3-6--}) and a few one-offs (aria2, Tixati). Version decoding follows what each client
 * actually encodes (e.g. Transmission 3.x is "A.BC", Transmission 4.x "A.B.C", ctorrent/BitComet "AB.CD").
 *
 * <p>Unknown ids describe as {@code "unknown"} or {@code "unknown -XX1234-"} (Azureus-style code kept for triage);
 * {@link #withExtension} then prefers the BEP 10 {@code v} string.
 */
public final class ClientIds {
    public static final String UNKNOWN = "unknown";
    private static final int MAX_V_LENGTH = 64;

    private enum Style { GENERIC, TRANSMISSION, TWO_PAIRS }

    private record Client(String name, Style style) {
    }

    /** Azureus-style two-letter codes. Case matters: "lt" (rakshasa) is not "LT" (Rasterbar). */
    private static final Map<String, Client> AZUREUS = Map.ofEntries(
            Map.entry("TR", new Client("Transmission", Style.TRANSMISSION)),
            Map.entry("qB", new Client("qBittorrent", Style.GENERIC)),
            Map.entry("LT", new Client("libtorrent (Rasterbar)", Style.GENERIC)),
            Map.entry("lt", new Client("libtorrent (rakshasa)", Style.GENERIC)),
            Map.entry("UT", new Client("uTorrent", Style.GENERIC)),
            Map.entry("UM", new Client("uTorrent Mac", Style.GENERIC)),
            Map.entry("UW", new Client("uTorrent Web", Style.GENERIC)),
            Map.entry("BT", new Client("BitTorrent", Style.GENERIC)),
            Map.entry("BW", new Client("BitTorrent Web", Style.GENERIC)),
            Map.entry("DE", new Client("Deluge", Style.GENERIC)),
            Map.entry("AZ", new Client("Vuze", Style.GENERIC)),
            Map.entry("BI", new Client("BiglyBT", Style.GENERIC)),
            Map.entry("BC", new Client("BitComet", Style.TWO_PAIRS)),
            Map.entry("KT", new Client("KTorrent", Style.GENERIC)),
            Map.entry("XL", new Client("Xunlei", Style.GENERIC)),
            Map.entry("SD", new Client("Xunlei", Style.GENERIC)),
            Map.entry("TX", new Client("Tixati", Style.GENERIC)),
            Map.entry("FD", new Client("Free Download Manager", Style.GENERIC)),
            Map.entry("WW", new Client("WebTorrent", Style.TWO_PAIRS)),
            Map.entry("WD", new Client("WebTorrent Desktop", Style.TWO_PAIRS)),
            Map.entry("CD", new Client("Enhanced CTorrent", Style.TWO_PAIRS)),
            Map.entry("AG", new Client("Ares", Style.GENERIC)),
            Map.entry("A~", new Client("Ares", Style.GENERIC)),
            Map.entry("BF", new Client("Bitflu", Style.GENERIC)),
            Map.entry("BN", new Client("Baidu Netdisk", Style.GENERIC)),
            Map.entry("FG", new Client("FlashGet", Style.GENERIC)),
            Map.entry("FW", new Client("FrostWire", Style.GENERIC)),
            Map.entry("HL", new Client("Halite", Style.GENERIC)),
            Map.entry("LW", new Client("LimeWire", Style.GENERIC)),
            Map.entry("MG", new Client("MediaGet", Style.GENERIC)),
            Map.entry("PI", new Client("PicoTorrent", Style.GENERIC)),
            Map.entry("SZ", new Client("Shareaza", Style.GENERIC)),
            Map.entry("TL", new Client("Tribler", Style.GENERIC)),
            Map.entry("TT", new Client("TuoTu", Style.GENERIC)),
            Map.entry("VG", new Client("Vagaa", Style.GENERIC)),
            Map.entry("XF", new Client("Xfplay", Style.GENERIC)),
            Map.entry("SP", new Client("BitSpirit", Style.GENERIC)),
            Map.entry("RT", new Client("Retriever", Style.GENERIC)),
            Map.entry("PT", new Client("Popcorn Time", Style.GENERIC)),
            Map.entry("BL", new Client("BitLord", Style.GENERIC)),
            Map.entry("AT", new Client("Artemis", Style.GENERIC)),
            Map.entry("HK", new Client("Hekate", Style.GENERIC)),
            Map.entry("FX", new Client("Flud", Style.GENERIC)),
            Map.entry("LR", new Client("LibreTorrent", Style.GENERIC)),
            Map.entry("TB", new Client("Torch", Style.GENERIC)),
            Map.entry("GR", new Client("GetRight", Style.GENERIC)),
            Map.entry("ZT", new Client("ZipTorrent", Style.GENERIC)));

    /** Shadow-style first characters (BEP 20). */
    private static final Map<Character, String> SHADOW = Map.of(
            'A', "ABC", 'O', "Osprey Permaseed", 'Q', "BTQueue", 'R', "Tribler", 'S', "Shadow's client",
            'T', "BitTornado", 'U', "UPnP NAT Bit Torrent");

    private static final Pattern AZUREUS_ID = Pattern.compile("^-([A-Za-z~]{2})([0-9A-Za-z]{4})-");
    private static final Pattern MAINLINE_ID = Pattern.compile("^M(\\d{1,2})-(\\d{1,2})-(\\d{1,2})-");
    private static final Pattern ARIA2_ID = Pattern.compile("^A2-(\\d{1,2})-(\\d{1,2})-(\\d{1,2})-");
    private static final Pattern TIXATI_ID = Pattern.compile("^TIX(\\d{2})(\\d{2})");
    private static final Pattern SHADOW_ID = Pattern.compile("^([AOQRSTU])([0-9A-Za-z.]{1,5})(-+)");

    private ClientIds() {
    }

    /** "name version" for a peer id (bytes beyond the first 20 are ignored; short ids are handled). */
    public static String describe(byte[] peerId) {
        if (peerId == null || peerId.length < 8) {
            return UNKNOWN;
        }
        // ISO-8859-1 maps bytes 1:1 to chars, so the random tail cannot break the regexes
        String id = new String(peerId, 0, Math.min(peerId.length, 20), StandardCharsets.ISO_8859_1);
        Matcher m = AZUREUS_ID.matcher(id);
        if (m.find()) {
            Client c = AZUREUS.get(m.group(1));
            if (c == null) {
                return UNKNOWN + " " + id.substring(0, 8);
            }
            String version = version(c.style(), m.group(2));
            return version == null ? c.name() : c.name() + " " + version;
        }
        if ((m = ARIA2_ID.matcher(id)).find()) {
            return "aria2 " + dotted(m);
        }
        if ((m = MAINLINE_ID.matcher(id)).find()) {
            return "BitTorrent (Mainline) " + dotted(m);
        }
        if ((m = TIXATI_ID.matcher(id)).find()) {
            return "Tixati " + Integer.parseInt(m.group(1)) + "." + m.group(2);
        }
        if ((m = SHADOW_ID.matcher(id)).find() && m.end() >= 6) {
            StringBuilder v = new StringBuilder();
            for (char ch : m.group(2).toCharArray()) {
                if (v.length() > 0) {
                    v.append('.');
                }
                v.append(shadowDigit(ch));
            }
            return SHADOW.get(m.group(1).charAt(0)) + " " + v;
        }
        return UNKNOWN;
    }

    /**
     * The better of the peer-id name and the BEP 10 handshake {@code v}: the peer id wins when recognised (it is
     * structured); an unknown peer id yields the sanitised {@code v} if there is one.
     */
    public static String withExtension(String peerIdName, String bep10V) {
        boolean unknown = peerIdName == null || peerIdName.startsWith(UNKNOWN);
        String v = sanitize(bep10V);
        if (unknown && v != null) {
            return v;
        }
        return peerIdName == null ? UNKNOWN : peerIdName;
    }

    /** Printable ASCII/Unicode only, trimmed, bounded: v comes from the peer and ends up in logs and tables. */
    private static String sanitize(String v) {
        if (v == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        v.codePoints().filter(cp -> !Character.isISOControl(cp) && Character.isDefined(cp)
                        && Character.getType(cp) != Character.FORMAT && Character.getType(cp) != Character.SURROGATE)
                .limit(MAX_V_LENGTH).forEach(sb::appendCodePoint);
        String s = sb.toString().trim();
        return s.isEmpty() ? null : s;
    }

    private static String version(Style style, String v) {
        switch (style) {
            case TRANSMISSION:
                return transmission(v);
            case TWO_PAIRS:
                if (isDigits(v)) {
                    return Integer.parseInt(v.substring(0, 2)) + "." + v.substring(2, 4);
                }
                return generic(v);
            default:
                return generic(v);
        }
    }

    /** Transmission: -TR0006- 0.6, -TR0072- 0.72, -TR111Z- 1.11+, -TR3000- 3.00, -TR4060- 4.0.6 (4.x is A.B.C). */
    private static String transmission(String v) {
        if (v.startsWith("000")) {
            return "0." + v.charAt(3);
        }
        if (v.startsWith("00")) {
            return "0." + v.substring(2, 4);
        }
        int major = digit(v.charAt(0));
        String suffix = switch (v.charAt(3)) {
            case 'Z', 'X' -> "+";
            case 'B' -> " beta";
            default -> "";
        };
        if (major <= 3 && major >= 0) {
            return major + "." + v.substring(1, 3) + suffix;
        }
        return major + "." + digit(v.charAt(1)) + "." + digit(v.charAt(2)) + suffix;
    }

    /** libtorrent's convention: three version characters 0-9 then A-Z (10..35); a fourth only if non-zero digit. */
    private static String generic(String v) {
        StringBuilder sb = new StringBuilder();
        sb.append(digit(v.charAt(0))).append('.').append(digit(v.charAt(1))).append('.').append(digit(v.charAt(2)));
        char fourth = v.charAt(3);
        if (fourth >= '1' && fourth <= '9') {
            sb.append('.').append(fourth - '0');
        }
        return sb.toString();
    }

    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 36;
        }
        return 0;
    }

    private static int shadowDigit(char c) {
        return c == '.' ? 62 : digit(c);
    }

    private static boolean isDigits(String s) {
        return s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String dotted(Matcher m) {
        return Integer.parseInt(m.group(1)) + "." + Integer.parseInt(m.group(2)) + "." + Integer.parseInt(m.group(3));
    }
}

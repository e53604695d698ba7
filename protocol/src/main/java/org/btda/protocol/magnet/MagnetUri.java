package org.btda.protocol.magnet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.btda.protocol.metainfo.InfoHash;

/**
 * A BitTorrent magnet link (BEP 9): {@code xt=urn:btih:} (40 hex or 32 base32), {@code dn}, any number of
 * {@code tr}, and {@code x.pe} peers. Parameters btda does not use are ignored.
 *
 * @param infoHash    v1 info hash
 * @param displayName {@code dn}, or null
 * @param trackers    {@code tr} values in order, deduplicated
 * @param peers       {@code x.pe} values in order, deduplicated
 */
public record MagnetUri(InfoHash infoHash, String displayName, List<String> trackers, List<PeerAddress> peers) {
    /** Real magnets are well under this; the bound keeps parsing cheap on hostile input. */
    public static final int MAX_LENGTH = 64 * 1024;
    private static final Pattern INDEXED = Pattern.compile("^(xt|tr|dn|x\\.pe)\\.\\d+$");

    public MagnetUri {
        trackers = List.copyOf(trackers);
        peers = List.copyOf(peers);
    }

    public static MagnetUri parse(String uri) {
        if (uri == null) {
            throw new MagnetException("magnet URI is null");
        }
        String s = uri.trim();
        if (s.length() > MAX_LENGTH) {
            throw new MagnetException("magnet URI longer than " + MAX_LENGTH + " characters");
        }
        if (!s.regionMatches(true, 0, "magnet:?", 0, 8)) {
            throw new MagnetException("not a magnet URI (must start with 'magnet:?')");
        }
        InfoHash hash = null;
        String dn = null;
        boolean sawV2Only = false;
        Set<String> trackers = new LinkedHashSet<>();
        Set<PeerAddress> peers = new LinkedHashSet<>();
        int fragment = s.indexOf('#');
        String query = s.substring(8, fragment < 0 ? s.length() : fragment);
        for (String param : query.split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            if (eq <= 0) {
                throw new MagnetException("parameter without value: '" + param + "'");
            }
            String key = param.substring(0, eq).toLowerCase(Locale.ROOT);
            var m = INDEXED.matcher(key);
            if (m.matches()) {
                key = m.group(1);
            }
            String raw = param.substring(eq + 1);
            switch (key) {
                case "xt" -> {
                    String xt = percentDecode(raw, false, key);
                    if (xt.regionMatches(true, 0, "urn:btih:", 0, 9)) {
                        InfoHash h = btih(xt.substring(9));
                        if (hash != null && !hash.equals(h)) {
                            throw new MagnetException("magnet has two different btih info hashes: " + hash + " and "
                                    + h);
                        }
                        hash = h;
                    } else if (xt.regionMatches(true, 0, "urn:btmh:", 0, 9)) {
                        sawV2Only = true; // a v2 hash; fine alongside btih (hybrid), unusable alone
                    }
                }
                case "dn" -> dn = percentDecode(raw, true, key);
                case "tr" -> {
                    String tr = percentDecode(raw, false, key).trim();
                    if (!tr.isEmpty()) {
                        trackers.add(tr);
                    }
                }
                case "x.pe" -> {
                    try {
                        peers.add(PeerAddress.parse(percentDecode(raw, false, key)));
                    } catch (MagnetException e) {
                        throw e;
                    } catch (IllegalArgumentException e) {
                        throw new MagnetException("invalid x.pe: " + e.getMessage());
                    }
                }
                default -> {
                    // other parameters (xl, ws, as, so, ...) are not needed to measure a swarm
                }
            }
        }
        if (hash == null) {
            throw new MagnetException(sawV2Only
                    ? "magnet has only a v2 (urn:btmh) hash; btda needs a v1 urn:btih hash"
                    : "magnet has no xt=urn:btih: parameter");
        }
        return new MagnetUri(hash, dn, new ArrayList<>(trackers), new ArrayList<>(peers));
    }

    private static InfoHash btih(String v) {
        try {
            if (v.length() == 40) {
                return InfoHash.fromHex(v);
            }
            if (v.length() == 32) {
                return InfoHash.fromBase32(v);
            }
        } catch (IllegalArgumentException e) {
            throw new MagnetException("invalid btih: " + e.getMessage());
        }
        throw new MagnetException("btih must be 40 hex or 32 base32 characters, got " + v.length() + ": '" + v + "'");
    }

    /** RFC 3986 percent-decoding to UTF-8; '+' means space only in dn (as browsers write it). */
    static String percentDecode(String s, boolean plusIsSpace, String param) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new MagnetException("truncated percent escape in " + param + " at position " + i);
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new MagnetException("invalid percent escape '" + s.substring(i, i + 3) + "' in " + param
                            + " at position " + i);
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Canonical magnet text: hex btih, dn, tr..., x.pe... (percent-encoded). */
    public String toUri() {
        StringBuilder sb = new StringBuilder("magnet:?xt=urn:btih:").append(infoHash.hex());
        if (displayName != null) {
            sb.append("&dn=").append(encode(displayName));
        }
        trackers.forEach(t -> sb.append("&tr=").append(encode(t)));
        peers.forEach(p -> sb.append("&x.pe=").append(encode(p.toString())));
        return sb.toString();
    }

    private static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}

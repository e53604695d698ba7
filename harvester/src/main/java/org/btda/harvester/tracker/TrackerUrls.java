package org.btda.harvester.tracker;

import java.net.URI;
import java.util.Optional;

/** URL conventions of HTTP trackers. */
public final class TrackerUrls {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private TrackerUrls() {}

    /** Percent-encodes raw bytes (info hash, peer id): RFC 3986 unreserved characters stay, everything else is %XX. */
    public static String percentEncode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
            }
        }
        return sb.toString();
    }

    /** Appends query parameters to a tracker URL that may already have a query (passkeys). */
    public static URI withQuery(URI base, String query) {
        String s = base.toString();
        int hash = s.indexOf('#');
        if (hash >= 0) {
            s = s.substring(0, hash);
        }
        char sep = s.indexOf('?') >= 0 ? (s.endsWith("?") || s.endsWith("&") ? 0 : '&') : '?';
        return URI.create(sep == 0 ? s + query : s + sep + query);
    }

    /**
     * The scrape URL by the convention every HTTP tracker follows: the last path segment must start with
     * {@code announce}, which is replaced by {@code scrape}. Empty when the tracker does not follow it.
     */
    public static Optional<URI> scrapeUrl(URI announce) {
        String path = announce.getRawPath();
        if (path == null) {
            return Optional.empty();
        }
        int slash = path.lastIndexOf('/');
        String last = path.substring(slash + 1);
        if (!last.startsWith("announce")) {
            return Optional.empty();
        }
        String s = announce.toString();
        int at = s.indexOf(path) + slash + 1;
        return Optional.of(URI.create(s.substring(0, at) + "scrape" + s.substring(at + "announce".length())));
    }
}

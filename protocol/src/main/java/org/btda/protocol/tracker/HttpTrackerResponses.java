package org.btda.protocol.tracker;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.bencode.BString;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.bencode.BencodeException;
import org.btda.protocol.bencode.BencodeLimits;
import org.btda.protocol.compact.CompactEndpoints;
import org.btda.protocol.compact.CompactFormatException;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.net.IpLiterals;

/**
 * Parses bencoded HTTP tracker answers (BEP 3 dictionary model, BEP 7 {@code peers6}, BEP 23 compact peers, BEP 48
 * scrape), with limits: a tracker is untrusted input. Every failure is a {@link TrackerResponseException}.
 */
public final class HttpTrackerResponses {
    /** A response is at most a few hundred kB; depth and item limits keep a hostile one cheap. */
    public static final BencodeLimits LIMITS = new BencodeLimits(16, 1 << 20, 2 << 20, 200_000);
    private static final int MAX_DICT_PEERS = 50_000;

    private HttpTrackerResponses() {}

    public static AnnounceResponse parseAnnounce(byte[] body) {
        try {
            return parseAnnounce0(decode(body));
        } catch (BencodeException e) {
            throw new TrackerResponseException("malformed announce response: " + e.getMessage(), e);
        }
    }

    public static ScrapeResponse parseScrape(byte[] body, InfoHash infoHash) {
        try {
            return parseScrape0(decode(body), infoHash);
        } catch (BencodeException e) {
            throw new TrackerResponseException("malformed scrape response: " + e.getMessage(), e);
        }
    }

    private static AnnounceResponse parseAnnounce0(BDict d) {
        Long interval = d.getLong("interval");
        if (interval == null || interval <= 0) {
            throw new TrackerResponseException("announce response without a positive 'interval'");
        }
        Long minInterval = d.getLong("min interval");
        List<InetSocketAddress> peers = new ArrayList<>();
        Object p = d.get("peers");
        if (p instanceof BString s) {
            peers.addAll(compact(s, CompactEndpoints.IPV4));
        } else if (p instanceof List<?> list) {
            peers.addAll(dictPeers(list));
        } else if (p != null) {
            throw new TrackerResponseException("'peers' is neither a string nor a list");
        }
        Object p6 = d.get("peers6");
        if (p6 instanceof BString s) {
            peers.addAll(compact(s, CompactEndpoints.IPV6));
        } else if (p6 != null) {
            throw new TrackerResponseException("'peers6' is not a string");
        }
        return new AnnounceResponse(Duration.ofSeconds(interval),
                minInterval == null || minInterval <= 0 ? null : Duration.ofSeconds(minInterval),
                peers, count(d, "complete"), count(d, "incomplete"), text(d, "warning message"), text(d, "tracker id"));
    }

    private static ScrapeResponse parseScrape0(BDict d, InfoHash infoHash) {
        BDict files = d.getDict("files");
        if (files == null) {
            throw new TrackerResponseException("scrape response without 'files'");
        }
        Object entry = files.get(BString.of(infoHash.bytes()));
        if (entry == null) {
            // bittorrent-tracker (npm) keys 'files' by the hash as a Latin-1 string re-encoded as UTF-8.
            String latin1 = new String(infoHash.bytes(), StandardCharsets.ISO_8859_1);
            entry = files.get(BString.of(latin1.getBytes(StandardCharsets.UTF_8)));
        }
        if (entry == null) {
            // Trackers that do not know the torrent answer an empty dictionary: that is zero of everything.
            return new ScrapeResponse(0, 0, 0);
        }
        if (!(entry instanceof BDict f)) {
            throw new TrackerResponseException("scrape entry is not a dictionary");
        }
        return new ScrapeResponse(count(f, "complete"), count(f, "incomplete"), count(f, "downloaded"));
    }

    private static BDict decode(byte[] body) {
        Object o;
        try {
            o = Bencode.decode(body, LIMITS);
        } catch (BencodeException e) {
            throw new TrackerResponseException("malformed tracker response: " + e.getMessage(), e);
        }
        if (!(o instanceof BDict d)) {
            throw new TrackerResponseException("tracker response is not a dictionary");
        }
        BString failure = d.getBString("failure reason");
        if (failure != null) {
            throw new TrackerResponseException("failure reason: " + clip(failure.toString()));
        }
        return d;
    }

    private static List<InetSocketAddress> compact(BString s, int entrySize) {
        try {
            return CompactEndpoints.decode(s.bytes(), entrySize);
        } catch (CompactFormatException e) {
            throw new TrackerResponseException(e.getMessage(), e);
        }
    }

    private static List<InetSocketAddress> dictPeers(List<?> list) {
        if (list.size() > MAX_DICT_PEERS) {
            throw new TrackerResponseException("more than " + MAX_DICT_PEERS + " peers");
        }
        List<InetSocketAddress> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof BDict peer)) {
                throw new TrackerResponseException("peer entry is not a dictionary");
            }
            BString ip = peer.getBString("ip");
            Long port = peer.getLong("port");
            if (ip == null || port == null || port <= 0 || port > 65535) {
                continue; // an unusable entry; the others still count
            }
            try {
                // Literals only: a tracker-supplied host name must never trigger a DNS lookup.
                out.add(new InetSocketAddress(IpLiterals.parse(ip.toString()), port.intValue()));
            } catch (IllegalArgumentException notLiteral) {
                // skip
            }
        }
        return out;
    }

    private static Integer count(BDict d, String key) {
        Object v = d.get(key);
        if (v instanceof Long l && l >= 0) {
            return (int) Math.min(l, Integer.MAX_VALUE);
        }
        return null;
    }

    private static String text(BDict d, String key) {
        BString s = d.getBString(key);
        return s == null ? null : clip(s.toString());
    }

    private static String clip(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}

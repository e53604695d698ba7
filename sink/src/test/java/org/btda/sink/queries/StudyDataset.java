package org.btda.sink.queries;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The hand-made data set behind {@link StudyQueriesTest}. Times are recent (tables drop rows past their TTL at
 * insert): the window is the three whole hours before the current one, [h0, h0 + 3 h). Each torrent's info hash
 * is random with a fixed first byte (a1 < b2 < c3), so rows of other tests never match and the order is known.
 * Torrent c3 is never selected: any of its rows in a result means the torrent filter failed.
 */
final class StudyDataset {
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final Random RANDOM = new Random();

    final Instant h0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);
    final Instant windowEnd = h0.plus(3, ChronoUnit.HOURS);
    final String t1 = "a1" + hex(19);
    final String t2 = "b2" + hex(19);
    final String t3 = "c3" + hex(19);
    /** How peers were reached (transport, encryption, holepunch): its own torrent, so no other answer changes. */
    final String t4 = "d4" + hex(19);
    private final List<String> observations = new ArrayList<>();
    private final List<String> downloads = new ArrayList<>();
    private final List<String> scrapes = new ArrayList<>();
    private final List<String> discoveries = new ArrayList<>();
    private final List<String> peers = new ArrayList<>();
    private final List<String> torrents = new ArrayList<>();
    private final List<String> fileDownloads = new ArrayList<>();
    private int requestIds;

    StudyDataset() {
        observationsOfT1();
        observationsOfT2();
        downloadsAndScrapes();
        discoveriesAndPeers();
        filesAndFileDownloads();
        reach();
    }

    void insert(HttpQueries ch) {
        ch.insert("btda.observations", observations);
        ch.insert("btda.confirmed_downloads", downloads);
        ch.insert("btda.harvest_requests", scrapes);
        ch.insert("btda.discoveries", discoveries);
        ch.insert("btda.peers", peers);
        ch.insert("btda.torrents", torrents);
        ch.insert("btda.file_downloads", fileDownloads);
    }

    String at(Duration afterH0) {
        return TS.format(h0.plus(afterH0));
    }

    private static Duration min(long minutes) {
        return Duration.ofMinutes(minutes);
    }

    /** T1 has 100 pieces; peers p1..p9 (gaps in ms are the longest_gap_ms of each observation). */
    private void observationsOfT1() {
        seen(t1, "p1", min(10), 50, 100, 100);
        seen(t1, "p1", min(20), 98, 100, 1500);      // crosses every threshold in (50 %, 98 %]
        seen(t1, "p2", min(10), 40, 100, 200);
        seen(t1, "p2", min(20), 80, 100, 2500);      // stops at 80 %
        seen(t1, "p3", min(10), null, 100, 300);     // silent: unknown, not zero
        seen(t1, "p3", min(20), 100, 100, 4000);     // unknown then complete: never counts
        seen(t1, "p4", min(10), 100, 100, 400);
        seen(t1, "p4", min(20), 100, 100, 7000);     // a seeder: never below
        seen(t1, "p5", min(10), 100, 100, 500);
        seen(t1, "p5", min(20), 50, 100, 15000);     // complete, then below: the order matters
        failed(t1, "p6", min(5), "CONNECT_TIMEOUT");
        seen(t1, "p6", min(30), 10, 100, 25000);
        failed(t1, "p7", min(5), "REFUSED");
        failed(t1, "p8", min(1), "OVERLOADED");      // btda's own refusal: not a contact
        failed(t1, "p8", min(5), "NO_HANDSHAKE");
        seen(t1, "p9", min(-60), 10, 100, 500_000); // before the window
        seen(t1, "p9", min(60), 100, 100, 45000);   // alone in the window: no crossing
    }

    /** T2 has 200 pieces; T3 (never selected) has one crossing peer. */
    private void observationsOfT2() {
        seen(t2, "q1", min(10), 150, 200, 600);      // exactly 75 %: below every threshold above 75 %, not at 75 %
        seen(t2, "q1", min(65), 200, 200, 90000);
        seen(t2, "q2", min(10), 10, 200, 200_000);
        seen(t3, "r1", min(10), 1, 100, 1_000_000);
        seen(t3, "r1", min(20), 100, 100, 1_000_000);
    }

    private void downloadsAndScrapes() {
        download(t1, "p1", min(20), "Transmission 4.0.6", 1);
        download(t1, "p1", min(20), "Transmission 4.0.6", 1);       // redelivered: folds away
        download(t1, "p10", min(150), null, 1);
        download(t1, "p10", min(70), null, 2);                       // corrected crossing time wins
        download(t1, "p11", min(-30), "Transmission 4.0.6", 1);     // before the window
        download(t2, "q1", min(65), "qBittorrent 4.6.7", 1);
        download(t2, "q3", min(110), "Transmission 4.0.6", 1);
        download(t3, "r1", min(20), "Transmission 4.0.6", 1);
        String a = "http://127.0.0.1:6969/announce";
        String b = "udp://127.0.0.1:6970/announce";
        scrape(t1, "SCRAPE", a, min(5), 100, null);
        scrape(t1, "SCRAPE", a, min(120), 104, null);
        scrape(t1, "SCRAPE", a, min(130), 999, "timeout");           // failed scrape: ignored
        scrape(t1, "SCRAPE", a, min(-60), 90, null);                 // before the window
        scrape(t1, "ANNOUNCE", a, min(15), 500, null);               // not a scrape
        scrape(t1, "SCRAPE", b, min(10), 50, null);
        scrape(t1, "SCRAPE", b, min(60), 52, null);
        scrape(t3, "SCRAPE", a, min(10), 7, null);
    }

    private void discoveriesAndPeers() {
        discovered(t1, "p1", "TRACKER", min(1));
        discovered(t1, "p1", "TRACKER", min(1));                     // redelivered
        discovered(t1, "p1", "TRACKER", min(31));
        discovered(t1, "p1", "DHT", min(2));
        discovered(t1, "p2", "TRACKER", min(1));
        discovered(t1, "p3", "DHT", min(1));
        discovered(t1, "p3", "PEX", min(3));
        discovered(t1, "p4", "INCOMING", min(1));
        discovered(t1, "p5", "TRACKER", min(1));
        discovered(t1, "p5", "DHT", min(1));
        discovered(t1, "p5", "PEX", min(1));
        discovered(t1, "p6", "TRACKER", min(-60));                   // before the window
        discovered(t2, "q1", "MAGNET", min(1));
        discovered(t2, "q2", "TRACKER", min(1));
        discovered(t3, "r1", "TRACKER", min(1));
        peer(t1, "p1", 1_000_000, min(20));
        peer(t1, "p2", 50_000, min(20));
        peer(t1, "p3", 0, min(20));                                   // no measured gain
        peer(t1, "p10", 2_500_000, min(70));
        peer(t2, "q1", 300, min(65));
        peer(t2, "q2", 150, min(10));
        peer(t2, "q3", 8_000_000, min(110));
        peer(t1, "p11", 90_000_000, min(-30));                        // before the window
        peer(t3, "r1", 70_000_000, min(20));
    }

    /** T4: one download per way of reaching a peer. */
    private void reach() {
        via(t4, "s1", min(10), "TCP", "PLAIN", false);
        via(t4, "s1", min(20), "TCP", "RC4", false);        // plaintext also worked: plaintext_tcp
        failed(t4, "s2", min(5), "NO_HANDSHAKE");             // refused plaintext...
        via(t4, "s2", min(10), "TCP", "RC4", false);
        via(t4, "s2", min(20), "TCP", "RC4", false);        // ...reached only encrypted: only_encryption
        seen(t4, "s3", min(10), 99, 100, 100);              // before v4 (NULLs): plaintext_tcp
        via(t4, "s4", min(10), "UTP", "PLAIN", false);      // only_utp
        via(t4, "s5", min(10), "UTP", "PLAIN", true);       // only_holepunch
        for (String p : new String[] {"s1", "s2", "s3", "s4", "s5", "s6"}) { // s6: no observation left: unknown
            download(t4, p, min(30), null, 1);
        }
    }

    private void via(String ih, String peer, Duration at, String transport, String encryption, boolean holepunch) {
        observations.add(json("request_id", "r" + (++requestIds), "info_hash", ih, "peer_key", key(peer),
                "identity", "LISTEN_PORT", "observed_at", at(at), "source", "TRACKER", "success", true,
                "failure", null, "pieces", 99, "total_pieces", 100, "piece_length", 16384,
                "messages_received", 3, "session_ms", 110, "longest_gap_ms", 100, "transport", transport,
                "encryption", encryption, "holepunch", holepunch));
    }

    private void seen(String ih, String peer, Duration at, Integer pieces, int total, long gapMs) {
        observation(ih, peer, at, true, null, pieces, total, gapMs);
    }

    private void failed(String ih, String peer, Duration at, String failure) {
        // a failed session's gap is cut by the timeout; the gap query must leave it out
        observation(ih, peer, at, false, failure, null, 100, 30_000_000);
    }

    private void observation(String ih, String peer, Duration at, boolean success, String failure, Integer pieces,
                             int total, long gapMs) {
        observations.add(json("request_id", "r" + (++requestIds), "info_hash", ih, "peer_key", key(peer),
                "identity", "LISTEN_PORT", "observed_at", at(at), "source", "TRACKER", "success", success,
                "failure", failure, "pieces", pieces, "total_pieces", total, "piece_length", 16384,
                "messages_received", success ? 3 : 0, "session_ms", gapMs + 10, "longest_gap_ms", gapMs));
    }

    /**
     * T1 is a season pack: e01 (file 0), e02 (file 1), a padding file (2), extras (3), an empty file (4); registered
     * twice, the later registration (version 2) wins. T2 is a single file (no per-file rows), T3 two files (never
     * selected). p1 (a whole-torrent downloader) finished files 0, 1, 3; p2 only file 0 (redelivered, and corrected
     * from 2:40 to 0:30); p6 only file 3, before the window; q1 and q3 of T2 none; r1 file 0 of T3.
     */
    private void filesAndFileDownloads() {
        registered(t1, 1, "[['old.mkv',100,false]]");
        registered(t1, 2, "[['e01.mkv',400000,false],['e02.mkv',380000,false],['.pad/0',4288,true],"
                + "['extras/making-of.mkv',90000,false],['empty.txt',0,false]]");
        registered(t2, 1, "[['single.iso',1638400,false]]");
        registered(t3, 1, "[['a',1,false],['b',2,false]]");
        fileDownload(t1, "p1", 0, min(15), 1);
        fileDownload(t1, "p1", 1, min(18), 2);
        fileDownload(t1, "p1", 3, min(20), 3);
        fileDownload(t1, "p2", 0, min(160), 1);
        fileDownload(t1, "p2", 0, min(160), 1);      // redelivered: folds away
        fileDownload(t1, "p2", 0, min(30), 2);       // corrected crossing time wins
        fileDownload(t1, "p6", 3, min(-20), 1);      // before the window
        fileDownload(t3, "r1", 0, min(20), 1);
    }

    private void registered(String ih, int version, String files) {
        torrents.add(json("info_hash", ih, "name", "pack-" + ih.substring(0, 2), "piece_length", 16384, "piece_count", 100,
                "total_size", 1638400, "file_count", 5, "private", false, "trackers", new StringBuilder("[]"),
                "source", "FILE", "origin", "x.torrent", "monitored", true, "event_time", at(min(-120)),
                "version", version, "files", new StringBuilder(files.replace('\'', '"'))));
    }

    private void fileDownload(String ih, String peer, int file, Duration at, int version) {
        fileDownloads.add(json("info_hash", ih, "peer_key", key(peer), "file_index", file, "file_path", null,
                "file_size", null, "file_pieces", 10, "client", null, "crossed_at", at(at),
                "last_below_at", at(at.minusMinutes(10)), "threshold", 0.98, "version", version));
    }

    private void download(String ih, String peer, Duration at, String client, int version) {
        downloads.add(json("info_hash", ih, "peer_key", key(peer), "client", client, "crossed_at", at(at),
                "last_below_at", at(at.minusMinutes(10)), "pieces_below", 50, "pieces_at_crossing", 100,
                "total_pieces", 100, "threshold", 0.98, "version", version));
    }

    private void scrape(String ih, String kind, String tracker, Duration at, int completed, String error) {
        scrapes.add(json("id", "h" + (++requestIds), "info_hash", ih, "kind", kind, "target", tracker,
                "started_at", at(at), "duration_ms", 20, "error", error, "seeders", 3, "leechers", 4,
                "completed", completed));
    }

    private void discovered(String ih, String peer, String source, Duration at) {
        discoveries.add(json("info_hash", ih, "peer_key", key(peer), "source", source,
                "discovered_at", at(at), "is_new", 1));
    }

    private void peer(String ih, String peer, double maxSpeed, Duration lastSeen) {
        peers.add(json("info_hash", ih, "peer_key", key(peer), "first_seen_at", at(lastSeen.minusMinutes(10)),
                "last_seen_at", at(lastSeen), "total_pieces", 100, "max_speed_bps", maxSpeed, "contacts", 2,
                "identity", "LISTEN_PORT", "version", 1));
    }

    /** A peer key per (test run, name): 32 hex characters, as the HMAC keys are. */
    private final String keySalt = hex(8);

    String key(String peer) {
        return keySalt + String.format("%016x", peer.hashCode() & 0xffffffffL);
    }

    private static String json(Object... kv) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(kv[i]).append("\":");
            Object v = kv[i + 1];
            if (v == null) {
                sb.append("null");
            } else if (v instanceof String s) {
                // test values never contain quotes or backslashes
                sb.append('"').append(s).append('"');
            } else {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

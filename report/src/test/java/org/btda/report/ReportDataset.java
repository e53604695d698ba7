package org.btda.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The report's test data: three torrents over two days [start, start + 48 h) ending at the current hour, three runs
 * (a clean stop with a 2-hour gap, an unclean stop followed by 3 hours down, one still running), 72 peers in 12
 * countries on 6 continents, 5 ASNs (2 of them hosters) and their domains, 61 confirmed downloads (one of a peer
 * without a summary: unknown place), five clients and peers that never named theirs, observations with failed first contacts, discoveries from three sources and
 * scrapes. Besides the rows, it keeps the figures those rows imply, computed here from the definitions, so the tests
 * compare ClickHouse's answers with an independent derivation.
 *
 * <p>Info hashes are random per instance, so the rows of other tests never match; runs are global, so one instance
 * per JVM ({@link #shared()}) inserts them.
 */
final class ReportDataset {
    static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final Random RANDOM = new Random();
    private static ReportDataset shared;

    record Country(String code, String continent, String city) {
    }

    record Network(int asn, String org, String domain, boolean hosting) {
    }

    static final List<Country> COUNTRIES = List.of(new Country("DE", "EU", "Berlin"), new Country("US", "NA", "New York"),
            new Country("FR", "EU", "Paris"), new Country("BR", "SA", "Sao Paulo"), new Country("JP", "AS", "Tokyo"),
            new Country("IN", "AS", "Mumbai"), new Country("GB", "EU", "London"), new Country("CA", "NA", "Toronto"),
            new Country("AU", "OC", "Sydney"), new Country("NL", "EU", "Amsterdam"), new Country("RU", "EU", "Moscow"),
            new Country("ZA", "AF", "Johannesburg"));
    static final List<Network> NETWORKS = List.of(
            new Network(3320, "Deutsche Telekom AG", "t-ipconnect.de", false),
            new Network(7922, "Comcast Cable Communications, LLC", "comcast.net", false),
            new Network(4713, "NTT Communications Corporation", "ocn.ne.jp", false),
            new Network(24940, "Hetzner Online GmbH", "your-server.de", true),
            new Network(16276, "OVH SAS", "ovh.net", true));
    static final int PEERS = 72;
    static final String[] FAILURES = {"CONNECT_TIMEOUT", "REFUSED", "PROTOCOL_VIOLATION"};
    /** Peer i runs CLIENTS[i % 5]; null = the peer never identified itself ("unknown" in the report). */
    static final String[] CLIENTS = {"Transmission 4.0.6", "qBittorrent 5.0.3", "libtorrent (rakshasa) 0.13.8",
        "aria2 1.37.0", null};
    /** The client of the download whose peer has no summary row: a client no other peer runs. */
    static final String GHOST_CLIENT = "Enhanced CTorrent 3.3";

    final Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
    final Instant start = end.minus(48, ChronoUnit.HOURS);
    final List<String> torrents = List.of("d1" + hex(19), "e2" + hex(19), "f3" + hex(19));
    final List<String> names = List.of("ubuntu-24.04-desktop-amd64.iso", "debian-12.7.0-amd64-netinst.iso",
            "Fedora-Workstation-Live-40.iso");
    private final String keySalt = hex(8);

    /** Hours after start that btda was down: [20, 22) after a clean stop, [30, 33) after an unclean one. */
    final List<int[]> downHours = List.of(new int[] {20, 22}, new int[] {30, 33});
    final List<Integer> upHours = new ArrayList<>();

    final Map<String, List<String>> rows = new TreeMap<>();
    // expected figures
    final Map<String, Map<Instant, Integer>> downloadsPerHour = new TreeMap<>(); // torrent or "all" → hour → n
    final Map<String, Integer> downloadsByCountry = new TreeMap<>();
    final Map<String, Integer> peersByCountry = new TreeMap<>();
    final Map<String, List<Double>> speedsByCountry = new TreeMap<>();
    final Map<String, Integer> downloadsByContinent = new TreeMap<>();
    final Map<Integer, Integer> downloadsByAsn = new TreeMap<>();
    final Map<Integer, Integer> peersByAsn = new TreeMap<>();
    final Map<String, Integer> downloadsByDomain = new TreeMap<>();
    final Map<String, Integer> downloadsByClient = new TreeMap<>(); // client name or "unknown" → n
    final Map<String, int[]> discoveriesByHourSource = new TreeMap<>(); // "hourMillis|source" → {new, duplicate}
    final Map<String, Integer> uniquePeersByTorrent = new TreeMap<>();
    final Map<String, int[]> firstContactsByTorrent = new TreeMap<>(); // torrent → {contacts, successes}
    final List<Double> speeds = new ArrayList<>();
    /** The first torrent is a season pack: its files (path → size) and downloads per file in the window. */
    final List<String> packFiles = List.of("S01E01.mkv", "S01E02.mkv", "S01E03.mkv", "extras/making-of.mkv");
    final List<Integer> packFileDownloads = List.of(5, 9, 3, 0);
    int unknownPlaceDownloads;

    static synchronized ReportDataset shared(ClickHouseHttp ch) {
        if (shared == null) {
            ReportDataset d = new ReportDataset();
            d.insert(ch);
            shared = d;
        }
        return shared;
    }

    ReportDataset() {
        for (int h = 0; h < 48; h++) {
            final int hour = h;
            if (downHours.stream().noneMatch(d -> hour >= d[0] && hour < d[1])) {
                upHours.add(h);
            }
        }
        runs();
        torrentsAndScrapes();
        for (int i = 0; i < PEERS; i++) {
            peer(i);
        }
        // a download whose peer has no summary row: counted, under an unknown place
        download(0, "ghost", GHOST_CLIENT, at(upHours.get(5), 50));
        unknownPlaceDownloads = 1;
    }

    void insert(ClickHouseHttp ch) {
        rows.forEach((table, lines) -> ch.execute("INSERT INTO " + table + " FORMAT JSONEachRow\n" + String.join("\n", lines)));
    }

    Instant at(int hour, int minute) {
        return start.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
    }

    String ts(Instant t) {
        return TS.format(t);
    }

    String key(String peer) {
        return keySalt + String.format("%016x", peer.hashCode() & 0xffffffffL);
    }

    private void runs() {
        String settings = "{\\\"completion.threshold\\\":\\\"0.98\\\",\\\"network.timeout\\\":\\\"6s\\\",\\\"stats.interval\\\":\\\"5m\\\"}";
        run("run-a-" + keySalt, at(-1, 0), at(20, 0), true, at(19, 59), settings);
        run("run-b-" + keySalt, at(22, 0), at(30, 0), false, at(30, 0), settings);
        run("run-c-" + keySalt, at(33, 0), null, false, Instant.now(), settings);
    }

    private void run(String id, Instant started, Instant stopped, boolean clean, Instant alive, String settings) {
        add("btda.runs", "run_id", id, "btda_version", "0.1.0-test", "command", "local", "settings", settings,
                "started_at", ts(started), "stopped_at", stopped == null ? null : ts(stopped), "clean_stop", clean,
                "last_alive_at", ts(alive), "updated_at", ts(Instant.now()));
    }

    private void torrentsAndScrapes() {
        for (int t = 0; t < torrents.size(); t++) {
            // the first torrent has four files and a BEP 47 padding file (left out of the per-file figure)
            String files = t == 0
                    ? "[[\"S01E01.mkv\",8000000,false],[\".pad/1\",388608,true],[\"S01E02.mkv\",9000000,false],"
                      + "[\"S01E03.mkv\",8500000,false],[\"extras/making-of.mkv\",325792,false]]"
                    : "[]";
            add("btda.torrents", "info_hash", torrents.get(t), "name", names.get(t), "piece_length", 262144,
                    "piece_count", 100, "total_size", 26214400, "file_count", t == 0 ? 5 : 1, "private", false,
                    "trackers", List.of(), "source", "FILE", "origin", "test", "monitored", true, "event_time", ts(start),
                    "version", 1, "files", new StringBuilder(files));
            add("btda.harvest_requests", "id", "s1-" + t + keySalt, "info_hash", torrents.get(t), "kind", "SCRAPE",
                    "target", "http://127.0.0.1:6969/announce", "started_at", ts(at(1, 0)), "duration_ms", 20,
                    "peers_received", 0, "peers_new", 0, "duplicates", 0, "completed", 100);
            add("btda.harvest_requests", "id", "s2-" + t + keySalt, "info_hash", torrents.get(t), "kind", "SCRAPE",
                    "target", "http://127.0.0.1:6969/announce", "started_at", ts(at(40, 0)), "duration_ms", 20,
                    "peers_received", 0, "peers_new", 0, "duplicates", 0, "completed", 100 + 20 * (t + 1));
        }
        // file downloads of the pack by peers that took single episodes; metainfo indices skip the padding file (1)
        int[] index = {0, 2, 3, 4};
        for (int f = 0; f < packFiles.size(); f++) {
            for (int p = 0; p < packFileDownloads.get(f); p++) {
                add("btda.file_downloads", "info_hash", torrents.get(0), "peer_key", key("episode-peer-" + f + "-" + p),
                        "file_index", index[f], "file_path", packFiles.get(f), "file_size", 8000000, "file_pieces", 31,
                        "client", null, "crossed_at", ts(at(upHours.get(3 + p), 5)), "last_below_at", ts(at(upHours.get(3 + p), 0)),
                        "threshold", 0.98, "version", 1);
            }
        }
    }

    private void peer(int i) {
        Country c = COUNTRIES.get(i % COUNTRIES.size());
        Network n = NETWORKS.get(i % NETWORKS.size());
        int t = i % torrents.size();
        String torrent = torrents.get(t);
        String name = "peer" + i;
        String client = CLIENTS[i % CLIENTS.length];
        double speed = 1000.0 * (i + 1) * (i % 7 + 1);
        int seenHour = upHours.get((i * 5) % upHours.size());
        Instant lastSeen = at(seenHour, 30);
        add("btda.peers", "info_hash", torrent, "peer_key", key(name), "first_seen_at", ts(lastSeen.minusSeconds(600)),
                "last_seen_at", ts(lastSeen), "total_pieces", 100, "max_speed_bps", speed, "contacts", 2, "failures", 0,
                "sources", List.of("TRACKER"), "client", client, "identity", "LISTEN_PORT", "parked", false, "version", 1,
                "city", c.city(), "country", c.code(), "continent", c.continent(), "asn", n.asn(), "as_org", n.org(),
                "domain", n.domain());
        peersByCountry.merge(c.code(), 1, Integer::sum);
        speedsByCountry.computeIfAbsent(c.code(), k -> new ArrayList<>()).add(speed);
        peersByAsn.merge(n.asn(), 1, Integer::sum);
        speeds.add(speed);

        // first contact: every sixth peer fails it (timeout, refused, protocol violation in turn)
        boolean failsFirst = i % 6 == 5;
        Instant firstAt = lastSeen.minusSeconds(1200);
        observation(torrent, name, firstAt, !failsFirst, failsFirst ? FAILURES[(i / 6) % 3] : null, failsFirst ? null : 40,
                500L * (i + 1));
        observation(torrent, name, lastSeen, true, null, 100, 700L * (i + 1));
        int[] fc = firstContactsByTorrent.computeIfAbsent(torrent, k -> new int[2]);
        fc[0]++;
        fc[1] += failsFirst ? 0 : 1;

        // discoveries: the tracker finds every peer (new), the DHT every second one, PEX every fourth (duplicates)
        Instant found = lastSeen.minusSeconds(1500);
        discovery(torrent, name, "TRACKER", found, 1);
        if (i % 2 == 0) {
            discovery(torrent, name, "DHT", found.plusSeconds(60), 0);
        }
        if (i % 4 == 0) {
            discovery(torrent, name, "PEX", found.plusSeconds(120), 0);
        }
        uniquePeersByTorrent.merge(torrent, 1, Integer::sum);

        // five of six peers completed (none in JP and RU, whose peers are i = 4, 10 mod 12)
        if (i % 6 != 4) {
            download(t, name, client, at(upHours.get((i * 7) % upHours.size()), 10 + i % 40));
            downloadsByCountry.merge(c.code(), 1, Integer::sum);
            downloadsByContinent.merge(c.continent(), 1, Integer::sum);
            downloadsByAsn.merge(n.asn(), 1, Integer::sum);
            downloadsByDomain.merge(n.domain(), 1, Integer::sum);
        }
    }

    private void download(int t, String peer, String client, Instant crossed) {
        String torrent = torrents.get(t);
        add("btda.confirmed_downloads", "info_hash", torrent, "peer_key", key(peer), "client", client,
                "crossed_at", ts(crossed), "last_below_at", ts(crossed.minusSeconds(600)), "pieces_below", 40,
                "pieces_at_crossing", 100, "total_pieces", 100, "threshold", 0.98, "version", 1);
        Instant hour = crossed.truncatedTo(ChronoUnit.HOURS);
        downloadsPerHour.computeIfAbsent(torrent, k -> new TreeMap<>()).merge(hour, 1, Integer::sum);
        downloadsPerHour.computeIfAbsent("all", k -> new TreeMap<>()).merge(hour, 1, Integer::sum);
        downloadsByClient.merge(client == null ? "unknown" : client, 1, Integer::sum);
    }

    private void observation(String torrent, String peer, Instant at, boolean success, String failure, Integer pieces,
                             long gapMs) {
        add("btda.observations", "request_id", "o" + hex(6), "info_hash", torrent, "peer_key", key(peer),
                "identity", "LISTEN_PORT", "observed_at", ts(at), "source", "TRACKER", "success", success,
                "failure", failure, "pieces", pieces, "total_pieces", 100, "piece_length", 262144,
                "messages_received", success ? 5 : 0, "session_ms", gapMs + 100, "longest_gap_ms", gapMs);
    }

    private void discovery(String torrent, String peer, String source, Instant at, int isNew) {
        add("btda.discoveries", "info_hash", torrent, "peer_key", key(peer), "source", source,
                "discovered_at", ts(at), "is_new", isNew);
        int[] c = discoveriesByHourSource.computeIfAbsent(
                at.truncatedTo(ChronoUnit.HOURS).toEpochMilli() + "|" + source.toLowerCase(java.util.Locale.ROOT),
                k -> new int[2]);
        c[isNew == 1 ? 0 : 1]++;
    }

    private void add(String table, Object... kv) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            sb.append(i > 0 ? "," : "").append('"').append(kv[i]).append("\":");
            Object v = kv[i + 1];
            if (v == null) {
                sb.append("null");
            } else if (v instanceof String s) {
                // test values hold no quotes or backslashes except the pre-escaped settings JSON
                sb.append('"').append(s).append('"');
            } else if (v instanceof List<?> l) {
                sb.append(l.isEmpty() ? "[]" : "[\"" + String.join("\",\"", l.stream().map(Object::toString).toList()) + "\"]");
            } else {
                sb.append(v);
            }
        }
        rows.computeIfAbsent(table, k -> new ArrayList<>()).add(sb.append('}').toString());
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2); // quantileExact(0.5): the element at floor(0.5 * n)
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

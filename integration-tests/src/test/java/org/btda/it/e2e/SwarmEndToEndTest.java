package org.btda.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.btda.common.config.Settings;
import org.btda.common.identity.PeerKeys;
import org.btda.common.kafka.PeerRefs;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.it.swarm.Swarm;
import org.btda.it.swarm.SwarmExtension;
import org.btda.it.swarm.SwarmPeer;
import org.btda.report.HeadlessChromium;
import org.btda.report.Report;
import org.btda.report.ReportRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acceptance of the whole pipeline on the real swarm: one btda stack ({@code btda local}, configured by
 * {@code e2e/btda-e2e.properties}) watches the shared swarm from the moment it is up, is restarted on the same state in
 * the middle of the downloads, and must end with every leecher discovered, observed from below the threshold up to
 * complete, confirmed exactly once, at a speed matching its rate limit, and no peer address at rest.
 *
 * <p>Runs first among the swarm classes ({@code @Order(1)}, class order from junit-platform.properties): the leechers
 * start with the swarm, and btda has to see them below the completion threshold.
 */
@Tag("swarm")
@Order(1)
@ExtendWith(SwarmExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmEndToEndTest {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmEndToEndTest.class);
    private static final Pattern SWARM_IP = Pattern.compile("198\\.18\\.\\d{1,3}\\.\\d{1,3}");
    /** Relative tolerance of btda's max speed against the rate the client really had (the issue's ±25 %). */
    private static final double SPEED_TOLERANCE = 0.25;
    /** libtorrent with TCP off both ways: visible to btda only over uTP. */
    private static final String UTP_ONLY_LEECHER = "leecher-libtorrent_utp";
    /** Leechers whose clients speak uTP as well as TCP by default (the others have it off or lack it). */
    private static final Set<String> UTP_CAPABLE = Set.of("leecher-transmission", "leecher-qbittorrent",
            "half-leecher-transmission");

    /** How btda names each leecher's client from its peer id (BEP 20 style codes; see ClientIds). */
    private static final Map<String, String> CLIENT_NAMES = Map.of("leecher-transmission", "Transmission ",
            "leecher-qbittorrent", "qBittorrent ", "leecher-aria2", "aria2 ", "leecher-rtorrent", "libtorrent (rakshasa) ",
            "leecher-ctorrent", "Enhanced CTorrent ", "leecher-libtorrent", "libtorrent (Rasterbar) ",
            UTP_ONLY_LEECHER, "libtorrent (Rasterbar) ");

    private Swarm swarm;
    private E2eStack btda;
    private String infoHash;
    private int totalPieces;
    private double threshold;
    /** Swarm client name → its peer key under btda's secret. */
    private final Map<String, String> keyOf = new LinkedHashMap<>();
    private final Map<String, String> timings = new LinkedHashMap<>();

    @BeforeAll
    void startBtda(Swarm swarm) throws Exception {
        this.swarm = swarm;
        infoHash = swarm.torrent().infoHashHex();
        totalPieces = swarm.torrent().pieceCount();
        long t0 = System.nanoTime();
        btda = new E2eStack(swarm.workDir().resolve("btda"), swarm.torrent().torrentFile());
        btda.requireOwnAddressApartFrom(swarm.peers());
        btda.start();
        threshold = btda.settings().get(Settings.COMPLETION_THRESHOLD);
        timings.put("btda start", ms(t0));
        timings.put("btda up after leechers started", Duration.between(swarm.leechersStartedAt(), Instant.now()).toMillis() + " ms");
        PeerKeys keys = btda.peerKeys();
        for (SwarmPeer p : swarm.peers()) {
            keyOf.put(p.name(), keys.key(infoHash, p.peerAddress().getAddress(), p.peerAddress().getPort()));
        }
        LOG.info("btda running; peer keys {}", keyOf);
    }

    @AfterAll
    void stopBtda() {
        if (btda != null) {
            long t0 = System.nanoTime();
            boolean clean = btda.stop();
            timings.put("btda final stop", ms(t0) + (clean ? "" : " (not clean)"));
        }
        LOG.info("e2e timings: {}", timings);
    }

    // ---- 1. harvest ---------------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void harvesterDiscoversEverySwarmClientThroughTheTrackers() throws Exception {
        long t0 = System.nanoTime();
        Set<String> everyone = new HashSet<>(keyOf.values());
        ClickHouseHttp ch = btda.clickHouse();
        Set<String> inPeers = new HashSet<>();
        E2eWaits.until(Duration.ofSeconds(120), "every swarm client in btda.peers", () -> {
            inPeers.clear();
            inPeers.addAll(column(ch, "SELECT peer_key FROM btda.peers FINAL WHERE info_hash = '" + infoHash + "'"));
            return inPeers.containsAll(everyone);
        });
        timings.put("all peers discovered", ms(t0));
        assertThat(inPeers).containsAll(everyone);

        // The same keys went over btda.peers.discovered, and every client came from a tracker.
        Topics topics = new Topics(KafkaConfig.from(btda.settings()));
        Set<String> discoveredRefs = TopicDump.read(btda.bootstrapServers(), topics.discovered(), false, Duration.ofSeconds(60))
                .stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
        assertThat(discoveredRefs).containsAll(everyone.stream().map(k -> PeerRefs.key(infoHash, k)).toList());
        Map<String, String> sources = new HashMap<>();
        for (String[] row : ch.rows("SELECT peer_key, arrayStringConcat(arraySort(groupUniqArray(source)), ',')"
                + " FROM btda.discoveries FINAL WHERE info_hash = '" + infoHash + "' GROUP BY peer_key")) {
            sources.put(row[0], row[1]);
        }
        for (SwarmPeer p : swarm.peers()) {
            assertThat(sources.get(keyOf.get(p.name()))).as(p.name() + " discovery sources").contains("TRACKER");
        }
    }

    // ---- restart in the middle ----------------------------------------------------------------------------------------

    @Test
    @Order(2)
    void restartInTheMiddleOfTheDownloadsKeepsTheState() throws Exception {
        ClickHouseHttp ch = btda.clickHouse();
        long below = (long) Math.ceil(threshold * totalPieces);
        Set<String> leechers = leecherKeys();
        Set<String> seenBelow = new HashSet<>();
        long t0 = System.nanoTime();
        E2eWaits.until(Duration.ofSeconds(120), "an observation below the threshold of every leecher", () -> {
            seenBelow.clear();
            seenBelow.addAll(column(ch, "SELECT DISTINCT peer_key FROM btda.observations FINAL WHERE info_hash = '"
                    + infoHash + "' AND success AND pieces IS NOT NULL AND pieces < " + below));
            return seenBelow.containsAll(leechers);
        });
        timings.put("first observations of every leecher", ms(t0));
        // Mid-download for real: no leecher is anywhere near complete when btda goes down.
        for (SwarmPeer p : swarm.leechers()) {
            assertThat(p.progress()).as(p.name() + " progress when btda stops").isLessThan(0.85);
        }
        long observationsBefore = ch.count("SELECT count() FROM btda.observations FINAL WHERE info_hash = '" + infoHash + "'");

        long t1 = System.nanoTime();
        assertThat(btda.stop()).as("clean stop").isTrue();
        timings.put("mid-run stop", ms(t1));
        long t2 = System.nanoTime();
        btda.start();
        timings.put("restart on the same state", ms(t2));
        Instant restartedAt = Instant.now();

        ClickHouseHttp again = btda.clickHouse();
        // Same deployment: the secret (hence every key) and ClickHouse's data survived.
        assertThat(btda.peerKeys().key(infoHash, swarm.seeder().peerAddress().getAddress(), 6881))
                .isEqualTo(keyOf.get(swarm.seeder().name()));
        assertThat(again.count("SELECT count() FROM btda.observations FINAL WHERE info_hash = '" + infoHash + "'"))
                .isGreaterThanOrEqualTo(observationsBefore);
        // The restored stream state keeps revisiting every leecher without a new discovery being needed.
        Set<String> after = new HashSet<>();
        E2eWaits.until(Duration.ofSeconds(90), "observations of every leecher after the restart", () -> {
            after.clear();
            after.addAll(column(again, "SELECT DISTINCT peer_key FROM btda.observations FINAL WHERE info_hash = '"
                    + infoHash + "' AND success AND observed_at > fromUnixTimestamp64Milli(" + restartedAt.toEpochMilli() + ")"));
            return after.containsAll(leechers);
        });
        assertThat(after).containsAll(leechers);
    }

    // ---- 1. evaluate --------------------------------------------------------------------------------------------------

    @Test
    @Order(3)
    void observationsRiseToTheTotalAndTheSeederIsObservedComplete() throws Exception {
        long t0 = System.nanoTime();
        Map<String, Duration> times = swarm.awaitAllComplete(
                Duration.ofSeconds((long) (swarm.options().nominalDownloadSeconds() * 2) + 120));
        timings.put("wait for leechers to complete", ms(t0));
        timings.put("leecher download times", times.toString());
        ClickHouseHttp ch = btda.clickHouse();
        long t1 = System.nanoTime();
        E2eWaits.until(Duration.ofSeconds(60), "every leecher observed with all " + totalPieces + " pieces", () -> {
            Map<String, List<Long>> series = pieceSeries(ch);
            return leecherKeys().stream().allMatch(k -> series.containsKey(k) && series.get(k).contains((long) totalPieces));
        });
        timings.put("observed complete after the clients", ms(t1));

        Map<String, List<Long>> series = pieceSeries(ch);
        for (SwarmPeer p : swarm.leechers()) {
            List<Long> s = series.get(keyOf.get(p.name()));
            LOG.info("{} piece counts seen by btda: {}", p.name(), s);
            assertThat(s).as(p.name() + " observations").isNotEmpty();
            for (int i = 1; i < s.size(); i++) {
                assertThat(s.get(i)).as(p.name() + " pieces never go back (observation " + i + ")").isGreaterThanOrEqualTo(s.get(i - 1));
            }
            assertThat(s.get(0)).as(p.name() + " first count").isLessThan(totalPieces / 2L);
            // revisit.delay 15 s: a dozen looks in a 3-minute download, fewer when btda's start or restart is slow
            assertThat(s.stream().distinct().count()).as(p.name() + " distinct counts on the way up").isGreaterThanOrEqualTo(3);
            assertThat(s.get(s.size() - 1)).as(p.name() + " last count").isEqualTo(totalPieces);
        }
        List<Long> seeder = series.get(keyOf.get(swarm.seeder().name()));
        assertThat(seeder).as("seeder observations").isNotEmpty().allSatisfy(v -> assertThat(v).isEqualTo(totalPieces));
        SwarmPeer half = swarm.halfLeecher().orElseThrow();
        List<Long> halfSeries = series.get(keyOf.get(half.name()));
        assertThat(halfSeries).as("half leecher observations").isNotEmpty()
                .allSatisfy(v -> assertThat(v).isLessThan((long) Math.ceil(threshold * totalPieces)));
    }

    @Test
    @Order(4)
    void btdaNeverTreatsItselfAsAPeer() throws Exception {
        // Clients learn btda's listen port from the trackers and from its extended handshake, and may pass
        // "btda's address:listen port" on by PEX; whatever the source, btda must not discover or contact itself.
        ClickHouseHttp ch = btda.clickHouse();
        PeerKeys keys = btda.peerKeys();
        int listenPort = btda.settings().get(Settings.LISTEN_PORT);
        Set<String> selfKeys = new TreeSet<>();
        List<String> local = new ArrayList<>(List.of(btda.settings().get(Settings.EVALUATOR_BIND_ADDRESS)));
        swarm.trackers().forEach(t -> local.add(t.address().getHostAddress()));
        for (String a : local) {
            selfKeys.add(keys.key(infoHash, InetAddress.getByName(a), listenPort));
        }
        Set<String> known = new HashSet<>(column(ch, "SELECT peer_key FROM btda.peers FINAL WHERE info_hash = '" + infoHash + "'"));
        Set<String> others = new TreeSet<>(known);
        others.removeAll(keyOf.values());
        for (String k : others) {
            LOG.info("peer {} is no swarm client (listen port 6881): {} / discoveries {}", k,
                    ch.query("SELECT identity, network, contacts, failures, arrayStringConcat(sources, ',') FROM btda.peers FINAL"
                            + " WHERE peer_key = '" + k + "' FORMAT TSV"),
                    ch.query("SELECT arrayStringConcat(groupUniqArray(source), ',') FROM btda.discoveries WHERE peer_key = '" + k + "'"));
        }
        assertThat(known).as("btda's own address:listen port among the peers").doesNotContainAnyElementsOf(selfKeys);
    }

    // ---- 2. stream processor ------------------------------------------------------------------------------------------

    @Test
    @Order(5)
    void everyFinishedLeecherIsConfirmedOnceAtItsSpeed() throws Exception {
        ClickHouseHttp ch = btda.clickHouse();
        Set<String> leechers = leecherKeys();
        String confirmedSql = "SELECT peer_key FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash + "'";
        long t0 = System.nanoTime();
        E2eWaits.until(Duration.ofSeconds(60), "a confirmed download of every leecher",
                () -> new HashSet<>(column(ch, confirmedSql)).containsAll(leechers));
        timings.put("confirmed downloads complete", ms(t0));

        List<String> confirmed = new ArrayList<>(column(ch, confirmedSql));
        // A client that dials btda's listener without a BEP 10 "p" (ctorrent) is keyed by the port btda reached it at
        // once btda has; only before that is it a second identity keyed by its peer id (data model), which could carry a
        // crossing seen on that connection alone. Only such peers may appear a second time.
        Set<String> byPeerId = incomingPeerIdKeys(ch);
        List<String> confirmedByPeerId = confirmed.stream().filter(byPeerId::contains).toList();
        LOG.info("confirmed downloads of incoming peers keyed by peer id (no BEP 10 p): {}", confirmedByPeerId);
        confirmed.removeAll(confirmedByPeerId);
        assertThat(confirmed).as("confirmed downloads (FINAL): every finished leecher once, nobody else")
                .containsExactlyInAnyOrderElementsOf(leechers);
        assertThat(confirmed).doesNotContain(keyOf.get(swarm.seeder().name()), keyOf.get(swarm.halfLeecher().orElseThrow().name()));

        // The final counts, twice: the same numbers (a re-read never counts a redelivered or corrected row again).
        // A peer-id identity may still land while they are read, so they are compared with the confirmed list read
        // just before and just after them, once both agree.
        List<String> counts1;
        List<String> counts2;
        List<String> before;
        List<String> after;
        int reads = 0;
        do {
            before = column(ch, confirmedSql).stream().sorted().toList();
            counts1 = finalCounts(ch);
            counts2 = finalCounts(ch);
            after = column(ch, confirmedSql).stream().sorted().toList();
        } while (!before.equals(after) && ++reads < 20);
        LOG.info("final counts: {}", counts1);
        assertThat(after).as("confirmed list stable around the counts").isEqualTo(before);
        assertThat(counts2).isEqualTo(counts1);
        Set<String> lateExtra = new TreeSet<>(after);
        lateExtra.removeAll(leechers);
        assertThat(incomingPeerIdKeys(ch)).as("confirmed keys other than the leechers'").containsAll(lateExtra);
        String n = Integer.toString(after.size());
        assertThat(counts1).containsExactly(n, n, n, n);

        // Each crossing is consistent with the threshold and with what the clients did.
        for (String[] r : ch.rows("SELECT peer_key, pieces_below, pieces_at_crossing, total_pieces,"
                + " toUnixTimestamp64Milli(last_below_at), toUnixTimestamp64Milli(crossed_at)"
                + " FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash + "'")) {
            assertThat(Long.parseLong(r[1])).as(r[0] + " pieces below").isLessThan((long) Math.ceil(threshold * totalPieces));
            assertThat(Long.parseLong(r[2])).as(r[0] + " pieces at crossing")
                    .isGreaterThanOrEqualTo((long) Math.ceil(threshold * totalPieces)).isLessThanOrEqualTo(totalPieces);
            assertThat(Long.parseLong(r[3])).isEqualTo(totalPieces);
            assertThat(Long.parseLong(r[4])).as(r[0] + " last below before crossing").isLessThan(Long.parseLong(r[5]));
            assertThat(Instant.ofEpochMilli(Long.parseLong(r[5]))).isAfter(swarm.leechersStartedAt());
        }

        // The result topic agrees: the latest committed version per peer covers exactly the leechers.
        Topics topics = new Topics(KafkaConfig.from(btda.settings()));
        Set<String> topicRefs = TopicDump.read(btda.bootstrapServers(), topics.confirmedDownloads(), true, Duration.ofSeconds(60))
                .stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
        // A confirmed download of an incoming peer keyed by its peer id (ctorrent dials in more than once) may be on the
        // topic before the sink has written it and its peer row: wait for ClickHouse to hold every key of the topic.
        Set<String> topicKeys = topicRefs.stream().map(PeerRefs::peerKey).collect(Collectors.toSet());
        E2eWaits.until(Duration.ofSeconds(60), "every confirmed download of the topic in ClickHouse", () ->
                new HashSet<>(column(ch, confirmedSql)).containsAll(topicKeys) && incomingPeerIdKeys(ch).containsAll(
                        topicKeys.stream().filter(k -> !leechers.contains(k)).toList()));
        Set<String> expectedRefs = new HashSet<>(leechers);
        expectedRefs.addAll(incomingPeerIdKeys(ch).stream().filter(topicKeys::contains).toList());
        assertThat(topicRefs).containsExactlyInAnyOrderElementsOf(expectedRefs.stream().map(k -> PeerRefs.key(infoHash, k)).toList());

        // Max speed against the limit, or against the rate the client really had when it stayed well below its limit.
        Map<String, Double> maxSpeed = new HashMap<>();
        for (String[] r : ch.rows("SELECT peer_key, max_speed_bps FROM btda.peers FINAL WHERE info_hash = '" + infoHash + "'")) {
            maxSpeed.put(r[0], Double.parseDouble(r[1]));
        }
        Duration window = btda.settings().speedMinInterval();
        for (SwarmPeer p : swarm.leechers()) {
            double limit = p.downloadLimitBytesPerSecond();
            double measured = SpeedReference.maxRate(swarm.samples(), p.name(), swarm.torrent().totalSize(), window);
            boolean atLimit = measured >= 0.85 * limit;
            double reference = atLimit ? limit : measured;
            double btdaSpeed = maxSpeed.getOrDefault(keyOf.get(p.name()), 0.0);
            LOG.info("{}: btda max speed {} B/s, limit {} B/s, client's own max {}-window rate {} B/s; compared with {}",
                    p.name(), Math.round(btdaSpeed), Math.round(limit), window, Math.round(measured),
                    atLimit ? "the limit" : "the measured rate (client stays below its limit)");
            timings.put("speed " + p.name(), Math.round(btdaSpeed) + " B/s vs " + (atLimit ? "limit " : "measured ")
                    + Math.round(reference));
            assertThat(btdaSpeed).as(p.name() + " max speed vs " + (atLimit ? "limit" : "measured rate"))
                    .isBetween(reference * (1 - SPEED_TOLERANCE), reference * (1 + SPEED_TOLERANCE));
        }
    }

    /**
     * One session per peer at a time, and crossings timed to within one revisit (revisit.delay in
     * {@code btda-e2e.properties}): a contact request for a peer is only issued once the previous session with it is
     * over, so no contact with a swarm client fails because the client refused a second connection from btda, and
     * every confirmed download's bracket is at most {@code revisit.delay + network.timeout}.
     */
    @Test
    @Order(5)
    void noContactOverlapsAnotherWithItsPeerAndEveryBracketIsWithinOneRevisit() throws Exception {
        ClickHouseHttp ch = btda.clickHouse();
        Set<String> leechers = leecherKeys();
        String confirmedSql = "SELECT peer_key FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash + "'";
        E2eWaits.until(Duration.ofSeconds(60), "a confirmed download of every leecher",
                () -> new HashSet<>(column(ch, confirmedSql)).containsAll(leechers));
        Map<String, String> nameOf = new HashMap<>();
        keyOf.forEach((name, key) -> nameOf.put(key, name));

        // The silences seen in sessions (longest_gap_ms), per client: the data the session-end grace is chosen from.
        for (String[] r : ch.rows("SELECT peer_key, count(), max(session_ms), quantiles(0.5, 0.9, 1)(longest_gap_ms),"
                + " countIf(pieces = total_pieces) FROM btda.observations FINAL WHERE info_hash = '" + infoHash
                + "' AND success GROUP BY peer_key ORDER BY peer_key")) {
            LOG.info("sessions of {}: {} successful, longest session {} ms, longest gap p50/p90/max {} ms, {} complete",
                    nameOf.getOrDefault(r[0], r[0]), r[1], r[2], r[3], r[4]);
        }

        // Outgoing contacts with the swarm's clients (all of them up for the whole run) never fail: a failure here is a
        // client closing or refusing a connection, which is what a second connection from the same address gets.
        Set<String> clients = new HashSet<>(leechers);
        clients.add(keyOf.get(swarm.seeder().name()));
        List<String> failed = new ArrayList<>();
        for (String[] r : ch.rows("SELECT peer_key, failure, ifNull(failure_detail, ''), toString(observed_at)"
                + " FROM btda.observations FINAL WHERE info_hash = '" + infoHash
                + "' AND request_id != '' AND NOT success ORDER BY observed_at")) {
            if (clients.contains(r[0])) failed.add(nameOf.get(r[0]) + " " + r[1] + " at " + r[3] + ": " + r[2]);
        }
        LOG.info("failed outgoing contacts with swarm clients: {}", failed);
        assertThat(failed).as("failed outgoing contacts with swarm clients").isEmpty();

        Duration revisit = btda.settings().get(Settings.REVISIT_DELAY);
        Duration timeout = btda.settings().get(Settings.NETWORK_TIMEOUT);
        long bound = revisit.plus(timeout).toMillis();
        Map<String, Long> brackets = new TreeMap<>();
        for (String[] r : ch.rows("SELECT peer_key, toUnixTimestamp64Milli(crossed_at) - toUnixTimestamp64Milli(last_below_at)"
                + " FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash + "'")) {
            if (leechers.contains(r[0])) brackets.put(nameOf.get(r[0]), Long.parseLong(r[1]));
        }
        LOG.info("crossing brackets (crossed_at - last_below_at) in ms, bound {} + {}: {}", revisit, timeout, brackets);
        timings.put("crossing brackets", brackets.toString());
        assertThat(brackets).as("a bracket per finished leecher").hasSize(leechers.size());
        assertThat(brackets).allSatisfy((name, ms) -> assertThat(ms).as(name + " crossing bracket (ms)")
                .isPositive().isLessThanOrEqualTo(bound));
    }

    // ---- report of the run ---------------------------------------------------------------------------------------------

    @Test
    @Order(6)
    void reportOfTheRunShowsItsConfirmedDownloadsAndTheirClients() throws Exception {
        ClickHouseHttp ch = btda.clickHouse();
        Set<String> leechers = leecherKeys();
        // The run's confirmed downloads with the client btda named for each, read directly from the confirmed rows
        // just before and just after the report is built (a late peer-id identity may land meanwhile: then again).
        Map<String, String> clientOf;
        String html;
        long t0;
        int builds = 0;
        while (true) {
            Map<String, String> before = clientsOfConfirmed(ch);
            t0 = System.nanoTime();
            Report report = Report.over(btda.clickHouseUrl(), btda.settings().get(Settings.CLICKHOUSE_USER),
                    btda.settings().get(Settings.CLICKHOUSE_PASSWORD), "e2e");
            html = report.html(new ReportRequest(List.of(infoHash), null, null, 20, 15, 0));
            clientOf = clientsOfConfirmed(ch);
            if (clientOf.equals(before) || ++builds >= 5) break;
        }
        // As asserted above: every finished leecher once, plus a second identity (peer id) of incoming clients without "p".
        Set<String> extra = new TreeSet<>(clientOf.keySet());
        extra.removeAll(leechers);
        assertThat(clientOf.keySet()).containsAll(leechers);
        assertThat(incomingPeerIdKeys(ch)).as("confirmed keys other than the leechers'").containsAll(extra);
        int confirmed = leechers.size() + extra.size();
        // Each finished leecher under its own implementation's name (from its peer id; rTorrent's names its library).
        for (SwarmPeer p : swarm.leechers()) {
            assertThat(CLIENT_NAMES).as("client name of " + p.name()).containsKey(p.name());
            assertThat(clientOf.get(keyOf.get(p.name()))).as(p.name() + " (" + p.implementation() + ") client")
                    .startsWith(CLIENT_NAMES.get(p.name()));
        }
        Map<String, Long> expectedClients = new TreeMap<>();
        clientOf.values().forEach(c -> expectedClients.merge(c, 1L, Long::sum));

        Path page = swarm.workDir().resolve("btda-report.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        LOG.info("report of the run: {}", page);
        JsonNode check = new ObjectMapper().readTree(HeadlessChromium.reportCheck(HeadlessChromium.dumpDom(page)));
        timings.put("report built and rendered", ms(t0));
        assertThat(check.get("errors")).as("script errors in the report").isEmpty();
        assertThat(check.get("resources")).as("resources the report fetched").isEmpty();

        // Total: the per-torrent table (one torrent) and the hourly chart's "all torrents" line.
        JsonNode torrents = check.get("tables").get("table-torrents");
        assertThat(torrents).hasSize(1);
        assertThat(torrents.get(0).get(0).asText()).endsWith("(" + infoHash.substring(0, 8) + ")");
        assertThat(torrents.get(0).get(1).asLong()).as("confirmed downloads in the per-torrent table").isEqualTo(confirmed);
        long perHour = 0;
        for (JsonNode s : check.get("charts").get("chart-downloads-per-hour").get("series")) {
            if (s.get("name").asText().equals("all torrents")) {
                for (JsonNode point : s.get("data")) {
                    perHour += point.get(1).asLong();
                }
            }
        }
        assertThat(perHour).as("confirmed downloads per hour, summed").isEqualTo(confirmed);

        // Clients: every confirmed peer's client with its count, and nothing else.
        JsonNode chart = check.get("charts").get("chart-clients");
        Map<String, Long> drawn = new TreeMap<>();
        for (int i = 0; i < chart.get("categories").size(); i++) {
            drawn.put(chart.get("categories").get(i).asText(), chart.get("series").get(0).get("data").get(i).asLong());
        }
        LOG.info("clients in the report: {}", drawn);
        assertThat(drawn).as("clients figure").isEqualTo(expectedClients);

        // The page is shared: no swarm peer address in it.
        for (SwarmPeer p : swarm.peers()) {
            assertThat(html).as("report").doesNotContain(p.peerAddress().getAddress().getHostAddress());
        }
    }

    // ---- 3. privacy ---------------------------------------------------------------------------------------------------

    @Test
    @Order(7)
    void noSwarmPeerAddressIsStoredInClickHouseOrInResultAndStateTopics() throws Exception {
        long t0 = System.nanoTime();
        Set<String> peerIps = swarm.peers().stream().map(p -> p.peerAddress().getAddress().getHostAddress())
                .collect(Collectors.toCollection(TreeSet::new));
        // The only 198.18 addresses allowed at rest: the trackers (their URLs) and btda's own source address (run record).
        Set<String> allowed = new TreeSet<>();
        swarm.trackers().forEach(t -> allowed.add(t.address().getHostAddress()));
        String own = btda.settings().get(Settings.EVALUATOR_BIND_ADDRESS);
        allowed.add(own);
        assertThat(allowed).doesNotContainAnyElementsOf(peerIps);
        // By design the truncated network (/24) is stored (observations.network, peers.network): that is not an address.
        Set<String> networks = new TreeSet<>();
        for (String ip : peerIps) {
            networks.add(ip.substring(0, ip.lastIndexOf('.')) + ".0");
        }
        networks.add(own.substring(0, own.lastIndexOf('.')) + ".0");
        // ctorrent does not bind its outgoing connections: inside the namespace, the ones it makes to btda's listener at a
        // tracker's address (where the trackers saw btda) come from that tracker address, whose /24 is then stored.
        swarm.trackers().forEach(t -> {
            String a = t.address().getHostAddress();
            networks.add(a.substring(0, a.lastIndexOf('.')) + ".0");
        });
        assertThat(networks).doesNotContainAnyElementsOf(peerIps);

        ClickHouseHttp ch = btda.clickHouse();
        List<String[]> columns = ch.rows("SELECT c.table, c.name FROM system.columns c"
                + " JOIN system.tables t ON t.database = c.database AND t.name = c.table"
                + " WHERE c.database = 'btda' AND t.engine NOT IN ('View', 'MaterializedView') AND c.type LIKE '%String%'");
        assertThat(columns).as("String columns in btda").hasSizeGreaterThan(20);
        Set<String> found = new TreeSet<>();
        List<String> hits = new ArrayList<>();
        for (String[] c : columns) {
            String expr = "toString(`" + c[1] + "`)";
            for (String value : column(ch, "SELECT DISTINCT " + expr + " FROM btda.`" + c[0] + "` WHERE position(" + expr
                    + ", '198.18.') > 0 LIMIT 1000")) {
                Matcher m = SWARM_IP.matcher(value);
                while (m.find()) {
                    found.add(m.group());
                    hits.add(c[0] + "." + c[1] + ": " + m.group());
                }
            }
        }
        LOG.info("198.18 addresses in ClickHouse: {}", hits.stream().distinct().toList());
        assertThat(found).as("swarm addresses in any String column of any btda table").doesNotContainAnyElementsOf(peerIps);
        Set<String> unexpected = new TreeSet<>(found);
        unexpected.removeAll(allowed);
        unexpected.removeAll(networks);
        assertThat(unexpected).as("198.18 addresses other than trackers, btda's own and /24 networks").isEmpty();
        assertThat(ch.count("SELECT count() FROM btda.observations")).isPositive(); // the search had data to look at

        Topics topics = new Topics(KafkaConfig.from(btda.settings()));
        List<String> scanned;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, btda.bootstrapServers()))) {
            scanned = admin.listTopics().names().get().stream()
                    .filter(t -> t.equals(topics.observations()) || t.equals(topics.confirmedDownloads())
                            || t.startsWith(topics.prefix() + "out.") || t.endsWith("-changelog"))
                    .sorted().toList();
        }
        assertThat(scanned).as("result and state topics").contains(topics.observations(), topics.confirmedDownloads())
                .anyMatch(t -> t.startsWith(topics.prefix() + "out.")).anyMatch(t -> t.endsWith("-changelog"));
        List<byte[]> needles = new ArrayList<>();
        List<String> needleNames = new ArrayList<>();
        for (String ip : peerIps) {
            needles.add(ip.getBytes(StandardCharsets.US_ASCII));
            needleNames.add(ip + " as text");
            needles.add(InetAddress.getByName(ip).getAddress());
            needleNames.add(ip + " as 4 bytes");
        }
        Map<String, Integer> recordsPerTopic = new LinkedHashMap<>();
        List<String> leaks = new ArrayList<>();
        for (String topic : scanned) {
            // read_uncommitted: every byte the broker holds, aborted transactions included.
            List<ConsumerRecord<byte[], byte[]>> records = TopicDump.read(btda.bootstrapServers(), topic, false, Duration.ofSeconds(60));
            recordsPerTopic.put(topic, records.size());
            for (ConsumerRecord<byte[], byte[]> r : records) {
                for (int i = 0; i < needles.size(); i++) {
                    if (ByteSearch.contains(r.key(), needles.get(i)) || ByteSearch.contains(r.value(), needles.get(i))) {
                        leaks.add(topic + " partition " + r.partition() + " offset " + r.offset() + ": " + needleNames.get(i));
                    }
                }
            }
        }
        LOG.info("scanned topics: {}", recordsPerTopic);
        timings.put("privacy scan", ms(t0));
        assertThat(recordsPerTopic.get(topics.observations())).isPositive();
        assertThat(leaks).as("peer addresses in result or state topics").isEmpty();
    }

    // ---- 4. listening (on by default) ------------------------------------------------------------------------------

    @Test
    @Order(8)
    void clientsThatLearnedBtdasListenPortDialItAndAreEvaluatedAsTheSamePeers() throws Exception {
        ClickHouseHttp ch = btda.clickHouse();
        Map<String, SwarmPeer> byKey = new HashMap<>();
        for (SwarmPeer p : swarm.peers()) {
            byKey.put(keyOf.get(p.name()), p);
        }
        String incomingSql = "SELECT DISTINCT peer_key FROM btda.observations FINAL WHERE info_hash = '" + infoHash
                + "' AND source = 'INCOMING' AND success";
        Set<String> implementations = new TreeSet<>();
        long t0 = System.nanoTime();
        // Clients re-announce every few seconds and dial new peers at once; by now most have done so many times.
        E2eWaits.until(Duration.ofSeconds(60), "successful incoming sessions from two implementations", () -> {
            implementations.clear();
            for (String k : column(ch, incomingSql)) {
                if (byKey.containsKey(k)) implementations.add(byKey.get(k).implementation());
            }
            return implementations.size() >= 2;
        });
        timings.put("incoming from two implementations", ms(t0));
        List<String> incoming = column(ch, incomingSql);
        Map<String, String> names = new TreeMap<>();
        for (String k : incoming) {
            names.put(k, byKey.containsKey(k) ? byKey.get(k).name() : "not a swarm client's ip:6881");
        }
        LOG.info("peers evaluated on incoming connections: {}; implementations {}", names, implementations);
        for (String[] r : ch.rows("SELECT identity, count() FROM btda.observations FINAL WHERE info_hash = '" + infoHash
                + "' AND source = 'INCOMING' GROUP BY identity")) {
            LOG.info("incoming observations with identity {}: {}", r[0], r[1]);
        }
        assertThat(implementations).as("implementations evaluated on their incoming connections").hasSizeGreaterThanOrEqualTo(2);

        // Identity from the BEP 10 "p": the incoming contact of a client is the peer btda dials at ip:6881, one row in peers.
        Set<String> bothWays = new TreeSet<>(incoming);
        bothWays.retainAll(byKey.keySet());
        bothWays.retainAll(column(ch, "SELECT DISTINCT peer_key FROM btda.observations FINAL WHERE info_hash = '" + infoHash
                + "' AND source != 'INCOMING' AND success"));
        assertThat(bothWays).as("swarm clients observed both on incoming and on active contacts").hasSizeGreaterThanOrEqualTo(2);
        for (String k : bothWays) {
            assertThat(ch.count("SELECT count() FROM btda.peers FINAL WHERE info_hash = '" + infoHash + "' AND peer_key = '" + k + "'"))
                    .as(byKey.get(k).name() + " reached both ways: rows in btda.peers").isEqualTo(1);
            assertThat(ch.query("SELECT DISTINCT identity FROM btda.observations FINAL WHERE info_hash = '" + infoHash
                    + "' AND peer_key = '" + k + "' AND source = 'INCOMING'")).as(byKey.get(k).name() + " incoming identity").isEqualTo("LISTEN_PORT");
        }
    }

    // ---- 5. encryption -------------------------------------------------------------------------------------------------

    /**
     * The Transmission leecher requires encryption and the libtorrent leecher forces it both ways: every successful
     * observation of theirs is RC4 over TCP (they were confirmed above like the others, so MSE added their downloads),
     * and Transmission dialling btda's listener with MSE is evaluated, not refused.
     */
    @Test
    @Order(9)
    void encryptingLeechersAreReachedOnlyThroughMseAndTransmissionsMseDialInIsEvaluated() throws Exception {
        ClickHouseHttp ch = btda.clickHouse();
        for (String name : List.of("leecher-transmission", "leecher-libtorrent")) {
            String k = keyOf.get(name);
            List<String> ways = column(ch, "SELECT DISTINCT concat(ifNull(transport, 'NULL'), '/', ifNull(encryption, 'NULL'))"
                    + " FROM btda.observations FINAL WHERE info_hash = '" + infoHash + "' AND peer_key = '" + k + "' AND success");
            // Transmission speaks uTP too: once a uTP peer's PEX flags it 0x04, btda may reach it that way (still RC4)
            assertThat(ways).as(name + " reached as").isNotEmpty()
                    .isSubsetOf(UTP_CAPABLE.contains(name) ? List.of("TCP/RC4", "UTP/RC4") : List.of("TCP/RC4"));
            assertThat(ch.count("SELECT count() FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash
                    + "' AND peer_key = '" + k + "'")).as(name + " confirmed downloads").isEqualTo(1);
        }
        // a plaintext peer is reached in plaintext (it may also be reached encrypted: it accepts MSE, and the encrypting
        // leechers' PEX flags it as preferring encryption once their connections to it are encrypted)
        List<String> plainWays = column(ch, "SELECT DISTINCT ifNull(encryption, 'NULL') FROM btda.observations FINAL"
                + " WHERE info_hash = '" + infoHash + "' AND peer_key = '" + keyOf.get("leecher-aria2") + "' AND success");
        assertThat(plainWays).as("aria2 (plaintext) reached as").contains("PLAIN");
        String transmissionIn = "SELECT count() FROM btda.observations FINAL WHERE info_hash = '" + infoHash
                + "' AND peer_key = '" + keyOf.get("leecher-transmission") + "' AND source = 'INCOMING' AND success"
                + " AND encryption = 'RC4'";
        E2eWaits.until(Duration.ofSeconds(120), "Transmission's MSE dial-in evaluated", () -> ch.count(transmissionIn) > 0);
        assertThat(ch.count(transmissionIn)).isPositive();
        // the study query's answer on this swarm: exactly these two downloads were visible only through encryption
        Map<String, String> reach = new TreeMap<>();
        for (String[] r : ch.rows("SELECT reach, downloads FROM (" + java.nio.file.Files.readString(
                Path.of(System.getProperty("btda.repo.root", "..")).resolve("sql/queries/downloads_by_reach.sql"))
                .replace("{from:DateTime64(3, 'UTC')}", "toDateTime64('1970-01-01 00:00:00', 3, 'UTC')")
                .replace("{to:DateTime64(3, 'UTC')}", "toDateTime64('2100-01-01 00:00:00', 3, 'UTC')")
                .replace("{torrents:Array(String)}", "['" + infoHash + "']") + ")")) {
            reach.put(r[0], r[1]);
        }
        LOG.info("confirmed downloads by reach: {}", reach);
        // exactly three downloads were invisible to plaintext TCP: the two encrypting leechers' and the uTP-only one's
        // (which bucket each lands in depends on whether uTP or MSE reached it too, as the PEX hints fall)
        int onlyMseOrUtp = 0;
        for (String bucket : List.of("only_encryption", "only_utp", "encryption_and_utp")) {
            onlyMseOrUtp += Integer.parseInt(reach.getOrDefault(bucket, "0"));
        }
        assertThat(onlyMseOrUtp).as("downloads visible only through MSE or uTP").isEqualTo(3);
        assertThat(Integer.parseInt(reach.getOrDefault("only_utp", "0")) + Integer.parseInt(reach.getOrDefault("encryption_and_utp", "0")))
                .as("downloads uTP made visible").isPositive();
        assertThat(reach).containsKey("plaintext_tcp");
    }

    // ---- 6. uTP -------------------------------------------------------------------------------------------------------

    /**
     * With the default transport (auto), the libtorrent leecher with TCP off both ways is reached over uTP (BEP 29)
     * every time, with rising piece counts, and confirmed once like the others (so uTP added its download); the
     * clients that cannot speak uTP (aria2, rTorrent, ctorrent, libtorrent with uTP off) are reached over TCP only, and
     * Transmission and qBittorrent, which speak both, over either.
     */
    @Test
    @Order(10)
    void utpOnlyLeecherIsReachedOnlyOverUtp() throws Exception {
        assertThat(btda.settings().get(Settings.EVALUATOR_TRANSPORT)).as("the default transport").isEqualTo("auto");
        ClickHouseHttp ch = btda.clickHouse();
        for (SwarmPeer p : swarm.leechers()) {
            String k = keyOf.get(p.name());
            List<String> transports = column(ch, "SELECT DISTINCT ifNull(transport, 'NULL') FROM btda.observations FINAL"
                    + " WHERE info_hash = '" + infoHash + "' AND peer_key = '" + k + "' AND success");
            if (p.name().equals(UTP_ONLY_LEECHER)) {
                assertThat(transports).as(p.name() + " reached over").containsExactly("UTP");
            } else if (UTP_CAPABLE.contains(p.name())) {
                assertThat(transports).as(p.name() + " reached over").isNotEmpty().isSubsetOf("TCP", "UTP");
            } else {
                assertThat(transports).as(p.name() + " reached over").containsExactly("TCP");
            }
        }
        String utpOnly = keyOf.get(UTP_ONLY_LEECHER);
        List<String> pieces = column(ch, "SELECT toString(pieces) FROM btda.observations FINAL WHERE info_hash = '" + infoHash
                + "' AND peer_key = '" + utpOnly + "' AND success AND pieces IS NOT NULL ORDER BY observed_at");
        assertThat(pieces).as("uTP-only leecher's piece counts").hasSizeGreaterThanOrEqualTo(2);
        assertThat(Integer.parseInt(pieces.get(pieces.size() - 1))).as("rising").isGreaterThan(Integer.parseInt(pieces.get(0)));
        assertThat(ch.count("SELECT count() FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash
                + "' AND peer_key = '" + utpOnly + "'")).as("uTP-only leecher confirmed").isEqualTo(1);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------------

    /**
     * Keys of peers that dialled btda's listener without a BEP 10 "p" (ctorrent): per the data model a second identity,
     * keyed by the peer id, whose confirmed download may appear a second time.
     */
    private Set<String> incomingPeerIdKeys(ClickHouseHttp ch) throws Exception {
        return new HashSet<>(column(ch, "SELECT peer_key FROM btda.peers FINAL WHERE info_hash = '" + infoHash
                + "' AND identity = 'PEER_ID' AND has(sources, 'INCOMING')"));
    }

    private Set<String> leecherKeys() {
        return swarm.leechers().stream().map(p -> keyOf.get(p.name())).collect(Collectors.toSet());
    }

    /** Known piece counts of every peer's successful observations, oldest first (incoming contacts included). */
    private Map<String, List<Long>> pieceSeries(ClickHouseHttp ch) throws Exception {
        Map<String, List<Long>> out = new HashMap<>();
        for (String[] r : ch.rows("SELECT peer_key, pieces FROM btda.observations FINAL WHERE info_hash = '" + infoHash
                + "' AND success AND pieces IS NOT NULL ORDER BY peer_key, observed_at, request_id")) {
            out.computeIfAbsent(r[0], k -> new ArrayList<>()).add(Long.parseLong(r[1]));
        }
        return out;
    }

    /** Confirmed downloads counted four ways: FINAL rows, distinct keys of all versions, hourly view, topic-free. */
    private Map<String, String> clientsOfConfirmed(ClickHouseHttp ch) throws Exception {
        Map<String, String> clientOf = new TreeMap<>();
        for (String[] r : ch.rows("SELECT peer_key, ifNull(client, '') FROM btda.confirmed_downloads FINAL WHERE info_hash = '"
                + infoHash + "'")) {
            clientOf.put(r[0], r[1].isEmpty() ? "unknown" : r[1]);
        }
        return clientOf;
    }

    private List<String> finalCounts(ClickHouseHttp ch) throws Exception {
        String where = " WHERE info_hash = '" + infoHash + "'";
        return List.of(
                ch.query("SELECT count() FROM btda.confirmed_downloads FINAL" + where),
                ch.query("SELECT uniqExact(peer_key) FROM btda.confirmed_downloads" + where),
                ch.query("SELECT sum(downloads) FROM btda.downloads_hourly" + where),
                ch.query("SELECT count() FROM (SELECT peer_key FROM btda.confirmed_downloads FINAL" + where
                        + " AND pieces_at_crossing >= total_pieces * threshold)"));
    }

    private static List<String> column(ClickHouseHttp ch, String sql) throws Exception {
        return ch.rows(sql).stream().map(r -> r[0]).toList();
    }

    private static String ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000 + " ms";
    }
}

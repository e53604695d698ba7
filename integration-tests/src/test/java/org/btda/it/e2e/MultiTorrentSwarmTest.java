package org.btda.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.btda.common.identity.PeerKeys;
import org.btda.it.swarm.Swarm;
import org.btda.it.swarm.SwarmOptions;
import org.btda.it.swarm.SwarmPeer;
import org.btda.it.swarm.SwarmTorrent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code btda local} monitoring two torrents whose swarms share clients. A swarm of its own on 198.19 (so it runs
 * beside the shared one): two torrents of different content on the same two trackers, one Transmission seeder carrying
 * both, and three leechers that join once btda has announced: Transmission carrying both torrents, aria2 carrying only
 * A, qBittorrent carrying only B. The same Transmission is two peers for btda (one per torrent, two peer keys), and each
 * torrent's confirmed downloads are exactly its own finishers: {Transmission, aria2} for A, {Transmission, qBittorrent}
 * for B, each once, under its own client name; a client of one swarm only is no peer of the other.
 */
@Tag("swarm")
@Order(4)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiTorrentSwarmTest {
    private static final Logger LOG = LoggerFactory.getLogger(MultiTorrentSwarmTest.class);
    /** 48 pieces of 32 KiB per torrent at 40 KiB/s: about 40 s alone, about 80 s for the client carrying both. */
    private static final long PAYLOAD = 1536L * 1024;
    private static final long LIMIT = 40 * 1024;

    private Swarm swarm;
    private E2eStack btda;
    private SwarmTorrent a;
    private SwarmTorrent b;
    private SwarmPeer both;
    private SwarmPeer onlyA;
    private SwarmPeer onlyB;

    @BeforeAll
    void start() throws Exception {
        Path run = Files.createDirectories(Path.of(System.getProperty("btda.swarm.workdir", "target/swarm"),
                "multi-torrent-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath();
        swarm = Swarm.start(run.resolve("swarm"), new SwarmOptions(PAYLOAD, 15, LIMIT, List.of(), false), 1, 19);
        a = swarm.torrent();
        b = swarm.extraTorrents().get(0);
        btda = new E2eStack(run.resolve("btda"), a.torrentFile());
        btda.addTorrent(b.torrentFile());
        btda.start();
        // The leechers join only once btda has heard from the trackers about both torrents, so btda sees every one of
        // them below the threshold however long the stack took to start on a busy machine.
        ClickHouseHttp ch = btda.clickHouse();
        for (SwarmTorrent t : List.of(a, b)) {
            E2eWaits.until(Duration.ofSeconds(150), "btda's first tracker answer for " + t.infoHashHex(), () -> ch.count(
                    "SELECT count() FROM btda.discoveries WHERE info_hash = '" + t.infoHashHex() + "' AND source = 'TRACKER'") > 0);
        }
        both = swarm.startLateLeecher(SwarmOptions.Implementation.TRANSMISSION, "leecher-transmission-a-b", 10);
        swarm.addTorrent(both, b);
        onlyA = swarm.startLateLeecher(SwarmOptions.Implementation.ARIA2, "leecher-aria2-a", 11);
        onlyB = swarm.startLeecherOn(b, SwarmOptions.Implementation.QBITTORRENT, "leecher-qbittorrent-b", 12);
    }

    @AfterAll
    void stop() {
        try {
            if (btda != null) btda.stop();
        } finally {
            if (swarm != null) swarm.close();
        }
    }

    @Test
    void eachTorrentsConfirmedDownloadsAreExactlyItsFinishers() throws Exception {
        // The client carrying both shares one download limit between them.
        Duration download = Duration.ofSeconds((long) (4 * swarm.options().nominalDownloadSeconds()) + 90);
        E2eWaits.until(download, "every leecher complete on each of its torrents (see " + swarm.workDir() + "/progress.log)",
                () -> swarm.progress(both, a) >= 1.0 && swarm.progress(both, b) >= 1.0
                        && swarm.progress(onlyA, a) >= 1.0 && swarm.progress(onlyB, b) >= 1.0);

        PeerKeys keys = btda.peerKeys();
        Map<String, String> expectedA = new LinkedHashMap<>(); // peer key -> client name prefix
        expectedA.put(key(keys, a, both), "Transmission ");
        expectedA.put(key(keys, a, onlyA), "aria2 ");
        Map<String, String> expectedB = new LinkedHashMap<>();
        expectedB.put(key(keys, b, both), "Transmission ");
        expectedB.put(key(keys, b, onlyB), "qBittorrent ");
        assertThat(key(keys, a, both)).as("one client in two swarms is two peers").isNotEqualTo(key(keys, b, both));

        ClickHouseHttp ch = btda.clickHouse();
        try {
            E2eWaits.until(Duration.ofSeconds(120), "a confirmed download of every finisher of each torrent",
                    () -> new HashSet<>(confirmed(ch, a)).containsAll(expectedA.keySet())
                            && new HashSet<>(confirmed(ch, b)).containsAll(expectedB.keySet()));
        } finally {
            for (SwarmTorrent t : List.of(a, b)) {
                LOG.info("torrent {}: peers\n{}\nconfirmed\n{}", t.infoHashHex(), ch.query("SELECT peer_key, client,"
                        + " arrayStringConcat(sources, ','), contacts, failures, first_pieces, last_pieces FROM btda.peers FINAL"
                        + " WHERE info_hash = '" + t.infoHashHex() + "' FORMAT TSV"), ch.query("SELECT peer_key, client,"
                        + " pieces_below, pieces_at_crossing, last_below_at, crossed_at FROM btda.confirmed_downloads FINAL"
                        + " WHERE info_hash = '" + t.infoHashHex() + "' FORMAT TSV"));
            }
            LOG.info("expected for A {}: {}, for B {}: {}", a.infoHashHex(), expectedA, b.infoHashHex(), expectedB);
        }

        assertThat(confirmed(ch, a)).as("confirmed downloads of torrent A (FINAL): its finishers once each, nobody else")
                .containsExactlyInAnyOrderElementsOf(expectedA.keySet());
        assertThat(confirmed(ch, b)).as("confirmed downloads of torrent B (FINAL): its finishers once each, nobody else")
                .containsExactlyInAnyOrderElementsOf(expectedB.keySet());
        for (var e : List.of(Map.entry(a, expectedA), Map.entry(b, expectedB))) {
            for (String[] r : ch.rows("SELECT peer_key, ifNull(client, '') FROM btda.confirmed_downloads FINAL"
                    + " WHERE info_hash = '" + e.getKey().infoHashHex() + "'")) {
                assertThat(r[1]).as("client of confirmed " + r[0] + " in " + e.getKey().infoHashHex())
                        .startsWith(e.getValue().get(r[0]));
            }
        }
        // The Transmission client is known to btda in both swarms; the single-swarm clients only in their own.
        assertThat(peers(ch, a)).contains(key(keys, a, both)).doesNotContain(key(keys, a, onlyB));
        assertThat(peers(ch, b)).contains(key(keys, b, both)).doesNotContain(key(keys, b, onlyA));
    }

    private static String key(PeerKeys keys, SwarmTorrent t, SwarmPeer p) {
        return keys.key(t.infoHashHex(), p.peerAddress().getAddress(), p.peerAddress().getPort());
    }

    private static List<String> confirmed(ClickHouseHttp ch, SwarmTorrent t) throws Exception {
        return column(ch, "SELECT peer_key FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + t.infoHashHex() + "'");
    }

    private static List<String> peers(ClickHouseHttp ch, SwarmTorrent t) throws Exception {
        return column(ch, "SELECT peer_key FROM btda.peers FINAL WHERE info_hash = '" + t.infoHashHex() + "'");
    }

    private static List<String> column(ClickHouseHttp ch, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        for (String[] r : ch.rows(sql)) out.add(r[0]);
        return out;
    }
}

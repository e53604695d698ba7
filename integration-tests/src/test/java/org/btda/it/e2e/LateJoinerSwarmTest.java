package org.btda.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.btda.common.config.Settings;
import org.btda.common.identity.PeerKeys;
import org.btda.it.swarm.Swarm;
import org.btda.it.swarm.SwarmExtension;
import org.btda.it.swarm.SwarmOptions;
import org.btda.it.swarm.SwarmPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peers that join after btda: with default tracker intervals btda learns of them only through PEX (which may carry an
 * outgoing port) or because they dial btda, which listens by default and announced its own address and listen port.
 * A ctorrent leecher (no BEP 10, so no listen port in its handshake) and a qBittorrent (libtorrent) leecher join after
 * btda's first announce; each must be confirmed exactly once, the ctorrent one although btda can reach it only on the
 * connection it opened itself. Runs on the shared swarm after the classes that need its own leechers early.
 */
@Tag("swarm")
@Order(3)
@ExtendWith(SwarmExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LateJoinerSwarmTest {
    private static final Logger LOG = LoggerFactory.getLogger(LateJoinerSwarmTest.class);
    static final String CONFIG = "/e2e/btda-late-joiners.properties";

    private Swarm swarm;
    private E2eStack btda;
    private String infoHash;
    private final List<SwarmPeer> late = new ArrayList<>();

    @BeforeAll
    void start(Swarm swarm) throws Exception {
        this.swarm = swarm;
        infoHash = swarm.torrent().infoHashHex();
        btda = new E2eStack(swarm.workDir().resolve("btda-late-joiners"), swarm.torrent().torrentFile(), CONFIG);
        btda.requireOwnAddressApartFrom(swarm.peers());
        btda.start();
        // "after btda's first announce": the trackers answered it, so they also hold btda's address and port
        ClickHouseHttp ch = btda.clickHouse();
        E2eWaits.until(Duration.ofSeconds(120), "btda's first tracker answers", () -> ch.count(
                "SELECT count() FROM btda.discoveries WHERE info_hash = '" + infoHash + "' AND source = 'TRACKER'") > 0);
        for (var t : swarm.trackers()) {
            LOG.info("{} lists {}", t, org.btda.it.swarm.TrackerAnnounce.peers(t.httpAnnounceUrl(), swarm.torrent().infoHash()));
        }
        late.add(swarm.startLateLeecher(SwarmOptions.Implementation.CTORRENT, "late-leecher-ctorrent", 11));
        late.add(swarm.startLateLeecher(SwarmOptions.Implementation.QBITTORRENT, "late-leecher-qbittorrent", 12));
    }

    @AfterAll
    void stop() {
        if (btda != null) btda.stop();
    }

    @Test
    void lateJoinersAreConfirmedExactlyOnceAndBtdaNeverContactsItself() throws Exception {
        Duration download = Duration.ofSeconds((long) (swarm.options().nominalDownloadSeconds() * 2) + 60);
        for (SwarmPeer p : late) {
            E2eWaits.until(download, p.name() + " complete", () -> swarm.completedAt(p.name()).isPresent());
        }
        ClickHouseHttp ch = btda.clickHouse();
        Map<String, String> ips = new LinkedHashMap<>();
        for (SwarmPeer p : late) ips.put(p.name(), p.peerAddress().getAddress().getHostAddress());
        try {
            E2eWaits.until(Duration.ofSeconds(120), "a confirmed download of every late joiner", () -> {
                for (SwarmPeer p : late) {
                    if (confirmedOf(ch, rowsOf(ch, p)) < 1) return false;
                }
                return true;
            });
        } finally {
            LOG.info("incoming observations\n{}\nevaluator stats\n{}", ch.query("SELECT observed_at, address, identity,"
                    + " success, failure, pieces, session_ms, messages_received FROM btda.observations WHERE info_hash = '"
                    + infoHash + "' AND source = 'INCOMING' ORDER BY observed_at FORMAT TSV"),
                    ch.query("SELECT * FROM btda.evaluator_stats ORDER BY time DESC LIMIT 1 FORMAT Vertical"));
            for (Map.Entry<String, String> e : ips.entrySet()) {
                LOG.info("{}: peers\n{}\nobservations\n{}", e.getKey(), ch.query("SELECT peer_key, identity,"
                        + " arrayStringConcat(sources, ','), contacts, failures, first_pieces, last_pieces FROM btda.peers FINAL"
                        + " WHERE info_hash = '" + infoHash + "' AND address = '" + e.getValue() + "' FORMAT TSV"),
                        ch.query("SELECT observed_at, peer_key, source, identity, success, failure, pieces, session_ms"
                        + " FROM btda.observations WHERE info_hash = '" + infoHash + "' AND peer_key IN (SELECT peer_key FROM"
                        + " btda.peers FINAL WHERE info_hash = '" + infoHash + "' AND address = '" + e.getValue() + "')"
                        + " ORDER BY observed_at FORMAT TSV"));
            }
        }
        for (SwarmPeer p : late) {
            Set<String> rows = rowsOf(ch, p);
            LOG.info("{}: peer rows {}", p.name(), rows);
            assertThat(confirmedOf(ch, rows)).as(p.name() + ": confirmed downloads over all its peer rows " + rows).isEqualTo(1);
        }

        // Every peer row has its address when addresses are stored, also those found but never reached.
        assertThat(ch.count("SELECT count() FROM btda.peers FINAL WHERE info_hash = '" + infoHash
                + "' AND (address IS NULL OR address = '')")).as("peer rows without an address").isZero();

        // btda's own endpoint (listen port on any of its addresses) is never a peer, whoever passed it on.
        PeerKeys keys = btda.peerKeys();
        int listenPort = btda.settings().get(Settings.LISTEN_PORT);
        Set<String> self = new TreeSet<>();
        List<String> local = new ArrayList<>(List.of(btda.settings().get(Settings.LISTEN_ADDRESS), "127.0.0.1"));
        swarm.trackers().forEach(t -> local.add(t.address().getHostAddress()));
        for (String a : local) self.add(keys.key(infoHash, InetAddress.getByName(a), listenPort));
        List<String> known = ch.rows("SELECT peer_key FROM btda.peers FINAL WHERE info_hash = '" + infoHash + "'")
                .stream().map(r -> r[0]).toList();
        assertThat(known).as("btda's own address:listen port among the peers").doesNotContainAnyElementsOf(self);
    }

    /**
     * Every peer row of one client: those at its own address, and, for a client that does not bind its outgoing
     * sockets (ctorrent), the rows of the connections it opened to btda. Inside the namespace every address is local,
     * so the kernel gives such a connection btda's own address as its source (on a real network it is the client's):
     * those rows carry btda's listen address, are keyed by the client's peer id, and this client's is the one whose first
     * observation shows a download that had barely begun (the fixture's other ctorrent leecher was far along by then).
     */
    private Set<String> rowsOf(ClickHouseHttp ch, SwarmPeer p) throws Exception {
        String ip = p.peerAddress().getAddress().getHostAddress();
        Set<String> rows = new TreeSet<>(ch.rows("SELECT peer_key FROM btda.peers FINAL WHERE info_hash = '" + infoHash
                + "' AND address = '" + ip + "'").stream().map(r -> r[0]).toList());
        if (p.implementation().startsWith("Enhanced CTorrent")) {
            rows.addAll(ch.rows("SELECT peer_key FROM btda.peers FINAL WHERE info_hash = '" + infoHash + "' AND address = '"
                    + btda.settings().get(Settings.LISTEN_ADDRESS) + "' AND identity = 'PEER_ID' AND client LIKE 'Enhanced CTorrent%'"
                    + " AND first_pieces < " + swarm.torrent().pieceCount() / 5).stream().map(r -> r[0]).toList());
        }
        return rows;
    }

    private long confirmedOf(ClickHouseHttp ch, Set<String> rows) throws Exception {
        if (rows.isEmpty()) return 0;
        return ch.count("SELECT count() FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash
                + "' AND peer_key IN ('" + String.join("','", rows) + "')");
    }
}

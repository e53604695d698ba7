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
        btda.start();
        // "after btda's first announce": the trackers answered it, so they also hold btda's address and port
        ClickHouseHttp ch = btda.clickHouse();
        E2eWaits.until(Duration.ofSeconds(120), "btda's first tracker answers", () -> ch.count(
                "SELECT count() FROM btda.discoveries WHERE info_hash = '" + infoHash + "' AND source = 'TRACKER'") > 0);
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
        E2eWaits.until(Duration.ofSeconds(120), "a confirmed download of every late joiner", () -> {
            for (String ip : ips.values()) {
                if (confirmedOf(ch, ip) < 1) return false;
            }
            return true;
        });
        for (Map.Entry<String, String> e : ips.entrySet()) {
            LOG.info("{}: peers {}", e.getKey(), ch.query("SELECT peer_key, identity, arrayStringConcat(sources, ','), contacts,"
                    + " failures FROM btda.peers FINAL WHERE info_hash = '" + infoHash + "' AND address = '" + e.getValue()
                    + "' FORMAT TSV"));
            assertThat(confirmedOf(ch, e.getValue())).as(e.getKey() + ": confirmed downloads over all its peer rows").isEqualTo(1);
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

    private long confirmedOf(ClickHouseHttp ch, String ip) throws Exception {
        return ch.count("SELECT count() FROM btda.confirmed_downloads FINAL WHERE info_hash = '" + infoHash
                + "' AND peer_key IN (SELECT peer_key FROM btda.peers FINAL WHERE info_hash = '" + infoHash
                + "' AND address = '" + ip + "')");
    }
}

package org.btda.it.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Proves the fixture: real clients really download from each other, at their limits, and the trackers know them. */
@Tag("swarm")
@ExtendWith(SwarmExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmSelfTest {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmSelfTest.class);

    @Test
    @Order(1)
    void fixtureDescribesTheSwarm(Swarm swarm) {
        SwarmTorrent t = swarm.torrent();
        assertThat(t.infoHashHex()).matches("[0-9a-f]{40}");
        assertThat((long) t.pieceCount() * t.pieceLength()).isGreaterThanOrEqualTo(t.totalSize())
                .isLessThan(t.totalSize() + t.pieceLength());
        assertThat(swarm.leechers()).hasSizeGreaterThanOrEqualTo(4);
        // one leecher per client and configuration (libtorrent runs twice: with TCP and uTP-only)
        Set<String> impls = swarm.leechers().stream().map(p -> p.implementation()).collect(Collectors.toSet());
        assertThat(impls).hasSize(swarm.leechers().size());
        Set<Integer> subnets = swarm.peers().stream().map(p -> p.peerAddress().getAddress().getAddress()[2] & 0xff)
                .collect(Collectors.toSet());
        assertThat(subnets).hasSize(swarm.peers().size());
        assertThat(swarm.leechers()).allSatisfy(p -> assertThat(p.downloadLimitBytesPerSecond()).isPositive());
    }

    @Test
    @Order(2)
    void bothTrackersAnswerAnAnnounceAndListThePeers(Swarm swarm) throws Exception {
        Set<InetSocketAddress> union = new HashSet<>();
        for (SwarmTracker tracker : swarm.trackers()) {
            Set<InetSocketAddress> expected = swarm.peers().stream().filter(p -> p.announcesTo().contains(tracker))
                    .map(SwarmPeer::peerAddress).collect(Collectors.toSet());
            // Every tracker gets the all-tier clients plus some single-tracker ones, so both know several peers.
            assertThat(expected).contains(swarm.seeder().peerAddress()).hasSizeGreaterThanOrEqualTo(4);
            // Clients announce a few seconds after start; give them a bounded while.
            Set<InetSocketAddress> listed = new HashSet<>();
            Waits.until(Duration.ofSeconds(90), tracker.implementation() + " listing " + expected, () -> {
                listed.clear();
                listed.addAll(TrackerAnnounce.peers(tracker.httpAnnounceUrl(), swarm.torrent().infoHash()));
                return listed.containsAll(expected);
            });
            LOG.info("{} lists {}", tracker.implementation(), listed);
            assertThat(listed).containsAll(expected);
            union.addAll(listed);
        }
        // Between them the trackers know the whole swarm.
        assertThat(union).containsAll(swarm.peers().stream().map(SwarmPeer::peerAddress).toList());
    }

    @Test
    @Order(3)
    void everyLeecherProgressesAtItsLimitAndCompletes(Swarm swarm) throws Exception {
        double nominal = swarm.options().nominalDownloadSeconds();
        Map<String, Duration> times = swarm.awaitAllComplete(Duration.ofSeconds((long) (nominal * 2) + 120));
        LOG.info("download times (nominal {} s at the limit): {}", Math.round(nominal), times);
        for (SwarmPeer p : swarm.leechers()) {
            List<Double> progress = swarm.samples().stream().filter(s -> s.peer().equals(p.name()))
                    .map(Swarm.Sample::progress).toList();
            // Progress is visible: many distinct readings between 0 and 1, and it never goes backwards.
            long partial = progress.stream().filter(v -> v > 0 && v < 1).distinct().count();
            assertThat(partial).as(p.name() + " distinct partial readings").isGreaterThanOrEqualTo(10);
            for (int i = 1; i < progress.size(); i++) {
                assertThat(progress.get(i)).as(p.name() + " reading " + i).isGreaterThanOrEqualTo(progress.get(i - 1));
            }
            assertThat(p.progress()).as(p.name() + " final").isEqualTo(1.0);
            // The limit held (later tests compare measured speeds with it): not faster than the limit allows...
            double seconds = times.get(p.name()).toMillis() / 1000.0;
            double bytesPerSecond = swarm.torrent().totalSize() / seconds;
            assertThat(bytesPerSecond).as(p.name() + " average speed").isLessThan(p.downloadLimitBytesPerSecond() * 1.15);
            // ...and not absurdly slower: within the expected time.
            assertThat(seconds).as(p.name() + " seconds").isLessThan(nominal * 2 + 60);
        }
    }

    @Test
    @Order(4)
    void halfLeecherStaysAtAboutHalf(Swarm swarm) throws Exception {
        SwarmPeer half = swarm.halfLeecher().orElseThrow();
        Waits.until(Duration.ofSeconds((long) swarm.options().nominalDownloadSeconds() + 120), "half leecher frozen",
                () -> swarm.halfLeecherFrozenAt().isPresent());
        double frozen = swarm.halfLeecherFrozenAt().orElseThrow();
        Thread.sleep(10_000); // long enough for 800 KiB more at the limit if the freeze did not hold
        double now = half.progress();
        LOG.info("half leecher frozen at {}, now {}", frozen, now);
        assertThat(frozen).isBetween(0.5, 0.6);
        assertThat(now).isBetween(0.5, 0.65).isLessThan(frozen + 0.03);
    }
}

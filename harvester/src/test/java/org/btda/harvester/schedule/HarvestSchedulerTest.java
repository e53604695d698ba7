package org.btda.harvester.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.btda.events.HarvestKind;
import org.btda.harvester.testing.HostileHttpServer;
import org.btda.harvester.testing.RealTracker;
import org.btda.harvester.testing.TestTorrents;
import org.btda.harvester.tracker.HttpTrackerClient;
import org.btda.harvester.tracker.RetransmitPolicy;
import org.btda.harvester.tracker.TrackerClients;
import org.btda.harvester.tracker.UdpTrackerClient;
import org.btda.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.Test;

/** BEP 12 within a tier, against a real tracker and a garbage one sharing the tier. */
class HarvestSchedulerTest {
    @Test
    void failingTrackerIsSkippedAndTheAnsweringOneMovesToTheFrontOfItsTier() throws Exception {
        byte[] draft = TestTorrents.torrent("tiers", List.of());
        Metainfo probe = Metainfo.parse(draft);
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
        try (HostileHttpServer garbage = new HostileHttpServer(HostileHttpServer.body("garbage".getBytes(StandardCharsets.US_ASCII)));
             RealTracker tracker = RealTracker.opentracker(List.of(probe.infoHash().hex()));
             TrackerClients client = new TrackerClients(new HttpTrackerClient(Duration.ofSeconds(2)),
                     new UdpTrackerClient(RetransmitPolicy.bep15(Duration.ofSeconds(1)), InetAddress.getLoopbackAddress()))) {
            Metainfo m = Metainfo.parse(rebuild(draft, List.of(List.of(garbage.announceUrl(), tracker.httpAnnounce()))));
            List<TrackerOutcome> outcomes = new CopyOnWriteArrayList<>();
            SchedulePolicy policy = new SchedulePolicy(Duration.ofSeconds(1), Duration.ofMillis(300), Optional.of(Duration.ofMillis(300)),
                    Duration.ofHours(1), Duration.ofMinutes(10), Duration.ofHours(1), 50);
            HarvestScheduler s = new HarvestScheduler(client,
                    new AnnounceIdentity("-BD0100-schedschedsc".getBytes(StandardCharsets.US_ASCII), 1, 40300), policy, outcomes::add, exec, Clock.systemUTC());
            Metainfo fm = m;
            exec.execute(() -> s.add(fm));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            // Wait for everything asserted below (announces and both scrapes), not only the announces: the scrapes run
            // concurrently and would otherwise be read while still in flight.
            while (!(announcesTo(outcomes, tracker.httpAnnounce()) >= 4 && scraped(outcomes, tracker.httpAnnounce())
                    && scraped(outcomes, garbage.announceUrl())) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            exec.submit(() -> s.remove(fm.infoHash())).get();

            List<TrackerOutcome> announces = outcomes.stream().filter(o -> o.kind() == HarvestKind.ANNOUNCE).toList();
            assertThat(announcesTo(outcomes, tracker.httpAnnounce())).isGreaterThanOrEqualTo(4);
            // The garbage tracker is tried at most once (when the shuffle put it first), then backs off for 10 minutes
            // while the answering tracker sits at the front of the tier.
            List<TrackerOutcome> toGarbage = announces.stream().filter(o -> o.tracker().toString().equals(garbage.announceUrl())).toList();
            assertThat(toGarbage).hasSizeLessThanOrEqualTo(1).allSatisfy(o -> assertThat(o.error()).contains("malformed"));
            assertThat(announces.stream().filter(o -> o.tracker().toString().equals(tracker.httpAnnounce())))
                    .allSatisfy(o -> assertThat(o.error()).isNull());
            // Both trackers are scraped; only the garbage one fails.
            assertThat(outcomes).anySatisfy(o -> {
                assertThat(o.kind()).isEqualTo(HarvestKind.SCRAPE);
                assertThat(o.tracker().toString()).isEqualTo(tracker.httpAnnounce());
                assertThat(o.scrape()).isNotNull();
            });
            assertThat(outcomes).anySatisfy(o -> {
                assertThat(o.kind()).isEqualTo(HarvestKind.SCRAPE);
                assertThat(o.tracker().toString()).isEqualTo(garbage.announceUrl());
                assertThat(o.error()).isNotNull();
            });
        } finally {
            exec.shutdownNow();
        }
    }

    private static boolean scraped(List<TrackerOutcome> outcomes, String url) {
        return outcomes.stream().anyMatch(o -> o.kind() == HarvestKind.SCRAPE && o.tracker().toString().equals(url));
    }

    private static long announcesTo(List<TrackerOutcome> outcomes, String url) {
        return outcomes.stream().filter(o -> o.kind() == HarvestKind.ANNOUNCE && o.tracker().toString().equals(url) && o.error() == null).count();
    }

    private static byte[] rebuild(byte[] torrent, List<List<String>> tiers) {
        org.btda.protocol.bencode.BDict d = (org.btda.protocol.bencode.BDict) org.btda.protocol.bencode.Bencode.decode(torrent);
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("announce-list", tiers);
        m.put("info", d.get("info"));
        return org.btda.protocol.bencode.Bencode.encode(m);
    }
}

package org.btda.harvester;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.btda.common.config.Settings;
import org.btda.common.identity.PeerKeys;
import org.btda.common.identity.Secrets;
import org.btda.common.kafka.PeerRefs;
import org.btda.common.kafka.TopicSpec;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;
import org.btda.events.HarvestKind;
import org.btda.events.HarvestRequest;
import org.btda.events.PeerDiscovered;
import org.btda.events.PeerSource;
import org.btda.events.TorrentRegistered;
import org.btda.events.codec.EventCodec;
import org.btda.harvester.testing.HostileHttpServer;
import org.btda.harvester.testing.RealTracker;
import org.btda.harvester.testing.TestTorrents;
import org.btda.harvester.tracker.AnnounceEvent;
import org.btda.harvester.tracker.AnnounceRequest;
import org.btda.harvester.tracker.HttpTrackerClient;
import org.btda.harvester.tracker.RetransmitPolicy;
import org.btda.harvester.tracker.UdpTrackerClient;
import org.btda.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: HarvesterService with a real Kafka broker, real opentracker (HTTP and UDP) and two hostile trackers in
 * other tiers. Other peers announce first; btda must publish them, filter itself and the do-not-contact network, and
 * record one HarvestRequest per announce and scrape, errors only for the hostile trackers.
 */
class HarvesterServiceTest {
    private static final int OTHER_PORT = 40100;
    private static final int LISTEN_PORT = 40199;

    @TempDir
    Path tmp;

    @Test
    void publishesPeersAndHarvestRequestsFromRealTrackers() throws Exception {
        TestKafka kafka = TestKafka.shared();
        Path torrents = Files.createDirectories(tmp.resolve("torrents"));
        String prefix = TestKafka.uniqueTopic("harv") + ".";

        try (HostileHttpServer garbage = new HostileHttpServer(HostileHttpServer.body("this is not bencode".getBytes(StandardCharsets.US_ASCII)));
             HostileHttpServer silent = new HostileHttpServer(HostileHttpServer.SILENT)) {
            // opentracker (whitelist build) must know the info hash at start; the hash does not depend on the
            // trackers (they are outside the info dictionary), so build the torrent first and add the tiers later.
            byte[] draft = TestTorrents.torrent("e2e", List.of(List.of("http://x/announce")));
            Metainfo draftMeta = Metainfo.parse(draft);
            try (RealTracker tracker = RealTracker.opentracker(List.of(draftMeta.infoHash().hex()))) {
                List<List<String>> tiers = List.of(List.of(garbage.announceUrl()), List.of(tracker.httpAnnounce()),
                        List.of(tracker.udpAnnounce()), List.of(silent.announceUrl()));
                byte[] torrentBytes = withTrackers(draft, tiers);
                Metainfo meta = Metainfo.parse(torrentBytes);
                assertThat(meta.infoHash()).isEqualTo(draftMeta.infoHash());
                String ih = meta.infoHash().hex();

                // Other peers announce first: one from 127.0.0.1 over HTTP, one from 127.0.0.2 over UDP (do-not-contact).
                try (HttpTrackerClient http = new HttpTrackerClient(Duration.ofSeconds(5));
                     UdpTrackerClient udp = new UdpTrackerClient(RetransmitPolicy.bep15(Duration.ofSeconds(1)), InetAddress.getByName("127.0.0.2"))) {
                    http.announce(URI.create(tracker.httpAnnounce()), new AnnounceRequest(meta.infoHash(),
                            "-TR3000-otherpeer001".getBytes(StandardCharsets.US_ASCII), OTHER_PORT, 100, 50, 1, AnnounceEvent.STARTED, null))
                            .get(10, TimeUnit.SECONDS);
                    udp.announce(URI.create(tracker.udpAnnounce()), new AnnounceRequest(meta.infoHash(),
                            "-TR3000-otherpeer002".getBytes(StandardCharsets.US_ASCII), OTHER_PORT + 1, 100, 50, 2, AnnounceEvent.STARTED, null))
                            .get(10, TimeUnit.SECONDS);
                }

                Settings settings = Settings.defaults()
                        .with("kafka.topic-prefix", prefix)
                        .with("kafka.partitions", "1")
                        .with("torrents.dir", torrents.toString())
                        .with("torrents.scan-interval", "200ms")
                        .with("state.dir", tmp.resolve("state").toString())
                        .with("listen.port", String.valueOf(LISTEN_PORT))
                        .with("tracker.min-interval", "1s")
                        .with("tracker.interval-cap", "2s")
                        .with("tracker.scrape-interval", "2s")
                        .with("tracker.timeout", "1s")
                        .with("do-not-contact", "127.0.0.2/32")
                        .with("kafka.bootstrap-servers", kafka.bootstrapServers());
                Topics topics = new Topics(KafkaConfig.from(settings));
                for (TopicSpec spec : topics.core()) {
                    kafka.createTopic(new NewTopic(spec.name(), 1, (short) 1));
                }
                Files.write(torrents.resolve("e2e.torrent"), torrentBytes);
                Files.write(torrents.resolve("broken.torrent"), "d4:infoi3ee".getBytes(StandardCharsets.US_ASCII));

                List<TorrentRegistered> registered = new ArrayList<>();
                List<ConsumerRecord<String, PeerDiscovered>> discovered = new ArrayList<>();
                List<HarvestRequest> requests = new ArrayList<>();
                HarvesterService service = new HarvesterService(HarvesterConfig.from(settings));
                try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
                    consumer.subscribe(List.of(topics.torrents(), topics.discovered(), topics.harvestRequests()));
                    service.start();
                    Predicate<Void> done = v -> requests.stream().anyMatch(r -> r.getKind() == HarvestKind.ANNOUNCE
                                    && r.getTarget().equals(tracker.udpAnnounce()) && r.getError() == null && r.getDuplicates() > 0)
                            && requests.stream().anyMatch(r -> r.getKind() == HarvestKind.ANNOUNCE
                                    && r.getTarget().equals(tracker.httpAnnounce()) && r.getError() == null && r.getDuplicates() > 0)
                            && requests.stream().anyMatch(r -> r.getTarget().equals(silent.announceUrl()) && r.getError() != null)
                            && requests.stream().anyMatch(r -> r.getKind() == HarvestKind.SCRAPE && r.getError() == null
                                    && r.getTarget().equals(tracker.udpAnnounce()));
                    poll(consumer, topics, registered, discovered, requests, done, Duration.ofSeconds(40));

                    // Registered once, with its tiers.
                    assertThat(registered).hasSize(1);
                    TorrentRegistered reg = registered.get(0);
                    assertThat(reg.getInfoHash()).isEqualTo(ih);
                    assertThat(reg.getMonitored()).isTrue();
                    assertThat(reg.getName()).isEqualTo("e2e");
                    assertThat(reg.getTrackers()).hasSize(4);
                    assertThat(service.stats().malformedFiles.get()).isEqualTo(1);

                    // The other peer, keyed as the contract says; never ourselves, never the do-not-contact network.
                    PeerKeys keys = new PeerKeys(Secrets.loadOrCreate(settings.secretFile()));
                    String expectedKey = keys.key(ih, InetAddress.getByName("127.0.0.1"), OTHER_PORT);
                    assertThat(discovered).anySatisfy(r -> {
                        assertThat(r.key()).isEqualTo(PeerRefs.key(ih, expectedKey));
                        assertThat(r.value().getPeerKey()).isEqualTo(expectedKey);
                        assertThat(r.value().getSource()).isEqualTo(PeerSource.TRACKER);
                        assertThat(r.value().getEndpoint().getPort()).isEqualTo(OTHER_PORT);
                        assertThat(r.value().getTracker()).isIn(tracker.httpAnnounce(), tracker.udpAnnounce());
                    });
                    assertThat(discovered).noneMatch(r -> r.value().getEndpoint().getPort() == LISTEN_PORT);
                    assertThat(discovered).noneMatch(r -> r.value().getEndpoint().getAddress().get(3) == 2);
                    assertThat(service.stats().filteredSelf.get()).as("opentracker echoes us back").isPositive();
                    assertThat(service.stats().filteredDoNotContact.get()).isPositive();

                    // Hostile trackers fail on their own; the real ones answer.
                    assertThat(requests).anySatisfy(r -> {
                        assertThat(r.getTarget()).isEqualTo(garbage.announceUrl());
                        assertThat(r.getError()).contains("malformed");
                    });
                    assertThat(requests).anySatisfy(r -> {
                        assertThat(r.getTarget()).isEqualTo(silent.announceUrl());
                        assertThat(r.getError()).contains("timeout");
                    });
                    assertThat(requests).anySatisfy(r -> {
                        assertThat(r.getKind()).isEqualTo(HarvestKind.ANNOUNCE);
                        assertThat(r.getTarget()).isEqualTo(tracker.httpAnnounce());
                        assertThat(r.getError()).isNull();
                        assertThat(r.getPeersReceived()).isPositive();
                        assertThat(r.getLeechers()).isGreaterThanOrEqualTo(2);
                    });
                    // HTTP and UDP answer at nearly the same time; whichever is first reports the other peer as new.
                    assertThat(requests.stream().filter(r -> r.getKind() == HarvestKind.ANNOUNCE && r.getError() == null)
                            .mapToInt(HarvestRequest::getPeersNew).sum()).isEqualTo(1);
                    assertThat(requests).anySatisfy(r -> {
                        assertThat(r.getKind()).isEqualTo(HarvestKind.SCRAPE);
                        assertThat(r.getTarget()).isEqualTo(tracker.udpAnnounce());
                        assertThat(r.getLeechers()).isGreaterThanOrEqualTo(2);
                        assertThat(r.getSeeders()).isZero();
                        assertThat(r.getCompleted()).isZero();
                    });
                    // A later announce sees the same peers again: duplicates, nothing new.
                    assertThat(requests).anySatisfy(r -> {
                        assertThat(r.getTarget()).isEqualTo(tracker.httpAnnounce());
                        assertThat(r.getDuplicates()).isPositive();
                        assertThat(r.getPeersNew()).isZero();
                    });

                    // Removing the file stops monitoring.
                    Files.delete(torrents.resolve("e2e.torrent"));
                    poll(consumer, topics, registered, discovered, requests, v -> registered.size() >= 2, Duration.ofSeconds(20));
                    assertThat(registered.get(1).getMonitored()).isFalse();
                    assertThat(registered.get(1).getInfoHash()).isEqualTo(ih);
                } finally {
                    service.close();
                }
                // The peer id survives a restart.
                String id = ClientIdentity.loadOrCreate(tmp.resolve("state")).peerIdText();
                assertThat(id).startsWith("-BD0100-").hasSize(20);
                assertThat(ClientIdentity.loadOrCreate(tmp.resolve("state")).peerIdText()).isEqualTo(id);
            }
        }
    }

    /** Replaces the announce-list of a torrent (outside the info dictionary, so the info hash stays). */
    private static byte[] withTrackers(byte[] torrent, List<List<String>> tiers) {
        org.btda.protocol.bencode.BDict d = (org.btda.protocol.bencode.BDict) org.btda.protocol.bencode.Bencode.decode(torrent);
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("announce", tiers.get(0).get(0));
        m.put("announce-list", tiers);
        m.put("info", d.get("info"));
        return org.btda.protocol.bencode.Bencode.encode(m);
    }

    private static KafkaConsumer<String, byte[]> consumer(TestKafka kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "harvester-test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static void poll(KafkaConsumer<String, byte[]> consumer, Topics topics, List<TorrentRegistered> registered,
            List<ConsumerRecord<String, PeerDiscovered>> discovered, List<HarvestRequest> requests, Predicate<Void> done,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(null) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(topics.torrents())) {
                    registered.add(EventCodec.decode(TorrentRegistered.class, r.value()));
                } else if (r.topic().equals(topics.discovered())) {
                    discovered.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(),
                            EventCodec.decode(PeerDiscovered.class, r.value())));
                } else {
                    requests.add(EventCodec.decode(HarvestRequest.class, r.value()));
                }
            }
        }
    }
}

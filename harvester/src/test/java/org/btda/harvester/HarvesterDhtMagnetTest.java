package org.btda.harvester;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.btda.events.TorrentSource;
import org.btda.events.codec.EventCodec;
import org.btda.harvester.dht.DhtConfig;
import org.btda.harvester.testing.TestTorrents;
import org.btda.protocol.metainfo.InfoHash;
import org.btda.protocol.metainfo.Metainfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HarvesterService with the DHT on, against the shared test broker and a private DHT on loopback: eight bittorrent-dht
 * nodes (private-dht.mjs, 127.60–62.x; nothing public is ever contacted: dht.bootstrap names only them). Covers
 * periodic get_peers lookups and announce_peer, and magnets.file resolved through the DHT from a real libtorrent
 * seeder whose only discovery channel is the private DHT (its trackers are unreachable).
 */
class HarvesterDhtMagnetTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path DHT_MODULE = ROOT.resolve(".cache/node/node_modules/bittorrent-dht");
    private static final Pattern ENDPOINT = Pattern.compile("\"(127\\.[0-9.]+):(\\d+)\"");
    private static final String BTDA_DHT_IP = "127.64.0.1";

    @TempDir
    Path tmp;
    private final List<Process> processes = new ArrayList<>();
    private BufferedReader swarmOut;
    private Writer swarmIn;

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.getOutputStream().close();
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Starts the private DHT; node 0 (127.60.0.1) announces {@code hash} with {@code port}. Returns the node list. */
    private List<String> privateDht(InfoHash hash, int port) throws Exception {
        assertThat(DHT_MODULE.resolve("index.js")).as("bittorrent-dht (scripts/setup.sh node)").exists();
        Path script = Path.of(getClass().getResource("/dht/private-dht.mjs").toURI());
        Process p = new ProcessBuilder("node", script.toString(), DHT_MODULE.toString(), "8", hash.hex(), String.valueOf(port))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        swarmOut = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        swarmIn = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        String ready = swarmOut.readLine();
        assertThat(ready).as("private DHT").isNotNull().contains("\"ready\":true");
        List<String> nodes = new ArrayList<>();
        Matcher m = ENDPOINT.matcher(ready);
        while (m.find()) {
            nodes.add(m.group(1) + ":" + m.group(2));
        }
        assertThat(nodes).hasSize(8);
        return nodes;
    }

    private String swarmCommand(String c) throws Exception {
        swarmIn.write(c + "\n");
        swarmIn.flush();
        return swarmOut.readLine();
    }

    private Settings settings(String prefix, List<String> dhtNodes, int listenPort) {
        return Settings.defaults()
                .with("kafka.bootstrap-servers", TestKafka.shared().bootstrapServers())
                .with("kafka.topic-prefix", prefix)
                .with("kafka.partitions", "1")
                .with("torrents.dir", tmp.resolve("torrents").toString())
                .with("torrents.scan-interval", "200ms")
                .with("state.dir", tmp.resolve("state").toString())
                .with("listen.port", String.valueOf(listenPort))
                .with("tracker.timeout", "1s")
                .with("dht.enabled", "true")
                // only our private nodes: the default list names public routers
                .with("dht.bootstrap", String.join(",", dhtNodes.subList(1, 3)))
                .with("dht.bind-address", BTDA_DHT_IP)
                .with("dht.port", "0")
                .with("dht.interval", "1s")
                .with("dht.query-timeout", "1s");
    }

    @Test
    void dhtLookupsPublishPeersAndAnnounceOurListenPort() throws Exception {
        TestKafka kafka = TestKafka.shared();
        byte[] torrentBytes = TestTorrents.torrent("dht-only", List.of());
        Metainfo meta = Metainfo.parse(torrentBytes);
        String ih = meta.infoHash().hex();
        List<String> nodes = privateDht(meta.infoHash(), 40001);
        int listenPort = 40299;
        Settings settings = settings(TestKafka.uniqueTopic("harvdht") + ".", nodes, listenPort).with("passive", "true");
        Topics topics = createTopics(kafka, settings);
        Files.createDirectories(tmp.resolve("torrents"));
        Files.write(tmp.resolve("torrents/dht-only.torrent"), torrentBytes);

        Events ev = new Events(topics);
        HarvesterService service = new HarvesterService(HarvesterConfig.from(settings));
        try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
            consumer.subscribe(List.of(topics.torrents(), topics.discovered(), topics.harvestRequests()));
            service.start();
            // Lookups repeat every second: a later one sees the announced peer again (a duplicate) and, once our own
            // announce_peer is stored, ourselves (filtered).
            ev.poll(consumer, () -> ev.dhtRequests().stream().anyMatch(r -> r.getDuplicates() > 0 && r.getPeersNew() == 0)
                    && service.stats().filteredSelf.get() > 0, Duration.ofSeconds(40));

            PeerKeys keys = new PeerKeys(Secrets.loadOrCreate(settings.secretFile()));
            String key = keys.key(ih, InetAddress.getByName("127.60.0.1"), 40001);
            assertThat(ev.discovered).anySatisfy(r -> {
                assertThat(r.key()).isEqualTo(PeerRefs.key(ih, key));
                assertThat(r.value().getSource()).isEqualTo(PeerSource.DHT);
                assertThat(r.value().getTracker()).isNull();
                assertThat(r.value().getEndpoint().getPort()).isEqualTo(40001);
            });
            assertThat(ev.discovered).noneMatch(r -> r.value().getEndpoint().getPort() == listenPort);
            assertThat(ev.discovered).allSatisfy(r -> assertThat(r.value().getSource()).isEqualTo(PeerSource.DHT));

            List<HarvestRequest> lookups = ev.dhtRequests();
            assertThat(lookups).allSatisfy(r -> {
                assertThat(r.getInfoHash()).isEqualTo(ih);
                assertThat(r.getTarget()).isEqualTo("dht");
                assertThat(r.getError()).isNull();
                assertThat(r.getNodesQueried()).isPositive();
                assertThat(r.getPeersReceived()).isGreaterThanOrEqualTo(1);
            });
            assertThat(lookups.stream().mapToInt(HarvestRequest::getPeersNew).sum()).as("the one peer is new once").isEqualTo(1);
            assertThat(ev.requests).noneMatch(r -> r.getKind() == HarvestKind.ANNOUNCE); // no trackers in this torrent

            // passive: our listen port was announced; a third-party node's lookup finds us at the DHT socket's address
            assertThat(swarmCommand("lookup 5 " + ih)).contains("\"error\":null").contains("\"" + BTDA_DHT_IP + ":" + listenPort + "\"");
            assertThat(service.dhtNode().counters().queriesReceived()).isPositive();
            assertThat(service.stats().dhtLookupErrors.get()).isZero();
        } finally {
            service.close();
        }
        Path state = tmp.resolve("state").resolve(DhtConfig.STATE_FILE_NAME);
        assertThat(state).as("DHT node state saved on close").exists();
        assertThat(Files.size(state)).isGreaterThan(20);
    }

    @Test
    void magnetResolvedThroughDhtFromLibtorrentRegistersLikeATorrentFile() throws Exception {
        TestKafka kafka = TestKafka.shared();
        // libtorrent seeds on 127.60.0.1, the address the private DHT's node 0 announces from: the DHT is the only
        // way to find it (the magnet's tracker is a closed port).
        Path seederDir = Files.createDirectories(tmp.resolve("seeder"));
        Process seeder = new ProcessBuilder("/usr/bin/python3", Path.of(getClass().getResource("/magnet/lt-seeder.py").toURI()).toString(),
                seederDir.toString(), "127.60.0.1", "2000000").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(seeder);
        String ready = new BufferedReader(new InputStreamReader(seeder.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(ready).as("libtorrent seeder").isNotNull().startsWith("ready ");
        int seederPort = Integer.parseInt(ready.split(" ")[1]);
        Metainfo torrent = Metainfo.parse(Files.readAllBytes(seederDir.resolve("payload.torrent")));
        String ih = torrent.infoHash().hex();
        List<String> nodes = privateDht(torrent.infoHash(), seederPort);

        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String tracker = "http://127.0.0.1:" + closed + "/announce";
        InfoHash nobody = InfoHash.sha1("a torrent no peer has".getBytes(StandardCharsets.US_ASCII));
        Path magnets = tmp.resolve("magnets.txt");
        Files.writeString(magnets, String.join("\n",
                "# magnets under test",
                "this is not a magnet",
                "magnet:?xt=urn:btih:" + nobody.hex() + "&dn=nobody",
                "magnet:?xt=urn:btih:" + ih + "&dn=payload.bin&tr=" + tracker,
                "magnet:?xt=urn:btih:zzzz"));

        Settings settings = settings(TestKafka.uniqueTopic("harvmag") + ".", nodes, 40298)
                .with("magnets.file", magnets.toString());
        Topics topics = createTopics(kafka, settings);
        Files.createDirectories(tmp.resolve("torrents"));

        Events ev = new Events(topics);
        HarvesterService service = new HarvesterService(HarvesterConfig.from(settings));
        try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
            consumer.subscribe(List.of(topics.torrents(), topics.discovered(), topics.harvestRequests()));
            service.start();
            ev.poll(consumer, () -> !ev.registered.isEmpty()
                    && ev.requests.stream().filter(r -> r.getKind() == HarvestKind.METADATA && r.getInfoHash().equals(nobody.hex())).count() >= 2
                    && ev.dhtRequests().stream().anyMatch(r -> r.getInfoHash().equals(ih) && r.getStartedAt().isAfter(ev.registeredAt)),
                    Duration.ofSeconds(60));

            // Registered exactly as a .torrent would be, with source MAGNET and the magnet's tracker as a tier.
            assertThat(ev.registered).hasSize(1);
            TorrentRegistered reg = ev.registered.get(0);
            assertThat(reg.getInfoHash()).isEqualTo(ih);
            assertThat(reg.getSource()).isEqualTo(TorrentSource.MAGNET);
            assertThat(reg.getOrigin()).isEqualTo("payload.bin");
            assertThat(reg.getPieceCount()).isEqualTo(torrent.pieceCount());
            assertThat(reg.getPieceLength()).isEqualTo(torrent.pieceLength());
            assertThat(reg.getTotalSize()).isEqualTo(2_000_000L);
            assertThat(reg.getName()).isEqualTo(torrent.name());
            assertThat(reg.getTrackers()).containsExactly(List.of(tracker));
            assertThat(reg.getMonitored()).isTrue();

            // One METADATA request per attempt: success for the seeded torrent, failures (retried) for the other.
            assertThat(ev.requests).anySatisfy(r -> {
                assertThat(r.getKind()).isEqualTo(HarvestKind.METADATA);
                assertThat(r.getInfoHash()).isEqualTo(ih);
                assertThat(r.getError()).isNull();
                assertThat(r.getPeersReceived()).isGreaterThanOrEqualTo(1);
            });
            assertThat(ev.requests).filteredOn(r -> r.getKind() == HarvestKind.METADATA && r.getInfoHash().equals(nobody.hex()))
                    .hasSizeGreaterThanOrEqualTo(2).allSatisfy(r -> assertThat(r.getError()).contains("no peers"));
            // The seeder was found through the DHT and published as a DHT peer.
            assertThat(ev.discovered).anySatisfy(r -> {
                assertThat(r.value().getInfoHash()).isEqualTo(ih);
                assertThat(r.value().getSource()).isEqualTo(PeerSource.DHT);
                assertThat(r.value().getEndpoint().getPort()).isEqualTo(seederPort);
            });
            // The magnet's tracker was tried (and failed: nothing listens), during resolution and by the scheduler.
            assertThat(ev.requests).anySatisfy(r -> {
                assertThat(r.getKind()).isEqualTo(HarvestKind.ANNOUNCE);
                assertThat(r.getTarget()).isEqualTo(tracker);
                assertThat(r.getError()).isNotNull();
            });
            // Bad lines are counted once each however often the file is scanned, and did not block the others.
            assertThat(service.stats().magnetsInvalid.get()).isEqualTo(2);
            assertThat(service.stats().magnetsAdded.get()).isEqualTo(2);
            assertThat(service.stats().magnetsResolved.get()).isEqualTo(1);
        } finally {
            service.close();
        }
    }

    private static Topics createTopics(TestKafka kafka, Settings settings) {
        Topics topics = new Topics(KafkaConfig.from(settings));
        for (TopicSpec spec : topics.core()) {
            kafka.createTopic(new NewTopic(spec.name(), 1, (short) 1));
        }
        return topics;
    }

    private static KafkaConsumer<String, byte[]> consumer(TestKafka kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "harvester-dht-test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Everything the harvester published, decoded. */
    private static final class Events {
        final Topics topics;
        final List<TorrentRegistered> registered = new ArrayList<>();
        final List<ConsumerRecord<String, PeerDiscovered>> discovered = new ArrayList<>();
        final List<HarvestRequest> requests = new ArrayList<>();
        java.time.Instant registeredAt = java.time.Instant.MAX;

        Events(Topics topics) {
            this.topics = topics;
        }

        List<HarvestRequest> dhtRequests() {
            return requests.stream().filter(r -> r.getKind() == HarvestKind.DHT_LOOKUP).toList();
        }

        void poll(KafkaConsumer<String, byte[]> consumer, BooleanSupplier done, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.getAsBoolean() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(topics.torrents())) {
                        TorrentRegistered t = EventCodec.decode(TorrentRegistered.class, r.value());
                        registered.add(t);
                        if (registeredAt == java.time.Instant.MAX) {
                            registeredAt = t.getEventTime();
                        }
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
}

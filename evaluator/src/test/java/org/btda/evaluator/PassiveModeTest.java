package org.btda.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.config.Settings;
import org.btda.common.identity.EndpointSealer;
import org.btda.common.identity.PeerKeys;
import org.btda.common.identity.Secrets;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.PeerRefs;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;
import org.btda.common.testing.TestKafka;
import org.btda.evaluator.contact.LibtorrentScripts;
import org.btda.evaluator.contact.Refusal;
import org.btda.evaluator.enrich.GeoFixtures;
import org.btda.events.ContactRequest;
import org.btda.events.EvaluatorStatsRecord;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;
import org.btda.events.TorrentRegistered;
import org.btda.events.TorrentSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incoming listener (on by default, next to dialling) end to end on loopback: a real libtorrent (Debian's
 * python3-libtorrent, plaintext) dials btda's listener and is also dialled; the evaluator publishes INCOMING observations, statistics records and Prometheus metrics through a real
 * in-process Kafka broker.
 */
class PassiveModeTest {

    @TempDir
    Path tmp;
    TestKafka kafka;
    Settings settings;
    Topics topics;
    Process peer;
    BufferedReader peerOut;
    PrintWriter peerIn;
    int peerPort;
    String infoHash;
    int pieces;
    long pieceLength;
    int metricsPort;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        kafka = TestKafka.shared();
        String prefix = "p" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Path geo = Files.createDirectories(tmp.resolve("geoip"));
        GeoFixtures.writeLoopbackCityAndAsn(geo);
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        settings = Settings.defaults()
                .with("kafka.bootstrap-servers", kafka.bootstrapServers())
                .with("kafka.topic-prefix", prefix)
                .with("security.secret-file", tmp.resolve("secret").toString())
                .with("listen.address", "127.0.0.1")
                .with("listen.port", "0")
                .with("listen.max-per-address", "2")
                .with("stats.interval", "1s")
                .with("geoip.dir", geo.toString())
                .with("dns.enabled", "false")
                .with("metrics.port", String.valueOf(metricsPort))
                .with("evaluator.instance-id", "passive-test");
        topics = new Topics(KafkaConfig.from(settings));
        kafka.createTopic(new NewTopic(topics.torrents(), 3, (short) 1)
                .configs(java.util.Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        kafka.createTopic(topics.contacts(), 3);
        kafka.createTopic(topics.observations(), 3);
        kafka.createTopic(topics.discovered(), 3);
        kafka.createTopic(EvaluatorTopics.stats(topics), 1);

        Path script = LibtorrentScripts.copy(tmp, "peer.py");
        Files.createDirectories(tmp.resolve("lt"));
        peer = new ProcessBuilder("/usr/bin/python3", script.toString(), tmp.resolve("lt").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        peerOut = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        peerIn = new PrintWriter(new OutputStreamWriter(peer.getOutputStream(), StandardCharsets.UTF_8), true);
        String line = peerOut.readLine();
        assertThat(line).as("libtorrent output").startsWith("READY ");
        String[] f = line.split(" ");
        peerPort = Integer.parseInt(f[1]);
        infoHash = f[2];
        pieces = Integer.parseInt(f[3]);
        pieceLength = Long.parseLong(f[4]);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) c.close();
        peerIn.close();
        if (!peer.waitFor(10, TimeUnit.SECONDS)) peer.destroyForcibly();
    }

    @Test
    void libtorrentDialingInIsEvaluatedKeyedByItsListenPortAndCounted() throws Exception {
        register(infoHash, true);
        EvaluatorService service = start();
        int listenPort = service.listenAddress().getPort();

        // wait until the catalog knows the torrent, else the first connection would be refused as unknown
        awaitTrue(() -> connectsAndStaysOpenForPrefix(listenPort), "catalog learned the torrent");
        peerIn.println("CONNECT " + listenPort);
        assertThat(peerOut.readLine()).isEqualTo("OK");

        List<ConsumerRecord<String, Observation>> obs = read(topics.observations(), AvroSerde.of(Observation.class),
                l -> l.stream().anyMatch(r -> r.value().getSuccess() && r.value().getSource() == PeerSource.INCOMING));
        Observation in = obs.stream().map(ConsumerRecord::value)
                .filter(o -> o.getSuccess() && o.getSource() == PeerSource.INCOMING).findFirst().orElseThrow();
        byte[] secret = Secrets.loadOrCreate(tmp.resolve("secret"));
        String expectedKey = new PeerKeys(secret).key(infoHash, InetAddress.getLoopbackAddress(), peerPort);
        assertThat(in.getRequestId()).isNull();
        assertThat(in.getInfoHash()).isEqualTo(infoHash);
        assertThat(in.getPieces()).isEqualTo(pieces).isEqualTo(38);
        assertThat(in.getTotalPieces()).isEqualTo(38);
        assertThat(in.getPieceLength()).isEqualTo(pieceLength);
        assertThat(in.getExtListenPort()).isEqualTo(peerPort);
        assertThat(in.getIdentity()).isEqualTo(IdentityKind.LISTEN_PORT);
        assertThat(in.getPeerKey()).isEqualTo(expectedKey);
        assertThat(obs.stream().filter(r -> r.value() == in).findFirst().orElseThrow().key())
                .isEqualTo(PeerRefs.key(infoHash, expectedKey));
        byte[] sealed = new byte[in.getSealedEndpoint().remaining()];
        in.getSealedEndpoint().duplicate().get(sealed);
        assertThat(new EndpointSealer(secret).open(sealed)).isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), peerPort));
        assertThat(in.getClient()).startsWith("libtorrent");
        assertThat(in.getEvaluator()).isEqualTo("passive-test");
        // enrichment from the test GeoLite2 databases, attached before anything was stored; no address (default)
        assertThat(in.getNetwork()).isEqualTo("127.0.0.0/24");
        assertThat(in.getCity()).isEqualTo("Amsterdam");
        assertThat(in.getCountry()).isEqualTo("NL");
        assertThat(in.getContinent()).isEqualTo("EU");
        assertThat(in.getLatitude()).isEqualTo(52.4);
        assertThat(in.getAsn()).isEqualTo(64500L);
        assertThat(in.getAsOrg()).isEqualTo("Example Transit NL");
        assertThat(in.getAddress()).isNull();

        // the same libtorrent reached actively: the request carries the key the topology computes for its endpoint
        ContactRequest req = new ContactRequest("active-1", infoHash, expectedKey,
                new PeerEndpoint(ByteBuffer.wrap(InetAddress.getLoopbackAddress().getAddress()), peerPort), Instant.now(), 0,
                PeerSource.TRACKER, pieces, pieceLength);
        produce(topics.contacts(), PeerRefs.key(infoHash, expectedKey), AvroSerde.of(ContactRequest.class).serialize(topics.contacts(), req));
        List<ConsumerRecord<String, Observation>> all = read(topics.observations(), AvroSerde.of(Observation.class),
                l -> l.stream().anyMatch(r -> "active-1".equals(r.value().getRequestId())));
        Observation active = all.stream().map(ConsumerRecord::value).filter(o -> "active-1".equals(o.getRequestId()))
                .findFirst().orElseThrow();
        assertThat(active.getSuccess()).as(String.valueOf(active.getFailureDetail())).isTrue();
        assertThat(active.getPieces()).isEqualTo(38);
        assertThat(active.getPeerKey()).isEqualTo(in.getPeerKey());
        assertThat(active.getCity()).isEqualTo("Amsterdam");

        // a torrent nobody monitors: refused and counted
        long unknownBefore = service.stats().incomingRefused(Refusal.UNKNOWN_TORRENT);
        peerIn.println("TORRENT2 " + listenPort);
        assertThat(peerOut.readLine()).startsWith("OK ");
        awaitTrue(() -> service.stats().incomingRefused(Refusal.UNKNOWN_TORRENT) > unknownBefore, "unknown torrent refused");

        // statistics on Kafka every interval, with plausible values
        List<ConsumerRecord<String, EvaluatorStatsRecord>> stats = read(EvaluatorTopics.stats(topics),
                AvroSerde.of(EvaluatorStatsRecord.class), l -> l.stream().anyMatch(r ->
                        r.value().getIncomingEvaluatedTotal() >= 1 && r.value().getContactsTotal() >= 1
                                && r.value().getIncomingRefusedTotal() >= 1));
        EvaluatorStatsRecord s = stats.get(stats.size() - 1).value();
        assertThat(stats.size()).isGreaterThanOrEqualTo(2);
        assertThat(stats.get(0).key()).isEqualTo("passive-test");
        assertThat(s.getInstance()).isEqualTo("passive-test");
        assertThat(s.getCeiling()).isEqualTo(settings.get(Settings.EVALUATOR_MAX_SESSIONS));
        assertThat(s.getUniqueIncomingPeers()).isEqualTo(1);
        assertThat(s.getSuccessesTotal()).isGreaterThanOrEqualTo(1);
        assertThat(s.getBacklog()).isZero();
        assertThat(s.getIntervalMs()).isBetween(900L, 10_000L);
        assertThat(stats.stream().mapToLong(r -> r.value().getMaxSessionMs()).max().orElse(0)).isPositive();
        assertThat(stats.stream().mapToDouble(r -> r.value().getMeanSessionMs()).max().orElse(0)).isPositive();

        // Prometheus: the evaluator's meters on the JVM's endpoint
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("btda_evaluator_incoming_evaluated_total{instance=\"passive-test\"}")
                .contains("btda_evaluator_incoming_refused_total{instance=\"passive-test\",reason=\"UNKNOWN_TORRENT\"}")
                .contains("btda_evaluator_sessions_ceiling{instance=\"passive-test\"} " + settings.get(Settings.EVALUATOR_MAX_SESSIONS) + ".0")
                .contains("btda_evaluator_contacts_total{instance=\"passive-test\",outcome=\"SUCCESS\"}");
    }

    @Test
    void connectionsPerAddressAreLimited() throws Exception {
        register(infoHash, true);
        EvaluatorService service = start();
        int port = service.listenAddress().getPort();
        InetAddress from = InetAddress.getByName("127.0.0.5");
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket();
                s.bind(new InetSocketAddress(from, 0));
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                s.setSoTimeout(3000);
                open.add(s);
            }
            // the third from the same address is closed at once; the first two stay open (awaiting a handshake)
            assertThat(open.get(2).getInputStream().read()).isEqualTo(-1);
            awaitTrue(() -> service.stats().incomingRefused(Refusal.ADDRESS_LIMIT) == 1, "address limit counted");
            assertThat(service.stats().incomingOpen()).isEqualTo(2);
            // another address is still welcome
            try (Socket other = new Socket()) {
                other.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.6"), 0));
                other.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                awaitTrue(() -> service.stats().incomingOpen() == 3, "other address accepted");
            }
        } finally {
            for (Socket s : open) s.close();
        }
        awaitTrue(() -> service.stats().incomingOpen() == 0, "all released");
        assertThat(service.stats().incomingRefused(Refusal.ADDRESS_LIMIT)).isEqualTo(1);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    EvaluatorService start() {
        EvaluatorServiceConfig cfg = EvaluatorServiceConfig.from(settings);
        EvaluatorService s = new EvaluatorService(cfg.withEvaluator(
                cfg.evaluator().withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(10))));
        s.start();
        toClose.add(s);
        return s;
    }

    /** True when the listener answers a handshake prefix for our torrent with its own handshake (catalog ready). */
    boolean connectsAndStaysOpenForPrefix(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName("127.0.0.9"), 0)) {
            s.setSoTimeout(1000);
            byte[] hs = new byte[68];
            hs[0] = 19;
            System.arraycopy("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII), 0, hs, 1, 19);
            System.arraycopy(java.util.HexFormat.of().parseHex(infoHash), 0, hs, 28, 20);
            System.arraycopy("-XX0000-probeprobe00".getBytes(StandardCharsets.US_ASCII), 0, hs, 48, 20);
            s.getOutputStream().write(hs, 0, 48);
            return s.getInputStream().read() == 19; // our handshake's first byte
        } catch (Exception e) {
            return false;
        }
    }

    void register(String hash, boolean monitored) {
        TorrentRegistered t = TorrentRegistered.newBuilder().setInfoHash(hash).setName("payload").setPieceLength(pieceLength)
                .setPieceCount(pieces).setTotalSize(37L * 16384 + 123).setFileCount(1).setPrivate$(false)
                .setTrackers(List.of()).setSource(TorrentSource.FILE).setOrigin("test").setMonitored(monitored)
                .setEventTime(Instant.now()).build();
        produce(topics.torrents(), hash, AvroSerde.of(TorrentRegistered.class).serialize(topics.torrents(), t));
    }

    void produce(String topic, String key, byte[] value) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value));
            producer.flush();
        }
    }

    <T extends org.apache.avro.specific.SpecificRecord> List<ConsumerRecord<String, T>> read(String topic, AvroSerde<T> serde,
            Predicate<List<ConsumerRecord<String, T>>> done) {
        List<ConsumerRecord<String, T>> out = kafka.readUntil(topic, serde, Duration.ofSeconds(60), done);
        assertThat(done.test(out)).as("expected records on " + topic + " within 60 s; got " + out.size()).isTrue();
        return out;
    }

    static void awaitTrue(BooleanSupplier c, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!c.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting: " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}

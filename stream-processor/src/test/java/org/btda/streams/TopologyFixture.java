package org.btda.streams;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.btda.common.identity.EndpointSealer;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.Topics;
import org.btda.events.ConfirmedDownload;
import org.btda.events.ContactRequest;
import org.btda.events.Discovery;
import org.btda.events.FailureReason;
import org.btda.events.IdentityKind;
import org.btda.events.Observation;
import org.btda.events.PeerDiscovered;
import org.btda.events.PeerEndpoint;
import org.btda.events.PeerSource;
import org.btda.events.PeerSummary;
import org.btda.events.TorrentRegistered;
import org.btda.events.TorrentSource;

/** A TopologyTestDriver around {@link BtdaTopology} with typed topics and event builders. */
final class TopologyFixture implements AutoCloseable {
    static final String IH = "0123456789abcdef0123456789abcdef01234567";
    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    final TopologyTestDriver driver;
    final TestInputTopic<String, TorrentRegistered> torrents;
    final TestInputTopic<String, PeerDiscovered> discovered;
    final TestInputTopic<String, Observation> observations;
    final TestOutputTopic<String, ContactRequest> contacts;
    final TestOutputTopic<String, PeerSummary> peers;
    final TestOutputTopic<String, ConfirmedDownload> confirmed;
    final TestOutputTopic<String, Discovery> discoveries;
    final TestOutputTopic<String, org.btda.events.FileDownload> fileDownloads;
    final Path stateDir;

    TopologyFixture(StreamsSettings cfg) {
        try {
            stateDir = Files.createTempDirectory("btda-ttd");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "btda-ttd");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Topics topics = cfg.topics();
        driver = new TopologyTestDriver(BtdaTopology.build(cfg, vault()), p, T0);
        var s = Serdes.String();
        torrents = driver.createInputTopic(topics.torrents(), s.serializer(), AvroSerde.of(TorrentRegistered.class).serializer());
        discovered = driver.createInputTopic(topics.discovered(), s.serializer(), AvroSerde.of(PeerDiscovered.class).serializer());
        observations = driver.createInputTopic(topics.observations(), s.serializer(), AvroSerde.of(Observation.class).serializer());
        contacts = driver.createOutputTopic(topics.contacts(), s.deserializer(), AvroSerde.of(ContactRequest.class).deserializer());
        peers = driver.createOutputTopic(StreamTopics.outPeers(topics), s.deserializer(), AvroSerde.of(PeerSummary.class).deserializer());
        confirmed = driver.createOutputTopic(topics.confirmedDownloads(), s.deserializer(), AvroSerde.of(ConfirmedDownload.class).deserializer());
        discoveries = driver.createOutputTopic(StreamTopics.outDiscoveries(topics), s.deserializer(), AvroSerde.of(Discovery.class).deserializer());
        fileDownloads = driver.createOutputTopic(topics.fileDownloads(), s.deserializer(),
                AvroSerde.of(org.btda.events.FileDownload.class).deserializer());
    }

    /** The production sealer under a fixed test secret. */
    static EndpointVault vault() {
        byte[] secret = new byte[32];
        java.util.Arrays.fill(secret, (byte) 7);
        return new SealerVault(new EndpointSealer(secret));
    }

    static String ref(String peerKey) {
        return IH + ":" + peerKey;
    }

    void registerTorrent(int pieces, long pieceLength) {
        torrents.pipeInput(IH, torrent(IH, pieces, pieceLength, true));
    }

    static TorrentRegistered torrent(String ih, int pieces, long pieceLength, boolean monitored) {
        return TorrentRegistered.newBuilder().setInfoHash(ih).setName("t").setPieceLength(pieceLength).setPieceCount(pieces)
                .setTotalSize(pieces * pieceLength).setFileCount(1).setPrivate$(false).setTrackers(List.of())
                .setSource(TorrentSource.FILE).setOrigin("t.torrent").setMonitored(monitored).setEventTime(T0).build();
    }

    void discover(String peerKey, PeerSource source, int lastOctet) {
        discovered.pipeInput(ref(peerKey), discovery(IH, peerKey, source, lastOctet, now()));
    }

    static PeerDiscovered discovery(String ih, String peerKey, PeerSource source, int lastOctet, Instant at) {
        return PeerDiscovered.newBuilder().setInfoHash(ih).setPeerKey(peerKey)
                .setEndpoint(endpoint(lastOctet)).setSource(source)
                .setTracker(source == PeerSource.TRACKER ? "http://127.0.0.1:6969/announce" : null)
                .setDiscoveredAt(at).build();
    }

    static PeerEndpoint endpoint(int lastOctet) {
        return new PeerEndpoint(ByteBuffer.wrap(new byte[] {(byte) 198, 51, 100, (byte) lastOctet}), 51413);
    }

    void observe(String peerKey, String requestId, Instant at, Integer pieces) {
        observations.pipeInput(ref(peerKey), observation(IH, peerKey, requestId, at, pieces, 100, 16384));
    }

    void fail(String peerKey, String requestId, FailureReason reason) {
        observations.pipeInput(ref(peerKey), Observation.newBuilder(observation(IH, peerKey, requestId, now(), null, 100, 16384))
                .setSuccess(false).setFailure(reason).build());
    }

    static Observation observation(String ih, String peerKey, String requestId, Instant at, Integer pieces, int total, long pieceLength) {
        return Observation.newBuilder().setRequestId(requestId).setInfoHash(ih).setPeerKey(peerKey)
                .setIdentity(IdentityKind.LISTEN_PORT).setObservedAt(at).setSource(PeerSource.TRACKER).setSuccess(true)
                .setPieces(pieces).setTotalPieces(total).setPieceLength(pieceLength).setClient("Transmission 4.0.5")
                .setMessagesReceived(2).setSessionMs(1500).setLongestGapMs(1000).build();
    }

    Instant now() {
        return T0.plusMillis(elapsed);
    }

    private long elapsed;

    /** Advances the driver's wall clock, which fires the punctuation. */
    void advance(Duration d) {
        elapsed += d.toMillis();
        driver.advanceWallClockTime(d);
    }

    KeyValueStore<String, PeerState> peerStore() {
        return driver.getKeyValueStore(BtdaTopology.PEER_STORE);
    }

    @Override
    public void close() {
        driver.close();
    }

    /** The newest peer summary emitted so far (fails when there is none). */
    PeerSummary lastSummary() {
        java.util.List<PeerSummary> all = peers.readValuesToList();
        org.assertj.core.api.Assertions.assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }
}

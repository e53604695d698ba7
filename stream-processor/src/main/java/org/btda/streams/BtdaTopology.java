package org.btda.streams;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.btda.common.identity.EndpointSealer;
import org.btda.common.identity.Secrets;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.Topics;
import org.btda.events.ConfirmedDownload;
import org.btda.events.ContactRequest;
import org.btda.events.Discovery;
import org.btda.events.FileDownload;
import org.btda.events.Observation;
import org.btda.events.PeerDiscovered;
import org.btda.events.PeerSummary;
import org.btda.events.TorrentRegistered;

/**
 * The stream-processor topology.
 *
 * <pre>
 *  btda.torrents ──────────► global store "torrents" (piece count / length, monitored flag)
 *  btda.peers.discovered ─┐
 *                         ├─► PeerProcessor ──► btda.contacts            (ContactRequest)
 *  btda.observations ─────┘   stores:       ├─► btda.out.peers           (PeerSummary, version per change)
 *                             "peer-state"  ├─► btda.confirmed-downloads (ConfirmedDownload, version per correction)
 *                             "peer-due"    ├─► btda.out.discoveries     (Discovery, is_new)
 *                                           └─► btda.file-downloads      (FileDownload, per file, version per correction)
 * </pre>
 *
 * Both local stores are persistent and changelogged, so a restarted or migrated task resumes where it stopped.
 * Hourly aggregates (confirmed downloads per torrent per hour by crossing time; discoveries per source per hour,
 * new vs duplicate) are not computed here: the ClickHouse views derive them from the de-duplicated rows of
 * {@code confirmed_downloads} (latest version per peer) and {@code discoveries} (is_new), which is both simpler and
 * correct when a crossing time is later corrected into another hour.
 */
public final class BtdaTopology {
    private BtdaTopology() {}

    static final String PEER_STORE = "peer-state";
    static final String DUE_STORE = "peer-due";
    static final String TORRENT_STORE = "torrents";
    static final String PROCESSOR = "peer-processor";
    static final String CONTACTS_SINK = "contacts-sink";
    static final String PEERS_SINK = "peers-sink";
    static final String CONFIRMED_SINK = "confirmed-sink";
    static final String DISCOVERIES_SINK = "discoveries-sink";
    static final String FILE_DOWNLOADS_SINK = "file-downloads-sink";

    /**
     * Builds the topology; endpoints are sealed with the deployment secret ({@code security.secret-file}, created on
     * first start).
     */
    public static Topology build(StreamsSettings cfg) {
        return build(cfg, new SealerVault(new EndpointSealer(Secrets.loadOrCreate(cfg.secretFile()))));
    }

    /** Builds the topology with an explicit sealer (tests, or callers holding the sealer). */
    public static Topology build(StreamsSettings cfg, EndpointVault vault) {
        Topics topicNames = cfg.topics();
        Serde<String> keys = Serdes.String();
        Serde<PeerDiscovered> discovered = AvroSerde.of(PeerDiscovered.class);
        Serde<Observation> observations = AvroSerde.of(Observation.class);
        Serde<TorrentRegistered> torrents = AvroSerde.of(TorrentRegistered.class);

        Topology t = new Topology();
        t.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TORRENT_STORE), keys, torrents).withLoggingDisabled(),
                "torrents-source", keys.deserializer(), torrents.deserializer(), topicNames.torrents(),
                "torrents-loader", TorrentLoader::new);
        t.addSource("discovered-source", keys.deserializer(), discovered.deserializer(), topicNames.discovered());
        t.addSource("observations-source", keys.deserializer(), observations.deserializer(), topicNames.observations());
        t.addProcessor(PROCESSOR, () -> new PeerProcessor(cfg, vault), "discovered-source", "observations-source");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PEER_STORE), keys, new PeerStateSerde())
                .withLoggingEnabled(java.util.Map.of()), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE_STORE), keys, Serdes.String())
                .withLoggingEnabled(java.util.Map.of()), PROCESSOR);
        t.addSink(CONTACTS_SINK, topicNames.contacts(), keys.serializer(), AvroSerde.of(ContactRequest.class).serializer(), PROCESSOR);
        t.addSink(PEERS_SINK, StreamTopics.outPeers(topicNames), keys.serializer(), AvroSerde.of(PeerSummary.class).serializer(), PROCESSOR);
        t.addSink(CONFIRMED_SINK, topicNames.confirmedDownloads(), keys.serializer(), AvroSerde.of(ConfirmedDownload.class).serializer(), PROCESSOR);
        t.addSink(FILE_DOWNLOADS_SINK, topicNames.fileDownloads(), keys.serializer(), AvroSerde.of(FileDownload.class).serializer(), PROCESSOR);
        t.addSink(DISCOVERIES_SINK, StreamTopics.outDiscoveries(topicNames), keys.serializer(), AvroSerde.of(Discovery.class).serializer(), PROCESSOR);
        return t;
    }

    /** Keeps the global torrent store in step with the compacted topic; a tombstone removes the torrent. */
    private static final class TorrentLoader implements Processor<String, TorrentRegistered, Void, Void> {
        private KeyValueStore<String, TorrentRegistered> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(TORRENT_STORE);
        }

        @Override
        public void process(Record<String, TorrentRegistered> record) {
            if (record.key() == null) return;
            if (record.value() == null) store.delete(record.key());
            else store.put(record.key(), record.value());
        }
    }
}

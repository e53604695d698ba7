package org.btda.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** Topic names (with {@code kafka.topic-prefix}) and the specs the launcher creates; see docs/design.md. */
public final class Topics {
    /** Retention of topics that carry no addresses and are not compacted. */
    public static final Duration EVENT_RETENTION = Duration.ofDays(7);

    private final String prefix;
    private final int partitions;
    private final short replicationFactor;
    private final Duration addressRetention;

    public Topics(KafkaConfig config) {
        this.prefix = config.topicPrefix();
        this.partitions = config.partitions();
        this.replicationFactor = config.replicationFactor();
        this.addressRetention = config.addressRetention();
    }

    /** Keyed by info hash; TorrentRegistered; compacted. */
    public String torrents() {
        return prefix + "torrents";
    }

    /** Keyed by peer ref; PeerDiscovered; plaintext addresses, bounded retention. */
    public String discovered() {
        return prefix + "peers.discovered";
    }

    /** Keyed by info hash or target; HarvestRequest. */
    public String harvestRequests() {
        return prefix + "harvest.requests";
    }

    /** Keyed by peer ref; ContactRequest; plaintext addresses, bounded retention. */
    public String contacts() {
        return prefix + "contacts";
    }

    /** Keyed by peer ref; Observation. */
    public String observations() {
        return prefix + "observations";
    }

    /** Keyed by peer ref; ConfirmedDownload. */
    public String confirmedDownloads() {
        return prefix + "confirmed-downloads";
    }

    /** Keyed by peer ref; FileDownload (one per torrent, peer and file of a multi-file torrent). */
    public String fileDownloads() {
        return prefix + "file-downloads";
    }

    /**
     * Keyed by evaluator instance id; EvaluatorStatsRecord. Created by the evaluator's {@link TopicContributor};
     * named here so the sink can read it without depending on the evaluator.
     */
    public String evaluatorStats() {
        return prefix + "evaluator.stats";
    }

    /**
     * Keyed by peer ref; PeerSummary rows, one new version per change of a peer's state. Created by the stream
     * processor's {@link TopicContributor}; named here so the sink can read it without depending on the stream processor.
     */
    public String outPeers() {
        return out("peers");
    }

    /** Keyed by peer ref; Discovery rows with is_new. Created and named like {@link #outPeers()}. */
    public String outDiscoveries() {
        return out("discoveries");
    }

    /** Stream-processor output topic for the sink: {@code out("peers")} = {@code btda.out.peers}. */
    public String out(String name) {
        return prefix + "out." + name;
    }

    public String prefix() {
        return prefix;
    }

    public int partitions() {
        return partitions;
    }

    /** A delete-policy spec with the default partitions and replication. */
    public TopicSpec spec(String name, Duration retention) {
        return new TopicSpec(name, partitions, replicationFactor, false, Optional.of(retention));
    }

    /** A compacted spec (kept forever) with the default partitions and replication. */
    public TopicSpec compactedSpec(String name) {
        return new TopicSpec(name, partitions, replicationFactor, true, Optional.empty());
    }

    /** The core topics of docs/design.md, then every {@link TopicContributor}'s on the classpath. */
    public List<TopicSpec> all() {
        List<TopicSpec> out = new ArrayList<>(core());
        for (TopicContributor c : ServiceLoader.load(TopicContributor.class)) {
            out.addAll(c.topics(this));
        }
        return List.copyOf(out);
    }

    /** Only the topics of docs/design.md. */
    public List<TopicSpec> core() {
        return List.of(
                compactedSpec(torrents()),
                spec(discovered(), addressRetention),
                spec(harvestRequests(), EVENT_RETENTION),
                spec(contacts(), addressRetention),
                spec(observations(), EVENT_RETENTION),
                spec(confirmedDownloads(), EVENT_RETENTION),
                spec(fileDownloads(), EVENT_RETENTION));
    }
}

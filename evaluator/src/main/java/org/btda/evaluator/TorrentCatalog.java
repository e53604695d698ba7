package org.btda.evaluator;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.KafkaConfig;
import org.btda.evaluator.contact.TorrentInfo;
import org.btda.events.TorrentFile;
import org.btda.events.TorrentRegistered;
import org.btda.protocol.pieces.FilePieces;
import org.btda.protocol.mse.MseKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitored torrents, learned from the compacted {@code btda.torrents} topic (keyed by info hash): every instance
 * reads all partitions from the beginning without a consumer group, so each passive listener knows every torrent.
 * {@code monitored=false} or a tombstone removes a torrent. Memory is one small entry per monitored torrent, plus 8
 * bytes per file of a multi-file torrent (its piece layout, for per-file counts). Every instance runs one: contact
 * requests carry the piece count, not the file layout.
 */
final class TorrentCatalog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TorrentCatalog.class);
    /** A torrent's info must come from a registration: refuse absurd piece counts (a bitfield is count/8 bytes). */
    private static final int MAX_PIECES = 1 << 24;

    private final Map<String, TorrentInfo> torrents = new ConcurrentHashMap<>();
    /** HASH('req2', info hash) hex → info hash hex: how MSE peers name a torrent. */
    private final Map<String, String> byReq2 = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final AvroSerde<TorrentRegistered> serde = AvroSerde.of(TorrentRegistered.class);
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean running = true;

    TorrentCatalog(KafkaConfig kafka, String topic, String clientId) {
        this.topic = topic;
        Properties c = KafkaClients.consumer(kafka, "unused", clientId + "-torrents");
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(c);
        this.thread = new Thread(this::run, clientId + "-torrents");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Waits (bounded) until the catalog has read what the topic held at start; false on timeout. */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    TorrentInfo get(String infoHashHex) {
        return torrents.get(infoHashHex);
    }

    /** The monitored info hash whose HASH('req2', ·) is {@code req2}, or null. */
    byte[] infoHashByReq2(byte[] req2) {
        String hex = byReq2.get(HexFormat.of().formatHex(req2));
        return hex == null || !torrents.containsKey(hex) ? null : HexFormat.of().parseHex(hex);
    }

    int size() {
        return torrents.size();
    }

    private void run() {
        try {
            List<TopicPartition> parts = partitions();
            if (parts.isEmpty()) return;        // closed before the topic appeared
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) apply(r);
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                    log.info("torrent catalog caught up: {} monitored torrents", torrents.size());
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (RuntimeException e) {
            if (running) log.error("torrent catalog stopped", e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    /**
     * The topic's partitions, waiting while it does not exist yet (the services create it at start; an evaluator may
     * come first): empty only when closed meanwhile.
     */
    private List<TopicPartition> partitions() {
        while (running) {
            try {
                List<org.apache.kafka.common.PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (info != null && !info.isEmpty()) {
                    return info.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // not there yet
            }
            try {
                Thread.sleep(1000);     // polling for the topic to appear, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    private void remove(String infoHashHex) {
        torrents.remove(infoHashHex);
        String req2 = req2Hex(infoHashHex);
        if (req2 != null) byReq2.remove(req2);
    }

    private static String req2Hex(String infoHashHex) {
        try {
            byte[] ih = HexFormat.of().parseHex(infoHashHex);
            return ih.length == 20 ? HexFormat.of().formatHex(MseKeys.req2(ih)) : null;
        } catch (IllegalArgumentException e) {
            return null; // not an info hash: nothing an MSE peer could name
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) return;
        if (r.value() == null) {
            remove(r.key());
            return;
        }
        try {
            TorrentRegistered t = serde.deserialize(r.topic(), r.value());
            if (!t.getMonitored() || t.getPieceCount() < 1 || t.getPieceCount() > MAX_PIECES) {
                remove(t.getInfoHash());
            } else {
                torrents.put(t.getInfoHash(), new TorrentInfo(t.getInfoHash(), t.getPieceCount(), t.getPieceLength(),
                        layout(t)));
                byReq2.put(req2Hex(t.getInfoHash()), t.getInfoHash());
            }
        } catch (RuntimeException e) {
            log.warn("skipping undecodable torrent record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    /**
     * Which pieces belong to which file, for multi-file torrents whose registration lists its files (v2); null
     * otherwise, or when the list disagrees with the piece count (then only per-file figures are lost).
     */
    static FilePieces layout(TorrentRegistered t) {
        List<TorrentFile> files = t.getFiles();
        if (files == null || files.size() < 2) return null;
        long[] lengths = new long[files.size()];
        boolean[] padding = new boolean[files.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = files.get(i).getSize();
            padding[i] = files.get(i).getPadding();
        }
        try {
            FilePieces layout = FilePieces.of(t.getPieceLength(), lengths, padding);
            if (layout.pieceCount() == t.getPieceCount()) return layout;
            log.warn("torrent {}: its file list makes {} pieces, the registration says {}; no per-file counts",
                    t.getInfoHash(), layout.pieceCount(), t.getPieceCount());
        } catch (IllegalArgumentException e) {
            log.warn("torrent {}: unusable file list ({}); no per-file counts", t.getInfoHash(), e.getMessage());
        }
        return null;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

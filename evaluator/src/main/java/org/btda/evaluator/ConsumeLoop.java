package org.btda.evaluator;

import java.util.function.Function;
import org.btda.protocol.pieces.FilePieces;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.KafkaConfig;
import org.btda.evaluator.contact.ContactEngine;
import org.btda.evaluator.contact.ContactResult;
import org.btda.evaluator.contact.ContactTarget;
import org.btda.events.ContactRequest;
import org.btda.events.FailureReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer thread (the only one that touches the {@link KafkaConsumer}, which is not thread-safe): polls contact
 * requests, dials them while there is room, and each round applies back-pressure, commits and reports statistics.
 * Never blocks on contacts; their events are published by {@link ObservationPublisher}.
 */
final class ConsumeLoop {

    private static final Logger log = LoggerFactory.getLogger(ConsumeLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final ConsumerRebalanceListener rebalance;
    private final WaitingRequests waiting;
    private final ContactEngine engine;
    private final BackPressure backPressure;
    private final OffsetCommitter committer;
    private final StatsReporter statsReporter;
    private final ObservationPublisher publisher;
    private final OffsetTracker tracker;
    private final EvaluatorStats stats;
    private final Duration staleAfter;
    private final BooleanSupplier running;
    private final AvroSerde<ContactRequest> requestSerde = AvroSerde.of(ContactRequest.class);
    private final Thread thread;
    private volatile Function<String, FilePieces> layouts = infoHash -> null;
    private volatile boolean draining;
    private volatile Throwable failure;

    ConsumeLoop(KafkaConsumer<String, byte[]> consumer, String topic, ConsumerRebalanceListener rebalance,
            WaitingRequests waiting, ContactEngine engine, BackPressure backPressure, OffsetCommitter committer,
            StatsReporter statsReporter, ObservationPublisher publisher, OffsetTracker tracker, EvaluatorStats stats,
            Duration staleAfter, BooleanSupplier running, String instanceId) {
        this.consumer = consumer;
        this.topic = topic;
        this.rebalance = rebalance;
        this.waiting = waiting;
        this.engine = engine;
        this.backPressure = backPressure;
        this.committer = committer;
        this.statsReporter = statsReporter;
        this.publisher = publisher;
        this.tracker = tracker;
        this.stats = stats;
        this.staleAfter = staleAfter;
        this.running = running;
        this.thread = new Thread(this::run, "evaluator-" + instanceId);
    }

    /** The group member's consumer of contact requests (raw values: an undecodable one is skipped, not fatal). */
    static KafkaConsumer<String, byte[]> newConsumer(KafkaConfig kafka, String groupId, String instanceId) {
        Properties c = KafkaClients.consumer(kafka, groupId, instanceId);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // a contact takes seconds; the poll loop itself never blocks on contacts, so the default poll interval is ample
        return new KafkaConsumer<>(c);
    }

    void start() {
        thread.start();
    }

    /** Stops dispatching and pauses everything, but keeps committing until the running flag drops. */
    void drain() {
        draining = true;
    }

    /** Interrupts a poll in progress (a crash: the loop ends at once). */
    void wakeup() {
        consumer.wakeup();
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /** Why the loop ended on its own (null while it runs or after an orderly stop). */
    Throwable failure() {
        return failure;
    }

    /** Waits (bounded) for the loop to end once the running flag dropped. */
    void join() {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), rebalance);
            while (running.getAsBoolean()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<String, byte[]> r : records) waiting.add(r);
                if (draining) waiting.clear(); // shutting down: these stay uncommitted for the next owner
                dispatchWaiting();
                backPressure.apply(consumer, draining, !waiting.isEmpty());
                committer.commitIfDue(false);
                statsReporter.reportIfDue();
            }
            if (committer.enabled()) committer.commitIfDue(true);
        } catch (WakeupException e) {
            // kill() interrupts a poll
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("evaluator loop failed", e);
            if (e instanceof Error err) throw err;
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.warn("consumer close: {}", e.toString());
            }
        }
    }

    private void dispatchWaiting() {
        while (!waiting.isEmpty() && backPressure.hasRoom()) {
            handle(waiting.poll());
        }
    }

    private void handle(ConsumerRecord<String, byte[]> rec) {
        TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
        tracker.begin(tp, rec.offset());
        ContactRequest req;
        ContactTarget target;
        try {
            req = requestSerde.deserialize(rec.topic(), rec.value());
            target = target(req, layouts.apply(req.getInfoHash()));
        } catch (RuntimeException e) {
            // an undecodable request cannot be answered (no id to echo): skip it, but do not block the partition
            log.warn("skipping undecodable contact request at {}@{}: {}", tp, rec.offset(), e.toString());
            tracker.complete(tp, rec.offset());
            return;
        }
        long age = System.currentTimeMillis() - req.getDueAt().toEpochMilli();
        CompletableFuture<ContactResult> result;
        if (age > staleAfter.toMillis()) {
            stats.contactCompleted(FailureReason.STALE_REQUEST);
            result = CompletableFuture.completedFuture(ContactResult.notDialled(target, FailureReason.STALE_REQUEST,
                    "request due " + age + " ms ago, over evaluator.stale-after"));
        } else {
            result = engine.contact(target);
        }
        publisher.whenDone(result, tp, rec.offset(), rec.key(), req);
    }

    /** Where the file layouts of multi-file torrents come from (the torrent catalog); set before {@link #start}. */
    void layouts(Function<String, FilePieces> layouts) {
        this.layouts = layouts;
    }

    static ContactTarget target(ContactRequest req) {
        return target(req, null);
    }

    static ContactTarget target(ContactRequest req, FilePieces files) {
        byte[] infoHash = HexFormat.of().parseHex(req.getInfoHash());
        ByteBuffer a = req.getEndpoint().getAddress().duplicate();
        byte[] addr = new byte[a.remaining()];
        a.get(addr);
        try {
            InetAddress address = InetAddress.getByAddress(addr); // raw bytes: no DNS
            return new ContactTarget(infoHash, new InetSocketAddress(address, req.getEndpoint().getPort()), req.getTotalPieces(),
                    files);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("endpoint address of " + addr.length + " bytes");
        }
    }
}

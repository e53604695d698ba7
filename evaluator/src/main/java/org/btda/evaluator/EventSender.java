package org.btda.evaluator;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.btda.common.kafka.KafkaClients;
import org.btda.common.kafka.KafkaConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluator's publishing side: one publisher thread that builds and sends events (its queue is bounded by the
 * sessions in flight, one task each) and the Kafka producer, with bounded retries. Kept apart from the consumer loop
 * because {@link KafkaProducer#send} can block (metadata, full buffer) and must stall neither the loop nor sessions.
 */
final class EventSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventSender.class);
    static final int MAX_SEND_ATTEMPTS = 5;

    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService publisher;
    private final EvaluatorStats stats;
    private final BooleanSupplier running;

    EventSender(KafkaConfig kafka, String instanceId, EvaluatorStats stats, BooleanSupplier running) {
        this.stats = stats;
        this.running = running;
        Properties p = KafkaClients.producer(kafka, instanceId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        this.producer = new KafkaProducer<>(p);
        this.publisher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "evaluator-publish-" + instanceId);
            t.setDaemon(true);
            return t;
        });
    }

    /** The publisher thread, for building events off the event loops and the consumer thread. */
    Executor publisherThread() {
        return publisher;
    }

    /** Sends with up to {@link #MAX_SEND_ATTEMPTS} attempts; {@code onAck} runs once Kafka acknowledged it. */
    void send(ProducerRecord<String, byte[]> record, Runnable onAck) {
        send(record, onAck, 1);
    }

    private void send(ProducerRecord<String, byte[]> record, Runnable onAck, int attempt) {
        producer.send(record, (md, ex) -> {
            if (ex == null) {
                onAck.run();
            } else if (attempt < MAX_SEND_ATTEMPTS && running.getAsBoolean() && !publisher.isShutdown()) {
                // retried from the publisher thread: a producer callback must not block the producer's I/O thread
                publisher.execute(() -> send(record, onAck, attempt + 1));
            } else {
                stats.publishFailed();
                log.warn("giving up publishing to {} after {} attempts: {}", record.topic(), attempt, ex.toString());
            }
        });
    }

    /** Crash for tests: drops queued tasks and unsent records. */
    void kill() {
        publisher.shutdownNow();
        producer.close(Duration.ZERO);
    }

    /** Lets queued tasks finish and flushes (bounded). */
    @Override
    public void close() {
        publisher.shutdown();
        try {
            publisher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}

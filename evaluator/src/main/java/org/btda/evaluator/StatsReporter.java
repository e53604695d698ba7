package org.btda.evaluator;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.btda.common.kafka.AvroSerde;
import org.btda.events.EvaluatorStatsRecord;
import org.btda.events.FailureReason;

/**
 * Publishes an {@link EvaluatorStatsRecord} (keyed by instance id) every {@code stats.interval} and keeps the backlog
 * (requests fetched or not yet fetched) current for the metrics gauge. Called each round of the consumer loop, because
 * the backlog comes from the consumer's last fetch.
 */
final class StatsReporter {

    private final Consumer<?, ?> consumer;
    private final WaitingRequests waiting;
    private final EvaluatorStats stats;
    private final EventSender sender;
    private final String instanceId;
    private final int ceiling;
    private final String topic;
    private final Duration interval;
    private final AvroSerde<EvaluatorStatsRecord> serde = AvroSerde.of(EvaluatorStatsRecord.class);
    private long lastNanos = System.nanoTime();
    private volatile long backlog;

    StatsReporter(Consumer<?, ?> consumer, WaitingRequests waiting, EvaluatorStats stats, EventSender sender,
            String instanceId, int ceiling, String topic, Duration interval) {
        this.consumer = consumer;
        this.waiting = waiting;
        this.stats = stats;
        this.sender = sender;
        this.instanceId = instanceId;
        this.ceiling = ceiling;
        this.topic = topic;
        this.interval = interval;
    }

    /** Requests waiting locally plus the consumer's lag, as of the last round (any thread). */
    long backlog() {
        return backlog;
    }

    /** Consumer thread: refreshes the backlog, and publishes a record when the interval has passed. */
    void reportIfDue() {
        long now = System.nanoTime();
        backlog = currentBacklog();
        if (now - lastNanos < interval.toNanos()) return;
        long intervalMs = (now - lastNanos) / 1_000_000;
        lastNanos = now;
        EvaluatorStatsRecord rec = record(intervalMs);
        sender.send(new ProducerRecord<>(topic, instanceId, serde.serialize(topic, rec)), () -> { });
    }

    private long currentBacklog() {
        long lag = waiting.size();
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong l = consumer.currentLag(tp); // from the last fetch: no broker round trip
            if (l.isPresent()) lag += l.getAsLong();
        }
        return lag;
    }

    EvaluatorStatsRecord record(long intervalMs) {
        EvaluatorStats.Interval i = stats.takeInterval();
        long failures = stats.completed() - stats.successes();
        long dropped = stats.failures(FailureReason.STALE_REQUEST) + stats.failures(FailureReason.OVERLOADED);
        return EvaluatorStatsRecord.newBuilder().setTime(Instant.now()).setInstance(instanceId)
                .setIntervalMs(intervalMs).setBacklog(backlog).setSessionsInFlight(stats.inFlight())
                .setCeiling(ceiling).setIncomingInFlight(stats.incomingOpen())
                .setMeanSessionMs(i.meanSessionMillis()).setMaxSessionMs(i.maxSessionMillis())
                .setMeanLongestGapMs(i.meanLongestGapMillis()).setMaxLongestGapMs(i.maxLongestGapMillis())
                .setContactsTotal(stats.completed()).setSuccessesTotal(stats.successes()).setFailuresTotal(failures)
                .setFailedFirstTotal(stats.failedFirst()).setFailedLaterTotal(stats.failedLater())
                .setObservationsTotal(stats.observationsPublished()).setDroppedTotal(dropped)
                .setIncomingEvaluatedTotal(stats.incomingEvaluated()).setIncomingRefusedTotal(stats.incomingRefusedTotal())
                .setUniqueIncomingPeers(stats.uniqueIncomingPeers()).build();
    }
}

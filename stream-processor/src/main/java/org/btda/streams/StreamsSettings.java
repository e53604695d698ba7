package org.btda.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.btda.common.config.Settings;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.kafka.Topics;

/**
 * Everything the stream processor reads from the deployment settings, read once by the launcher ({@link #from}) so
 * nothing below it (service, topology, processor, policies) parses strings or sees {@link Settings}. Every default
 * comes from the {@link Settings} registry; the few values without a setting are named in {@link #from}.
 *
 * @param topics                  topic names ({@code kafka.topic-prefix}) of the inputs and outputs
 * @param revisitDelay            a peer below the threshold (or of unknown completion) is contacted again after this
 * @param backoffBase             first retry after a failed contact waits this long, each further one twice as long
 * @param maxFailures             consecutive failed contacts after which a peer is parked until it is rediscovered
 *                                (0 behaves like 1: the first failure parks)
 * @param completionThreshold     fraction of pieces (0..1] at or above which a peer counts as complete
 * @param speedMinInterval        download speed is only measured between contacts at least this far apart
 * @param punctuateInterval       how often the wall-clock punctuation looks for due contacts
 * @param torrentWait             how long a peer of a not yet registered torrent waits before being checked again
 * @param maxRequestsPerPunctuate bound on requests issued by one punctuation, so one call never blocks the thread long
 * @param storeAddresses          privacy.store-addresses: the explicit opt-in to keep the plain address of a peer (from
 *                                its observations) in the peer state and the peer summaries; off = never kept
 * @param threads                 {@code streams.threads}: stream threads sharing the tasks
 * @param replicationFactor       {@code kafka.replication-factor} of the internal (changelog) topics
 * @param secretFile              {@code security.secret-file}: the deployment secret that seals endpoints
 * @param sessionBound            after this a session for a request issued now is over: {@code evaluator.stale-after}
 *                                (the evaluator starts no older request) + {@code evaluator.connect-timeout} +
 *                                {@code evaluator.session-cap} + {@link #SESSION_SLACK}; the earliest fallback revisit
 */
public record StreamsSettings(Topics topics, Duration revisitDelay, Duration backoffBase, int maxFailures,
                              double completionThreshold, Duration speedMinInterval, Duration punctuateInterval,
                              Duration torrentWait, int maxRequestsPerPunctuate, boolean storeAddresses, int threads,
                              int replicationFactor, Path secretFile, Duration sessionBound) {

    /** Margin on the session bound for an answer's way back (publish, Kafka, a busy machine). */
    static final Duration SESSION_SLACK = Duration.ofSeconds(30);

    public StreamsSettings {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(revisitDelay, "revisitDelay");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(speedMinInterval, "speedMinInterval");
        Objects.requireNonNull(punctuateInterval, "punctuateInterval");
        Objects.requireNonNull(torrentWait, "torrentWait");
        Objects.requireNonNull(secretFile, "secretFile");
        Objects.requireNonNull(sessionBound, "sessionBound");
        if (revisitDelay.isNegative() || revisitDelay.isZero()) throw new IllegalArgumentException("revisit.delay must be > 0");
        if (backoffBase.isNegative() || backoffBase.isZero()) throw new IllegalArgumentException("revisit.backoff-base must be > 0");
        if (maxFailures < 0) throw new IllegalArgumentException("revisit.max-failures must be >= 0");
        if (!(completionThreshold >= 0 && completionThreshold <= 1)) throw new IllegalArgumentException("completion.threshold must be in [0, 1]");
        if (speedMinInterval.isNegative()) throw new IllegalArgumentException("speed.min-interval must be >= 0");
        if (punctuateInterval.isNegative() || punctuateInterval.isZero()) throw new IllegalArgumentException("streams.punctuate-interval must be > 0");
        if (maxRequestsPerPunctuate < 1) throw new IllegalArgumentException("streams.max-requests-per-punctuate must be >= 1");
        if (threads < 1) throw new IllegalArgumentException("streams.threads must be >= 1");
        if (replicationFactor < 1) throw new IllegalArgumentException("kafka.replication-factor must be >= 1");
    }

    /** The settings' defaults (revisit.delay, revisit.backoff-base, revisit.max-failures, ...). */
    public static StreamsSettings defaults() {
        return from(Settings.defaults());
    }

    /**
     * Reads the documented keys; punctuation every second, a 30 s wait for unregistered torrents and at most 10,000
     * requests per punctuation are internal (a shorter punctuation only costs CPU, a longer one delays requests).
     */
    public static StreamsSettings from(Settings s) {
        return new StreamsSettings(new Topics(KafkaConfig.from(s)), s.get(Settings.REVISIT_DELAY), s.get(Settings.REVISIT_BACKOFF_BASE),
                s.get(Settings.REVISIT_MAX_FAILURES), s.get(Settings.COMPLETION_THRESHOLD), s.speedMinInterval(),
                Duration.ofSeconds(1), Duration.ofSeconds(30), 10_000, s.get(Settings.PRIVACY_STORE_ADDRESSES),
                s.get(Settings.STREAMS_THREADS), s.get(Settings.KAFKA_REPLICATION_FACTOR), s.secretFile(), sessionBound(s));
    }

    /** See {@code sessionBound}: read from the evaluator's settings, which decide how long its sessions can run. */
    static Duration sessionBound(Settings s) {
        return s.get(Settings.EVALUATOR_STALE_AFTER).plus(s.get(Settings.EVALUATOR_CONNECT_TIMEOUT))
                .plus(s.get(Settings.EVALUATOR_SESSION_CAP)).plus(SESSION_SLACK);
    }

    /** The revisit policy's inputs. */
    public RevisitPolicy revisitPolicy() {
        return new RevisitPolicy(revisitDelay, backoffBase, maxFailures, completionThreshold, torrentWait, sessionBound);
    }

    public StreamsSettings withRevisitDelay(Duration d) {
        return new StreamsSettings(topics, d, backoffBase, maxFailures, completionThreshold, speedMinInterval,
                punctuateInterval, torrentWait, maxRequestsPerPunctuate, storeAddresses, threads, replicationFactor, secretFile, sessionBound);
    }

    public StreamsSettings withBackoff(Duration base, int max) {
        return new StreamsSettings(topics, revisitDelay, base, max, completionThreshold, speedMinInterval,
                punctuateInterval, torrentWait, maxRequestsPerPunctuate, storeAddresses, threads, replicationFactor, secretFile, sessionBound);
    }

    public StreamsSettings withSpeedMinInterval(Duration d) {
        return new StreamsSettings(topics, revisitDelay, backoffBase, maxFailures, completionThreshold, d,
                punctuateInterval, torrentWait, maxRequestsPerPunctuate, storeAddresses, threads, replicationFactor, secretFile, sessionBound);
    }

    public StreamsSettings withThreshold(double t) {
        return new StreamsSettings(topics, revisitDelay, backoffBase, maxFailures, t, speedMinInterval,
                punctuateInterval, torrentWait, maxRequestsPerPunctuate, storeAddresses, threads, replicationFactor, secretFile, sessionBound);
    }

    public StreamsSettings withTorrentWait(Duration d) {
        return new StreamsSettings(topics, revisitDelay, backoffBase, maxFailures, completionThreshold, speedMinInterval,
                punctuateInterval, d, maxRequestsPerPunctuate, storeAddresses, threads, replicationFactor, secretFile, sessionBound);
    }

    public StreamsSettings withStoreAddresses(boolean store) {
        return new StreamsSettings(topics, revisitDelay, backoffBase, maxFailures, completionThreshold, speedMinInterval,
                punctuateInterval, torrentWait, maxRequestsPerPunctuate, store, threads, replicationFactor, secretFile, sessionBound);
    }

    /** True when {@code pieces} of {@code total} is at or above the completion threshold. */
    public boolean atOrAbove(int pieces, int total) {
        return RevisitPolicy.atOrAbove(pieces, total, completionThreshold);
    }
}

package org.btda.evaluator;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.btda.common.config.Settings;
import org.btda.common.kafka.KafkaConfig;
import org.btda.common.metrics.MetricsConfig;
import org.btda.common.net.CidrSet;
import org.btda.common.net.Networks;
import org.btda.evaluator.enrich.EnrichmentConfig;

/**
 * Everything the evaluator service reads from settings, as typed values; the launcher builds it with {@link #from}
 * and the service never sees {@link Settings}. This and the records it holds are the only places in the evaluator
 * that map setting keys, and they add no defaults of their own: every value comes from the registry.
 *
 * @param evaluator      the contact engine's values (sessions, timeouts, limits, instance id)
 * @param kafka          broker and topic names
 * @param metrics        the JVM's Prometheus endpoint
 * @param enrichment     GeoIP and reverse DNS
 * @param secretFile     security.secret-file, or {@code <state.dir>/secret}: the key of peer keys and sealed endpoints
 * @param storeAddresses privacy.store-addresses: also put the plain address into observations
 * @param doNotContact   do-not-contact networks: never dialled, never published as PEX peers
 * @param listenPort     listen.port: a PEX endpoint on it at one of our addresses is ourselves, not a peer
 * @param listener       the incoming listener when listen.enabled or passive, else empty
 * @param dial           false in passive mode: contact requests are not consumed, nobody is dialled
 * @param statsInterval  stats.interval, between EvaluatorStatsRecords
 * @param introductions  how peers a BEP 55 relay introduces are accepted when there is no listener
 */
public record EvaluatorServiceConfig(EvaluatorConfig evaluator, KafkaConfig kafka, MetricsConfig metrics,
        EnrichmentConfig enrichment, Path secretFile, boolean storeAddresses, CidrSet doNotContact, int listenPort,
        Optional<Listener> listener, boolean dial, Duration statsInterval, Introductions introductions) {

    /**
     * Peers that dial us after a BEP 55 connect while listen.enabled is false: accepted on the uTP socket under the
     * listener's ceilings and followed on their connection like incoming peers (they cannot be dialled).
     *
     * @param maxConnections listen.max-connections
     * @param maxPerAddress  listen.max-per-address
     * @param follow         revisit.delay and listen.follow-cap
     */
    public record Introductions(int maxConnections, int maxPerAddress, Follow follow) {
        public Introductions {
            Objects.requireNonNull(follow, "follow");
        }
    }

    /**
     * The incoming listener.
     *
     * @param bind           listen.address (any when empty) and listen.port
     * @param maxConnections listen.max-connections, incoming sessions at once
     * @param maxPerAddress  listen.max-per-address, incoming sessions at once from one address
     * @param follow         how a peer without a BEP 10 listen port is followed on its own connection
     */
    public record Listener(InetSocketAddress bind, int maxConnections, int maxPerAddress, Follow follow) {
        public Listener {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(follow, "follow");
        }
    }

    /**
     * Following an incoming peer that btda cannot dial back (it sent no BEP 10 {@code p}): its connection stays open.
     *
     * @param interval revisit.delay: an observation every interval, and the follow ends after an interval without a
     *                 new piece (the same spacing and the same patience as the revisits of a peer btda can dial)
     * @param cap      listen.follow-cap, the longest follow
     */
    public record Follow(Duration interval, Duration cap) {
        public Follow {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(cap, "cap");
            if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("follow interval must be > 0");
        }
    }

    public EvaluatorServiceConfig {
        Objects.requireNonNull(evaluator, "evaluator");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(enrichment, "enrichment");
        Objects.requireNonNull(secretFile, "secretFile");
        Objects.requireNonNull(doNotContact, "doNotContact");
        Objects.requireNonNull(listener, "listener");
        if (!dial && listener.isEmpty()) {
            throw new IllegalArgumentException("passive needs listen.enabled: an evaluator that neither dials nor listens observes nothing");
        }
        Objects.requireNonNull(statsInterval, "statsInterval");
        Objects.requireNonNull(introductions, "introductions");
    }

    public static EvaluatorServiceConfig from(Settings s) {
        if (s.get(Settings.PASSIVE) && !s.get(Settings.LISTEN_ENABLED)) {
            throw new IllegalArgumentException("passive needs listen.enabled: an evaluator that neither dials nor listens observes nothing");
        }
        return new EvaluatorServiceConfig(EvaluatorConfig.from(s), KafkaConfig.from(s), MetricsConfig.from(s),
                EnrichmentConfig.from(s), s.secretFile(), s.get(Settings.PRIVACY_STORE_ADDRESSES),
                CidrSet.parse(s.get(Settings.DO_NOT_CONTACT)), s.get(Settings.LISTEN_PORT),
                s.get(Settings.LISTEN_ENABLED) ? Optional.of(listener(s)) : Optional.empty(),
                !s.get(Settings.PASSIVE), s.get(Settings.STATS_INTERVAL),
                new Introductions(s.get(Settings.LISTEN_MAX_CONNECTIONS), s.get(Settings.LISTEN_MAX_PER_ADDRESS),
                        new Follow(s.get(Settings.REVISIT_DELAY), s.get(Settings.LISTEN_FOLLOW_CAP))));
    }

    /** listen.address is parsed only when listening: an unused value is not validated. */
    private static Listener listener(Settings s) {
        String addr = s.get(Settings.LISTEN_ADDRESS);
        int port = s.get(Settings.LISTEN_PORT);
        InetSocketAddress bind = addr == null || addr.isBlank()
                ? new InetSocketAddress(port) : new InetSocketAddress(Networks.parseLiteral(addr), port);
        return new Listener(bind, s.get(Settings.LISTEN_MAX_CONNECTIONS), s.get(Settings.LISTEN_MAX_PER_ADDRESS),
                new Follow(s.get(Settings.REVISIT_DELAY), s.get(Settings.LISTEN_FOLLOW_CAP)));
    }

    /** The same service with other contact-engine values (tests and benchmarks). */
    public EvaluatorServiceConfig withEvaluator(EvaluatorConfig v) {
        return new EvaluatorServiceConfig(v, kafka, metrics, enrichment, secretFile, storeAddresses, doNotContact,
                listenPort, listener, dial, statsInterval, introductions);
    }
}

package org.btda.evaluator;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.btda.common.kafka.AvroSerde;
import org.btda.common.kafka.Topics;
import org.btda.common.net.PeerFilter;
import org.btda.evaluator.contact.ContactResult;
import org.btda.evaluator.contact.TorrentInfo;
import org.btda.evaluator.enrich.EnrichmentConfig;
import org.btda.evaluator.enrich.Enrichment;
import org.btda.evaluator.enrich.GeoIpEnricher;
import org.btda.evaluator.enrich.PeerEnricher;
import org.btda.events.ContactRequest;
import org.btda.events.Observation;
import org.btda.events.PeerDiscovered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns ended sessions into events on the publisher thread ({@link EventSender}): one observation per contact request
 * (plus its PEX discoveries) or incoming session, enriched while the address is still in memory. A request's offset
 * is completed in the {@link OffsetTracker} only once Kafka acknowledged every event it produced.
 */
final class ObservationPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ObservationPublisher.class);

    private final ObservationFactory factory;
    /** PEX endpoints that are ourselves or in do-not-contact networks are not published, as in the harvester. */
    private final PeerFilter pexFilter;
    private final Topics topics;
    private final EvaluatorStats stats;
    private final OffsetTracker tracker;
    private final EventSender sender;
    private final PeerEnricher enricher;
    /** The same GeoIP lookups without reverse DNS: for loopback/private addresses, whose PTR says nothing (and
     *  whose queries would leave a test's loopback world for the system resolver). */
    private final PeerEnricher localEnricher;
    /** Ports at which clients were reached: keeps an incoming client without BEP 10 p the peer btda knows. */
    private final ListenPorts listenPorts = new ListenPorts();
    private final AvroSerde<Observation> observationSerde = AvroSerde.of(Observation.class);
    private final AvroSerde<PeerDiscovered> discoveredSerde = AvroSerde.of(PeerDiscovered.class);

    /** Opens the enrichers ({@link #close} closes them). */
    ObservationPublisher(ObservationFactory factory, PeerFilter pexFilter, Topics topics, EvaluatorStats stats,
            OffsetTracker tracker, EventSender sender, EnrichmentConfig enrichment) {
        this.factory = factory;
        this.pexFilter = pexFilter;
        this.topics = topics;
        this.stats = stats;
        this.tracker = tracker;
        this.sender = sender;
        this.enricher = PeerEnricher.create(enrichment);
        this.localEnricher = new PeerEnricher(GeoIpEnricher.open(enrichment), null);
    }

    /** When the contact of {@code req} (consumed at {@code tp}@{@code offset}) ends, publishes its events. */
    void whenDone(CompletableFuture<ContactResult> result, TopicPartition tp, long offset, String key, ContactRequest req) {
        // off the event loop: KafkaProducer.send can block (metadata, full buffer) and must never stall sessions
        result.thenAcceptAsync(r -> publish(tp, offset, key, req, r), sender.publisherThread());
    }

    /** An incoming peer's session ended (on its event loop): one observation, no offset to track. */
    void incomingEnded(ContactResult r, TorrentInfo t) {
        sender.publisherThread().execute(() -> publishIncoming(r, t, true));
    }

    /** A followed incoming peer's piece count changed (on its event loop): an observation, the session goes on. */
    void incomingSnapshot(ContactResult r, TorrentInfo t) {
        sender.publisherThread().execute(() -> publishIncoming(r, t, false));
    }

    private void publish(TopicPartition tp, long offset, String key, ContactRequest req, ContactResult r) {
        try {
            Observation obs = factory.observation(req, r, enrich(r));
            measured(r);
            if (!r.success()) stats.contactFailedAtAttempt(req.getAttempt());
            else listenPorts.remember(req.getInfoHash(), r.target().address().getAddress(), r.peerId(), r.target().address().getPort());
            List<ObservationFactory.Keyed<PeerDiscovered>> found = factory.discoveries(req, r, a -> {
                PeerFilter.Verdict v = pexFilter.check(a);
                if (v == PeerFilter.Verdict.SELF) stats.selfSkipped();
                return v != PeerFilter.Verdict.ACCEPT;
            });
            // the request counts as done once every event it produced is acknowledged
            AtomicInteger pending = new AtomicInteger(1 + found.size());
            Runnable acked = () -> {
                if (pending.decrementAndGet() == 0) tracker.complete(tp, offset);
            };
            sender.send(new ProducerRecord<>(topics.observations(), key, observationSerde.serialize(topics.observations(), obs)),
                    () -> {
                        stats.observationPublished();
                        acked.run();
                    });
            for (ObservationFactory.Keyed<PeerDiscovered> d : found) {
                sender.send(new ProducerRecord<>(topics.discovered(), d.key(), discoveredSerde.serialize(topics.discovered(), d.value())),
                        () -> {
                            stats.pexPeerPublished();
                            acked.run();
                        });
            }
        } catch (RuntimeException e) {
            // not completing the offset means the request is redone after a restart or rebalance: nothing is lost
            stats.publishFailed();
            log.warn("cannot publish observation for {}@{}: {}", tp, offset, e.toString());
        }
    }

    private void publishIncoming(ContactResult r, TorrentInfo t, boolean ended) {
        try {
            InetAddress address = r.target().address().getAddress();
            Integer known = null;
            if (ObservationFactory.validPort(r.extListenPort())) {
                listenPorts.remember(t.infoHashHex(), address, r.peerId(), r.extListenPort());
            } else if (r.holepunch()) {
                // no BEP 10 p (libtorrent sent none on such a connection through a NAT): the endpoint of the
                // introduction is where this peer is known
                known = r.target().address().getPort();
            } else {
                known = listenPorts.lookup(t.infoHashHex(), address, r.peerId());
                if (known != null) stats.incomingReconciled();
            }
            ObservationFactory.Keyed<Observation> o = factory.incoming(r, t.infoHashHex(), t.pieceLength(), enrich(r), known);
            if (ended) measured(r);
            if (o == null) return;
            sender.send(new ProducerRecord<>(topics.observations(), o.key(), observationSerde.serialize(topics.observations(), o.value())),
                    () -> {
                        stats.observationPublished();
                        stats.incomingEvaluated(o.value().getPeerKey());
                    });
        } catch (RuntimeException e) {
            stats.publishFailed();
            log.warn("cannot publish incoming observation: {}", e.toString());
        }
    }

    private void measured(ContactResult r) {
        if (r.startedAtMillis() != r.observedAtMillis() || r.sessionMillis() > 0 || r.messagesReceived() > 0) {
            stats.sessionMeasured(r.sessionMillis(), r.longestGapMillis());
        }
    }

    /** GeoIP, reverse-DNS domain (public addresses only) and client, while the address is still in memory. */
    private Enrichment enrich(ContactResult r) {
        InetAddress a = r.target().address().getAddress();
        boolean local = a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || (a.getAddress().length == 16 && (a.getAddress()[0] & 0xfe) == 0xfc);
        return (local ? localEnricher : enricher).enrich(a, r.peerId(), r.extClient());
    }

    /** Closes the enrichers. */
    @Override
    public void close() {
        enricher.close();
        localEnricher.close();
    }
}

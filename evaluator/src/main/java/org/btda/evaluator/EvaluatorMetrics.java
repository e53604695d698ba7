package org.btda.evaluator;

import java.util.ArrayList;
import java.util.List;

import org.btda.protocol.mse.MseCounters;
import org.btda.protocol.mse.MseEncryption;
import org.btda.protocol.mse.MseViolation;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import org.btda.evaluator.contact.Refusal;
import org.btda.evaluator.contact.Holepunch;
import org.btda.evaluator.utp.UtpCounters;
import org.btda.events.FailureReason;

/**
 * The evaluator's counters and gauges in a Micrometer registry (the JVM's Prometheus one in production), tagged with
 * the instance id. Reads {@link EvaluatorStats} lazily at scrape time; removed again on close.
 */
final class EvaluatorMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final List<Object> keep = new ArrayList<>();

    EvaluatorMetrics(MeterRegistry registry, String instance, EvaluatorStats stats, int ceiling,
                     java.util.function.LongSupplier backlog) {
        this(registry, instance, stats, ceiling, backlog, null);
    }

    /** @param mse the outgoing engine's MSE/PE counters (handshakes by method, rejections by reason), or null */
    EvaluatorMetrics(MeterRegistry registry, String instance, EvaluatorStats stats, int ceiling,
                     java.util.function.LongSupplier backlog, MseCounters mse) {
        this.registry = registry;
        Tags t = Tags.of("instance", instance);
        gauge("btda.evaluator.sessions.in.flight", t, () -> stats.inFlight(), "outgoing contact sessions open now");
        gauge("btda.evaluator.sessions.ceiling", t, () -> ceiling, "evaluator.max-sessions");
        gauge("btda.evaluator.backlog", t, backlog::getAsLong, "contact requests waiting (consumer lag + fetched)");
        gauge("btda.evaluator.incoming.open", t, () -> stats.incomingOpen(), "incoming connections open now");
        gauge("btda.evaluator.incoming.unique.peers", t, () -> stats.uniqueIncomingPeers(), "distinct incoming peers (estimate)");
        counter("btda.evaluator.contacts", t.and("outcome", "SUCCESS"), stats::successes, "completed outgoing contacts");
        for (FailureReason r : FailureReason.values()) {
            counter("btda.evaluator.contacts", t.and("outcome", r.name()), () -> stats.failures(r), "completed outgoing contacts");
        }
        counter("btda.evaluator.contacts.failed.first", t, stats::failedFirst, "failed first contacts (attempt 0)");
        counter("btda.evaluator.contacts.failed.later", t, stats::failedLater, "failed later contacts (attempt > 0)");
        counter("btda.evaluator.observations.published", t, stats::observationsPublished, "observations acknowledged by Kafka");
        counter("btda.evaluator.publish.failures", t, stats::publishFailures, "events Kafka did not accept");
        counter("btda.evaluator.pex.peers", t, stats::pexPeersPublished, "PEX discoveries published");
        counter("btda.evaluator.incoming.evaluated", t, stats::incomingEvaluated, "incoming peers evaluated");
        counter("btda.evaluator.incoming.reconciled", t, stats::incomingReconciledTotal,
                "incoming observations without BEP 10 p keyed by the port the client was reached at");
        counter("btda.evaluator.self.skipped", t, stats::selfSkippedTotal,
                "own listen endpoint skipped (PEX endpoints not published, contacts not dialled)");
        for (Refusal r : Refusal.values()) {
            counter("btda.evaluator.incoming.refused", t.and("reason", r.name()), () -> stats.incomingRefused(r),
                    "incoming connections refused");
        }
        if (mse != null) {
            gauge("btda.evaluator.mse.in.progress", t, mse::inProgress, "MSE/PE handshakes in progress (outgoing)");
            for (MseEncryption e : MseEncryption.values()) {
                counter("btda.evaluator.mse.established", t.and("method", e.name()), () -> mse.established(e),
                        "completed outgoing MSE/PE handshakes by the method selected");
            }
            for (MseViolation v : MseViolation.values()) {
                counter("btda.evaluator.mse.rejected", t.and("reason", v.name()), () -> mse.violations(v),
                        "outgoing MSE/PE handshakes abandoned");
            }
        }
    }

    /** The uTP socket's traffic and what it dropped, by reason (hostile or broken peers end as these counts). */
    void utp(String instance, UtpCounters c) {
        Tags t = Tags.of("instance", instance);
        counter("btda.evaluator.utp.packets.in", t, c::packetsIn, "uTP datagrams received");
        counter("btda.evaluator.utp.packets.out", t, c::packetsOut, "uTP datagrams sent");
        counter("btda.evaluator.utp.retransmissions", t, c::retransmissions, "uTP packets sent again after a timeout");
        counter("btda.evaluator.utp.accepted", t, c::accepted, "incoming uTP connections accepted");
        for (UtpCounters.Rejection r : UtpCounters.Rejection.values()) {
            counter("btda.evaluator.utp.rejected", t.and("reason", r.name()), () -> c.rejected(r),
                    "uTP packets or connections dropped");
        }
    }

    /** BEP 55: candidates and expected peers now, and what relays answered and peers did, by event. */
    void holepunch(String instance, Holepunch h) {
        Tags t = Tags.of("instance", instance);
        gauge("btda.evaluator.holepunch.candidates", t, h::candidateCount, "unreachable peers waiting for a relay");
        gauge("btda.evaluator.holepunch.expected", t, h::expectedCount, "peers a relay told to dial us, not yet arrived");
        for (Holepunch.Event e : Holepunch.Event.values()) {
            counter("btda.evaluator.holepunch.events", t.and("event", e.name()), () -> h.count(e),
                    "BEP 55 rendezvous sent, relay answers (errors by code), introductions accepted or dropped");
        }
    }

    private void gauge(String name, Tags tags, java.util.function.Supplier<Number> f, String help) {
        meters.add(Gauge.builder(name, () -> f.get()).tags(tags).description(help).strongReference(true).register(registry));
    }

    private void counter(String name, Tags tags, java.util.function.LongSupplier f, String help) {
        keep.add(f); // FunctionCounter holds its object weakly
        meters.add(FunctionCounter.builder(name, f, s -> s.getAsLong()).tags(tags).description(help).register(registry));
    }

    @Override
    public void close() {
        for (Meter m : meters) registry.remove(m);
    }
}

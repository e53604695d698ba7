package org.btda.harvester.dht;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Statistics of one DHT node; cheap to bump from the event loop, read by stats reporting. */
public final class DhtCounters {
    final LongAdder packetsIn = new LongAdder();
    final LongAdder packetsOut = new LongAdder();
    final LongAdder queriesReceived = new LongAdder();
    final LongAdder queriesSent = new LongAdder();
    final LongAdder responsesReceived = new LongAdder();
    final LongAdder errorsReceived = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder unknownTransaction = new LongAdder();
    final LongAdder spoofedResponse = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder badToken = new LongAdder();
    final LongAdder announcesStored = new LongAdder();
    final LongAdder lookups = new LongAdder();

    public long packetsIn() {
        return packetsIn.sum();
    }

    public long queriesReceived() {
        return queriesReceived.sum();
    }

    public long queriesSent() {
        return queriesSent.sum();
    }

    public long responsesReceived() {
        return responsesReceived.sum();
    }

    public long timeouts() {
        return timeouts.sum();
    }

    /** Datagrams that were not valid KRPC (bad bencode, missing fields, oversized). */
    public long malformed() {
        return malformed.sum();
    }

    /** Responses/errors whose transaction id matches no outstanding query. */
    public long unknownTransaction() {
        return unknownTransaction.sum();
    }

    /** Responses with a live transaction id but from another address than the one queried. */
    public long spoofedResponse() {
        return spoofedResponse.sum();
    }

    public long rateLimited() {
        return rateLimited.sum();
    }

    public long badToken() {
        return badToken.sum();
    }

    public long announcesStored() {
        return announcesStored.sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("packets_in", packetsIn.sum());
        m.put("packets_out", packetsOut.sum());
        m.put("queries_received", queriesReceived.sum());
        m.put("queries_sent", queriesSent.sum());
        m.put("responses_received", responsesReceived.sum());
        m.put("errors_received", errorsReceived.sum());
        m.put("timeouts", timeouts.sum());
        m.put("malformed", malformed.sum());
        m.put("unknown_transaction", unknownTransaction.sum());
        m.put("spoofed_response", spoofedResponse.sum());
        m.put("rate_limited", rateLimited.sum());
        m.put("bad_token", badToken.sum());
        m.put("announces_stored", announcesStored.sum());
        m.put("lookups", lookups.sum());
        return m;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}

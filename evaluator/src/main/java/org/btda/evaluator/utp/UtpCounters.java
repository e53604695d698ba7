package org.btda.evaluator.utp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the uTP socket rejected or gave up on, by reason: hostile or broken input is counted, never fatal. */
public final class UtpCounters {

    public enum Rejection {
        /** not a valid BEP 29 packet (see {@link org.btda.protocol.utp.UtpException.Reason}) */
        MALFORMED,
        /** a non-SYN packet for no connection we know */
        UNKNOWN_CONNECTION,
        /** a SYN while no acceptor is installed (listener off) */
        SYN_NOT_LISTENING,
        /** a SYN beyond the total or per-address connection ceiling: a SYN flood ends here */
        SYN_OVER_LIMIT,
        /** DATA/FIN numbered beyond the receive window */
        OUT_OF_WINDOW,
        /** an ack_nr for a packet we never sent */
        INVALID_ACK,
        /** accepted connection that sent no data in time (half-open) */
        HALF_OPEN_TIMEOUT,
        /** a packet retransmitted the maximum number of times without an ack */
        RETRANSMIT_LIMIT
    }

    private final Map<Rejection, LongAdder> rejections = new EnumMap<>(Rejection.class);
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder retransmissions = new LongAdder();
    private final LongAdder accepted = new LongAdder();

    public UtpCounters() {
        for (Rejection r : Rejection.values()) rejections.put(r, new LongAdder());
    }

    void reject(Rejection r) {
        rejections.get(r).increment();
    }

    void packetIn() {
        packetsIn.increment();
    }

    void packetOut() {
        packetsOut.increment();
    }

    void retransmitted() {
        retransmissions.increment();
    }

    void acceptedOne() {
        accepted.increment();
    }

    public long rejected(Rejection r) {
        return rejections.get(r).sum();
    }

    public long packetsIn() {
        return packetsIn.sum();
    }

    public long packetsOut() {
        return packetsOut.sum();
    }

    public long retransmissions() {
        return retransmissions.sum();
    }

    public long accepted() {
        return accepted.sum();
    }

    @Override
    public String toString() {
        return "in=" + packetsIn + " out=" + packetsOut + " retransmitted=" + retransmissions + " accepted=" + accepted
                + " rejected=" + rejections;
    }
}

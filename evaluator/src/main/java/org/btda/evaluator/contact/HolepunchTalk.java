package org.btda.evaluator.contact;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.btda.protocol.holepunch.HolepunchCodec;
import org.btda.protocol.holepunch.HolepunchException;
import org.btda.protocol.holepunch.HolepunchMessage;
import org.btda.protocol.wire.ExtendedMessage;

/**
 * The BEP 55 side of one session whose peer advertised {@code ut_holepunch}: the rendezvous it sends that peer (as a
 * relay), the answers it reads, and the connects it acts on. No Netty here: the session handler sends what this
 * returns, so the rules are tested on their own. Runs on the session's event loop only.
 */
final class HolepunchTalk {

    private final Holepunch holepunch;
    private final String infoHashHex;
    /** the peer's id for ut_holepunch (its BEP 10 {@code m}): how our messages to it are labelled */
    private final int peerExtensionId;
    /** targets asked about and not answered yet */
    private final List<InetSocketAddress> outstanding = new ArrayList<>();
    private int unsolicited;
    private long waitUntilNanos;

    HolepunchTalk(Holepunch holepunch, String infoHashHex, int peerExtensionId) {
        this.holepunch = holepunch;
        this.infoHashHex = infoHashHex;
        this.peerExtensionId = peerExtensionId;
    }

    /** The rendezvous to send this relay now (possibly none); the session then waits a little for the answers. */
    List<ExtendedMessage> start(InetSocketAddress relay, long nowNanos) {
        List<ExtendedMessage> out = new ArrayList<>();
        for (InetSocketAddress target : holepunch.forRelay(infoHashHex, relay)) {
            outstanding.add(target);
            out.add(message(HolepunchMessage.rendezvous(target)));
        }
        if (!out.isEmpty()) waitUntilNanos = nowNanos + holepunch.limits().answerWait().toNanos();
        return out;
    }

    /** Whether the session should stay open for answers to its rendezvous. */
    boolean waiting(long nowNanos) {
        return !outstanding.isEmpty() && waitUntilNanos - nowNanos > 0;
    }

    long waitUntilNanos() {
        return waitUntilNanos;
    }

    /**
     * One ut_holepunch payload from the peer; returns the reply to send, or null. Malformed input is counted and
     * otherwise ignored: a broken extension message is no reason to lose the session's observation.
     */
    ExtendedMessage onPayload(byte[] payload) {
        HolepunchMessage m;
        try {
            m = HolepunchCodec.decode(payload);
        } catch (HolepunchException e) {
            holepunch.count(Holepunch.Event.MALFORMED, 1);
            return null;
        }
        switch (m.type()) {
            case RENDEZVOUS -> {
                holepunch.count(Holepunch.Event.RENDEZVOUS_REFUSED, 1);
                return message(HolepunchMessage.error(m.endpoint(), HolepunchMessage.ErrorCode.NOT_CONNECTED));
            }
            case CONNECT -> {
                InetSocketAddress asked = outstandingFor(m.endpoint());
                if (asked != null) {
                    outstanding.remove(asked);
                    holepunch.expect(m.endpoint(), true);
                } else if (unsolicited < holepunch.limits().unsolicitedPerSession()) {
                    // someone asked this relay for us: BEP 55 has the target dial too; we let its SYN in
                    unsolicited++;
                    holepunch.expect(m.endpoint(), false);
                } else {
                    holepunch.count(Holepunch.Event.CONNECT_DROPPED, 1);
                }
            }
            case ERROR -> {
                InetSocketAddress asked = outstandingFor(m.endpoint());
                if (asked != null) outstanding.remove(asked);
                holepunch.answered(infoHashHex, asked != null ? asked : m.endpoint(), m.error());
            }
        }
        return null;
    }

    /** The target a relay's answer is about: the endpoint we sent, else one at the same address (a NAT's remap). */
    private InetSocketAddress outstandingFor(InetSocketAddress endpoint) {
        if (outstanding.contains(endpoint)) return endpoint;
        for (InetSocketAddress a : outstanding) {
            if (a.getAddress().equals(endpoint.getAddress())) return a;
        }
        return null;
    }

    private ExtendedMessage message(HolepunchMessage m) {
        return new ExtendedMessage(peerExtensionId, HolepunchCodec.encode(m));
    }
}

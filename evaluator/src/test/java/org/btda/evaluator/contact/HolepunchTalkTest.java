package org.btda.evaluator.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.btda.protocol.holepunch.HolepunchCodec;
import org.btda.protocol.holepunch.HolepunchMessage;
import org.btda.protocol.holepunch.HolepunchMessage.ErrorCode;
import org.btda.protocol.wire.ExtendedMessage;
import org.junit.jupiter.api.Test;

/** One relay session's BEP 55 conversation, without Netty: what it sends, what it accepts, what it counts. */
class HolepunchTalkTest {

    private static final String T = "ab".repeat(20);
    private static final InetSocketAddress RELAY = new InetSocketAddress("198.51.100.1", 6881);
    private static final InetSocketAddress TARGET = new InetSocketAddress("203.0.113.5", 6881);
    private static final int PEER_ID = 9;

    private final AtomicLong now = new AtomicLong();
    private final Holepunch hp = new Holepunch(Holepunch.Limits.DEFAULT, now::get);

    private static HolepunchMessage decode(ExtendedMessage m) throws Exception {
        assertThat(m.extendedId()).as("labelled with the peer's id").isEqualTo(PEER_ID);
        return HolepunchCodec.decode(m.payload());
    }

    @Test
    void asksTheRelayAboutItsTorrentsCandidatesAndWaitsBrieflyForTheAnswer() throws Exception {
        hp.unreachable(T, TARGET);
        HolepunchTalk talk = new HolepunchTalk(hp, T, PEER_ID);
        List<ExtendedMessage> sent = talk.start(RELAY, now.get());
        assertThat(sent).hasSize(1);
        assertThat(decode(sent.get(0))).isEqualTo(HolepunchMessage.rendezvous(TARGET));
        assertThat(talk.waiting(now.get())).isTrue();
        assertThat(talk.waiting(now.get() + Holepunch.Limits.DEFAULT.answerWait().toNanos())).as("bounded").isFalse();

        assertThat(talk.onPayload(HolepunchCodec.encode(HolepunchMessage.connect(TARGET)))).isNull();
        assertThat(talk.waiting(now.get())).as("answered").isFalse();
        assertThat(hp.takeExpected(TARGET)).as("the target's SYN is let in")
                .isEqualTo(new Holepunch.Introduction(TARGET, true));
        assertThat(hp.count(Holepunch.Event.CONNECT_SOLICITED)).isEqualTo(1);
    }

    @Test
    void withoutCandidatesItSendsNothingAndDoesNotHoldTheSession() {
        HolepunchTalk talk = new HolepunchTalk(hp, T, PEER_ID);
        assertThat(talk.start(RELAY, now.get())).isEmpty();
        assertThat(talk.waiting(now.get())).isFalse();
    }

    @Test
    void aConnectForAnEndpointWeDidNotAskAboutIsBoundedPerSession() {
        HolepunchTalk talk = new HolepunchTalk(hp, T, PEER_ID);
        talk.start(RELAY, now.get());
        InetSocketAddress stranger = new InetSocketAddress("203.0.113.77", 51413);
        talk.onPayload(HolepunchCodec.encode(HolepunchMessage.connect(stranger)));
        talk.onPayload(HolepunchCodec.encode(HolepunchMessage.connect(stranger)));
        talk.onPayload(HolepunchCodec.encode(HolepunchMessage.connect(new InetSocketAddress("203.0.113.78", 1))));
        int allowed = Holepunch.Limits.DEFAULT.unsolicitedPerSession();
        assertThat(hp.count(Holepunch.Event.CONNECT_UNSOLICITED)).isEqualTo(allowed);
        assertThat(hp.count(Holepunch.Event.CONNECT_DROPPED)).isEqualTo(3 - allowed);
        assertThat(hp.takeExpected(new InetSocketAddress("203.0.113.77", 40000))).as("we may meet whoever asked for us")
                .isEqualTo(new Holepunch.Introduction(new InetSocketAddress("203.0.113.77", 40000), false));
        assertThat(hp.count(Holepunch.Event.CONNECT_SOLICITED)).isZero();
    }

    @Test
    void anErrorIsCountedByCodeAndEndsTheWait() {
        hp.unreachable(T, TARGET);
        HolepunchTalk talk = new HolepunchTalk(hp, T, PEER_ID);
        talk.start(RELAY, now.get());
        talk.onPayload(HolepunchCodec.encode(HolepunchMessage.error(TARGET, ErrorCode.NOT_CONNECTED)));
        assertThat(talk.waiting(now.get())).isFalse();
        assertThat(hp.count(Holepunch.Event.ERROR_NOT_CONNECTED)).isEqualTo(1);
        assertThat(hp.wantsRelay(T)).as("another relay may know it").isTrue();
        assertThat(hp.takeExpected(TARGET)).isNull();
    }

    @Test
    void btdaRelaysNothingAndSaysSo() throws Exception {
        HolepunchTalk talk = new HolepunchTalk(hp, T, PEER_ID);
        ExtendedMessage reply = talk.onPayload(HolepunchCodec.encode(HolepunchMessage.rendezvous(TARGET)));
        assertThat(decode(reply)).isEqualTo(HolepunchMessage.error(TARGET, ErrorCode.NOT_CONNECTED));
        assertThat(hp.count(Holepunch.Event.RENDEZVOUS_REFUSED)).isEqualTo(1);
        assertThat(hp.expectedCount()).isZero();
    }

    @Test
    void aMalformedPayloadIsCountedAndIgnored() {
        HolepunchTalk talk = new HolepunchTalk(hp, T, PEER_ID);
        assertThat(talk.onPayload(new byte[] {1, 0, 1})).isNull();
        assertThat(talk.onPayload(new byte[12])).as("rendezvous to port 0").isNull();
        assertThat(hp.count(Holepunch.Event.MALFORMED)).isEqualTo(2);
        assertThat(hp.expectedCount()).isZero();
    }
}

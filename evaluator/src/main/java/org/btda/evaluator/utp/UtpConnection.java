package org.btda.evaluator.utp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;

import org.btda.protocol.utp.UtpPacket;
import org.btda.protocol.utp.UtpType;

/**
 * State of one BEP 29 connection: sequence and ack numbers, the packets in flight (retransmitted with a doubling
 * timeout, a bounded number of times), the reorder buffer of a fixed receive window, selective acks both ways and the
 * FIN/RESET ends. No congestion control beyond a fixed in-flight ceiling: btda sends a handshake and a few small
 * messages. Touched only on the socket's event loop.
 */
final class UtpConnection {

    enum State { SYN_SENT, CONNECTED, CLOSED }

    private final UtpSocket socket;
    private final UtpSocketConfig cfg;
    private final InetSocketAddress remote;
    /** the id on packets we receive (our key in the socket's table) */
    final int recvId;
    /** the id we put on packets we send */
    private final int sendId;
    private final boolean incoming;
    private UtpChannel channel;
    private ChannelPromise connectPromise;
    private long connectDeadlineNanos;

    private State state;
    /** the next sequence number we will use */
    private int seqNr;
    /** the last sequence number received in order */
    private int ackNr;
    private long peerWindow;
    private long lastPeerTimestamp;
    private long lastPeerTimestampAtMicros;

    private final TreeMap<Integer, Outgoing> inFlight = new TreeMap<>((a, b) -> UtpPacket.distance(b, a));
    private int bytesInFlight;
    private final ArrayDeque<byte[]> sendQueue = new ArrayDeque<>();
    private final Map<Integer, byte[]> reorder = new TreeMap<>();
    private int reorderBytes;
    private long rtoMillis;

    private boolean finReceived;
    private int finSeq;
    private boolean finSent;
    private boolean receivedData;
    private long lingerUntilNanos;
    private final long createdNanos = System.nanoTime();

    private static final class Outgoing {
        final UtpType type;
        final int seq;
        final byte[] payload;
        long sentNanos;
        int transmissions;

        Outgoing(UtpType type, int seq, byte[] payload) {
            this.type = type;
            this.seq = seq;
            this.payload = payload;
        }
    }

    private UtpConnection(UtpSocket socket, InetSocketAddress remote, int recvId, int sendId, boolean incoming, State state) {
        this.socket = socket;
        this.cfg = socket.config();
        this.remote = remote;
        this.recvId = recvId;
        this.sendId = sendId;
        this.incoming = incoming;
        this.state = state;
        this.rtoMillis = cfg.initialTimeout().toMillis();
    }

    /** Initiator: sends SYN with our receive id; packets after it carry {@code recvId + 1}. */
    static UtpConnection dial(UtpSocket socket, UtpChannel channel, InetSocketAddress remote, int recvId,
                              long timeoutMillis, ChannelPromise promise, int initialSeq) {
        UtpConnection c = new UtpConnection(socket, remote, recvId, (recvId + 1) & UtpPacket.SEQ_MASK, false, State.SYN_SENT);
        c.channel = channel;
        c.connectPromise = promise;
        c.connectDeadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
        c.seqNr = initialSeq;
        c.sendTracked(UtpType.SYN, new byte[0], recvId);
        return c;
    }

    /** Responder to a SYN: connected at once, answers with STATE; our first DATA carries that STATE's seq_nr. */
    static UtpConnection accept(UtpSocket socket, InetSocketAddress remote, UtpPacket syn, int initialSeq) {
        UtpConnection c = new UtpConnection(socket, remote, (syn.connectionId() + 1) & UtpPacket.SEQ_MASK,
                syn.connectionId(), true, State.CONNECTED);
        c.seqNr = initialSeq;
        c.ackNr = syn.seqNr();
        c.noteTimestamp(syn);
        c.peerWindow = syn.windowSize();
        c.sendState();
        return c;
    }

    void bind(UtpChannel ch) {
        this.channel = ch;
    }

    InetSocketAddress remote() {
        return remote;
    }

    boolean isConnected() {
        return state == State.CONNECTED;
    }

    boolean isIncoming() {
        return incoming;
    }

    /** The socket is closing: the channel ends now, the peer gets a RESET. */
    void abort() {
        if (state == State.CLOSED) return;
        if (state == State.CONNECTED) sendReset();
        fail(new IOException("uTP socket closed"));
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    /** A SYN repeated by the initiator (our STATE was lost): answer again. */
    void onRepeatedSyn(UtpPacket syn) {
        if (incoming && state == State.CONNECTED && syn.seqNr() == ackNr && !receivedData) sendState();
    }

    void onPacket(UtpPacket p) {
        if (state == State.CLOSED) return;
        noteTimestamp(p);
        if (p.type() == UtpType.RESET) {
            fail(state == State.SYN_SENT ? new IOException("connection refused (uTP RESET)")
                    : new IOException("connection reset by peer (uTP RESET)"));
            return;
        }
        if (p.type() == UtpType.SYN) return; // handled by the socket (repeated SYN)
        if (state == State.SYN_SENT) {
            // only an ack of our SYN moves us on; ack_nr names the SYN's sequence number
            if (p.ackNr() != ((seqNr - 1) & UtpPacket.SEQ_MASK)) return;
            state = State.CONNECTED;
            ackNr = (p.seqNr() - 1) & UtpPacket.SEQ_MASK;
            ChannelPromise promise = connectPromise;
            connectPromise = null;
            processAck(p);
            channel.connected(promise);
            if (p.type() == UtpType.DATA || p.type() == UtpType.FIN) onSequenced(p);
            flushQueue();
            return;
        }
        if (!processAck(p)) return;
        if (p.type() == UtpType.DATA || p.type() == UtpType.FIN) onSequenced(p);
        flushQueue();
        maybeFinished();
    }

    /** Cumulative and selective acks; false (and counted) when the ack names a packet we never sent. */
    private boolean processAck(UtpPacket p) {
        int lastSent = (seqNr - 1) & UtpPacket.SEQ_MASK;
        int ahead = UtpPacket.distance(p.ackNr(), lastSent);
        if (ahead < 0) {
            socket.counters().reject(UtpCounters.Rejection.INVALID_ACK);
            return false;
        }
        peerWindow = p.windowSize();
        boolean progress = false;
        Iterator<Map.Entry<Integer, Outgoing>> it = inFlight.entrySet().iterator();
        while (it.hasNext()) {
            Outgoing o = it.next().getValue();
            if (UtpPacket.distance(o.seq, p.ackNr()) >= 0 || p.selectivelyAcks(o.seq)) {
                bytesInFlight -= o.payload.length;
                it.remove();
                progress = true;
            }
        }
        if (progress) rtoMillis = cfg.initialTimeout().toMillis();
        return true;
    }

    /** DATA or FIN: in order, reordered within the window, duplicate (re-acked) or out of window (dropped, counted). */
    private void onSequenced(UtpPacket p) {
        int d = UtpPacket.distance(ackNr, p.seqNr());
        if (d <= 0) {
            sendState(); // a duplicate: our ack was lost
            return;
        }
        if (d > cfg.reorderPackets()) {
            socket.counters().reject(UtpCounters.Rejection.OUT_OF_WINDOW);
            return;
        }
        if (p.type() == UtpType.FIN) {
            if (!finReceived) {
                finReceived = true;
                finSeq = p.seqNr();
            }
        } else if (!reorder.containsKey(p.seqNr())) {
            if (reorderBytes + p.payload().length > cfg.receiveWindowBytes()) {
                socket.counters().reject(UtpCounters.Rejection.OUT_OF_WINDOW);
                return;
            }
            receivedData = true;
            reorder.put(p.seqNr(), p.payload());
            reorderBytes += p.payload().length;
        }
        // deliver everything that is now in order
        while (true) {
            int next = (ackNr + 1) & UtpPacket.SEQ_MASK;
            byte[] data = reorder.remove(next);
            if (data != null) {
                reorderBytes -= data.length;
                ackNr = next;
                if (data.length > 0) channel.received(data);
                if (state == State.CLOSED) return;
            } else if (finReceived && next == finSeq) {
                ackNr = next;
                break;
            } else {
                break;
            }
        }
        sendState();
        if (finReceived && ackNr == finSeq) {
            // the peer's stream ended: the session sees a hang-up, as with a TCP FIN
            channel.closedByConnection(null);
            maybeFinished();
        }
    }

    void write(byte[] data) {
        for (int off = 0; off < data.length; off += cfg.maxPayload()) {
            int len = Math.min(cfg.maxPayload(), data.length - off);
            byte[] chunk = new byte[len];
            System.arraycopy(data, off, chunk, 0, len);
            sendQueue.add(chunk);
        }
        flushQueue();
    }

    private void flushQueue() {
        if (state != State.CONNECTED) return;
        while (!sendQueue.isEmpty() && inFlight.size() < cfg.maxInFlight()
                && (bytesInFlight == 0 || bytesInFlight + sendQueue.peek().length <= Math.max(peerWindow, cfg.maxPayload()))) {
            byte[] chunk = sendQueue.poll();
            sendTracked(UtpType.DATA, chunk, sendId);
        }
        if (sendQueue.isEmpty() && channelGone() && !finSent) sendFin();
    }

    private boolean channelGone() {
        return channel == null || !channel.isOpen();
    }

    /** Our side closed: queued data goes out, then FIN; the entry lingers until FIN is acked or retries run out. */
    void channelClosed() {
        if (state == State.SYN_SENT) {
            closeNow();
            return;
        }
        flushQueue();
        maybeFinished();
    }

    private void sendFin() {
        finSent = true;
        sendTracked(UtpType.FIN, new byte[0], sendId);
    }

    /**
     * Our FIN acked: done once the peer's FIN is in too (its retransmissions would otherwise find no connection);
     * a peer that never sends one is waited for until the linger deadline.
     */
    private void maybeFinished() {
        if (state == State.CLOSED || !channelGone() || !finSent || !inFlight.isEmpty()) return;
        if (finReceived && ackNr == finSeq) closeNow();
        else if (lingerUntilNanos == 0) lingerUntilNanos = System.nanoTime() + cfg.initialTimeout().toNanos() * 4;
    }

    private void sendTracked(UtpType type, byte[] payload, int connectionId) {
        Outgoing o = new Outgoing(type, seqNr, payload);
        seqNr = (seqNr + 1) & UtpPacket.SEQ_MASK;
        inFlight.put(o.seq, o);
        bytesInFlight += payload.length;
        transmit(o, connectionId);
    }

    private void transmit(Outgoing o, int connectionId) {
        o.sentNanos = System.nanoTime();
        o.transmissions++;
        socket.send(remote, new UtpPacket(o.type, connectionId, nowMicros(), timestampDiff(), cfg.receiveWindowBytes(),
                o.seq, ackNr, o.type == UtpType.SYN ? null : selectiveAck(), o.payload));
    }

    private void sendState() {
        socket.send(remote, new UtpPacket(UtpType.STATE, sendId, nowMicros(), timestampDiff(),
                cfg.receiveWindowBytes() - reorderBytes, seqNr, ackNr, selectiveAck(), new byte[0]));
    }

    /** Bit i acks ackNr + 2 + i: the packets held in the reorder buffer. */
    private byte[] selectiveAck() {
        if (reorder.isEmpty()) return null;
        int bits = 0;
        for (int seq : reorder.keySet()) bits = Math.max(bits, UtpPacket.distance((ackNr + 2) & UtpPacket.SEQ_MASK, seq) + 1);
        if (bits <= 0) return null;
        byte[] mask = new byte[Math.min(((bits + 31) / 32) * 4, 252)];
        for (int seq : reorder.keySet()) {
            int bit = UtpPacket.distance((ackNr + 2) & UtpPacket.SEQ_MASK, seq);
            if (bit >= 0 && bit < mask.length * 8) mask[bit >>> 3] |= (byte) (1 << (bit & 7));
        }
        return mask;
    }

    /** Called by the socket's timer: retransmissions, the connect deadline, half-open accepted connections. */
    void tick(long nowNanos) {
        if (state == State.CLOSED) return;
        if (state == State.SYN_SENT && nowNanos - connectDeadlineNanos >= 0) {
            fail(new ConnectTimeoutException("uTP connect timed out"));
            return;
        }
        if (incoming && !receivedData && nowNanos - createdNanos > cfg.halfOpenTimeout().toNanos()) {
            socket.counters().reject(UtpCounters.Rejection.HALF_OPEN_TIMEOUT);
            sendReset();
            fail(new IOException("uTP peer sent no data after its SYN"));
            return;
        }
        if (lingerUntilNanos != 0 && nowNanos - lingerUntilNanos >= 0) {
            closeNow();
            return;
        }
        Outgoing oldest = inFlight.isEmpty() ? null : inFlight.firstEntry().getValue();
        if (oldest == null || nowNanos - oldest.sentNanos < rtoMillis * 1_000_000L) return;
        if (oldest.transmissions >= cfg.maxTransmissions() && state != State.SYN_SENT) {
            socket.counters().reject(UtpCounters.Rejection.RETRANSMIT_LIMIT);
            fail(new IOException("uTP peer acked nothing after " + oldest.transmissions + " transmissions: timed out"));
            return;
        }
        rtoMillis = Math.min(rtoMillis * 2, cfg.maxTimeout().toMillis());
        for (Outgoing o : inFlight.values()) {
            if (nowNanos - o.sentNanos >= 0) {
                socket.counters().retransmitted();
                transmit(o, o.type == UtpType.SYN ? recvId : sendId);
            }
        }
    }

    private void sendReset() {
        socket.send(remote, UtpPacket.control(UtpType.RESET, sendId, nowMicros(), 0, 0, seqNr, ackNr));
    }

    private void fail(Throwable error) {
        ChannelPromise promise = connectPromise;
        connectPromise = null;
        closeNow();
        if (promise != null) {
            promise.tryFailure(error);
            if (channel != null && channel.isOpen()) channel.unsafe().close(channel.voidPromise());
        } else if (channel != null) {
            channel.closedByConnection(error);
        }
    }

    private void closeNow() {
        state = State.CLOSED;
        inFlight.clear();
        sendQueue.clear();
        reorder.clear();
        socket.remove(this);
    }

    private void noteTimestamp(UtpPacket p) {
        lastPeerTimestamp = p.timestampMicros();
        lastPeerTimestampAtMicros = nowMicros();
    }

    private long timestampDiff() {
        return lastPeerTimestampAtMicros == 0 ? 0 : (lastPeerTimestampAtMicros - lastPeerTimestamp) & 0xffffffffL;
    }

    static long nowMicros() {
        return (System.nanoTime() / 1000) & 0xffffffffL;
    }
}

package org.btda.evaluator.contact;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.btda.events.Encryption;
import org.btda.events.FailureReason;
import org.btda.events.Transport;
import org.btda.protocol.pieces.PieceSet;

/**
 * Mutable record of one contact while it runs. Touched only by the channel's event loop (and by the connect listener,
 * which Netty also runs there), so no synchronization; {@link #finish} publishes the immutable result exactly once.
 */
final class Session {

    /** PEX endpoints kept per session: BEP 11 allows 50 per message, a session sees few messages. */
    static final int MAX_PEX_PEERS = 200;

    final ContactTarget target;
    final PieceSet pieces;
    final long startedAtMillis = System.currentTimeMillis();
    final long startedAtNanos = System.nanoTime();
    private final CompletableFuture<ContactResult> result = new CompletableFuture<>();
    private final Runnable onFinish;

    boolean handshakeReceived;
    boolean closingByUs;
    byte[] peerId;
    byte[] reserved;
    String extClient;
    Integer extListenPort;
    Integer extReqq;
    Long extMetadataSize;
    Map<String, Integer> extMessages;
    int messages;
    long observedAtMillis = startedAtMillis;
    private long lastEventNanos = startedAtNanos;
    /** Last time the piece count changed (or the start): a followed peer without news for a while is let go. */
    long lastPieceChangeNanos = startedAtNanos;
    /** Piece count of the last snapshot, -1 before the first: a snapshot is published only when it says something new. */
    int snapshotPieces = -1;
    /** Receives the intermediate results of a followed incoming session; null for every other session. */
    Consumer<ContactResult> snapshots;
    private long longestGapNanos;
    final List<InetSocketAddress> pexPeers = new ArrayList<>();
    /** PEX messages read, empty ones included: a seed that offers PEX is left only after its first. */
    int pexMessages;
    /** PEX endpoints flagged 0x01 ("prefers encryption"), a hint for later contacts; bounded like pexPeers. */
    final List<InetSocketAddress> pexPrefersEncryption = new ArrayList<>();
    /** How the stream is carried: set when the pipeline is built (outgoing) or the MSE handshake ends (incoming). */
    Encryption encryption = Encryption.PLAIN;
    /** how this session is carried: set by whoever opens the channel */
    Transport transport = Transport.TCP;
    /** where PEX-announced uTP support is noted; null when nobody listens */
    TransportMemory transportMemory;
    FailureReason failure;
    String failureDetail;
    private boolean finished;

    Session(ContactTarget target, Runnable onFinish) {
        this.target = target;
        this.pieces = new PieceSet(target.totalPieces());
        this.onFinish = onFinish;
    }

    private ContactResult result() {
        long sessionMillis = (System.nanoTime() - startedAtNanos) / 1_000_000;
        boolean ok = failure == null;
        return new ContactResult(target, failure, failureDetail,
                ok && pieces.known() ? pieces.count() : null,
                startedAtMillis, ok && pieces.known() ? observedAtMillis : startedAtMillis,
                peerId, reserved, extClient, extListenPort, extReqq, extMetadataSize,
                extMessages, messages,
                sessionMillis, longestGapNanos / 1_000_000, List.copyOf(pexPeers), transport, encryption,
                ok && pieces.known() && target.files() != null ? target.files().held(pieces) : null);
    }

    CompletableFuture<ContactResult> future() {
        return result;
    }

    /** Every handshake or message: counts it and tracks the longest silence between messages. */
    void messageArrived() {
        long now = System.nanoTime();
        longestGapNanos = Math.max(longestGapNanos, now - lastEventNanos);
        lastEventNanos = now;
    }

    void piecesChanged() {
        observedAtMillis = System.currentTimeMillis();
        lastPieceChangeNanos = System.nanoTime();
    }

    /**
     * A followed session's intermediate result, as if it ended now: published when the piece count changed since the
     * last one, so a peer downloading on one long connection is observed below and then above the threshold.
     */
    void snapshot() {
        if (finished || snapshots == null || failure != null || !pieces.known() || pieces.count() == snapshotPieces) return;
        snapshotPieces = pieces.count();
        snapshots.accept(result());
    }

    /** Records the first failure only: later ones are consequences (e.g. the reset after a violation). */
    void fail(FailureReason reason, String detail) {
        if (failure == null) {
            failure = reason;
            failureDetail = detail;
        }
    }

    boolean finished() {
        return finished;
    }

    void finish() {
        if (finished) return;
        finished = true;
        ContactResult r = result();
        onFinish.run();
        result.complete(r);
    }
}

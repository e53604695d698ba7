package org.btda.evaluator.contact;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import org.btda.events.Encryption;
import org.btda.events.FailureReason;
import org.btda.events.Transport;

/**
 * What one contact found. Success means the peer completed a valid handshake for our torrent and broke no rule
 * afterwards; {@code pieces} is then the count as of the last piece message, or null when none arrived (unknown, not 0).
 *
 * @param failure         null on success
 * @param startedAtMillis wall-clock time the dial started
 * @param observedAtMillis wall-clock time of the last message that determined the piece count, or start when none
 * @param peerId          the peer's 20-byte id, null before its handshake
 * @param reserved        the peer's 8 reserved handshake bytes, null before its handshake
 * @param extMessages     BEP 10 'm' (null when no extended handshake); yourip/ipv4/ipv6 are never kept
 * @param pexPeers        endpoints the peer announced in ut_pex 'added'/'added6' (bounded)
 * @param transport       what carried the connection; null when never dialled
 * @param encryption      PLAIN or RC4 (after MSE) for the attempt this result describes; null when never dialled
 * @param filePieces      pieces held per file of a multi-file torrent (see {@code FilePieces.held}); null when the
 *                        layout or the piece count is unknown
 * @param holepunch       the connection came about through a BEP 55 relay (the peer dialled us after a connect)
 */
public record ContactResult(ContactTarget target, FailureReason failure, String failureDetail, Integer pieces,
                            long startedAtMillis, long observedAtMillis, byte[] peerId, byte[] reserved,
                            String extClient, Integer extListenPort, Integer extReqq, Long extMetadataSize,
                            Map<String, Integer> extMessages, int messagesReceived, long sessionMillis,
                            long longestGapMillis, List<InetSocketAddress> pexPeers, Transport transport,
                            Encryption encryption, int[] filePieces, boolean holepunch) {

    public ContactResult(ContactTarget target, FailureReason failure, String failureDetail, Integer pieces,
                         long startedAtMillis, long observedAtMillis, byte[] peerId, byte[] reserved,
                         String extClient, Integer extListenPort, Integer extReqq, Long extMetadataSize,
                         Map<String, Integer> extMessages, int messagesReceived, long sessionMillis,
                         long longestGapMillis, List<InetSocketAddress> pexPeers, Transport transport,
                         Encryption encryption, int[] filePieces) {
        this(target, failure, failureDetail, pieces, startedAtMillis, observedAtMillis, peerId, reserved, extClient,
                extListenPort, extReqq, extMetadataSize, extMessages, messagesReceived, sessionMillis, longestGapMillis,
                pexPeers, transport, encryption, filePieces, false);
    }

    public ContactResult(ContactTarget target, FailureReason failure, String failureDetail, Integer pieces,
                         long startedAtMillis, long observedAtMillis, byte[] peerId, byte[] reserved,
                         String extClient, Integer extListenPort, Integer extReqq, Long extMetadataSize,
                         Map<String, Integer> extMessages, int messagesReceived, long sessionMillis,
                         long longestGapMillis, List<InetSocketAddress> pexPeers, Transport transport,
                         Encryption encryption) {
        this(target, failure, failureDetail, pieces, startedAtMillis, observedAtMillis, peerId, reserved, extClient,
                extListenPort, extReqq, extMetadataSize, extMessages, messagesReceived, sessionMillis, longestGapMillis,
                pexPeers, transport, encryption, null, false);
    }

    public boolean success() {
        return failure == null;
    }

    public ContactResult withFailureDetail(String detail) {
        return new ContactResult(target, failure, detail, pieces, startedAtMillis, observedAtMillis, peerId, reserved,
                extClient, extListenPort, extReqq, extMetadataSize, extMessages, messagesReceived, sessionMillis,
                longestGapMillis, pexPeers, transport, encryption, filePieces, holepunch);
    }

    /** A contact that was never dialled (stale request, do-not-contact list, overload). */
    public static ContactResult notDialled(ContactTarget target, FailureReason reason, String detail) {
        long now = System.currentTimeMillis();
        return new ContactResult(target, reason, detail, null, now, now, null, null, null, null, null, null, null, 0, 0, 0,
                List.of(), null, null);
    }
}

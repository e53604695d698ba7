package org.btda.protocol.tracker;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.btda.protocol.compact.CompactEndpoints;
import org.btda.protocol.compact.CompactFormatException;

/**
 * BEP 15 UDP tracker packets: connect, announce and scrape requests, and the replies (connect, announce, scrape, error).
 * Pure codec: transaction ids, retransmission and connection-id lifetime belong to the client. Every reply failure is a
 * {@link TrackerResponseException}; nothing else escapes a reply decoder.
 */
public final class UdpTrackerPackets {
    /** The magic connection id of a connect request. */
    public static final long PROTOCOL_ID = 0x41727101980L;
    public static final int CONNECT = 0;
    public static final int ANNOUNCE = 1;
    public static final int SCRAPE = 2;
    public static final int ERROR = 3;
    public static final int CONNECT_LENGTH = 16;
    public static final int ANNOUNCE_LENGTH = 98;
    public static final int SCRAPE_LENGTH = 36;
    /** Header of every reply: action and transaction id. */
    public static final int REPLY_HEADER = 8;
    /** An error message longer than this is cut: it only ends up in a log line. */
    public static final int MAX_ERROR_MESSAGE = 512;

    private UdpTrackerPackets() {}

    /** What one announce says about us; {@code event} is the BEP 15 number (0 none, 1 completed, 2 started, 3 stopped). */
    public record Announce(byte[] infoHash, byte[] peerId, long left, int event, int key, int numWant, int port) {
        public Announce {
            if (infoHash.length != 20 || peerId.length != 20) {
                throw new IllegalArgumentException("info hash and peer id must have 20 bytes");
            }
            infoHash = infoHash.clone();
            peerId = peerId.clone();
        }
    }

    /** The action and transaction id of a reply; {@code body} is the rest, positioned at its start. */
    public record Reply(int action, int transactionId, ByteBuffer body) {}

    public static byte[] connect(int transactionId) {
        return ByteBuffer.allocate(CONNECT_LENGTH).putLong(PROTOCOL_ID).putInt(CONNECT).putInt(transactionId).array();
    }

    public static byte[] announce(long connectionId, int transactionId, Announce a) {
        return ByteBuffer.allocate(ANNOUNCE_LENGTH)
                .putLong(connectionId).putInt(ANNOUNCE).putInt(transactionId).put(a.infoHash).put(a.peerId)
                .putLong(0).putLong(a.left()).putLong(0).putInt(a.event())
                .putInt(0).putInt(a.key()).putInt(a.numWant()).putShort((short) a.port())
                .array();
    }

    public static byte[] scrape(long connectionId, int transactionId, byte[] infoHash) {
        if (infoHash.length != 20) {
            throw new IllegalArgumentException("info hash must have 20 bytes");
        }
        return ByteBuffer.allocate(SCRAPE_LENGTH).putLong(connectionId).putInt(SCRAPE).putInt(transactionId).put(infoHash).array();
    }

    /** Splits a datagram into header and body; null when it is too short to carry a transaction id. */
    public static Reply reply(ByteBuffer datagram) {
        if (datagram.remaining() < REPLY_HEADER) {
            return null;
        }
        int action = datagram.getInt();
        int tid = datagram.getInt();
        return new Reply(action, tid, datagram.slice());
    }

    /** The connection id of a connect reply body. */
    public static long connectionId(ByteBuffer body) {
        if (body.remaining() < 8) {
            throw new TrackerResponseException("connect response of " + (body.remaining() + REPLY_HEADER) + " bytes, expected 16");
        }
        return body.getLong();
    }

    /** The message of an error reply body (UTF-8, cut at {@link #MAX_ERROR_MESSAGE} bytes). */
    public static String errorMessage(ByteBuffer body) {
        byte[] msg = new byte[Math.min(body.remaining(), MAX_ERROR_MESSAGE)];
        body.get(msg);
        return new String(msg, StandardCharsets.UTF_8);
    }

    /**
     * An announce reply body. The peer list's format follows the address family of the tracker's socket (BEP 15):
     * {@code entrySize} is 6 for an IPv4 tracker, 18 for IPv6. Negative counts read as absent.
     */
    public static AnnounceResponse announceReply(ByteBuffer body, int entrySize) {
        if (body.remaining() < 12) {
            throw new TrackerResponseException("announce response of " + (body.remaining() + REPLY_HEADER) + " bytes, expected at least 20");
        }
        long interval = body.getInt() & 0xffffffffL;
        int leechers = body.getInt();
        int seeders = body.getInt();
        byte[] rest = new byte[body.remaining()];
        body.get(rest);
        List<InetSocketAddress> peers;
        try {
            peers = CompactEndpoints.decode(rest, entrySize);
        } catch (CompactFormatException e) {
            throw new TrackerResponseException(e.getMessage(), e);
        }
        return new AnnounceResponse(Duration.ofSeconds(Math.max(1, interval)), null, peers,
                seeders < 0 ? null : seeders, leechers < 0 ? null : leechers, null, null);
    }

    /** A scrape reply body for one info hash: seeders, completed, leechers. Negative counts read as absent. */
    public static ScrapeResponse scrapeReply(ByteBuffer body) {
        if (body.remaining() < 12) {
            throw new TrackerResponseException("scrape response of " + (body.remaining() + REPLY_HEADER) + " bytes, expected at least 20");
        }
        int seeders = body.getInt();
        int completed = body.getInt();
        int leechers = body.getInt();
        return new ScrapeResponse(seeders < 0 ? null : seeders, leechers < 0 ? null : leechers, completed < 0 ? null : completed);
    }
}

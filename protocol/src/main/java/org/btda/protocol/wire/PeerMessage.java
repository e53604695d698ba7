package org.btda.protocol.wire;

import java.util.Arrays;

/**
 * Everything the {@link PeerMessageDecoder} emits after the handshake. Simple BEP 3 / BEP 6 messages are nested
 * records; BEP 10 ones are top-level types. Piece indexes are non-negative ints (the decoder rejects values
 * above 2^31-1, which no torrent can have).
 */
public sealed interface PeerMessage permits PeerMessage.KeepAlive, PeerMessage.Choke, PeerMessage.Unchoke,
        PeerMessage.Interested, PeerMessage.NotInterested, PeerMessage.Have, PeerMessage.Bitfield, PeerMessage.Request,
        PeerMessage.Piece, PeerMessage.Cancel, PeerMessage.Port, PeerMessage.SuggestPiece, PeerMessage.HaveAll,
        PeerMessage.HaveNone, PeerMessage.RejectRequest, PeerMessage.AllowedFast, ExtendedHandshake, PexMessage,
        MetadataMessage, ExtendedMessage {

    record KeepAlive() implements PeerMessage {
        public static final KeepAlive INSTANCE = new KeepAlive();
    }

    record Choke() implements PeerMessage {
        public static final Choke INSTANCE = new Choke();
    }

    record Unchoke() implements PeerMessage {
        public static final Unchoke INSTANCE = new Unchoke();
    }

    record Interested() implements PeerMessage {
        public static final Interested INSTANCE = new Interested();
    }

    record NotInterested() implements PeerMessage {
        public static final NotInterested INSTANCE = new NotInterested();
    }

    record Have(int pieceIndex) implements PeerMessage {
    }

    /** Raw bitfield bytes, high bit of byte 0 = piece 0; validation against the piece count is PieceSet's job. */
    record Bitfield(byte[] bits) implements PeerMessage {
        public Bitfield {
            bits = bits.clone();
        }

        @Override
        public byte[] bits() {
            return bits.clone();
        }

        public int length() {
            return bits.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bitfield b && Arrays.equals(bits, b.bits);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bits);
        }

        @Override
        public String toString() {
            return "Bitfield[" + bits.length + " bytes]";
        }
    }

    record Request(int pieceIndex, int begin, int length) implements PeerMessage {
    }

    /**
     * Header of a {@code piece} message. btda never sends {@code request}, so every piece is unsolicited: the decoder
     * skips the block bytes as they stream in (never buffering them) and emits only this header, so a handler can
     * count it or drop the peer. {@code blockLength} is the number of bytes skipped.
     */
    record Piece(int pieceIndex, int begin, int blockLength) implements PeerMessage {
    }

    record Cancel(int pieceIndex, int begin, int length) implements PeerMessage {
    }

    /** BEP 5 DHT port. */
    record Port(int port) implements PeerMessage {
    }

    record SuggestPiece(int pieceIndex) implements PeerMessage {
    }

    record HaveAll() implements PeerMessage {
        public static final HaveAll INSTANCE = new HaveAll();
    }

    record HaveNone() implements PeerMessage {
        public static final HaveNone INSTANCE = new HaveNone();
    }

    record RejectRequest(int pieceIndex, int begin, int length) implements PeerMessage {
    }

    record AllowedFast(int pieceIndex) implements PeerMessage {
    }
}

package org.btda.protocol.wire;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.btda.protocol.bencode.BDict;
import org.btda.protocol.bencode.Bencode;
import org.btda.protocol.bencode.BencodeLimits;

/**
 * BEP 9 ut_metadata message. {@code extendedId} is the id on the wire: for decoded messages the id btda assigned
 * ({@link ExtensionIds#utMetadata()}); for messages btda sends it must be the peer's id from its
 * {@link ExtendedHandshake#extensionId(String)}. {@code data} is non-null only for {@link Type#DATA}.
 */
public record MetadataMessage(int extendedId, Type type, int piece, Long totalSize, byte[] data)
        implements PeerMessage {
    /** BEP 9 metadata pieces are 16 KiB; only the last is shorter. */
    public static final int PIECE_LENGTH = 16 * 1024;

    public enum Type {
        REQUEST, DATA, REJECT
    }

    public MetadataMessage {
        if (extendedId < 1 || extendedId > 255 || piece < 0 || type == null) {
            throw new IllegalArgumentException("invalid ut_metadata message");
        }
        if (type == Type.DATA) {
            if (data == null || data.length > PIECE_LENGTH || totalSize == null || totalSize < 0) {
                throw new IllegalArgumentException("ut_metadata data needs total_size and at most 16 KiB of data");
            }
            data = data.clone();
        } else {
            data = null;
        }
    }

    public static MetadataMessage request(int peerExtensionId, int piece) {
        return new MetadataMessage(peerExtensionId, Type.REQUEST, piece, null, null);
    }

    public static MetadataMessage reject(int peerExtensionId, int piece) {
        return new MetadataMessage(peerExtensionId, Type.REJECT, piece, null, null);
    }

    public static MetadataMessage data(int peerExtensionId, int piece, long totalSize, byte[] data) {
        return new MetadataMessage(peerExtensionId, Type.DATA, piece, totalSize, data);
    }

    @Override
    public byte[] data() {
        return data == null ? null : data.clone();
    }

    byte[] encodePayload() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("msg_type", (long) type.ordinal());
        d.put("piece", (long) piece);
        if (type == Type.DATA) {
            d.put("total_size", totalSize);
        }
        byte[] dict = Bencode.encode(d);
        if (type != Type.DATA) {
            return dict;
        }
        byte[] out = Arrays.copyOf(dict, dict.length + data.length);
        System.arraycopy(data, 0, out, dict.length, data.length);
        return out;
    }

    /**
     * Null for an unknown msg_type (BEP 9: ignore it). Throws BencodeException / IllegalArgumentException when
     * malformed.
     */
    static MetadataMessage parse(int extendedId, byte[] payload, BencodeLimits limits) {
        Bencode.Decoded head = Bencode.decodePrefix(payload, 0, limits);
        if (!(head.value() instanceof BDict dict)) {
            throw new IllegalArgumentException("ut_metadata payload is not a dictionary");
        }
        Long msgType = dict.getLong("msg_type");
        Long piece = dict.getLong("piece");
        if (msgType == null || piece == null || piece < 0 || piece > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ut_metadata without valid msg_type/piece");
        }
        if (msgType < 0 || msgType > 2) {
            return null;
        }
        Type type = Type.values()[msgType.intValue()];
        if (type != Type.DATA) {
            return new MetadataMessage(extendedId, type, piece.intValue(), null, null);
        }
        byte[] data = Arrays.copyOfRange(payload, head.end(), payload.length);
        return new MetadataMessage(extendedId, type, piece.intValue(), dict.getLong("total_size"), data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetadataMessage m && m.extendedId == extendedId && m.type == type && m.piece == piece
                && Objects.equals(totalSize, m.totalSize) && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(extendedId, type, piece, totalSize) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "MetadataMessage[id=" + extendedId + ", " + type + ", piece=" + piece + ", total_size=" + totalSize
                + (data == null ? "" : ", " + data.length + " bytes") + "]";
    }
}

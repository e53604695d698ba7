package org.btda.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link PeerState} for the state store and its changelog. A leading format byte lets a later release
 * read older changelogs. Hand-written rather than Avro because it is private to this processor and never leaves it.
 *
 * <p>Formats: 1 = everything up to {@code summaryVersion}; 2 = format 1 followed by the enrichment block (a 16-bit
 * mask of the fields present, then only those), so a peer without enrichment costs two bytes. Format 1 is still read
 * (stores and changelogs written before the upgrade); its enrichment fields are null until the next observation.
 */
final class PeerStateSerde implements Serde<PeerState> {
    private static final byte FORMAT_V1 = 1;
    private static final byte FORMAT = 2;
    private static final int MAX_BYTES = 1 << 20;      // a sane state is a few KB; anything bigger is corrupt
    private static final int MAX_STRING = 4096;

    @Override
    public Serializer<PeerState> serializer() {
        return (topic, s) -> s == null ? null : write(s);
    }

    @Override
    public Deserializer<PeerState> deserializer() {
        return (topic, b) -> b == null ? null : read(b);
    }

    static byte[] write(PeerState s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + s.samples.size() * 12);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            writeBytes(out, s.sealedEndpoint);
            out.writeInt(s.identity);
            out.writeInt(s.firstSource);
            out.writeInt(s.sourcesMask);
            out.writeLong(s.firstSeenAt);
            out.writeInt(s.discoveries);
            out.writeInt(s.duplicates);
            out.writeLong(s.firstContactAt);
            writeInteger(out, s.firstPieces);
            out.writeLong(s.lastContactAt);
            writeInteger(out, s.lastPieces);
            out.writeInt(s.totalPieces);
            out.writeLong(s.pieceLength);
            out.writeLong(s.maxSpeedBps);
            out.writeInt(s.contacts);
            out.writeInt(s.failures);
            out.writeInt(s.consecutiveFailures);
            out.writeBoolean(s.parked);
            writeString(out, s.client);
            writeString(out, s.network);
            out.writeInt(s.samples.size());
            for (PeerState.Sample sample : s.samples) {
                out.writeLong(sample.at());
                out.writeInt(sample.pieces());
            }
            out.writeLong(s.crossedAt);
            out.writeLong(s.lastBelowAt);
            out.writeInt(s.piecesBelow);
            out.writeInt(s.piecesAtCrossing);
            out.writeLong(s.confirmedVersion);
            writeString(out, s.dueKey);
            out.writeLong(s.dueAt);
            out.writeInt(s.nextAttempt);
            writeString(out, s.outstandingRequestId);
            out.writeLong(s.summaryVersion);
            writeEnrichment(out, s);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PeerState read(byte[] b) {
        if (b.length > MAX_BYTES) throw new SerializationException("peer state of " + b.length + " bytes exceeds " + MAX_BYTES);
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
            byte format = in.readByte();
            if (format != FORMAT && format != FORMAT_V1) throw new SerializationException("unknown peer state format " + format);
            PeerState s = new PeerState();
            s.sealedEndpoint = readBytes(in);
            s.identity = in.readInt();
            s.firstSource = in.readInt();
            s.sourcesMask = in.readInt();
            s.firstSeenAt = in.readLong();
            s.discoveries = in.readInt();
            s.duplicates = in.readInt();
            s.firstContactAt = in.readLong();
            s.firstPieces = readInteger(in);
            s.lastContactAt = in.readLong();
            s.lastPieces = readInteger(in);
            s.totalPieces = in.readInt();
            s.pieceLength = in.readLong();
            s.maxSpeedBps = in.readLong();
            s.contacts = in.readInt();
            s.failures = in.readInt();
            s.consecutiveFailures = in.readInt();
            s.parked = in.readBoolean();
            s.client = readString(in);
            s.network = readString(in);
            int n = in.readInt();
            if (n < 0 || n > PeerState.MAX_SAMPLES) throw new SerializationException("bad sample count " + n);
            for (int i = 0; i < n; i++) s.samples.add(new PeerState.Sample(in.readLong(), in.readInt()));
            s.crossedAt = in.readLong();
            s.lastBelowAt = in.readLong();
            s.piecesBelow = in.readInt();
            s.piecesAtCrossing = in.readInt();
            s.confirmedVersion = in.readLong();
            s.dueKey = readString(in);
            s.dueAt = in.readLong();
            s.nextAttempt = in.readInt();
            s.outstandingRequestId = readString(in);
            s.summaryVersion = in.readLong();
            if (format >= 2) readEnrichment(in, s);
            if (in.available() != 0) throw new SerializationException("trailing bytes in peer state");
            if (s.identity < 0 || s.identity >= org.btda.events.IdentityKind.values().length
                    || s.firstSource < 0 || s.firstSource >= org.btda.events.PeerSource.values().length) {
                throw new SerializationException("enum ordinal out of range in peer state");
            }
            return s;
        } catch (IOException e) {
            throw new SerializationException("truncated peer state", e);
        }
    }

    // bit of each enrichment field in the presence mask; the order is the on-disk order, never reorder
    private static final int CITY = 1, COUNTRY = 1 << 1, CONTINENT = 1 << 2, LATITUDE = 1 << 3, LONGITUDE = 1 << 4,
            ASN = 1 << 5, AS_ORG = 1 << 6, DOMAIN = 1 << 7, ADDRESS = 1 << 8, KNOWN = (1 << 9) - 1;

    private static void writeEnrichment(DataOutputStream out, PeerState s) throws IOException {
        int mask = (s.city != null ? CITY : 0) | (s.country != null ? COUNTRY : 0) | (s.continent != null ? CONTINENT : 0)
                | (s.latitude != null ? LATITUDE : 0) | (s.longitude != null ? LONGITUDE : 0) | (s.asn != null ? ASN : 0)
                | (s.asOrg != null ? AS_ORG : 0) | (s.domain != null ? DOMAIN : 0) | (s.address != null ? ADDRESS : 0);
        out.writeShort(mask);
        if (s.city != null) writeString(out, s.city);
        if (s.country != null) writeString(out, s.country);
        if (s.continent != null) writeString(out, s.continent);
        if (s.latitude != null) out.writeDouble(s.latitude);
        if (s.longitude != null) out.writeDouble(s.longitude);
        if (s.asn != null) out.writeLong(s.asn);
        if (s.asOrg != null) writeString(out, s.asOrg);
        if (s.domain != null) writeString(out, s.domain);
        if (s.address != null) writeString(out, s.address);
    }

    private static void readEnrichment(DataInputStream in, PeerState s) throws IOException {
        int mask = in.readUnsignedShort();
        if ((mask & ~KNOWN) != 0) throw new SerializationException("unknown enrichment fields in peer state: " + mask);
        if ((mask & CITY) != 0) s.city = readPresentString(in);
        if ((mask & COUNTRY) != 0) s.country = readPresentString(in);
        if ((mask & CONTINENT) != 0) s.continent = readPresentString(in);
        if ((mask & LATITUDE) != 0) s.latitude = in.readDouble();
        if ((mask & LONGITUDE) != 0) s.longitude = in.readDouble();
        if ((mask & ASN) != 0) s.asn = in.readLong();
        if ((mask & AS_ORG) != 0) s.asOrg = readPresentString(in);
        if ((mask & DOMAIN) != 0) s.domain = readPresentString(in);
        if ((mask & ADDRESS) != 0) s.address = readPresentString(in);
    }

    private static String readPresentString(DataInputStream in) throws IOException {
        String v = readString(in);
        if (v == null) throw new SerializationException("null enrichment field marked present in peer state");
        return v;
    }

    private static void writeBytes(DataOutputStream out, byte[] v) throws IOException {
        if (v == null) { out.writeInt(-1); return; }
        out.writeInt(v.length);
        out.write(v);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) return null;
        if (n < 0 || n > MAX_STRING) throw new SerializationException("bad byte length " + n);
        byte[] v = new byte[n];
        in.readFully(v);
        return v;
    }

    private static void writeInteger(DataOutputStream out, Integer v) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) out.writeInt(v);
    }

    private static Integer readInteger(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readInt() : null;
    }

    private static void writeString(DataOutputStream out, String v) throws IOException {
        writeBytes(out, v == null ? null : v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}

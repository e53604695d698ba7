package org.btda.streams;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link PeerState} for the state store and its changelog. A leading format byte lets a later release
 * read older changelogs. Hand-written rather than Avro because it is private to this processor and never leaves it,
 * and because it runs twice per observation (store get and put), so its cost shows in the stream thread's profile.
 *
 * <p>Formats:
 * <ul>
 * <li>1 = every field up to {@code summaryVersion}, fixed-width big-endian ints and longs through
 *     {@code DataOutputStream}, -1 lengths for null strings and byte arrays, and the due-store key as a string.</li>
 * <li>2 = format 1 followed by the enrichment block (a 16-bit mask of the fields present, then only those). Format 1
 *     leaves the enrichment null until the next observation.</li>
 * <li>3 (written now) = the same fields in 40-50 % of the bytes and a fraction of the CPU (the store is read and
 *     written once per observation): one pass over a byte array, no streams. A varint presence mask comes first, so a
 *     null or default field costs nothing; integers are LEB128 varints; times are zigzag deltas (against
 *     {@code firstSeenAt}, the previous sample or the last contact), 3-4 bytes instead of 8; first and last contact
 *     usually ARE the first and last sample and then cost a mask bit; a request id in canonical UUID form is 16 raw
 *     bytes instead of 36 characters, an IPv4 /24 network ("a.b.c.0/24") 3 bytes. The due key is gone: it is
 *     derived from {@code dueAt}.</li>
 * <li>4 (written now) = format 3 with one more mask bit, {@code FILES}: a block at the end with the per-file progress
 *     of a multi-file torrent ({@link FileProgress}; see {@code writeFiles}). A format 3 state restores with no file
 *     progress; its files start counting at the next observation.</li>
 * </ul>
 * Formats 1, 2 and 3 are only read, so that stores and changelogs written by earlier releases still restore (a state is
 * rewritten as format 3 on its next update); their due key is read and dropped.
 *
 * <p>Format 3 (and 4), in order. {@code [BIT]} = only when that mask bit is set, absent = the field's default (null, false,
 * -1 for contact/crossing/due times, 0 for the rest of the crossing block); {@code u} = unsigned varint of the value's
 * two's-complement bits (exact for any value, 5 or 10 bytes when negative, which no state holds); {@code z} = zigzag
 * varint; {@code str} = u length + UTF-8.
 * <pre>
 * byte 3 | u mask | u firstSeenAt | u identity, firstSource, sourcesMask, discoveries, duplicates
 * [SEALED] u length + bytes
 * u totalPieces, pieceLength, maxSpeedBps, contacts, failures, consecutiveFailures
 * u sample count | per sample: z (at - previous at, the first against firstSeenAt), u pieces
 * [FIRST_CONTACT] z (firstContactAt - firstSeenAt) | [FIRST_PIECES] u firstPieces
 *     (neither with FIRST_IS_SAMPLE: they are the first sample's time and pieces)
 * [LAST_CONTACT] z (lastContactAt - firstSeenAt) | [LAST_PIECES] u lastPieces      (likewise LAST_IS_SAMPLE)
 * [CLIENT] str | [NETWORK] str or [NETWORK_V4] 3 bytes a, b, c of "a.b.c.0/24"
 * [CROSSING] z (crossedAt - firstSeenAt), z (lastBelowAt - crossedAt), u piecesBelow, piecesAtCrossing, confirmedVersion
 * [DUE] z (dueAt - lastContactAt, or - firstSeenAt without a contact) | u nextAttempt
 * [REQUEST_UUID] 16 bytes (most, least significant half, big-endian) or [REQUEST_TEXT] str
 * u summaryVersion
 * [CITY] str [COUNTRY] str [CONTINENT] str [LATITUDE] 8 bytes [LONGITUDE] 8 bytes (raw double bits, big-endian)
 * [ASN] u [AS_ORG] str [DOMAIN] str [ADDRESS] str
 * [FILES] file block (format 4)
 * </pre>
 * Deltas wrap like Java long arithmetic, so every time round-trips exactly, even one before {@code firstSeenAt} (an
 * incoming peer's first sighting can be older than the state) or unsorted samples. The compact forms are used only for
 * the exact text they reproduce ({@code UUID.toString()} is lowercase, so an uppercase UUID stays text), so every
 * string comes back unchanged.
 *
 * <p>Reading never trusts a length: every count and length is checked against its limit and against the bytes left
 * before anything is allocated, varints longer than their type and malformed UTF-8 are rejected, so corrupt input gives
 * a {@link SerializationException} and nothing else. Writing refuses (with the same exception) a state the reader
 * would refuse, rather than put a record in the changelog that could never be restored.
 */
final class PeerStateSerde implements Serde<PeerState> {
    private static final byte FORMAT_V1 = 1;
    private static final byte FORMAT_V2 = 2;
    private static final byte FORMAT_V3 = 3;
    private static final byte FORMAT = 4;
    private static final int MAX_BYTES = 1 << 20;      // a sane state is a few KB; anything bigger is corrupt
    private static final int MAX_STRING = 4096;
    private static final int IDENTITY_KINDS = org.btda.events.IdentityKind.values().length;
    private static final int PEER_SOURCES = org.btda.events.PeerSource.values().length;

    // format 3 presence mask; the bit numbers are on-disk, never renumber
    // (the mask is a 2-byte varint up to bit 13, 3 bytes up to 20, 4 above: what a typical peer sets comes first)
    private static final int SEALED = 1, FIRST_CONTACT = 1 << 1, FIRST_PIECES = 1 << 2, FIRST_IS_SAMPLE = 1 << 3,
            LAST_CONTACT = 1 << 4, LAST_PIECES = 1 << 5, LAST_IS_SAMPLE = 1 << 6, CLIENT = 1 << 7, NETWORK = 1 << 8,
            NETWORK_V4 = 1 << 9, CROSSING = 1 << 10, DUE = 1 << 11, REQUEST_UUID = 1 << 12, REQUEST_TEXT = 1 << 13,
            PARKED = 1 << 14,
            E_CITY = 1 << 15, E_COUNTRY = 1 << 16, E_CONTINENT = 1 << 17, E_LATITUDE = 1 << 18, E_LONGITUDE = 1 << 19,
            E_ASN = 1 << 20, E_AS_ORG = 1 << 21, E_DOMAIN = 1 << 22, E_ADDRESS = 1 << 23, ALL_V3 = (1 << 24) - 1,
            FILES = 1 << 24, ALL = (1 << 25) - 1;

    /** Per-thread scratch buffer: one allocation per write (the result), none for growing. */
    private static final ThreadLocal<Writer> SCRATCH = ThreadLocal.withInitial(Writer::new);

    @Override
    public Serializer<PeerState> serializer() {
        return (topic, s) -> s == null ? null : write(s);
    }

    @Override
    public Deserializer<PeerState> deserializer() {
        return (topic, b) -> b == null ? null : read(b);
    }

    static byte[] write(PeerState s) {
        Writer w = SCRATCH.get();
        w.pos = 0;
        try {
            write(w, s);
            if (w.pos > MAX_BYTES) throw new SerializationException("peer state of " + w.pos + " bytes exceeds " + MAX_BYTES);
            return Arrays.copyOf(w.buf, w.pos);
        } finally {
            if (w.buf.length > Writer.KEEP) SCRATCH.remove();      // do not pin a rare huge buffer to the thread
        }
    }

    private static void write(Writer w, PeerState s) {
        List<PeerState.Sample> samples = s.samples;
        int n = samples.size();
        if (n > PeerState.MAX_SAMPLES) throw new SerializationException("peer state has " + n + " samples");
        PeerState.Sample first = n == 0 ? null : samples.get(0), last = n == 0 ? null : samples.get(n - 1);
        boolean firstIsSample = first != null && s.firstContactAt == first.at()
                && s.firstPieces != null && s.firstPieces == first.pieces();
        boolean lastIsSample = last != null && s.lastContactAt == last.at()
                && s.lastPieces != null && s.lastPieces == last.pieces();
        boolean crossing = s.crossedAt != -1 || s.lastBelowAt != 0 || s.piecesBelow != 0 || s.piecesAtCrossing != 0
                || s.confirmedVersion != 0;
        String request = s.outstandingRequestId;
        boolean uuid = request != null && w.parseUuid(request);
        int v4 = s.network == null ? -1 : ipv4Slash24(s.network);
        int mask = (s.sealedEndpoint != null ? SEALED : 0)
                | (firstIsSample ? FIRST_IS_SAMPLE
                        : (s.firstContactAt != -1 ? FIRST_CONTACT : 0) | (s.firstPieces != null ? FIRST_PIECES : 0))
                | (lastIsSample ? LAST_IS_SAMPLE
                        : (s.lastContactAt != -1 ? LAST_CONTACT : 0) | (s.lastPieces != null ? LAST_PIECES : 0))
                | (s.client != null ? CLIENT : 0) | (s.network == null ? 0 : v4 >= 0 ? NETWORK_V4 : NETWORK)
                | (s.parked ? PARKED : 0)
                | (crossing ? CROSSING : 0) | (s.dueAt != -1 ? DUE : 0)
                | (request == null ? 0 : uuid ? REQUEST_UUID : REQUEST_TEXT)
                | (s.city != null ? E_CITY : 0) | (s.country != null ? E_COUNTRY : 0)
                | (s.continent != null ? E_CONTINENT : 0) | (s.latitude != null ? E_LATITUDE : 0)
                | (s.longitude != null ? E_LONGITUDE : 0) | (s.asn != null ? E_ASN : 0) | (s.asOrg != null ? E_AS_ORG : 0)
                | (s.domain != null ? E_DOMAIN : 0) | (s.address != null ? E_ADDRESS : 0)
                | (s.files != null ? FILES : 0);
        long base = s.firstSeenAt;

        w.ensure(1 + 5 + 10 + 5 * 5);
        w.buf[w.pos++] = FORMAT;
        w.uint(mask);
        w.ulong(base);
        w.uint(s.identity);
        w.uint(s.firstSource);
        w.uint(s.sourcesMask);
        w.uint(s.discoveries);
        w.uint(s.duplicates);
        if (s.sealedEndpoint != null) w.bytes(s.sealedEndpoint);
        w.ensure(5 + 10 + 10 + 5 * 3 + 5);
        w.uint(s.totalPieces);
        w.ulong(s.pieceLength);
        w.ulong(s.maxSpeedBps);
        w.uint(s.contacts);
        w.uint(s.failures);
        w.uint(s.consecutiveFailures);
        w.uint(n);
        w.ensure(n * 15);
        long previous = base;
        for (int i = 0; i < n; i++) {
            PeerState.Sample sample = samples.get(i);
            w.zigzag(sample.at() - previous);
            w.uint(sample.pieces());
            previous = sample.at();
        }
        w.ensure(10 + 5 + 10 + 5);
        if ((mask & FIRST_CONTACT) != 0) w.zigzag(s.firstContactAt - base);
        if ((mask & FIRST_PIECES) != 0) w.uint(s.firstPieces);
        if ((mask & LAST_CONTACT) != 0) w.zigzag(s.lastContactAt - base);
        if ((mask & LAST_PIECES) != 0) w.uint(s.lastPieces);
        if (s.client != null) w.string(s.client);
        w.ensure(3 + 10 * 3 + 5 * 2 + 10 + 5 + 16 + 10);
        if (v4 >= 0) {
            w.buf[w.pos++] = (byte) (v4 >>> 16);
            w.buf[w.pos++] = (byte) (v4 >>> 8);
            w.buf[w.pos++] = (byte) v4;
        } else if (s.network != null) {
            w.string(s.network);
            w.ensure(10 * 3 + 5 * 2 + 10 + 5 + 16 + 10);
        }
        if (crossing) {
            w.zigzag(s.crossedAt - base);
            w.zigzag(s.lastBelowAt - s.crossedAt);
            w.uint(s.piecesBelow);
            w.uint(s.piecesAtCrossing);
            w.ulong(s.confirmedVersion);
        }
        if (s.dueAt != -1) w.zigzag(s.dueAt - (s.lastContactAt != -1 ? s.lastContactAt : base));
        w.uint(s.nextAttempt);
        if (uuid) {
            w.fixed64(w.uuidHigh);
            w.fixed64(w.uuidLow);
        } else if (request != null) {
            w.string(request);
        }
        w.ensure(10);
        w.ulong(s.summaryVersion);
        if ((mask & ~(E_CITY - 1)) != 0) {
            if (s.city != null) w.string(s.city);
            if (s.country != null) w.string(s.country);
            if (s.continent != null) w.string(s.continent);
            w.ensure(8 + 8 + 10);
            if (s.latitude != null) w.fixed64(Double.doubleToRawLongBits(s.latitude));
            if (s.longitude != null) w.fixed64(Double.doubleToRawLongBits(s.longitude));
            if (s.asn != null) w.ulong(s.asn);
            if (s.asOrg != null) w.string(s.asOrg);
            if (s.domain != null) w.string(s.domain);
            if (s.address != null) w.string(s.address);
        }
        if (s.files != null) writeFiles(w, s.files, base);
    }

    /**
     * The file block (format 4): u file count, u version, u pattern count, the distinct per-file run lists (u flags =
     * run count << 1 | first run at/above; per run z (first - base), z (last - first)), then the files as runs of
     * equal pattern: u length, u pattern index. Files are usually sampled by the same observations, so a 1,000-file
     * torrent has a handful of distinct patterns and its block is a few dozen bytes.
     */
    private static void writeFiles(Writer w, FileProgress p, long base) {
        long[][] runs = p.runs;
        java.util.Map<Key, Integer> patterns = new java.util.HashMap<>();
        List<long[]> table = new ArrayList<>();
        int[] index = new int[runs.length];
        for (int f = 0; f < runs.length; f++) {
            long[] r = runs[f] == null ? NEVER : runs[f];
            Integer i = patterns.get(new Key(r));
            if (i == null) {
                i = table.size();
                patterns.put(new Key(r), i);
                table.add(r);
            }
            index[f] = i;
        }
        w.ensure(5 + 10 + 5);
        w.uint(runs.length);
        w.ulong(p.version);
        w.uint(table.size());
        for (long[] r : table) {
            int n = FileProgress.runCount(r);
            w.ensure(5 + n * 20);
            w.uint((int) r[0]);
            for (int k = 0; k < n; k++) {
                w.zigzag(r[1 + 2 * k] - base);
                w.zigzag(r[2 + 2 * k] - r[1 + 2 * k]);
            }
        }
        int f = 0;
        while (f < runs.length) {
            int g = f + 1;
            while (g < runs.length && index[g] == index[f]) g++;
            w.ensure(10);
            w.uint(g - f);
            w.uint(index[f]);
            f = g;
        }
    }

    private static final long[] NEVER = {0L};

    /** Value equality for a run list, as a map key. */
    private record Key(long[] runs) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(runs, k.runs);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(runs);
        }
    }

    private static FileProgress readFiles(Reader r, long base) {
        int files = r.uint();
        if (files < 1 || files > FileProgress.MAX_FILES) throw new SerializationException("bad file count " + files);
        FileProgress p = new FileProgress(files);
        p.version = r.ulong();
        int patterns = r.uint();
        if (patterns < 1 || patterns > files || patterns > r.remaining()) throw new SerializationException("bad pattern count " + patterns);
        long[][] table = new long[patterns][];
        for (int i = 0; i < patterns; i++) {
            int flags = r.uint();
            int n = flags >>> 1;
            if (n > FileProgress.MAX_RUNS || n == 0 && flags != 0) throw new SerializationException("bad file runs " + flags);
            if (n == 0) continue;
            long[] runs = new long[1 + 2 * n];
            runs[0] = flags;
            for (int k = 0; k < n; k++) {
                runs[1 + 2 * k] = base + r.zigzag();
                runs[2 + 2 * k] = runs[1 + 2 * k] + r.zigzag();
            }
            table[i] = runs;
        }
        int f = 0;
        while (f < files) {
            int length = r.uint(), pattern = r.uint();
            if (length < 1 || length > files - f || pattern < 0 || pattern >= patterns) {
                throw new SerializationException("bad file run " + length + " x " + pattern);
            }
            for (int k = 0; k < length; k++) p.runs[f + k] = table[pattern];
            f += length;
        }
        return p;
    }

    static PeerState read(byte[] b) {
        if (b.length > MAX_BYTES) throw new SerializationException("peer state of " + b.length + " bytes exceeds " + MAX_BYTES);
        if (b.length == 0) throw new SerializationException("empty peer state");
        byte format = b[0];
        PeerState s;
        if (format == FORMAT || format == FORMAT_V3) s = readFormat3(b, format);
        else if (format == FORMAT_V2 || format == FORMAT_V1) s = readLegacy(b, format);
        else throw new SerializationException("unknown peer state format " + format);
        if (s.identity < 0 || s.identity >= IDENTITY_KINDS || s.firstSource < 0 || s.firstSource >= PEER_SOURCES) {
            throw new SerializationException("enum ordinal out of range in peer state");
        }
        return s;
    }

    private static PeerState readFormat3(byte[] b, byte format) {
        Reader r = new Reader(b, 1);
        int mask = r.uint();
        if ((mask & ~(format == FORMAT_V3 ? ALL_V3 : ALL)) != 0) throw new SerializationException("unknown fields in peer state: " + Integer.toHexString(mask));
        if ((mask & FIRST_IS_SAMPLE) != 0 && (mask & (FIRST_CONTACT | FIRST_PIECES)) != 0
                || (mask & LAST_IS_SAMPLE) != 0 && (mask & (LAST_CONTACT | LAST_PIECES)) != 0
                || (mask & REQUEST_UUID) != 0 && (mask & REQUEST_TEXT) != 0
                || (mask & NETWORK) != 0 && (mask & NETWORK_V4) != 0) {
            throw new SerializationException("contradictory fields in peer state: " + Integer.toHexString(mask));
        }
        PeerState s = new PeerState();
        long base = r.ulong();
        s.firstSeenAt = base;
        s.identity = r.uint();
        s.firstSource = r.uint();
        s.sourcesMask = r.uint();
        s.discoveries = r.uint();
        s.duplicates = r.uint();
        if ((mask & SEALED) != 0) s.sealedEndpoint = r.bytes();
        s.totalPieces = r.uint();
        s.pieceLength = r.ulong();
        s.maxSpeedBps = r.ulong();
        s.contacts = r.uint();
        s.failures = r.uint();
        s.consecutiveFailures = r.uint();
        int n = r.uint();
        // each sample takes at least 2 bytes: checked before the list grows
        if (n < 0 || n > PeerState.MAX_SAMPLES || n > r.remaining() / 2) throw new SerializationException("bad sample count " + n);
        List<PeerState.Sample> samples = s.samples;
        if (n > 10 && samples instanceof ArrayList<PeerState.Sample> list) list.ensureCapacity(n);
        long at = base;
        for (int i = 0; i < n; i++) {
            at += r.zigzag();
            samples.add(new PeerState.Sample(at, r.uint()));
        }
        if ((mask & (FIRST_IS_SAMPLE | LAST_IS_SAMPLE)) != 0 && n == 0) {
            throw new SerializationException("contact marked as a sample in a peer state without samples");
        }
        if ((mask & FIRST_IS_SAMPLE) != 0) {
            s.firstContactAt = samples.get(0).at();
            s.firstPieces = samples.get(0).pieces();
        }
        if ((mask & FIRST_CONTACT) != 0) s.firstContactAt = base + r.zigzag();
        if ((mask & FIRST_PIECES) != 0) s.firstPieces = r.uint();
        if ((mask & LAST_IS_SAMPLE) != 0) {
            s.lastContactAt = samples.get(n - 1).at();
            s.lastPieces = samples.get(n - 1).pieces();
        }
        if ((mask & LAST_CONTACT) != 0) s.lastContactAt = base + r.zigzag();
        if ((mask & LAST_PIECES) != 0) s.lastPieces = r.uint();
        if ((mask & CLIENT) != 0) s.client = r.string();
        if ((mask & NETWORK) != 0) s.network = r.string();
        if ((mask & NETWORK_V4) != 0) s.network = r.u8() + "." + r.u8() + "." + r.u8() + ".0/24";
        s.parked = (mask & PARKED) != 0;
        if ((mask & CROSSING) != 0) {
            s.crossedAt = base + r.zigzag();
            s.lastBelowAt = s.crossedAt + r.zigzag();
            s.piecesBelow = r.uint();
            s.piecesAtCrossing = r.uint();
            s.confirmedVersion = r.ulong();
        }
        if ((mask & DUE) != 0) s.dueAt = (s.lastContactAt != -1 ? s.lastContactAt : base) + r.zigzag();
        s.nextAttempt = r.uint();
        if ((mask & REQUEST_UUID) != 0) s.outstandingRequestId = new UUID(r.fixed64(), r.fixed64()).toString();
        if ((mask & REQUEST_TEXT) != 0) s.outstandingRequestId = r.string();
        s.summaryVersion = r.ulong();
        if ((mask & E_CITY) != 0) s.city = r.string();
        if ((mask & E_COUNTRY) != 0) s.country = r.string();
        if ((mask & E_CONTINENT) != 0) s.continent = r.string();
        if ((mask & E_LATITUDE) != 0) s.latitude = Double.longBitsToDouble(r.fixed64());
        if ((mask & E_LONGITUDE) != 0) s.longitude = Double.longBitsToDouble(r.fixed64());
        if ((mask & E_ASN) != 0) s.asn = r.ulong();
        if ((mask & E_AS_ORG) != 0) s.asOrg = r.string();
        if ((mask & E_DOMAIN) != 0) s.domain = r.string();
        if ((mask & E_ADDRESS) != 0) s.address = r.string();
        if ((mask & FILES) != 0) s.files = readFiles(r, base);
        if (r.remaining() != 0) throw new SerializationException("trailing bytes in peer state");
        return s;
    }

    /**
     * The three octets (a << 16 | b << 8 | c) when {@code v} is exactly "a.b.c.0/24" as {@code Networks.truncate} writes
     * an IPv4 network (plain decimal octets, no leading zeros), else -1: then the text is stored as it is.
     */
    static int ipv4Slash24(String v) {
        int n = v.length(), i = 0, packed = 0;
        if (n < 10 || n > 16 || !v.endsWith(".0/24")) return -1;
        for (int octet = 0; octet < 3; octet++) {
            int start = i, value = 0;
            while (i < n && v.charAt(i) >= '0' && v.charAt(i) <= '9' && i - start < 3) value = value * 10 + v.charAt(i++) - '0';
            int digits = i - start;
            if (digits == 0 || value > 255 || digits > 1 && v.charAt(start) == '0' || i >= n || v.charAt(i++) != '.') return -1;
            packed = packed << 8 | value;
        }
        return i == n - 4 ? packed : -1;        // what is left is exactly "0/24"
    }

    /** Growing output buffer; unchecked writes after {@link #ensure} of an upper bound of what follows. */
    private static final class Writer {
        static final int KEEP = 64 * 1024;
        byte[] buf = new byte[1024];
        int pos;
        long uuidHigh, uuidLow;     // set by parseUuid

        void ensure(int n) {
            if (n > buf.length - pos) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }

        /** Unsigned varint of the int's 32 bits (1 byte below 128, 5 for a negative). */
        void uint(int v) {
            byte[] b = buf;
            int p = pos;
            while ((v & ~0x7F) != 0) {
                b[p++] = (byte) (v | 0x80);
                v >>>= 7;
            }
            b[p++] = (byte) v;
            pos = p;
        }

        /** Unsigned varint of the long's 64 bits. */
        void ulong(long v) {
            byte[] b = buf;
            int p = pos;
            while ((v & ~0x7FL) != 0) {
                b[p++] = (byte) (v | 0x80);
                v >>>= 7;
            }
            b[p++] = (byte) v;
            pos = p;
        }

        void zigzag(long v) {
            ulong((v << 1) ^ (v >> 63));
        }

        void fixed64(long v) {
            byte[] b = buf;
            int p = pos;
            for (int shift = 56; shift >= 0; shift -= 8) b[p++] = (byte) (v >>> shift);
            pos = p;
        }

        void bytes(byte[] v) {
            if (v.length > MAX_STRING) throw new SerializationException("field of " + v.length + " bytes in peer state");
            ensure(5 + v.length);
            uint(v.length);
            System.arraycopy(v, 0, buf, pos, v.length);
            pos += v.length;
        }

        /** getBytes is an intrinsic copy for ASCII: faster than writing the chars one by one, despite the array. */
        void string(String v) {
            bytes(v.getBytes(StandardCharsets.UTF_8));
        }

        /** True (and the two halves set) when {@code v} is exactly what {@link UUID#toString()} makes of some UUID. */
        boolean parseUuid(String v) {
            if (v.length() != 36 || v.charAt(8) != '-' || v.charAt(13) != '-' || v.charAt(18) != '-' || v.charAt(23) != '-') {
                return false;
            }
            long a = hex(v, 0, 8), b = hex(v, 9, 13), c = hex(v, 14, 18), d = hex(v, 19, 23), e = hex(v, 24, 36);
            if ((a | b | c | d | e) < 0) return false;
            uuidHigh = a << 32 | b << 16 | c;
            uuidLow = d << 48 | e;
            return true;
        }

        /** The lowercase hex digits of v[from, to) as a number, -1 if any is something else (uppercase too). */
        private static long hex(String v, int from, int to) {
            long r = 0;
            for (int i = from; i < to; i++) {
                char ch = v.charAt(i);
                int d = ch < 128 ? HEX[ch] : -1;
                if (d < 0) return -1;
                r = r << 4 | d;
            }
            return r;
        }

        private static final byte[] HEX = new byte[128];      // value of a lowercase hex digit, -1 for other ASCII
        static {
            Arrays.fill(HEX, (byte) -1);
            for (int i = 0; i < 10; i++) HEX['0' + i] = (byte) i;
            for (int i = 0; i < 6; i++) HEX['a' + i] = (byte) (10 + i);
        }
    }

    /** Cursor over the bytes; every read checks what is left and throws {@link SerializationException} past the end. */
    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b, int pos) {
            this.b = b;
            this.pos = pos;
        }

        int u8() {
            if (pos >= b.length) throw truncated();
            return b[pos++] & 0xFF;
        }

        int remaining() {
            return b.length - pos;
        }

        private SerializationException truncated() {
            return new SerializationException("truncated peer state");
        }

        int uint() {
            if (pos < b.length && b[pos] >= 0) return b[pos++];     // one byte: most of them
            long v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                if (pos >= b.length) throw truncated();
                int x = b[pos++];
                if (shift == 28 && (x & 0xF0) != 0) throw new SerializationException("int varint overflow in peer state");
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) return (int) v;
            }
            throw new AssertionError();     // unreachable: the 5th byte either ends the varint or is rejected
        }

        long ulong() {
            if (pos < b.length && b[pos] >= 0) return b[pos++];
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (pos >= b.length) throw truncated();
                int x = b[pos++];
                if (shift == 63 && (x & 0xFE) != 0) throw new SerializationException("long varint overflow in peer state");
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) return v;
            }
            throw new AssertionError();     // unreachable: the 10th byte either ends the varint or is rejected
        }

        long zigzag() {
            long v = ulong();
            return (v >>> 1) ^ -(v & 1);
        }

        long fixed64() {
            if (remaining() < 8) throw truncated();
            long v = 0;
            for (int i = 0; i < 8; i++) v = v << 8 | (b[pos++] & 0xFF);
            return v;
        }

        private int length() {
            int n = uint();
            if (n < 0 || n > MAX_STRING) throw new SerializationException("bad length " + n + " in peer state");
            if (n > remaining()) throw truncated();
            return n;
        }

        byte[] bytes() {
            int n = length();
            byte[] v = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return v;
        }

        /** Strict UTF-8: malformed bytes are corruption (the writer never makes them), not a string with U+FFFD. */
        String string() {
            int n = length();
            String v = new String(b, pos, n, StandardCharsets.UTF_8);
            if (v.indexOf('\uFFFD') >= 0) {     // free for Latin-1 strings; otherwise rare: tell a real U+FFFD apart
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, pos, n));
                } catch (CharacterCodingException e) {
                    throw new SerializationException("malformed UTF-8 in peer state", e);
                }
            }
            pos += n;
            return v;
        }
    }

    // ---- formats 1 and 2: read only, unchanged since they were written --------------------------------------------

    // bit of each enrichment field in the format-2 presence mask
    private static final int CITY = 1, COUNTRY = 1 << 1, CONTINENT = 1 << 2, LATITUDE = 1 << 3, LONGITUDE = 1 << 4,
            ASN = 1 << 5, AS_ORG = 1 << 6, DOMAIN = 1 << 7, ADDRESS = 1 << 8, KNOWN = (1 << 9) - 1;

    private static PeerState readLegacy(byte[] b, byte format) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(b, 1, b.length - 1));
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
            readString(in);                  // the due key, derived from dueAt since
            s.dueAt = in.readLong();
            s.nextAttempt = in.readInt();
            s.outstandingRequestId = readString(in);
            s.summaryVersion = in.readLong();
            if (format >= FORMAT_V2) readEnrichment(in, s);
            if (in.available() != 0) throw new SerializationException("trailing bytes in peer state");
            return s;
        } catch (IOException e) {
            throw new SerializationException("truncated peer state", e);
        }
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

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) return null;
        if (n < 0 || n > MAX_STRING) throw new SerializationException("bad byte length " + n);
        byte[] v = new byte[n];
        in.readFully(v);
        return v;
    }

    private static Integer readInteger(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readInt() : null;
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}

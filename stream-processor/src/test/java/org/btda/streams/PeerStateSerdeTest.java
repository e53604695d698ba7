package org.btda.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class PeerStateSerdeTest {
    /**
     * {@link #sample()} as written by format 1 (the serializer before enrichment), captured from that code: stores and
     * changelogs of running deployments hold exactly these bytes. It still carries the due key "0000000000000020|x:y".
     */
    private static final String FORMAT_1_SAMPLE = "0100000003010203000000010000000200000005000000000000000b0000000300000002000000000000000c00000000000000000d01000000630000006400000000000040000000000000000309000000040000000100000001010000001171426974746f7272656e7420342e362e300000000e3230332e302e3131332e302f323400000002000000000000000c0000000a000000000000000d00000063000000000000000d000000000000000c0000000a00000063000000000000000100000014303030303030303030303030303032307c783a7900000000000000140000000200000001720000000000000009";
    private static final String SAMPLE_DUE_KEY = "0000000000000020|x:y";

    /** Every instance field of {@link PeerState}: a new one must be added here, to the serde, and to {@link #full()}. */
    private static final List<String> FIELDS = List.of("sealedEndpoint", "identity", "firstSource", "sourcesMask",
            "firstSeenAt", "discoveries", "duplicates", "firstContactAt", "firstPieces", "lastContactAt", "lastPieces",
            "totalPieces", "pieceLength", "maxSpeedBps", "contacts", "failures", "consecutiveFailures", "parked", "client",
            "network", "city", "country", "continent", "latitude", "longitude", "asn", "asOrg", "domain", "address",
            "samples", "crossedAt", "lastBelowAt", "piecesBelow", "piecesAtCrossing", "confirmedVersion", "dueAt",
            "nextAttempt", "outstandingRequestId", "summaryVersion", "files");

    // ---- old formats -----------------------------------------------------------------------------------------------

    @Test
    void readsFormat1WrittenBeforeEnrichment() {
        byte[] old = HexFormat.of().parseHex(FORMAT_1_SAMPLE);
        assertThat(old[0]).isEqualTo((byte) 1);
        assertThat(writeLegacy(1, sample(), SAMPLE_DUE_KEY)).as("the test's old-layout writer is the old code")
                .isEqualTo(old);
        PeerState r = PeerStateSerde.read(old);
        assertSame(r, sample());
        assertThat(r.city).isNull();
        assertThat(r.latitude).isNull();
        assertThat(r.asn).isNull();
        assertThat(r.address).isNull();
        // rewritten in the current format on the next update, and that reads back the same
        byte[] now = PeerStateSerde.write(r);
        assertThat(now[0]).isEqualTo((byte) 4);
        assertSame(PeerStateSerde.read(now), sample());
    }

    @Test
    void readsFormat2WithEnrichmentAndDueKey() {
        PeerState s = full();
        s.files = null;         // format 2 predates per-file progress
        byte[] old = writeLegacy(2, s, DueKeys.of(s.dueAt, "x:y"));
        assertThat(old[0]).isEqualTo((byte) 2);
        PeerState r = PeerStateSerde.read(old);
        assertSame(r, s);
        assertThat(r.city).isEqualTo("Zürich");
        assertThat(r.latitude).isEqualTo(47.4);
        assertThat(r.dueAt).isEqualTo(s.dueAt);
        assertThat(r.outstandingRequestId).isEqualTo(s.outstandingRequestId);
        byte[] now = PeerStateSerde.write(r);
        assertThat(now[0]).isEqualTo((byte) 4);
        assertThat(now.length).isLessThan(old.length * 55 / 100);
        assertSame(PeerStateSerde.read(now), s);
        // and a format-2 writer without the due key (its last version) too
        assertSame(PeerStateSerde.read(writeFormat2(s)), s);
        assertSame(PeerStateSerde.read(writeFormat2(new PeerState())), new PeerState());
    }

    @Test
    void rejectsUnknownEnrichmentBitsInFormat2() {
        byte[] ok = writeFormat2(sample());
        byte[] bad = ok.clone();
        bad[bad.length - 2] = (byte) 0x80;      // a mask bit no format-2 writer sets
        assertThatThrownBy(() -> PeerStateSerde.read(bad)).isInstanceOf(SerializationException.class);
    }

    @Test
    void readsFormat3WrittenBeforePerFileProgress() {
        // format 3 is format 4 without the FILES bit: the bytes of such a state with the old format byte
        for (PeerState s : List.of(new PeerState(), sample(), typical())) {
            byte[] v3 = PeerStateSerde.write(s);
            v3[0] = 3;
            PeerState r = PeerStateSerde.read(v3);
            assertSame(r, s);
            assertThat(r.files).isNull();
            assertThat(PeerStateSerde.write(r)[0]).as("rewritten as the current format").isEqualTo((byte) 4);
        }
        // ... and a format 3 state cannot claim a file block
        PeerState withFiles = sample();
        withFiles.files = files(3, withFiles.firstSeenAt);
        byte[] bytes = PeerStateSerde.write(withFiles);
        bytes[0] = 3;
        assertRejected(bytes, "unknown fields");
    }

    @Test
    void fileProgressOfAThousandFilesStaysSmallAndRoundTrips() {
        PeerState s = typical();
        byte[] without = PeerStateSerde.write(s);
        s.files = files(1000, s.firstSeenAt);
        byte[] with = assertRoundTrip(s);
        // three distinct run lists (file 0, file 1, the rest) and three runs of files: a few dozen bytes
        assertThat(with.length - without.length).isLessThan(64);
        PeerState r = PeerStateSerde.read(with);
        assertThat(FileProgress.crossedAt(r.files.runs[0])).isEqualTo(s.firstSeenAt + 1_900_000);
        assertThat(FileProgress.crossedAt(r.files.runs[1])).isEqualTo(s.firstSeenAt + 3_700_000);
        assertThat(FileProgress.crossedAt(r.files.runs[999])).isEqualTo(-1);
    }

    @Test
    void rejectsMalformedFileBlocks() {
        PeerState s = new PeerState();
        s.files = files(3, 0);
        byte[] ok = PeerStateSerde.write(s);
        assertThat(PeerStateSerde.read(ok).files.fileCount()).isEqualTo(3);
        // the block ends with the files as (length, pattern index) pairs: an index past the table, or a length past
        // the file count, is refused
        byte[] badIndex = ok.clone();
        badIndex[ok.length - 1] = 9;
        assertRejected(badIndex, "bad file run");
        byte[] badLength = ok.clone();
        badLength[ok.length - 2] = 5;
        assertRejected(badLength, "bad file run");
    }

    // ---- round trips -----------------------------------------------------------------------------------------------

    @Test
    void fieldListAndFullStateCoverEveryField() throws Exception {
        List<String> declared = new ArrayList<>();
        for (Field f : PeerState.class.getDeclaredFields()) if (!Modifier.isStatic(f.getModifiers())) declared.add(f.getName());
        assertThat(declared).as("a new PeerState field needs the serde, FIELDS and full()").containsExactlyInAnyOrderElementsOf(FIELDS);
        PeerState full = full(), empty = new PeerState();
        for (String name : FIELDS) {
            Field f = PeerState.class.getDeclaredField(name);
            assertThat(Objects.deepEquals(f.get(full), f.get(empty))).as("full() sets %s", name).isFalse();
        }
    }

    @Test
    void roundTripsEveryField() {
        assertRoundTrip(full());
        assertRoundTrip(sample());
        assertRoundTrip(typical());
    }

    @Test
    void roundTripsDefaultState() {
        byte[] bytes = assertRoundTrip(new PeerState());
        assertThat(bytes.length).isLessThanOrEqualTo(20);
    }

    @Test
    void roundTripsPartialEnrichment() {
        PeerState s = sample();
        s.country = "NL";
        s.longitude = -0.1;
        s.domain = "example.net";
        assertRoundTrip(s);
        PeerState r = PeerStateSerde.read(PeerStateSerde.write(s));
        assertThat(r.city).isNull();
        assertThat(r.latitude).isNull();
        assertThat(r.asn).isNull();
    }

    @Test
    void roundTripsRequestIdsExactly() {
        String lower = "6f1c2b1e-8a4d-4c3e-9b2a-1d5e7f9a0b3c", random = UUID.randomUUID().toString();
        List<String> canonical = List.of(lower, random, "00000000-0000-0000-0000-000000000000",
                "ffffffff-ffff-ffff-ffff-ffffffffffff");
        PeerState none = typical();
        none.outstandingRequestId = null;
        int without = PeerStateSerde.write(none).length;
        List<String> ids = new ArrayList<>(canonical);
        ids.addAll(List.of(lower.toUpperCase(), "6F1c2b1e-8a4d-4c3e-9b2a-1d5e7f9a0b3c", "123e4567-e89b-12d3-a456-42661417400g", "{" + lower.substring(1) + "}",
                "123e4567e89b-12d3-a456-426614174000-", "r", "", "Anfrage-Zürich-請求", "p:42:123"));
        for (String id : ids) {
            PeerState s = typical();
            s.outstandingRequestId = id;
            byte[] bytes = assertRoundTrip(s);
            assertThat(PeerStateSerde.read(bytes).outstandingRequestId).isEqualTo(id);
            int utf8 = id.getBytes(StandardCharsets.UTF_8).length;
            assertThat(bytes.length - without).as(id).isEqualTo(canonical.contains(id) ? 16 : 1 + utf8);
        }
    }

    @Test
    void roundTripsNetworksExactly() {
        PeerState none = typical();
        none.network = null;
        int without = PeerStateSerde.write(none).length;
        for (String net : List.of("203.0.113.0/24", "0.0.0.0/24", "255.255.255.0/24", "10.20.30.0/24")) {
            PeerState s = typical();
            s.network = net;
            assertThat(assertRoundTrip(s).length - without).as(net).isEqualTo(3);
        }
        for (String net : List.of("010.0.0.0/24", "1.2.3.0/23", "1.2.3.4/24", "256.1.1.0/24", "1.2.3.0/24 ", " 1.2.3.0/24",
                "1.2.0/24", "1.2.3.0.0/24", "1..3.0/24", "1.2.3.00/24", "1234.2.3.0/24", "2001:db8:1::/48", "", ".0/24",
                "1.2.3.0/240", "1.2.3.0/24/24", "１.2.3.0/24")) {
            PeerState s = typical();
            s.network = net;
            assertThat(assertRoundTrip(s).length - without).as(net).isEqualTo(1 + net.getBytes(StandardCharsets.UTF_8).length);
            assertThat(PeerStateSerde.read(PeerStateSerde.write(s)).network).isEqualTo(net);
        }
    }

    @Test
    void roundTripsNegativeAndExtremeValues() {
        PeerState s = full();
        s.pieceLength = Long.MAX_VALUE;
        s.maxSpeedBps = Long.MIN_VALUE;
        s.firstSeenAt = 1_750_000_000_000L;
        s.firstContactAt = s.firstSeenAt - 86_400_000L;        // incoming peer: contact before the state's first sighting
        s.firstPieces = -1;
        s.lastContactAt = -1;
        s.lastPieces = Integer.MIN_VALUE;
        s.samples.clear();
        s.samples.add(new PeerState.Sample(s.firstSeenAt - 5_000, 0));
        s.samples.add(new PeerState.Sample(Long.MIN_VALUE, Integer.MAX_VALUE));      // never stored, still exact
        s.samples.add(new PeerState.Sample(Long.MAX_VALUE, -7));
        s.crossedAt = -1;
        s.lastBelowAt = Long.MIN_VALUE;
        s.piecesBelow = -3;
        s.confirmedVersion = -1;
        s.dueAt = 0;
        s.nextAttempt = -2;
        s.identity = 0;
        s.sourcesMask = -1;
        s.discoveries = Integer.MAX_VALUE;
        s.duplicates = Integer.MIN_VALUE;
        s.totalPieces = -1;
        s.contacts = -1;
        s.summaryVersion = Long.MIN_VALUE;
        s.asn = -1L;
        s.latitude = Double.longBitsToDouble(0x7ff8_0000_0000_0123L);     // a NaN with a payload keeps its bits
        s.longitude = -0.0;
        s.sealedEndpoint = new byte[0];
        s.client = "";
        assertRoundTrip(s);
        PeerState r = PeerStateSerde.read(PeerStateSerde.write(s));
        assertThat(Double.doubleToRawLongBits(r.latitude)).isEqualTo(0x7ff8_0000_0000_0123L);
        assertThat(Double.doubleToRawLongBits(r.longitude)).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(r.pieceLength).isEqualTo(Long.MAX_VALUE);

        for (long base : new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}) {      // deltas that overflow wrap back
            PeerState t = typical();
            t.firstSeenAt = base;
            t.firstContactAt = Long.MAX_VALUE;
            t.dueAt = Long.MIN_VALUE;
            t.crossedAt = 0;
            t.lastBelowAt = Long.MAX_VALUE;
            assertRoundTrip(t);
        }
        // a contact matching a sample in time but not in pieces (or the other way round) is stored explicitly
        PeerState u = typical();
        u.firstPieces = u.samples.get(0).pieces() + 1;
        u.lastContactAt = u.samples.get(u.samples.size() - 1).at() + 1;
        assertRoundTrip(u);
        u.firstPieces = null;
        u.lastPieces = null;
        assertRoundTrip(u);
    }

    @Test
    void roundTripsManySamplesAndNonAsciiText() {
        PeerState s = full();
        s.samples.clear();
        for (int i = 0; i < PeerState.MAX_SAMPLES; i++) s.samples.add(new PeerState.Sample(s.firstSeenAt + i * 1_800_000L + i, i * 7));
        s.asOrg = "Ünïcödé Networks 株式会社 \uD83D\uDE80";
        s.city = "\uFFFDa real replacement char";
        s.network = "x".repeat(4096);
        assertRoundTrip(s);
    }

    @Test
    void writerRefusesWhatTheReaderWouldRefuse() {
        PeerState s = typical();
        s.client = "x".repeat(4097);
        assertThatThrownBy(() -> PeerStateSerde.write(s)).isInstanceOf(SerializationException.class);
        s.client = "ü".repeat(2049);                  // 4098 UTF-8 bytes
        assertThatThrownBy(() -> PeerStateSerde.write(s)).isInstanceOf(SerializationException.class);
        s.client = null;
        s.sealedEndpoint = new byte[4097];
        assertThatThrownBy(() -> PeerStateSerde.write(s)).isInstanceOf(SerializationException.class);
        s.sealedEndpoint = new byte[40];
        for (int i = 0; i <= PeerState.MAX_SAMPLES; i++) s.samples.add(new PeerState.Sample(i, i));
        assertThatThrownBy(() -> PeerStateSerde.write(s)).isInstanceOf(SerializationException.class);
        s.samples.clear();
        assertRoundTrip(s);                           // and the thread's buffer still works
    }

    // ---- malformed input -------------------------------------------------------------------------------------------

    @Test
    void rejectsTruncatedTrailingAndUnknownFormats() {
        for (PeerState s : List.of(new PeerState(), full(), typical())) {
            byte[] ok = PeerStateSerde.write(s);
            for (int n = 0; n < ok.length; n++) {
                int len = n;
                assertThatThrownBy(() -> PeerStateSerde.read(Arrays.copyOf(ok, len))).isInstanceOf(SerializationException.class);
            }
            assertThatThrownBy(() -> PeerStateSerde.read(Arrays.copyOf(ok, ok.length + 1)))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("trailing");
            byte[] other = ok.clone();
            other[0] = 9;
            assertThatThrownBy(() -> PeerStateSerde.read(other)).isInstanceOf(SerializationException.class)
                    .hasMessageContaining("unknown peer state format");
        }
        assertThatThrownBy(() -> PeerStateSerde.read(new byte[(1 << 20) + 1])).isInstanceOf(SerializationException.class);
    }

    @Test
    void rejectsUnknownAndContradictoryMaskBits() {
        byte[] ok = PeerStateSerde.write(typical());
        int mask = (int) varint(ok, 1)[0];
        assertThat(mask & 1 << 9).as("typical network is compact").isNotZero();
        for (int bad : new int[] {mask | 1 << 25, mask | 1 << 30, mask | 1 << 12 | 1 << 13, mask | 1 << 1 | 1 << 3,
                mask | 1 << 5 | 1 << 6, mask | 1 << 8}) {
            assertThatThrownBy(() -> PeerStateSerde.read(withMask(ok, bad))).as(Integer.toHexString(bad))
                    .isInstanceOf(SerializationException.class);
        }
        // first/last contact "is a sample" without samples
        PeerState none = new PeerState();
        byte[] empty = PeerStateSerde.write(none);
        int m = (int) varint(empty, 1)[0];
        assertThatThrownBy(() -> PeerStateSerde.read(withMask(empty, m | 1 << 3))).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> PeerStateSerde.read(withMask(empty, m | 1 << 6))).isInstanceOf(SerializationException.class);
    }

    @Test
    void rejectsBadLengthsCountsVarintsEnumsAndUtf8() {
        // the default state: 03, mask 00, firstSeenAt 00, identity, firstSource, sourcesMask, discoveries, duplicates,
        // totalPieces, pieceLength, maxSpeedBps, contacts, failures, consecutiveFailures, sample count, nextAttempt, summaryVersion
        byte[] empty = PeerStateSerde.write(new PeerState());
        assertThat(empty).containsExactly(4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(PeerStateSerde.read(bytes(3, 0, 0, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).firstSource).isEqualTo(5);
        assertRejected(bytes(3, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "enum");        // identity 2
        assertRejected(bytes(3, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "enum");        // firstSource 6
        assertRejected(bytes(3, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "enum");   // -1
        // an int varint with more than 32 bits, a long varint with more than 64
        assertRejected(bytes(3, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "overflow");
        assertRejected(bytes(3, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0), "overflow");
        // sample counts: above MAX_SAMPLES, above what the bytes left can hold, negative
        assertRejected(bytes(3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81, 0x02, 0, 0), "sample count");
        assertRejected(bytes(3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0), "sample count");
        assertRejected(bytes(3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0), "sample count");
        // sealed endpoint (mask bit 0): length above MAX_STRING, above the bytes left, negative
        assertRejected(bytes(3, 1, 0, 0, 0, 0, 0, 0, 0x81, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0), "length");
        assertRejected(bytes(3, 1, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0), "truncated");
        assertRejected(bytes(3, 1, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0), "length");
        assertThat(PeerStateSerde.read(bytes(3, 1, 0, 0, 0, 0, 0, 0, 2, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0)).sealedEndpoint)
                .containsExactly(7, 8);
        // client (mask bit 7): malformed UTF-8 (a lone continuation byte, an encoded surrogate) is corruption
        assertThat(PeerStateSerde.read(bytes(3, 0x80, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0xc3, 0xbc, 0, 0)).client)
                .isEqualTo("ü");
        assertRejected(bytes(3, 0x80, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0xbc, 0x41, 0, 0), "UTF-8");
        assertRejected(bytes(3, 0x80, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0xed, 0xa0, 0x80, 0, 0), "UTF-8");
        assertRejected(new byte[0], "empty");
    }

    /**
     * Seeded fuzzing: mutations, truncations and extensions of valid format-3 (and format-2) bytes, and random bytes
     * behind a format-3 byte, give a state or a SerializationException, never another exception; and whatever is
     * accepted writes and reads back the same.
     */
    @Test
    void fuzzedInputGivesAStateOrSerializationException() {
        List<byte[]> seeds3 = new ArrayList<>(), seeds2 = new ArrayList<>();
        for (PeerState s : List.of(new PeerState(), sample(), typical(), full())) {
            seeds3.add(PeerStateSerde.write(s));
            seeds2.add(writeFormat2(s));
        }
        SplittableRandom rnd = new SplittableRandom(20_250_611L);
        int accepted = 0, rejected = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] in;
            if (i % 10 == 9) {
                in = new byte[1 + rnd.nextInt(200)];
                for (int j = 1; j < in.length; j++) in[j] = (byte) rnd.nextInt(rnd.nextBoolean() ? 256 : 3);   // many zeros and ones
                in[0] = 3;
            } else {
                List<byte[]> seeds = i % 10 == 8 ? seeds2 : seeds3;
                in = mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
            }
            PeerState s;
            try {
                s = PeerStateSerde.read(in);
            } catch (SerializationException e) {
                rejected++;
                continue;
            } catch (Throwable t) {
                fail("input " + HexFormat.of().formatHex(in) + " threw " + t, t);
                return;
            }
            accepted++;
            byte[] again = PeerStateSerde.write(s);
            PeerState r = PeerStateSerde.read(again);
            // bytes always; the (slower) field descriptions of every 32nd
            if (!Arrays.equals(PeerStateSerde.write(r), again) || accepted % 32 == 0 && !describe(r).equals(describe(s))) {
                fail("input " + HexFormat.of().formatHex(in) + " does not round-trip:\n" + describe(s) + "\n" + describe(r));
            }
        }
        assertThat(accepted).as("some mutations stay valid").isGreaterThan(1_000);
        assertThat(rejected).as("most do not").isGreaterThan(10_000);
    }

    // ---- size --------------------------------------------------------------------------------------------------------

    @Test
    void typicalStateIsLessThanHalfItsFormat2Size() {
        PeerState s = typical();
        int v3 = PeerStateSerde.write(s).length, v2 = writeFormat2(s).length;
        // measured: 128 bytes against 322 (39.8 %), 40 of them the sealed endpoint; and format 2 as the release before
        // wrote it also stored the due key (16 digits, '|', a 73-character peer ref): 412 bytes
        assertThat(v2).isEqualTo(322);
        assertThat(v3).isLessThanOrEqualTo(132);
        assertThat(v3 * 100).isLessThanOrEqualTo(v2 * 41);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------------

    private static byte[] assertRoundTrip(PeerState s) {
        byte[] bytes = PeerStateSerde.write(s);
        assertThat(bytes[0]).isEqualTo((byte) 4);
        PeerState r = PeerStateSerde.read(bytes);
        assertSame(r, s);
        assertThat(PeerStateSerde.write(r)).as("stable encoding").isEqualTo(bytes);
        return bytes;
    }

    /** Every field equal (arrays by content, samples in order, doubles bit for bit), described for a readable failure. */
    private static void assertSame(PeerState actual, PeerState expected) {
        assertThat(describe(actual)).isEqualTo(describe(expected));
        assertThat(actual).usingRecursiveComparison()
                .withEqualsForType((a, b) -> Double.doubleToRawLongBits(a) == Double.doubleToRawLongBits(b), Double.class)
                .isEqualTo(expected);
    }

    private static final Field[] REFLECTED = FIELDS.stream().map(name -> {
        try {
            return PeerState.class.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }).toArray(Field[]::new);

    /** One line per field, in {@link #FIELDS} order: byte arrays in hex, doubles with their raw bits. */
    static String describe(PeerState s) {
        StringBuilder b = new StringBuilder(512);
        for (Field f : REFLECTED) {
            try {
                Object v = f.get(s);
                if (v instanceof byte[] bytes) v = HexFormat.of().formatHex(bytes);
                if (v instanceof Double d) v = d + "/" + Long.toHexString(Double.doubleToRawLongBits(d));
                if (v instanceof FileProgress p) v = "v" + p.version + Arrays.deepToString(p.runs);
                b.append(f.getName()).append('=').append(v).append('\n');
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return b.toString();
    }

    private static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        byte[] b = seed.clone();
        switch (rnd.nextInt(6)) {
            case 0 -> {             // flip a few bits
                for (int k = 1 + rnd.nextInt(3); k > 0; k--) b[1 + rnd.nextInt(b.length - 1)] ^= (byte) (1 << rnd.nextInt(8));
            }
            case 1 -> {             // overwrite a few bytes
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) b[1 + rnd.nextInt(b.length - 1)] = (byte) rnd.nextInt(256);
            }
            case 2 -> b = Arrays.copyOf(b, 1 + rnd.nextInt(b.length));                      // truncate
            case 3 -> {             // insert a byte
                int at = 1 + rnd.nextInt(b.length);
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = (byte) rnd.nextInt(256);
                System.arraycopy(b, at, c, at + 1, b.length - at);
                b = c;
            }
            case 4 -> {             // delete a byte
                if (b.length > 1) {
                    int at = 1 + rnd.nextInt(b.length - 1);
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
            }
            default -> {            // a big varint-looking value somewhere (lengths, counts)
                int at = 1 + rnd.nextInt(b.length - 1);
                for (int k = 0; k < 5 && at + k < b.length; k++) b[at + k] = (byte) (k < 4 ? 0xff : rnd.nextInt(256));
            }
        }
        return b;
    }

    private static void assertRejected(byte[] in, String message) {
        assertThatThrownBy(() -> PeerStateSerde.read(in)).isInstanceOf(SerializationException.class).hasMessageContaining(message);
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    /** {value, length} of the unsigned varint at {@code at}. */
    private static long[] varint(byte[] b, int at) {
        long v = 0;
        for (int i = 0; ; i++) {
            v |= (long) (b[at + i] & 0x7f) << (7 * i);
            if (b[at + i] >= 0) return new long[] {v, i + 1};
        }
    }

    /** {@code b} with its format-3 mask replaced. */
    private static byte[] withMask(byte[] b, int mask) {
        int oldLength = (int) varint(b, 1)[1];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(3);
        long m = mask & 0xffffffffL;
        while ((m & ~0x7fL) != 0) {
            out.write((int) (m & 0x7f) | 0x80);
            m >>>= 7;
        }
        out.write((int) m);
        out.write(b, 1 + oldLength, b.length - 1 - oldLength);
        return out.toByteArray();
    }

    static PeerState sample() {
        PeerState s = new PeerState();
        s.sealedEndpoint = new byte[] {1, 2, 3};
        s.identity = 1;
        s.firstSource = 2;
        s.sourcesMask = 5;
        s.firstSeenAt = 11;
        s.discoveries = 3;
        s.duplicates = 2;
        s.firstContactAt = 12;
        s.firstPieces = null;
        s.lastContactAt = 13;
        s.lastPieces = 99;
        s.totalPieces = 100;
        s.pieceLength = 16384;
        s.maxSpeedBps = 777;
        s.contacts = 4;
        s.failures = 1;
        s.consecutiveFailures = 1;
        s.parked = true;
        s.client = "qBittorrent 4.6.0";
        s.network = "203.0.113.0/24";
        s.samples.add(new PeerState.Sample(12, 10));
        s.samples.add(new PeerState.Sample(13, 99));
        s.crossedAt = 13;
        s.lastBelowAt = 12;
        s.piecesBelow = 10;
        s.piecesAtCrossing = 99;
        s.confirmedVersion = 1;
        s.dueAt = 20;
        s.nextAttempt = 2;
        s.outstandingRequestId = "r";
        s.summaryVersion = 9;
        return s;
    }

    /** Every field away from its default, including the enrichment. */
    static PeerState full() {
        PeerState s = sample();
        s.identity = 1;
        s.firstSource = 4;
        s.firstSeenAt = 1_750_000_000_000L;
        s.firstContactAt = s.firstSeenAt + 61_000;
        s.firstPieces = 3;
        s.lastContactAt = s.firstSeenAt + 7_300_000;
        s.lastPieces = 1_200;
        s.totalPieces = 1_500;
        s.pieceLength = 1L << 22;
        s.maxSpeedBps = 5_000_000;
        s.samples.clear();
        s.samples.add(new PeerState.Sample(s.firstContactAt, 3));
        s.samples.add(new PeerState.Sample(s.firstSeenAt + 1_900_000, 40));
        s.samples.add(new PeerState.Sample(s.firstSeenAt + 3_700_000, 900));
        s.samples.add(new PeerState.Sample(s.firstSeenAt + 5_500_000, 1_400));
        s.crossedAt = s.firstSeenAt + 5_500_000;
        s.lastBelowAt = s.firstSeenAt + 3_700_000;
        s.piecesBelow = 900;
        s.piecesAtCrossing = 1_400;
        s.confirmedVersion = 2;
        s.dueAt = s.firstSeenAt + 9_100_000;
        s.outstandingRequestId = "6f1c2b1e-8a4d-4c3e-9b2a-1d5e7f9a0b3c";
        s.city = "Zürich";
        s.country = "CH";
        s.continent = "EU";
        s.latitude = 47.4;
        s.longitude = 8.5;
        s.asn = 4_200_000_000L;
        s.asOrg = "Example AG";
        s.domain = "example.ch";
        s.address = "198.51.100.7";
        s.files = files(5, s.firstSeenAt);
        return s;
    }

    /** File progress of a torrent with {@code n} files: every file sampled twice, the first two crossed at different times. */
    static FileProgress files(int n, long base) {
        FileProgress p = new FileProgress(n);
        p.add(base + 61_000, new int[] {n, 0, 4}, (have, total) -> have >= total);
        p.add(base + 1_900_000, new int[] {1, 4, 4, n - 1, 1, 4}, (have, total) -> have >= total);
        if (n > 2) {
            p.add(base + 3_700_000, new int[] {2, 4, 4, n - 2, 2, 4}, (have, total) -> have >= total);
        }
        return p;
    }

    /**
     * A typical stored peer: endpoint sealed (40 bytes), client and network known, 4 samples half an hour apart,
     * a request outstanding (UUID id) and the next contact scheduled; not confirmed, no geo/ASN enrichment.
     */
    static PeerState typical() {
        PeerState s = new PeerState();
        Random r = new Random(7);
        s.sealedEndpoint = new byte[40];
        r.nextBytes(s.sealedEndpoint);
        s.identity = 0;
        s.firstSource = 0;
        s.sourcesMask = 0b11;
        s.firstSeenAt = 1_750_000_123_456L;
        s.discoveries = 3;
        s.duplicates = 2;
        s.totalPieces = 2_345;
        s.pieceLength = 262_144;
        s.maxSpeedBps = 1_234_567;
        s.contacts = 4;
        s.failures = 1;
        s.consecutiveFailures = 0;
        s.client = "Transmission 4.0.5";
        s.network = "203.0.113.0/24";
        long at = s.firstSeenAt + 2_345;
        int pieces = 120;
        for (int i = 0; i < 4; i++) {       // revisit.delay 5 min, plus queueing and handshake
            s.samples.add(new PeerState.Sample(at, pieces));
            at += 300_000 + 1_234 + 3_137 * i;
            pieces += 150 + 11 * i;
        }
        s.firstContactAt = s.samples.get(0).at();
        s.firstPieces = s.samples.get(0).pieces();
        s.lastContactAt = s.samples.get(3).at();
        s.lastPieces = s.samples.get(3).pieces();
        s.dueAt = s.lastContactAt + 300_000 + 713;
        s.nextAttempt = 0;
        s.outstandingRequestId = new UUID(r.nextLong(), r.nextLong()).toString();
        s.summaryVersion = 6;
        return s;
    }

    /** What the format-2 serializer of the last release wrote (the due key already null): for tests and the benchmark. */
    static byte[] writeFormat2(PeerState s) {
        return writeLegacy(2, s, null);
    }

    /** The old serializer, verbatim: format 1 or 2, with the due key it stored then. */
    static byte[] writeLegacy(int format, PeerState s, String dueKey) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + s.samples.size() * 12);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(format);
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
            writeString(out, dueKey);
            out.writeLong(s.dueAt);
            out.writeInt(s.nextAttempt);
            writeString(out, s.outstandingRequestId);
            out.writeLong(s.summaryVersion);
            if (format >= 2) writeEnrichment(out, s);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeEnrichment(DataOutputStream out, PeerState s) throws IOException {
        int mask = (s.city != null ? 1 : 0) | (s.country != null ? 1 << 1 : 0) | (s.continent != null ? 1 << 2 : 0)
                | (s.latitude != null ? 1 << 3 : 0) | (s.longitude != null ? 1 << 4 : 0) | (s.asn != null ? 1 << 5 : 0)
                | (s.asOrg != null ? 1 << 6 : 0) | (s.domain != null ? 1 << 7 : 0) | (s.address != null ? 1 << 8 : 0);
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

    private static void writeBytes(DataOutputStream out, byte[] v) throws IOException {
        if (v == null) { out.writeInt(-1); return; }
        out.writeInt(v.length);
        out.write(v);
    }

    private static void writeInteger(DataOutputStream out, Integer v) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) out.writeInt(v);
    }

    private static void writeString(DataOutputStream out, String v) throws IOException {
        writeBytes(out, v == null ? null : v.getBytes(StandardCharsets.UTF_8));
    }
}

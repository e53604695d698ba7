package org.btda.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.btda.common.kafka.AvroSerde;
import org.btda.events.Observation;
import org.btda.events.PeerSummary;
import org.btda.events.codec.EventCodec;
import org.btda.events.codec.HistorySchemaStore;
import org.junit.jupiter.api.Test;

class SinkTableTest {
    private static final Instant T = Instant.parse("2025-03-01T10:00:00.123Z");
    private static final AvroSerde<Observation> OBS = AvroSerde.of(Observation.class);

    @Test
    void observationRowHasNoAddressAndUsesUtcMillisTimes() {
        byte[] sealed = {9, 8, 7, 6, 5, 4};
        Observation o = Observation.newBuilder(ClickHouseSinkTest.observation("ab".repeat(20), 1, T.minusMillis(1)))
                .setSealedEndpoint(ByteBuffer.wrap(sealed)).build();
        SinkTable table = SinkTable.observations();
        SinkTable.SinkRow sinkRow = table.toRow("t", OBS.serialize("t", o));
        assertThat(sinkRow.key()).as("observation rows are all kept").isNull();
        byte[] row = sinkRow.row();
        assertThat(table.columnNames()).doesNotContain("sealed_endpoint").noneMatch(c -> c.contains("sealed") || c.contains("endpoint"));
        assertThat(indexOf(row, sealed)).as("sealed endpoint bytes").isNegative();
        assertThat(indexOf(row, "090807060504".getBytes(StandardCharsets.US_ASCII))).as("sealed endpoint hex").isNegative();
        // DateTime64(3) is the Int64 of milliseconds
        byte[] millis = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(T.minusMillis(1).plusMillis(1).toEpochMilli()).array();
        assertThat(indexOf(row, millis)).isPositive();
        assertThat(indexOf(row, HexFormat.of().formatHex("-TR4050-abcdefghijkl".getBytes()).getBytes(StandardCharsets.US_ASCII))).isPositive();
        assertThat(indexOf(row, "req-1".getBytes(StandardCharsets.US_ASCII))).isPositive();
    }

    @Test
    void peerRowsAreKeyedByPeerAndVersioned() {
        Instant t0 = T.minusSeconds(600);
        PeerSummary p = ClickHouseSinkTest.summary("ab".repeat(20), 7, t0);
        SinkTable.SinkRow row = SinkTable.peers().toRow("t", AvroSerde.of(PeerSummary.class).serialize("t", p));
        assertThat(row.key()).isEqualTo("ab".repeat(20) + ":pk0");
        assertThat(row.version()).isEqualTo(7);
    }

    @Test
    void aTombstoneIsNoRow() {
        assertThat(SinkTable.observations().toRow("t", null)).isNull();
    }

    /** A record of an older schema version is resolved by EventCodec and written exactly like its current form. */
    @Test
    void olderSchemaVersionsGiveTheSameRowAsTheCurrentOne() throws Exception {
        Observation current = Observation.newBuilder(ClickHouseSinkTest.observation("cd".repeat(20), 3, T)).setEvaluator(null).build();
        HistorySchemaStore.Version v1 = HistorySchemaStore.get().versions().stream()
                .filter(v -> v.recordName().endsWith("Observation") && v.version() == 1).findFirst().orElseThrow();
        byte[] old = reencode(OBS.serialize("t", current), v1.schema());
        assertThat(Arrays.copyOfRange(old, 2, 10)).isNotEqualTo(Arrays.copyOfRange(OBS.serialize("t", current), 2, 10));
        SinkTable table = SinkTable.observations();
        assertThat(table.toRow("t", old).row()).isEqualTo(table.toRow("t", OBS.serialize("t", current)).row());
    }

    @Test
    void anInfoHashLongerThanItsFixedStringIsRefused() {
        Observation o = ClickHouseSinkTest.observation("ab".repeat(21), 1, T);
        assertThatThrownBy(() -> SinkTable.observations().toRow("t", OBS.serialize("t", o)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FixedString(40)");
    }

    /** Garbage claiming huge lengths or counts is refused before anything of that size is allocated. */
    @Test
    void malformedBodiesAreRefusedWithoutAllocating() {
        SinkTable table = SinkTable.observations();
        byte[] header = Arrays.copyOf(OBS.serialize("t", ClickHouseSinkTest.observation("ab".repeat(20), 1, T)), 10);
        // request_id: union branch 1 (string), then a length of 2^31 - 1 with a few bytes behind it
        assertRefused(table, header, zigzag(1), zigzag(Integer.MAX_VALUE), new byte[] {'a', 'b', 'c'});
        assertRefused(table, header, zigzag(1), zigzag(Long.MAX_VALUE));
        assertRefused(table, header, zigzag(1), zigzag(-5));                         // negative length
        assertRefused(table, header, zigzag(7));                                    // union branch out of range
        assertRefused(table, header, zigzag(1), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});   // an over-long varint
        assertRefused(table, header);                                                // no body at all
        // a valid record with one more byte, and one byte short
        byte[] valid = OBS.serialize("t", ClickHouseSinkTest.observation("ab".repeat(20), 1, T));
        assertThatThrownBy(() -> table.toRow("t", Arrays.copyOf(valid, valid.length + 1))).hasMessageContaining("trailing");
        assertThatThrownBy(() -> table.toRow("t", Arrays.copyOf(valid, valid.length - 1))).isInstanceOf(RuntimeException.class);
        // a PeerSummary whose sources array claims 2^62 items
        SinkTable peers = SinkTable.peers();
        byte[] peerHeader = Arrays.copyOf(AvroSerde.of(PeerSummary.class).serialize("t", ClickHouseSinkTest.summary("ab".repeat(20), 1, T)), 10);
        assertRefused(peers, peerHeader, zigzag(2), new byte[] {'a', 'b'}, zigzag(2), new byte[] {'p', 'k'}, zigzag(0), zigzag(0),
                zigzag(1L << 62), zigzag(0));
        // an enum index out of range (identity has two symbols)
        assertRefused(peers, peerHeader, zigzag(2), new byte[] {'a', 'b'}, zigzag(2), new byte[] {'p', 'k'}, zigzag(9));
        // the sink survives all of that: a good record still decodes
        assertThat(table.toRow("t", valid)).isNotNull();
    }

    @Test
    void anUnknownFingerprintIsRefused() {
        byte[] valid = OBS.serialize("t", ClickHouseSinkTest.observation("ab".repeat(20), 1, T));
        byte[] other = valid.clone();
        other[5] ^= 0x5a;
        assertThatThrownBy(() -> SinkTable.observations().toRow("t", other)).isInstanceOf(RuntimeException.class)
                .hasMessageContaining("fingerprint");
    }

    @Test
    void lowCardinalityIsTransparentInRowBinary() {
        assertThat(SinkTable.stripLowCardinality("LowCardinality(Nullable(String))")).isEqualTo("Nullable(String)");
        assertThat(SinkTable.stripLowCardinality("Array(LowCardinality(String))")).isEqualTo("Array(String)");
        assertThat(SinkTable.stripLowCardinality("Map(LowCardinality(String), LowCardinality(Nullable(String)))"))
                .isEqualTo("Map(String, Nullable(String))");
        assertThat(SinkTable.stripLowCardinality("DateTime64(3, 'UTC')")).isEqualTo("DateTime64(3, 'UTC')");
    }

    @Test
    void rowBinaryWritesLittleEndianAndLeb128() {
        RowBinary b = new RowBinary(1);
        b.u16(0x0102).u32(0xA0B0C0D0L).varint(300).string("é".getBytes(StandardCharsets.UTF_8)).hex(new byte[] {(byte) 0xAB, 1}, 0, 2);
        int at = b.size();
        b.u8(7).u8(8);
        b.insertVarint(at, 128);
        assertThat(HexFormat.of().formatHex(b.toByteArray())).isEqualTo("0201" + "d0c0b0a0" + "ac02" + "02c3a9" + "04" + "61623031" + "8001" + "0708");
        assertThatThrownBy(() -> new RowBinary(1).fixedString(new byte[3], 0, 3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new RowBinary(1).fixedString(new byte[] {'a'}, 0, 1, 3).toByteArray()).containsExactly('a', 0, 0);
    }

    @Test
    void timesMatchTheFormatterAcrossDaysYearsAndMillis() {
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                .withZone(java.time.ZoneOffset.UTC);
        java.util.Random r = new java.util.Random(7);
        List<Instant> cases = new java.util.ArrayList<>(List.of(Instant.EPOCH, Instant.parse("1999-12-31T23:59:59.999Z"),
                Instant.parse("2000-02-29T00:00:00.001Z"), Instant.parse("2024-12-31T23:59:59.010Z"), T));
        for (int i = 0; i < 2000; i++) cases.add(Instant.ofEpochMilli(r.nextLong(0, 4_102_444_800_000L)));   // 1970 .. 2100
        for (Instant t : cases) {
            assertThat(new JsonLine().time("t", t).end()).isEqualTo("{\"t\":\"" + f.format(t) + "\"}\n");
        }
    }

    @Test
    void jsonStringsAreEscaped() {
        String line = new JsonLine().str("a", "q\"b\\s\nx\u0001é").num("n", null).num("d", Double.NaN).end();
        assertThat(line).isEqualTo("{\"a\":\"q\\\"b\\\\s\\nx\\u0001é\",\"n\":null,\"d\":null}\n");
    }

    private static void assertRefused(SinkTable table, byte[] header, byte[]... body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(header);
        for (byte[] part : body) b.writeBytes(part);
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThatThrownBy(() -> table.toRow("t", b.toByteArray())).isInstanceOf(IllegalArgumentException.class);
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThat(after - before).as("allocated while refusing").isLessThan(256L << 20);
    }

    private static byte[] zigzag(long v) {
        long z = (v << 1) ^ (v >> 63);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while ((z & ~0x7FL) != 0) {
            b.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        b.write((int) z);
        return b.toByteArray();
    }

    /** The same values written with an older schema (fields it lacks are dropped), as an old producer would. */
    private static byte[] reencode(byte[] current, Schema older) throws Exception {
        Schema writer = EventCodec.schemaOf(Observation.class);
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(writer, older, GenericData.get());
        GenericRecord r = reader.read(null, DecoderFactory.get().binaryDecoder(current, 10, current.length - 10, null));
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(r);
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    /** Index of the first occurrence of {@code needle} in {@code hay}, or -1. */
    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}

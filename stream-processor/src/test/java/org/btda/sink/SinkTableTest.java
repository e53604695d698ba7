package org.btda.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import org.btda.common.kafka.AvroSerde;
import java.util.List;
import org.btda.events.Observation;
import org.btda.events.PeerSummary;
import org.junit.jupiter.api.Test;

class SinkTableTest {
    private static final Instant T = Instant.parse("2025-03-01T10:00:00.123Z");

    @Test
    void observationRowHasNoAddressAndUsesUtcMillisTimes() {
        Observation o = Observation.newBuilder(ClickHouseSinkTest.observation("ab".repeat(20), 1, T.minusMillis(1)))
                .setSealedEndpoint(ByteBuffer.wrap(new byte[] {9, 8, 7, 6, 5, 4})).build();
        SinkTable.SinkRow sinkRow = SinkTable.observations().toRow("t", AvroSerde.of(Observation.class).serialize("t", o));
        assertThat(sinkRow.key()).as("observation rows are all kept").isNull();
        String row = sinkRow.line();
        assertThat(row).contains("\"observed_at\":\"2025-03-01 10:00:00.123\"");
        assertThat(row).doesNotContain("sealed").doesNotContain("090807060504").doesNotContain("endpoint");
        assertThat(row).contains("\"peer_id\":\"" + HexFormat.of().formatHex("-TR4050-abcdefghijkl".getBytes()) + "\"");
        assertThat(row).contains("\"request_id\":\"req-1\"").endsWith("}\n");
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
    void peerRowsAreKeyedByPeerAndVersioned() {
        Instant t0 = T.minusSeconds(600);
        PeerSummary p = ClickHouseSinkTest.summary("ab".repeat(20), 7, t0);
        SinkTable.SinkRow row = SinkTable.peers().toRow("t", AvroSerde.of(PeerSummary.class).serialize("t", p));
        assertThat(row.key()).isEqualTo("ab".repeat(20) + ":pk0");
        assertThat(row.version()).isEqualTo(7);
        assertThat(row.line()).contains("\"version\":7");
    }

    @Test
    void jsonStringsAreEscaped() {
        String line = new JsonLine().str("a", "q\"b\\s\nx\u0001é").num("n", null).num("d", Double.NaN).end();
        assertThat(line).isEqualTo("{\"a\":\"q\\\"b\\\\s\\nx\\u0001é\",\"n\":null,\"d\":null}\n");
    }
}

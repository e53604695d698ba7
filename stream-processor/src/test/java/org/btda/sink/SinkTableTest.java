package org.btda.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import org.btda.common.kafka.AvroSerde;
import org.btda.events.Observation;
import org.junit.jupiter.api.Test;

class SinkTableTest {
    private static final Instant T = Instant.parse("2025-03-01T10:00:00.123Z");

    @Test
    void observationRowHasNoAddressAndUsesUtcMillisTimes() {
        Observation o = Observation.newBuilder(ClickHouseSinkTest.observation("ab".repeat(20), 1, T.minusMillis(1)))
                .setSealedEndpoint(ByteBuffer.wrap(new byte[] {9, 8, 7, 6, 5, 4})).build();
        String row = SinkTable.observations().toRow("t", AvroSerde.of(Observation.class).serialize("t", o));
        assertThat(row).contains("\"observed_at\":\"2025-03-01 10:00:00.123\"");
        assertThat(row).doesNotContain("sealed").doesNotContain("090807060504").doesNotContain("endpoint");
        assertThat(row).contains("\"peer_id\":\"" + HexFormat.of().formatHex("-TR4050-abcdefghijkl".getBytes()) + "\"");
        assertThat(row).contains("\"request_id\":\"req-1\"").endsWith("}\n");
    }

    @Test
    void jsonStringsAreEscaped() {
        String line = new JsonLine().str("a", "q\"b\\s\nx\u0001é").num("n", null).num("d", Double.NaN).end();
        assertThat(line).isEqualTo("{\"a\":\"q\\\"b\\\\s\\nx\\u0001é\",\"n\":null,\"d\":null}\n");
    }
}

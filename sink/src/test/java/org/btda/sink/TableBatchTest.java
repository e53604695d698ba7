package org.btda.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TableBatchTest {

    private static SinkTable.SinkRow row(String key, long version, String bytes) {
        return new SinkTable.SinkRow(key, version, bytes.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(java.util.List<byte[]> rows) {
        return rows.stream().map(r -> new String(r, StandardCharsets.UTF_8)).reduce("", (a, b) -> a + "|" + b);
    }

    @Test
    void keyedRowsFoldToTheHighestVersionInFirstArrivalPosition() {
        TableBatch b = new TableBatch();
        b.add(row("a", 1, "a1"));
        b.add(row("b", 5, "b5"));
        b.add(row("a", 3, "a3"));
        b.add(row("a", 2, "a2"));        // older than what the batch holds: dropped
        b.add(row("b", 5, "b5-later"));  // same version: the later one, as ReplacingMergeTree keeps
        b.add(row("c", 1, "c1"));
        assertThat(b.received()).isEqualTo(6);
        assertThat(b.rows()).isEqualTo(3);
        assertThat(text(b.encodedRows())).isEqualTo("|a3|b5-later|c1");
    }

    @Test
    void unkeyedRowsAreAllKeptInOrder() {
        TableBatch b = new TableBatch();
        for (int i = 0; i < 5; i++) b.add(row(null, 0, i % 2 + "é"));
        assertThat(b.rows()).isEqualTo(5);
        assertThat(b.received()).isEqualTo(5);
        assertThat(text(b.encodedRows())).isEqualTo("|0é|1é|0é|1é|0é");
    }
}

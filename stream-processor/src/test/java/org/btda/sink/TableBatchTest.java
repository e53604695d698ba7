package org.btda.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TableBatchTest {

    @Test
    void keyedRowsFoldToTheHighestVersionInFirstArrivalPosition() {
        TableBatch b = new TableBatch();
        b.add(new SinkTable.SinkRow("a", 1, "a1\n"));
        b.add(new SinkTable.SinkRow("b", 5, "b5\n"));
        b.add(new SinkTable.SinkRow("a", 3, "a3\n"));
        b.add(new SinkTable.SinkRow("a", 2, "a2\n"));        // older than what the batch holds: dropped
        b.add(new SinkTable.SinkRow("b", 5, "b5-later\n"));  // same version: the later one, as ReplacingMergeTree keeps
        b.add(new SinkTable.SinkRow("c", 1, "c1\n"));
        assertThat(b.received()).isEqualTo(6);
        assertThat(b.rows()).isEqualTo(3);
        assertThat(b.lines()).containsExactly("a3\n", "b5-later\n", "c1\n");
        assertThat(new String(b.body(), StandardCharsets.UTF_8)).isEqualTo("a3\nb5-later\nc1\n");
    }

    @Test
    void unkeyedRowsAreAllKeptInOrder() {
        TableBatch b = new TableBatch();
        for (int i = 0; i < 5; i++) b.add(new SinkTable.SinkRow(null, 0, "{\"i\":" + (i % 2) + ",\"s\":\"é\"}\n"));
        assertThat(b.rows()).isEqualTo(5);
        assertThat(b.received()).isEqualTo(5);
        String body = new String(b.body(), StandardCharsets.UTF_8);
        assertThat(body).isEqualTo("{\"i\":0,\"s\":\"é\"}\n{\"i\":1,\"s\":\"é\"}\n".repeat(2) + "{\"i\":0,\"s\":\"é\"}\n");
    }
}

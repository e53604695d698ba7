package org.btda.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one table in one batch, in arrival order. Rows with a key (ReplacingMergeTree(version) tables) keep
 * only the highest version per key — on equal versions the later one, which is what the table keeps too — so a batch
 * with many versions of one peer inserts one row for it. Not thread-safe.
 */
final class TableBatch {
    private final List<byte[]> rows = new ArrayList<>();
    private final Map<String, Integer> slotOfKey = new HashMap<>();
    private final List<Long> versionOfSlot = new ArrayList<>();
    private int received;

    void add(SinkTable.SinkRow row) {
        received++;
        if (row.key() == null) {                  // a table keeping every row; never mixed with keyed rows
            append(row.row());
            return;
        }
        Integer slot = slotOfKey.get(row.key());
        if (slot == null) {
            slotOfKey.put(row.key(), rows.size());
            versionOfSlot.add(row.version());
            append(row.row());
        } else if (row.version() >= versionOfSlot.get(slot)) {
            rows.set(slot, row.row());
            versionOfSlot.set(slot, row.version());
        }
    }

    private void append(byte[] row) {
        rows.add(row);
    }

    /** Rows to insert (after folding versions). */
    int rows() {
        return rows.size();
    }

    /** Rows received, before folding. */
    int received() {
        return received;
    }

    /** The encoded rows (RowBinary, see {@link SinkTable}) to insert, in order. */
    List<byte[]> encodedRows() {
        return rows;
    }
}

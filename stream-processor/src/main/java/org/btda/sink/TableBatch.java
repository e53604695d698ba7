package org.btda.sink;

import java.nio.charset.StandardCharsets;
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
    private final List<String> lines = new ArrayList<>();
    private final Map<String, Integer> slotOfKey = new HashMap<>();
    private final List<Long> versionOfSlot = new ArrayList<>();
    private int chars;
    private int received;

    void add(SinkTable.SinkRow row) {
        received++;
        if (row.key() == null) {                  // a table keeping every row; never mixed with keyed rows
            append(row.line());
            return;
        }
        Integer slot = slotOfKey.get(row.key());
        if (slot == null) {
            slotOfKey.put(row.key(), lines.size());
            versionOfSlot.add(row.version());
            append(row.line());
        } else if (row.version() >= versionOfSlot.get(slot)) {
            chars += row.line().length() - lines.get(slot).length();
            lines.set(slot, row.line());
            versionOfSlot.set(slot, row.version());
        }
    }

    private void append(String line) {
        lines.add(line);
        chars += line.length();
    }

    /** Rows to insert (after folding versions). */
    int rows() {
        return lines.size();
    }

    /** Rows received, before folding. */
    int received() {
        return received;
    }

    List<String> lines() {
        return lines;
    }

    /** The JSONEachRow body. */
    byte[] body() {
        StringBuilder b = new StringBuilder(chars);
        for (String l : lines) b.append(l);
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}

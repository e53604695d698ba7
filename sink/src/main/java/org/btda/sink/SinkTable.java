package org.btda.sink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.btda.events.ConfirmedDownload;
import org.btda.events.Discovery;
import org.btda.events.EvaluatorStatsRecord;
import org.btda.events.FileDownload;
import org.btda.events.HarvestRequest;
import org.btda.events.Observation;
import org.btda.events.PeerSummary;
import org.btda.events.TorrentRegistered;
import org.btda.events.codec.EventCodec;
import org.btda.events.codec.HistorySchemaStore;

/**
 * One topic → one ClickHouse table: how a record becomes a row (encoded as RowBinary), and how a batch of rows becomes
 * the insert body (one Native block, see {@link NativeBlock}: the server reads it column by column, which costs it far
 * less CPU than RowBinary or JSONEachRow). Every table is a ReplacingMergeTree whose sorting key is the row's natural
 * key, so a batch inserted twice (retry after an unclear failure) folds away.
 *
 * <p>A record written with the current schema (the common case) is read in place by {@link AvroView} — one
 * bounds-checked walk, then the columns are copied from its bytes — without building the Avro record. A record
 * written with an older schema version is first resolved by {@link EventCodec} (which validates it) and re-encoded
 * with the current schema. Anything undecodable throws a RuntimeException (the sink skips and counts it).
 *
 * <p>The columns are listed by name and ClickHouse type, in the table's order; the insert names them, so a column
 * added later with a default does not shift anything. {@code RowBinaryRoundTripTest} checks names, order and types
 * against the migrated tables, since the encoding of a column depends on its type (and {@code ClickHouseSink} checks
 * them against the server before it starts). {@link #toRow} is not thread-safe: each sink builds its own instances
 * and uses them on its thread.
 */
final class SinkTable {
    private static final int HEADER_BYTES = 10;
    private static final String TIME = "DateTime64(3, 'UTC')";

    /** One column: name and type as in the migrated table, and how a record's value is written. */
    record Column(String name, String type, ColumnWriter writer) {
    }

    /** Writes one column's RowBinary value of the record {@code v} describes. */
    @FunctionalInterface
    interface ColumnWriter {
        void write(AvroView v, RowBinary out);
    }

    /** One encoded row; {@code key} is null for tables that keep every row. */
    record SinkRow(String key, long version, byte[] row) {
    }

    private final String table;
    private final Class<? extends SpecificRecord> type;
    private final AvroView view;
    private final long fingerprint;
    private final List<Column> columns;
    private final List<String> columnNames;
    private final ColumnWriter[] writers;
    private final NativeBlock nativeBlock;
    private final int keyA;
    private final int keyB;
    private final int versionField;
    private final RowBinary out = new RowBinary(1024);
    private byte[] keyBuf = new byte[128];

    private SinkTable(String table, Columns c, String keyA, String keyB, String version) {
        this.table = table;
        this.type = c.type;
        this.view = c.view;
        this.fingerprint = HistorySchemaStore.fingerprint(view.schema());
        this.columns = List.copyOf(c.list);
        this.columnNames = columns.stream().map(Column::name).toList();
        this.writers = columns.stream().map(Column::writer).toArray(ColumnWriter[]::new);
        this.nativeBlock = new NativeBlock(columnNames, columns.stream().map(col -> stripLowCardinality(col.type())).toList());
        this.keyA = keyA == null ? -1 : c.required(keyA, Schema.Type.STRING);
        this.keyB = keyB == null ? -1 : c.required(keyB, Schema.Type.STRING);
        this.versionField = version == null ? -1 : c.required(version, Schema.Type.LONG);
    }

    String table() {
        return table;
    }

    /** The columns each row holds, in order: the insert's column list. */
    List<String> columnNames() {
        return columnNames;
    }

    List<Column> columns() {
        return columns;
    }

    /** The insert body for rows of this table: one Native block (thread-safe). */
    byte[] nativeBody(List<byte[]> rows) {
        return nativeBlock.encode(rows);
    }

    /** The row for a record, or null for a tombstone. */
    SinkRow toRow(String topic, byte[] value) {
        if (value == null) return null;
        byte[] body = current(value) ? value : EventCodec.encode(EventCodec.decode(type, value));
        view.parse(body, HEADER_BYTES, body.length);
        out.reset();
        for (ColumnWriter w : writers) w.write(view, out);
        byte[] row = out.toByteArray();
        return keyA < 0 ? new SinkRow(null, 0, row) : new SinkRow(key(), view.longValue(versionField), row);
    }

    /** Single-object encoded with the current schema of the table's record (a known size). */
    private boolean current(byte[] v) {
        if (v.length < HEADER_BYTES || v.length > EventCodec.MAX_EVENT_BYTES || v[0] != (byte) 0xC3 || v[1] != (byte) 0x01) return false;
        long fp = 0;
        for (int i = 9; i >= 2; i--) fp = fp << 8 | (v[i] & 0xFF);
        return fp == fingerprint;
    }

    /** '<key A>:<key B>', e.g. info hash and peer key (one byte per char: equal bytes, equal keys). */
    private String key() {
        byte[] b = view.bytes();
        int la = view.len(keyA);
        int lb = view.len(keyB);
        if (keyBuf.length < la + lb + 1) keyBuf = new byte[la + lb + 1];
        System.arraycopy(b, view.pos(keyA), keyBuf, 0, la);
        keyBuf[la] = ':';
        System.arraycopy(b, view.pos(keyB), keyBuf, la + 1, lb);
        return new String(keyBuf, 0, la + lb + 1, StandardCharsets.ISO_8859_1);
    }

    // ---- the tables ----

    /** A new instance of every table the sink writes (instances are not thread-safe: one set per sink). */
    static List<SinkTable> all() {
        return List.of(torrents(), observations(), harvestRequests(), confirmedDownloads(), fileDownloads(), peers(), discoveries(),
                evaluatorStats());
    }

    static SinkTable torrents() {
        Columns c = new Columns(TorrentRegistered.class);
        c.col("info_hash", "FixedString(40)", c.fixedString("info_hash", 40))
                .col("name", "String", c.string("name"))
                .col("piece_length", "UInt64", c.uint("piece_length", 64))
                .col("piece_count", "UInt32", c.uint("piece_count", 32))
                .col("total_size", "UInt64", c.uint("total_size", 64))
                .col("file_count", "UInt32", c.uint("file_count", 32))
                .col("private", "Bool", c.bool("private"))
                .col("trackers", "Array(Array(String))", c.value("trackers"))
                .col("source", "LowCardinality(String)", c.enumName("source"))
                .col("origin", "String", c.string("origin"))
                .col("monitored", "Bool", c.bool("monitored"))
                .col("event_time", TIME, c.millis("event_time"))
                .col("version", "UInt64", c.millisAsUInt64("event_time"))       // the latest registration event wins
                .col("files", "Array(Tuple(String, Int64, Bool))", c.value("files"));  // (path, size, padding); view torrent_files
        return new SinkTable("torrents", c, null, null, null);
    }

    /** Never the sealed endpoint: observation rows carry no address in any form (address only on explicit opt-in). */
    static SinkTable observations() {
        Columns c = new Columns(Observation.class);
        c.col("request_id", "String", c.stringOrEmpty("request_id"))
                .col("info_hash", "FixedString(40)", c.fixedString("info_hash", 40))
                .col("peer_key", "String", c.string("peer_key"))
                .col("identity", "LowCardinality(String)", c.enumName("identity"))
                .col("observed_at", TIME, c.millis("observed_at"))
                .col("source", "LowCardinality(String)", c.enumName("source"))
                .col("success", "Bool", c.bool("success"))
                .col("failure", "LowCardinality(Nullable(String))", c.nullableEnumName("failure"))
                .col("failure_detail", "Nullable(String)", c.nullableString("failure_detail"))
                .col("pieces", "Nullable(UInt32)", c.nullableUInt("pieces", 32))
                .col("total_pieces", "UInt32", c.uint("total_pieces", 32))
                .col("piece_length", "UInt64", c.uint("piece_length", 64))
                .col("peer_id", "Nullable(String)", c.nullableHex("peer_id"))
                .col("client", "LowCardinality(Nullable(String))", c.nullableString("client"))
                .col("reserved", "Nullable(String)", c.nullableHex("reserved"))
                .col("ext_client", "Nullable(String)", c.nullableString("ext_client"))
                .col("ext_listen_port", "Nullable(UInt16)", c.nullableUInt("ext_listen_port", 16))
                .col("ext_reqq", "Nullable(UInt32)", c.nullableUInt("ext_reqq", 32))
                .col("ext_metadata_size", "Nullable(UInt64)", c.nullableUInt("ext_metadata_size", 64))
                .col("ext_messages", "Map(String, Int32)", c.valueOrEmpty("ext_messages"))
                .col("messages_received", "UInt32", c.uint("messages_received", 32))
                .col("session_ms", "UInt64", c.uint("session_ms", 64))
                .col("longest_gap_ms", "UInt64", c.uint("longest_gap_ms", 64))
                .col("network", "Nullable(String)", c.nullableString("network"))
                .col("evaluator", "LowCardinality(Nullable(String))", c.nullableString("evaluator"))
                .enrichment()
                .col("transport", "LowCardinality(Nullable(String))", c.nullableEnumName("transport"))
                .col("encryption", "LowCardinality(Nullable(String))", c.nullableEnumName("encryption"))
                .col("holepunch", "Bool", c.bool("holepunch"));
        return new SinkTable("observations", c, null, null, null);
    }

    static SinkTable harvestRequests() {
        Columns c = new Columns(HarvestRequest.class);
        c.col("id", "String", c.string("id"))
                .col("info_hash", "Nullable(FixedString(40))", c.nullableFixedString("info_hash", 40))
                .col("kind", "LowCardinality(String)", c.enumName("kind"))
                .col("target", "String", c.string("target"))
                .col("started_at", TIME, c.millis("started_at"))
                .col("duration_ms", "UInt64", c.uint("duration_ms", 64))
                .col("peers_received", "UInt32", c.uint("peers_received", 32))
                .col("peers_new", "UInt32", c.uint("peers_new", 32))
                .col("duplicates", "UInt32", c.uint("duplicates", 32))
                .col("nodes_queried", "Nullable(UInt32)", c.nullableUInt("nodes_queried", 32))
                .col("error", "Nullable(String)", c.nullableString("error"))
                .col("seeders", "Nullable(UInt32)", c.nullableUInt("seeders", 32))
                .col("leechers", "Nullable(UInt32)", c.nullableUInt("leechers", 32))
                .col("completed", "Nullable(UInt32)", c.nullableUInt("completed", 32));
        return new SinkTable("harvest_requests", c, null, null, null);
    }

    /** A ReplacingMergeTree(version) table: the rows of one peer in a batch fold to the highest version. */
    static SinkTable confirmedDownloads() {
        Columns c = new Columns(ConfirmedDownload.class);
        c.col("info_hash", "FixedString(40)", c.fixedString("info_hash", 40))
                .col("peer_key", "String", c.string("peer_key"))
                .col("client", "LowCardinality(Nullable(String))", c.nullableString("client"))
                .col("crossed_at", TIME, c.millis("crossed_at"))
                .col("last_below_at", TIME, c.millis("last_below_at"))
                .col("pieces_below", "UInt32", c.uint("pieces_below", 32))
                .col("pieces_at_crossing", "UInt32", c.uint("pieces_at_crossing", 32))
                .col("total_pieces", "UInt32", c.uint("total_pieces", 32))
                .col("threshold", "Float64", c.float64("threshold"))
                .col("version", "UInt64", c.uint("version", 64));
        return new SinkTable("confirmed_downloads", c, "info_hash", "peer_key", "version");
    }

    /**
     * One row per (torrent, peer, file) after ReplacingMergeTree(version) folds the corrections. No in-batch folding
     * key: the sink folds on two string fields, and (info hash, peer key) would fold different files of one peer.
     */
    static SinkTable fileDownloads() {
        Columns c = new Columns(FileDownload.class);
        c.col("info_hash", "FixedString(40)", c.fixedString("info_hash", 40))
                .col("peer_key", "String", c.string("peer_key"))
                .col("file_index", "UInt32", c.uint("file_index", 32))
                .col("file_path", "Nullable(String)", c.nullableString("file_path"))
                .col("file_size", "Nullable(UInt64)", c.nullableUInt("file_size", 64))
                .col("file_pieces", "UInt32", c.uint("file_pieces", 32))
                .col("client", "LowCardinality(Nullable(String))", c.nullableString("client"))
                .col("crossed_at", TIME, c.millis("crossed_at"))
                .col("last_below_at", TIME, c.millis("last_below_at"))
                .col("threshold", "Float64", c.float64("threshold"))
                .col("version", "UInt64", c.uint("version", 64));
        return new SinkTable("file_downloads", c, null, null, null);
    }

    /**
     * btda.peers: first/last seen are the first sighting and the latest successful contact (or the first sighting).
     * A ReplacingMergeTree(version) table: out.peers carries a new version per observation, so the rows of one peer in
     * a batch fold to the highest version before the insert, as ClickHouse would fold them later anyway.
     */
    static SinkTable peers() {
        Columns c = new Columns(PeerSummary.class);
        c.col("info_hash", "FixedString(40)", c.fixedString("info_hash", 40))
                .col("peer_key", "String", c.string("peer_key"))
                .col("first_seen_at", TIME, c.millis("first_seen_at"))
                .col("first_pieces", "Nullable(UInt32)", c.nullableUInt("first_pieces", 32))
                .col("last_seen_at", TIME, c.millisOr("last_contact_at", "first_seen_at"))
                .col("last_pieces", "Nullable(UInt32)", c.nullableUInt("last_pieces", 32))
                .col("total_pieces", "UInt32", c.uint("total_pieces", 32))
                .col("max_speed_bps", "Float64", c.float64("max_speed_bps"))
                .col("contacts", "UInt32", c.uint("contacts", 32))
                .col("failures", "UInt32", c.uint("failures", 32))
                .col("sources", "Array(LowCardinality(String))", c.value("sources"))
                .col("client", "LowCardinality(Nullable(String))", c.nullableString("client"))
                .col("network", "Nullable(String)", c.nullableString("network"))
                .col("identity", "LowCardinality(String)", c.enumName("identity"))
                .col("parked", "Bool", c.bool("parked"))
                .col("version", "UInt64", c.uint("version", 64))
                .enrichment();
        return new SinkTable("peers", c, "info_hash", "peer_key", "version");
    }

    static SinkTable discoveries() {
        Columns c = new Columns(Discovery.class);
        c.col("info_hash", "FixedString(40)", c.fixedString("info_hash", 40))
                .col("peer_key", "String", c.string("peer_key"))
                .col("source", "LowCardinality(String)", c.enumName("source"))
                .col("tracker", "Nullable(String)", c.nullableString("tracker"))
                .col("discovered_at", TIME, c.millis("discovered_at"))
                .col("is_new", "UInt8", c.boolAsUInt8("is_new"));
        return new SinkTable("discoveries", c, null, null, null);
    }

    /** btda.evaluator_stats: one row per record; (instance, time) is the natural key, so a redelivery folds away. */
    static SinkTable evaluatorStats() {
        Columns c = new Columns(EvaluatorStatsRecord.class);
        c.col("time", TIME, c.millis("time"))
                .col("instance", "LowCardinality(String)", c.string("instance"))
                .col("backlog", "UInt64", c.uint("backlog", 64))
                .col("sessions_in_flight", "UInt32", c.uint("sessions_in_flight", 32))
                .col("ceiling", "UInt32", c.uint("ceiling", 32))
                .col("mean_session_ms", "Float64", c.float64("mean_session_ms"))
                .col("max_session_ms", "UInt64", c.uint("max_session_ms", 64))
                .col("mean_longest_gap_ms", "Float64", c.float64("mean_longest_gap_ms"))
                .col("max_longest_gap_ms", "UInt64", c.uint("max_longest_gap_ms", 64))
                .col("contacts_total", "UInt64", c.uint("contacts_total", 64))
                .col("successes_total", "UInt64", c.uint("successes_total", 64))
                .col("failures_total", "UInt64", c.uint("failures_total", 64))
                .col("observations_total", "UInt64", c.uint("observations_total", 64))
                .col("dropped_total", "UInt64", c.uint("dropped_total", 64))
                .col("interval_ms", "UInt64", c.uint("interval_ms", 64))
                .col("incoming_in_flight", "UInt32", c.uint("incoming_in_flight", 32))
                .col("failed_first_total", "UInt64", c.uint("failed_first_total", 64))
                .col("failed_later_total", "UInt64", c.uint("failed_later_total", 64))
                .col("incoming_evaluated_total", "UInt64", c.uint("incoming_evaluated_total", 64))
                .col("incoming_refused_total", "UInt64", c.uint("incoming_refused_total", 64))
                .col("unique_incoming_peers", "UInt64", c.uint("unique_incoming_peers", 64));
        return new SinkTable("evaluator_stats", c, null, null, null);
    }

    // ---- column writers, checked against the record schema when a table is built ----

    /** A column writer and the RowBinary type it writes (LowCardinality aside, which RowBinary does not show). */
    private record W(String rowBinaryType, ColumnWriter fn) {
    }

    /** Builds a table's columns against its record's current schema: every field is checked for its Avro type. */
    private static final class Columns {
        final Class<? extends SpecificRecord> type;
        final AvroView view;
        final List<Column> list = new ArrayList<>();

        Columns(Class<? extends SpecificRecord> type) {
            this.type = type;
            this.view = new AvroView(EventCodec.schemaOf(type));
        }

        Columns col(String name, String chType, W w) {
            if (!stripLowCardinality(chType).equals(w.rowBinaryType())) {
                throw new IllegalStateException(type.getSimpleName() + "." + name + ": column type " + chType + " but the writer writes "
                        + w.rowBinaryType());
            }
            list.add(new Column(name, chType, w.fn()));
            return this;
        }

        /** Observation v3 / PeerSummary v2 enrichment (V003), the same columns in both tables. */
        Columns enrichment() {
            return col("city", "LowCardinality(Nullable(String))", nullableString("city"))
                    .col("country", "LowCardinality(Nullable(String))", nullableString("country"))
                    .col("continent", "LowCardinality(Nullable(String))", nullableString("continent"))
                    .col("latitude", "Nullable(Float64)", nullableFloat64("latitude"))
                    .col("longitude", "Nullable(Float64)", nullableFloat64("longitude"))
                    .col("asn", "Nullable(UInt32)", nullableUInt("asn", 32))
                    .col("as_org", "LowCardinality(Nullable(String))", nullableString("as_org"))
                    .col("domain", "LowCardinality(Nullable(String))", nullableString("domain"))
                    .col("address", "Nullable(String)", nullableString("address"));
        }

        int required(String name, Schema.Type... types) {
            int f = view.field(name);
            Schema s = view.fieldSchema(f);
            if (!EnumSet.of(types[0], types).contains(s.getType())) {
                throw new IllegalStateException(type.getSimpleName() + "." + name + " is " + s + ", expected one of " + List.of(types));
            }
            return f;
        }

        int optional(String name, Schema.Type... types) {
            int f = view.field(name);
            Schema s = view.fieldSchema(f);
            if (s.getType() != Schema.Type.UNION || !EnumSet.of(types[0], types).contains(AvroView.nonNull(s).getType())) {
                throw new IllegalStateException(type.getSimpleName() + "." + name + " is " + s + ", expected [null, one of " + List.of(types) + "]");
            }
            return f;
        }

        private int millisField(String name, boolean optional) {
            int f = optional ? optional(name, Schema.Type.LONG) : required(name, Schema.Type.LONG);
            Schema s = optional ? AvroView.nonNull(view.fieldSchema(f)) : view.fieldSchema(f);
            if (s.getLogicalType() == null || !s.getLogicalType().getName().equals("timestamp-millis")) {
                throw new IllegalStateException(type.getSimpleName() + "." + name + " is not timestamp-millis");
            }
            return f;
        }

        W string(String name) {
            int f = required(name, Schema.Type.STRING);
            return new W("String", (v, o) -> o.string(v.bytes(), v.pos(f), v.len(f)));
        }

        /** An optional string into a non-null String column: null is ''. */
        W stringOrEmpty(String name) {
            int f = optional(name, Schema.Type.STRING);
            return new W("String", (v, o) -> {
                if (v.isNull(f)) o.varint(0); else o.string(v.bytes(), v.pos(f), v.len(f));
            });
        }

        W nullableString(String name) {
            int f = optional(name, Schema.Type.STRING);
            return new W("Nullable(String)", (v, o) -> {
                if (v.isNull(f)) o.isNull(true); else o.isNull(false).string(v.bytes(), v.pos(f), v.len(f));
            });
        }

        /** FixedString(n): a shorter value is zero-padded (as ClickHouse pads it), a longer one refused (record skipped). */
        W fixedString(String name, int n) {
            int f = required(name, Schema.Type.STRING);
            return new W("FixedString(" + n + ")", (v, o) -> o.fixedString(v.bytes(), v.pos(f), v.len(f), n));
        }

        W nullableFixedString(String name, int n) {
            int f = optional(name, Schema.Type.STRING);
            return new W("Nullable(FixedString(" + n + "))", (v, o) -> {
                if (v.isNull(f)) o.isNull(true); else o.isNull(false).fixedString(v.bytes(), v.pos(f), v.len(f), n);
            });
        }

        W enumName(String name) {
            int f = required(name, Schema.Type.ENUM);
            return new W("String", (v, o) -> o.string(v.enumSymbol(f)));
        }

        W nullableEnumName(String name) {
            int f = optional(name, Schema.Type.ENUM);
            return new W("Nullable(String)", (v, o) -> {
                if (v.isNull(f)) o.isNull(true); else o.isNull(false).string(v.enumSymbol(f));
            });
        }

        /** timestamp-millis → DateTime64(3): the same Int64 of milliseconds. */
        W millis(String name) {
            int f = millisField(name, false);
            return new W(TIME, (v, o) -> o.u64(v.longValue(f)));
        }

        /** An optional timestamp, or another (required) one when it is null. */
        W millisOr(String name, String fallback) {
            int f = millisField(name, true);
            int g = millisField(fallback, false);
            return new W(TIME, (v, o) -> o.u64(v.longValue(v.isNull(f) ? g : f)));
        }

        W millisAsUInt64(String name) {
            int f = millisField(name, false);
            return new W("UInt64", (v, o) -> o.u64(v.longValue(f)));
        }

        /** UInt8/16/32/64 from an int or long (the low bits, as a two's complement value wraps). */
        W uint(String name, int bits) {
            int f = required(name, Schema.Type.INT, Schema.Type.LONG);
            return new W("UInt" + bits, unsigned(f, bits));
        }

        W nullableUInt(String name, int bits) {
            int f = optional(name, Schema.Type.INT, Schema.Type.LONG);
            ColumnWriter value = unsigned(f, bits);
            return new W("Nullable(UInt" + bits + ")", (v, o) -> {
                if (v.isNull(f)) {
                    o.isNull(true);
                } else {
                    o.isNull(false);
                    value.write(v, o);
                }
            });
        }

        private static ColumnWriter unsigned(int f, int bits) {
            return switch (bits) {
                case 8 -> (v, o) -> o.u8((int) v.longValue(f));
                case 16 -> (v, o) -> o.u16((int) v.longValue(f));
                case 32 -> (v, o) -> o.u32(v.longValue(f));
                case 64 -> (v, o) -> o.u64(v.longValue(f));
                default -> throw new IllegalArgumentException("UInt" + bits);
            };
        }

        W bool(String name) {
            int f = required(name, Schema.Type.BOOLEAN);
            return new W("Bool", (v, o) -> o.u8((int) v.longValue(f)));
        }

        W boolAsUInt8(String name) {
            int f = required(name, Schema.Type.BOOLEAN);
            return new W("UInt8", (v, o) -> o.u8((int) v.longValue(f)));
        }

        /** Float64 from a double or long; NaN and infinities are stored as 0 (the column's default, as before). */
        W float64(String name) {
            int f = required(name, Schema.Type.DOUBLE, Schema.Type.LONG, Schema.Type.INT);
            boolean integral = view.fieldSchema(f).getType() != Schema.Type.DOUBLE;
            return new W("Float64", (v, o) -> {
                double d = integral ? (double) v.longValue(f) : v.doubleValue(f);
                o.f64(Double.isFinite(d) ? d : 0.0);
            });
        }

        /** NaN and infinities are stored as NULL. */
        W nullableFloat64(String name) {
            int f = optional(name, Schema.Type.DOUBLE);
            return new W("Nullable(Float64)", (v, o) -> {
                if (v.isNull(f) || !Double.isFinite(v.doubleValue(f))) o.isNull(true); else o.isNull(false).f64(v.doubleValue(f));
            });
        }

        /** Bytes as lowercase hex. */
        W nullableHex(String name) {
            int f = optional(name, Schema.Type.BYTES);
            return new W("Nullable(String)", (v, o) -> {
                if (v.isNull(f)) o.isNull(true); else o.isNull(false).hex(v.bytes(), v.pos(f), v.len(f));
            });
        }

        /** An array or map field in its natural RowBinary form (see {@link AvroView#transcode}). */
        W value(String name) {
            int f = required(name, Schema.Type.ARRAY, Schema.Type.MAP);
            return new W(AvroView.rowBinaryType(view.fieldSchema(f)), (v, o) -> v.transcode(f, o));
        }

        /** An optional array or map: null is written as empty. */
        W valueOrEmpty(String name) {
            int f = optional(name, Schema.Type.ARRAY, Schema.Type.MAP);
            return new W(AvroView.rowBinaryType(view.fieldSchema(f)), (v, o) -> {
                if (v.isNull(f)) o.varint(0); else v.transcode(f, o);
            });
        }
    }

    /** The type as RowBinary sees it: LowCardinality(T) is written as T. */
    static String stripLowCardinality(String type) {
        String t = type;
        int i;
        while ((i = t.indexOf("LowCardinality(")) >= 0) {
            int depth = 0;
            int j = i + "LowCardinality(".length() - 1;
            for (; j < t.length(); j++) {
                if (t.charAt(j) == '(') depth++;
                else if (t.charAt(j) == ')' && --depth == 0) break;
            }
            t = t.substring(0, i) + t.substring(i + "LowCardinality(".length(), j) + t.substring(j + 1);
        }
        return t;
    }
}

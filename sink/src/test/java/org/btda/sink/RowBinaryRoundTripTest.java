package org.btda.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.btda.common.kafka.AvroSerde;
import org.btda.events.ConfirmedDownload;
import org.btda.events.Discovery;
import org.btda.events.EvaluatorStatsRecord;
import org.btda.events.HarvestRequest;
import org.btda.events.Observation;
import org.btda.events.PeerSummary;
import org.btda.events.TorrentRegistered;
import org.btda.events.codec.EventCodec;
import org.btda.sink.clickhouse.ClickHouseMigrations;
import org.btda.sink.clickhouse.LocalClickHouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sink's rows against the real, migrated ClickHouse (that each table's column list matches the table is
 * {@link SinkTablesMatchMigrationsTest}'s job): rows inserted as RowBinary and as the Native block the sink sends read back
 * as the JSONEachRow rows the sink wrote before (random records, every optional field both null and set); explicit
 * values (NULLs, maxima, non-ASCII) read back exactly; the sink refuses to start on a column of another type.
 */
class RowBinaryRoundTripTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final InsertSettings SYNC = new InsertSettings().serverSetting("async_insert", "0");
    private static LocalClickHouse ch;
    private static String db;

    /** Every sink table, with how the reference JSON row of a record is built. */
    private record Case(Supplier<SinkTable> table, Class<? extends SpecificRecord> type, Function<SpecificRecord, String> json) {
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> Case of(Supplier<SinkTable> t, Class<T> type, Function<T, String> json) {
        return new Case(t, type, r -> json.apply((T) r));
    }

    private static final List<Case> CASES = List.of(
            of(SinkTable::torrents, TorrentRegistered.class, JsonReference::torrents),
            of(SinkTable::observations, Observation.class, JsonReference::observations),
            of(SinkTable::harvestRequests, HarvestRequest.class, JsonReference::harvestRequests),
            of(SinkTable::confirmedDownloads, ConfirmedDownload.class, JsonReference::confirmedDownloads),
            of(SinkTable::fileDownloads, org.btda.events.FileDownload.class, JsonReference::fileDownloads),
            of(SinkTable::peers, PeerSummary.class, JsonReference::peers),
            of(SinkTable::discoveries, Discovery.class, JsonReference::discoveries),
            of(SinkTable::evaluatorStats, EvaluatorStatsRecord.class, JsonReference::evaluatorStats));

    @BeforeAll
    static void migrate() throws Exception {
        ch = LocalClickHouse.shared();
        ClickHouseMigrations.apply(ch.jdbcUrl(), ch.user(), ch.password(), LocalClickHouse.defaultMigrationParams());
        db = "rb_" + Long.toHexString(new Random().nextLong() & Long.MAX_VALUE);
        sql("CREATE DATABASE " + db);
    }

    @Test
    void rowsReadBackAsTheJsonRowsTheSinkWroteBefore() throws Exception {
        Random random = new Random(20250301);
        try (Client client = Inserter.client(ch.jdbcUrl(), "btda", ch.user(), ch.password())) {
            for (Case c : CASES) {
                SinkTable t = c.table().get();
                AvroSerde<SpecificRecord> serde = serde(c.type());
                List<String> json = new ArrayList<>();
                List<byte[]> rows = new ArrayList<>();
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                RandomRecords gen = new RandomRecords(random);
                for (int i = 0; i < 300; i++) {
                    SpecificRecord r = gen.record(c.type(), i);
                    json.add(c.json().apply(r));
                    byte[] row = t.toRow("t", serde.serialize("t", r)).row();
                    rows.add(row);
                    body.writeBytes(row);
                }
                String rb = db + "." + t.table() + "_rb";
                String js = db + "." + t.table() + "_json";
                String nat = db + "." + t.table() + "_native";
                sql("CREATE TABLE " + rb + " AS btda." + t.table() + " ENGINE = Memory");
                sql("CREATE TABLE " + js + " AS btda." + t.table() + " ENGINE = Memory");
                sql("CREATE TABLE " + nat + " AS btda." + t.table() + " ENGINE = Memory");
                client.insert(rb, t.columnNames(), new ByteArrayInputStream(body.toByteArray()), ClickHouseFormat.RowBinary, SYNC)
                        .get(60, TimeUnit.SECONDS).close();
                // what the sink sends: the same rows as one Native block
                client.insert(nat, t.columnNames(), new ByteArrayInputStream(t.nativeBody(rows)), ClickHouseFormat.Native, SYNC)
                        .get(60, TimeUnit.SECONDS).close();
                client.insert(js, new ByteArrayInputStream(String.join("", json).getBytes(StandardCharsets.UTF_8)),
                        ClickHouseFormat.JSONEachRow, SYNC).get(60, TimeUnit.SECONDS).close();
                List<String> a = lines(sql("SELECT * FROM " + rb + " FORMAT TSV"));
                List<String> b = lines(sql("SELECT * FROM " + js + " FORMAT TSV"));
                List<String> n = lines(sql("SELECT * FROM " + nat + " FORMAT TSV"));
                assertThat(a).as(t.table() + ": RowBinary vs JSONEachRow").hasSize(300).isEqualTo(b);
                assertThat(n).as(t.table() + ": Native vs JSONEachRow").isEqualTo(b);
            }
        }
    }

    @Test
    void nullsMaximaAndNonAsciiReadBackExactly() throws Exception {
        String odd = "ünïcode 🚀 \"q\" \\ \t\n\u0001 日本";
        Instant t0 = Instant.parse("2025-03-01T10:00:00.123Z");
        Observation empty = Observation.newBuilder().setInfoHash("ab".repeat(20)).setPeerKey("pk-null")
                .setObservedAt(t0).setSource(org.btda.events.PeerSource.DHT).setSuccess(false).setTotalPieces(0).setPieceLength(0)
                .setMessagesReceived(0).setSessionMs(0).setLongestGapMs(0).build();
        Observation full = Observation.newBuilder().setRequestId(odd).setInfoHash("cd".repeat(20)).setPeerKey(odd)
                .setIdentity(org.btda.events.IdentityKind.PEER_ID).setObservedAt(t0).setSource(org.btda.events.PeerSource.INCOMING)
                .setSuccess(true).setFailure(org.btda.events.FailureReason.OTHER).setFailureDetail(odd).setPieces(Integer.MAX_VALUE)
                .setTotalPieces(Integer.MAX_VALUE).setPieceLength(Long.MAX_VALUE)
                .setPeerId(ByteBuffer.wrap(new byte[] {0, (byte) 0xff, 0x10})).setClient(odd).setReserved(ByteBuffer.wrap(new byte[8]))
                .setExtClient(odd).setExtListenPort(65535).setExtReqq(Integer.MAX_VALUE).setExtMetadataSize(Long.MAX_VALUE)
                .setExtMessages(Map.of(odd, Integer.MIN_VALUE, "ut_pex", Integer.MAX_VALUE)).setMessagesReceived(Integer.MAX_VALUE)
                .setSessionMs(Long.MAX_VALUE).setLongestGapMs(Long.MAX_VALUE).setSealedEndpoint(ByteBuffer.wrap(new byte[] {1, 2}))
                .setNetwork(odd).setEvaluator(odd).setCity(odd).setCountry("NL").setContinent("EU").setLatitude(-90.0)
                .setLongitude(Double.MIN_VALUE).setAsn(4_294_967_295L).setAsOrg(odd).setDomain(odd).setAddress("2001:db8::1").build();
        SinkTable t = SinkTable.observations();
        String table = db + ".observations_values";
        sql("CREATE TABLE " + table + " AS btda.observations ENGINE = Memory");
        List<byte[]> rows = new ArrayList<>();
        for (Observation o : List.of(empty, full)) rows.add(t.toRow("t", EventCodec.encode(o)).row());
        try (Client client = Inserter.client(ch.jdbcUrl(), "btda", ch.user(), ch.password())) {
            client.insert(table, t.columnNames(), new ByteArrayInputStream(t.nativeBody(rows)), ClickHouseFormat.Native, SYNC)
                    .get(60, TimeUnit.SECONDS).close();
        }
        List<String> nullable = new ArrayList<>();
        for (SinkTable.Column c : t.columns()) if (c.type().contains("Nullable")) nullable.add(c.name());
        assertThat(sql("SELECT " + String.join(" + ", nullable.stream().map(n -> "isNull(" + n + ")").toList())
                + ", request_id, length(ext_messages), identity FROM " + table + " WHERE peer_key = 'pk-null' FORMAT TSV"))
                .isEqualTo(nullable.size() + "\t\t0\tLISTEN_PORT\n");
        String q = "SELECT request_id = {s:String}, peer_key = {s:String}, failure_detail = {s:String}, client = {s:String},"
                + " ext_client = {s:String}, network = {s:String}, evaluator = {s:String}, city = {s:String}, as_org = {s:String},"
                + " domain = {s:String}, ext_messages[{s:String}], ext_messages['ut_pex'], pieces, total_pieces, piece_length,"
                + " peer_id, reserved, ext_listen_port, ext_reqq, ext_metadata_size, messages_received, session_ms, longest_gap_ms,"
                + " latitude, longitude = 4.9e-324, asn, address, identity, source, success, failure, toUnixTimestamp64Milli(observed_at)"
                + " FROM " + table + " WHERE info_hash = '" + "cd".repeat(20) + "' FORMAT TSV";
        assertThat(sqlWith(q, Map.of("s", odd))).isEqualTo(String.join("\t", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1",
                "-2147483648", "2147483647", "2147483647", "2147483647", "9223372036854775807", "00ff10", "0000000000000000", "65535",
                "2147483647", "9223372036854775807", "2147483647", "9223372036854775807", "9223372036854775807", "-90", "1",
                "4294967295", "2001:db8::1", "PEER_ID", "INCOMING", "true", "OTHER", String.valueOf(t0.toEpochMilli())) + "\n");
    }

    /** The sink refuses to start against a table whose column types are not what its rows encode. */
    @Test
    void theSinkChecksTheColumnTypesBeforeItStarts() throws Exception {
        String other = db + "_check";
        sql("CREATE DATABASE " + other);
        for (Case c : CASES) sql("CREATE TABLE " + other + "." + c.table().get().table() + " AS btda." + c.table().get().table() + " ENGINE = Memory");
        SinkConfig config = SinkConfig.from(org.btda.common.config.Settings.defaults()).withBootstrapServers("127.0.0.1:9");
        try (ClickHouseSink ok = new ClickHouseSink(config.withClickHouse(ch.jdbcUrl(), ch.user(), ch.password()))) {
            ok.checkColumns();
        }
        sql("ALTER TABLE " + other + ".peers MODIFY COLUMN contacts UInt64");
        try (ClickHouseSink bad = new ClickHouseSink(config.withClickHouse(ch.jdbcUrl(other), ch.user(), ch.password()))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(bad::checkColumns).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(other + ".peers.contacts is UInt64; the sink writes UInt32");
        }
        sql("ALTER TABLE " + other + ".peers MODIFY COLUMN contacts UInt32");
        sql("ALTER TABLE " + other + ".observations DROP COLUMN evaluator");
        try (ClickHouseSink bad = new ClickHouseSink(config.withClickHouse(ch.jdbcUrl(other), ch.user(), ch.password()))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(bad::checkColumns).hasMessageContaining("observations.evaluator is missing");
        }
    }

    // ---- helpers ----

    @SuppressWarnings("unchecked")
    private static AvroSerde<SpecificRecord> serde(Class<? extends SpecificRecord> type) {
        return (AvroSerde<SpecificRecord>) (AvroSerde<?>) AvroSerde.of(type);
    }

    private static List<String> lines(String tsv) {
        List<String> l = new ArrayList<>(List.of(tsv.split("\n")));
        Collections.sort(l);
        return l;
    }

    /** HTTP query parameters are read as escaped (TSV) values. */
    private static String tsvValue(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    static String sql(String sql) throws Exception {
        return sqlWith(sql, Map.of());
    }

    private static String sqlWith(String sql, Map<String, String> params) throws Exception {
        StringBuilder url = new StringBuilder("http://127.0.0.1:" + ch.httpPort() + "/?");
        params.forEach((k, v) -> url.append("param_").append(k).append('=')
                .append(java.net.URLEncoder.encode(tsvValue(v), StandardCharsets.UTF_8)).append('&'));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url.toString()))
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(sql + ": " + r.body());
        return r.body();
    }

    /**
     * Random records of a generated class, field by field from its schema: optional fields null about a third of the
     * time, strings with quotes, backslashes, control characters and non-ASCII text, numbers up to their column's
     * maximum, doubles including NaN, infinities and -0.0. Info hashes are 40 hex characters; times 1970..2100.
     */
    static final class RandomRecords {
        private static final String[] WORDS = {"", "a", "Transmission 4.0.5", "q\"uote", "back\\slash", "tab\there", "new\nline",
                "\u0001ctl", "ünïcode", "日本語", "🚀 rocket", "198.51.100.0/24", "https://tracker.example/announce?x=1&y=2"};
        private static final double[] DOUBLES = {0.0, -0.0, 1.5, -90.0, 52.37, Double.MAX_VALUE, Double.MIN_VALUE, 1e-300, 0.1 + 0.2,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        private final Random r;

        RandomRecords(Random r) {
            this.r = r;
        }

        SpecificRecord record(Class<? extends SpecificRecord> type, int i) {
            Schema s = EventCodec.schemaOf(type);
            SpecificRecord rec = (SpecificRecord) SpecificData.get().newRecord(null, s);
            for (Schema.Field f : s.getFields()) rec.put(f.pos(), value(f.name(), f.schema(), i));
            return rec;
        }

        private Object value(String field, Schema s, int i) {
            switch (s.getType()) {
                case UNION -> {
                    Schema t = AvroView.nonNull(s);
                    // the first records set every optional field, the next ones none, then a mix
                    boolean isNull = i < 5 ? false : i < 10 || r.nextInt(3) == 0;
                    return isNull ? null : value(field, t, i);
                }
                case STRING -> {
                    if (field.equals("info_hash")) return HexFormat.of().formatHex(bytes(20));
                    return WORDS[r.nextInt(WORDS.length)] + (r.nextBoolean() ? "" : WORDS[r.nextInt(WORDS.length)]);
                }
                case BYTES -> {
                    return ByteBuffer.wrap(bytes(r.nextInt(21)));
                }
                case INT -> {
                    if (field.equals("ext_listen_port")) return r.nextInt(65536);
                    return r.nextInt(4) == 0 ? Integer.MAX_VALUE : r.nextInt(4) == 0 ? 0 : r.nextInt(Integer.MAX_VALUE);
                }
                case LONG -> {
                    if (s.getLogicalType() != null) return Instant.ofEpochMilli(r.nextLong(0, 4_102_444_800_000L));
                    if (field.equals("asn")) return r.nextLong(1L << 32);
                    return r.nextInt(4) == 0 ? Long.MAX_VALUE : r.nextInt(4) == 0 ? 0L : r.nextLong(Long.MAX_VALUE);
                }
                case DOUBLE -> {
                    return r.nextBoolean() ? DOUBLES[r.nextInt(DOUBLES.length)] : r.nextDouble() * 1e6;
                }
                case BOOLEAN -> {
                    return r.nextBoolean();
                }
                case ENUM -> {
                    List<String> symbols = s.getEnumSymbols();
                    return SpecificData.get().createEnum(symbols.get(r.nextInt(symbols.size())), s);
                }
                case ARRAY -> {
                    List<Object> l = new ArrayList<>();
                    for (int k = r.nextInt(4); k > 0; k--) l.add(value(field, s.getElementType(), i));
                    return l;
                }
                case RECORD -> {
                    SpecificRecord rec = (SpecificRecord) SpecificData.get().newRecord(null, s);
                    for (Schema.Field f : s.getFields()) rec.put(f.pos(), value(f.name(), f.schema(), i));
                    return rec;
                }
                case MAP -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (int k = r.nextInt(4); k > 0; k--) m.put(WORDS[r.nextInt(WORDS.length)] + k, r.nextInt());
                    return m;
                }
                default -> throw new IllegalArgumentException("no random value for " + s);
            }
        }

        private byte[] bytes(int n) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            return b;
        }
    }
}

package org.btda.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Calendar;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TimeZone;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JDBC round trips and de-duplication against the shared local ClickHouse. */
class ClickHouseRoundTripTest {
    private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    private static final Random RANDOM = new Random();
    private static LocalClickHouse ch;

    @BeforeAll
    static void migrate() throws SQLException {
        ch = LocalClickHouse.shared();
        ClickHouseMigrations.apply(ch.jdbcUrl(), ch.user(), ch.password(), LocalClickHouse.defaultMigrationParams());
    }

    @Test
    void observationRoundTripKeepsMillisecondsAndNulls() throws SQLException {
        String infoHash = randomHex(20);
        String peerKey = randomHex(16);
        Instant observedAt = recent().plusMillis(89);
        try (Connection c = ch.connect()) {
            insertObservation(c, infoHash, peerKey, observedAt, "req-1", null);
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT observed_at, toUnixTimestamp64Milli(observed_at), pieces,"
                         + " ext_messages['ut_metadata'], success, failure FROM btda.observations FINAL"
                         + " WHERE info_hash = '" + infoHash + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getTimestamp(1, UTC).toInstant()).isEqualTo(observedAt);
                assertThat(rs.getLong(2)).isEqualTo(observedAt.toEpochMilli());
                assertThat(rs.getObject(3)).isNull();
                assertThat(rs.getInt(4)).isEqualTo(3);
                assertThat(rs.getBoolean(5)).isTrue();
                assertThat(rs.getString(6)).isNull();
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void redeliveredObservationIsReadOnce() throws SQLException {
        String infoHash = randomHex(20);
        String peerKey = randomHex(16);
        Instant at = recent().plusMillis(89);
        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            insertObservation(c, infoHash, peerKey, at, "req-1", 7);
            insertObservation(c, infoHash, peerKey, at, "req-1", 7);
            insertObservation(c, infoHash, peerKey, at.plusMillis(1), "req-2", 9);
            assertThat(ClickHouseMigrationsTest.strings(st, "SELECT count() FROM btda.observations FINAL"
                    + " WHERE info_hash = '" + infoHash + "'")).containsExactly("2");
        }
    }

    @Test
    void downloadsHourlyCountsARedeliveredAndCorrectedDownloadOnce() throws SQLException {
        String infoHash = randomHex(20);
        String peerA = randomHex(16);
        String peerB = randomHex(16);
        Instant firstHour = recent().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
        Instant hour10 = firstHour.plus(15, ChronoUnit.MINUTES).plusMillis(123);
        Instant hour11 = firstHour.plus(100, ChronoUnit.MINUTES).plusMillis(456);
        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            // peer A: delivered twice at version 1 (crossing at 11:40), then corrected to 10:15 at version 2.
            insertDownload(c, infoHash, peerA, hour11, 1);
            insertDownload(c, infoHash, peerA, hour11, 1);
            insertDownload(c, infoHash, peerA, hour10, 2);
            // peer B: delivered twice, crossing at 11:40.
            insertDownload(c, infoHash, peerB, hour11, 1);
            insertDownload(c, infoHash, peerB, hour11, 1);

            assertThat(ClickHouseMigrationsTest.strings(st, "SELECT concat(toString(hour), '=', toString(downloads))"
                    + " FROM btda.downloads_hourly WHERE info_hash = '" + infoHash + "' ORDER BY hour"))
                    .containsExactly(hourText(firstHour) + "=1", hourText(firstHour.plus(1, ChronoUnit.HOURS)) + "=1");
        }
    }

    @Test
    void discoveriesHourlyCountsARedeliveredDiscoveryOnce() throws SQLException {
        String infoHash = randomHex(20);
        String peerA = randomHex(16);
        String peerB = randomHex(16);
        Instant at = recent().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS).plusMillis(123);
        try (Connection c = ch.connect(); Statement st = c.createStatement()) {
            insertDiscovery(c, infoHash, peerA, "TRACKER", at, 1);
            insertDiscovery(c, infoHash, peerA, "TRACKER", at, 1);
            insertDiscovery(c, infoHash, peerA, "TRACKER", at.plusSeconds(60), 0);
            insertDiscovery(c, infoHash, peerB, "TRACKER", at, 1);
            insertDiscovery(c, infoHash, peerB, "DHT", at, 0);

            assertThat(ClickHouseMigrationsTest.strings(st, "SELECT concat(source, ':', toString(discoveries), ',',"
                    + " toString(new_peers), ',', toString(distinct_peers)) FROM btda.discoveries_hourly"
                    + " WHERE info_hash = '" + infoHash + "' ORDER BY source"))
                    .containsExactly("DHT:1,0,1", "TRACKER:3,2,2");
        }
    }

    private static void insertObservation(Connection c, String infoHash, String peerKey, Instant at,
                                          String requestId, Integer pieces) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO btda.observations (request_id, info_hash,"
                + " peer_key, identity, observed_at, source, success, failure, failure_detail, pieces, total_pieces,"
                + " piece_length, peer_id, client, reserved, ext_client, ext_listen_port, ext_reqq,"
                + " ext_metadata_size, ext_messages, messages_received, session_ms, longest_gap_ms, network, evaluator)"
                + " VALUES (?, ?, ?, 'LISTEN_PORT', ?, 'TRACKER', true, NULL, NULL, ?, 100, 16384, ?,"
                + " 'Transmission 4.0.6', '0000000000100005', 'Transmission 4.0.6', 51413, 500, 12345,"
                + " map('ut_metadata', 3, 'ut_pex', 1), 4, 1200, 800, '127.0.0.0/24', 'test')")) {
            ps.setString(1, requestId);
            ps.setString(2, infoHash);
            ps.setString(3, peerKey);
            ps.setTimestamp(4, Timestamp.from(at), UTC);
            if (pieces == null) {
                ps.setNull(5, java.sql.Types.INTEGER);
            } else {
                ps.setInt(5, pieces);
            }
            ps.setString(6, randomHex(20));
            ps.executeUpdate();
        }
    }

    private static void insertDownload(Connection c, String infoHash, String peerKey, Instant crossedAt, long version)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO btda.confirmed_downloads (info_hash, peer_key,"
                + " client, crossed_at, last_below_at, pieces_below, pieces_at_crossing, total_pieces, threshold,"
                + " version) VALUES (?, ?, 'qBittorrent 4.6.7', ?, ?, 40, 100, 100, 0.98, ?)")) {
            ps.setString(1, infoHash);
            ps.setString(2, peerKey);
            ps.setTimestamp(3, Timestamp.from(crossedAt), UTC);
            ps.setTimestamp(4, Timestamp.from(crossedAt.minusSeconds(600)), UTC);
            ps.setLong(5, version);
            ps.executeUpdate();
        }
    }

    private static void insertDiscovery(Connection c, String infoHash, String peerKey, String source, Instant at,
                                        int isNew) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO btda.discoveries (info_hash, peer_key, source,"
                + " tracker, discovered_at, is_new) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, infoHash);
            ps.setString(2, peerKey);
            ps.setString(3, source);
            ps.setString(4, "TRACKER".equals(source) ? "http://127.0.0.1:6969/announce" : null);
            ps.setTimestamp(5, Timestamp.from(at), UTC);
            ps.setInt(6, isNew);
            ps.executeUpdate();
        }
    }

    /**
     * A time a few minutes ago. Tables with a TTL drop rows that are already past it at insert time, so tests must
     * not use fixed dates.
     */
    private static Instant recent() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(5, ChronoUnit.MINUTES);
    }

    private static String hourText(Instant hour) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC).format(hour);
    }

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

}

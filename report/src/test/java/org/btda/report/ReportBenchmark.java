package org.btda.report;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.btda.sink.clickhouse.ClickHouseMigrations;
import org.btda.sink.clickhouse.LocalClickHouse;

/**
 * How long {@code btda report} takes over a study-sized data set: 10,000,000 observations, 1,000,000 peers and 100
 * torrents over 7 days (plus 200,000 confirmed downloads, 2,000,000 discoveries, hourly scrapes, runs with a gap and an
 * unclean stop), generated inside a fresh local ClickHouse with INSERT ... SELECT FROM numbers(). Each of three runs of the
 * report must stay under 30 s: ClickHouse aggregates, the JVM only embeds the answers. Run by scripts/bench-report.sh.
 * Sizes: -Dbench.observations, -Dbench.peers (multiples of 100).
 */
public final class ReportBenchmark {
    private static final long LIMIT_MS = 30_000;

    private ReportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long observations = Long.getLong("bench.observations", 10_000_000L);
        long peers = Long.getLong("bench.peers", 1_000_000L);
        LocalClickHouse server = LocalClickHouse.create();
        try {
            server.start();
            ClickHouseMigrations.apply(server.jdbcUrl(), server.user(), server.password(),
                    LocalClickHouse.defaultMigrationParams());
            ClickHouseHttp ch = new ClickHouseHttp(URI.create("http://127.0.0.1:" + server.httpPort() + "/"),
                    server.user(), server.password(), Duration.ofMinutes(10));
            Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(7));
            long t0 = System.nanoTime();
            generate(ch, ReportDataset.TS.format(start), observations, peers);
            System.out.printf("generated %,d observations, %,d peers, 100 torrents in %.1f s%n", observations, peers,
                    (System.nanoTime() - t0) / 1e9);

            Report report = new Report(ch, "bench");
            long best = Long.MAX_VALUE;
            long worst = 0;
            int size = 0;
            for (int run = 1; run <= 3; run++) {
                long r0 = System.nanoTime();
                String html = report.html(ReportRequest.all());
                long ms = (System.nanoTime() - r0) / 1_000_000;
                size = html.length();
                best = Math.min(best, ms);
                worst = Math.max(worst, ms);
                System.out.printf("report run %d: %,d ms (%,d kB)%n", run, ms, size / 1024);
            }
            System.out.printf("btda report over %,d observations, %,d peers, 100 torrents: %.1f s best, %.1f s worst of 3"
                    + " (limit %d s per run) %s%n", observations, peers, best / 1000.0, worst / 1000.0, LIMIT_MS / 1000,
                    worst < LIMIT_MS ? "OK" : "TOO SLOW");
            if (worst >= LIMIT_MS) {
                System.exit(1);
            }
        } finally {
            server.destroy();
        }
    }

    /** Every table the report reads, filled by the server itself; {S} = the first hour, peer p's torrent = p % 100. */
    private static void generate(ClickHouseHttp ch, String start, long observations, long peers) {
        String ih = "lower(hex(SHA1(toString(%s %% 100))))";
        String pk = "lower(hex(MD5(toString(%s))))";
        String week = "toDateTime64('" + start + "', 3, 'UTC') + toIntervalMillisecond(cityHash64(%s) %% 604800000)";
        List<String> statements = List.of(
                "INSERT INTO btda.torrents (info_hash, name, piece_length, piece_count, total_size, file_count, private,"
                        + " trackers, source, origin, monitored, event_time, version)"
                        + " SELECT " + ih.formatted("number") + ", concat('torrent-', toString(number), '.iso'), 262144, 4000,"
                        + " 1048576000, 1, false, [], 'FILE', 'bench', true, toDateTime64('" + start + "', 3, 'UTC'), 1"
                        + " FROM numbers(100)",
                "INSERT INTO btda.peers (info_hash, peer_key, first_seen_at, last_seen_at, total_pieces, max_speed_bps,"
                        + " contacts, failures, sources, identity, parked, version, city, country, continent, asn, as_org, domain)"
                        + " SELECT " + ih.formatted("number") + ", " + pk.formatted("number") + ", "
                        + week.formatted("number") + ", " + week.formatted("number") + " + INTERVAL 1 HOUR, 4000,"
                        + " exp10(2 + (cityHash64(number, 1) % 6000) / 1000), 10, 1, ['TRACKER'], 'LISTEN_PORT', false, 1,"
                        + " concat('City ', toString(number % 700)),"
                        + " ['DE','US','FR','BR','JP','IN','GB','CA','AU','NL','RU','ZA','ES','IT','PL','SE','CN','KR','MX','AR',"
                        + "'TR','UA','ID','EG','NG','NZ','CH','AT','BE','PT'][number % 30 + 1],"
                        + " ['EU','NA','EU','SA','AS','AS','EU','NA','OC','EU','EU','AF','EU','EU','EU','EU','AS','AS','NA','SA',"
                        + "'AS','EU','AS','AF','AF','OC','EU','EU','EU','EU'][number % 30 + 1],"
                        + " toUInt32(1000 + number % 200), concat(if(number % 200 < 20, 'Hosting ', 'Telecom '), toString(number % 200)),"
                        + " concat(if(number % 200 < 20, 'server', 'isp'), toString(number % 200), '.example')"
                        + " FROM numbers(" + peers + ")",
                "INSERT INTO btda.observations (request_id, info_hash, peer_key, identity, observed_at, source, success,"
                        + " failure, pieces, total_pieces, piece_length, messages_received, session_ms, longest_gap_ms)"
                        + " SELECT toString(number), " + ih.formatted("number % " + peers) + ", " + pk.formatted("number % " + peers)
                        + ", 'LISTEN_PORT', " + week.formatted("number") + ", ['TRACKER','DHT','PEX','INCOMING'][number % 4 + 1],"
                        + " number % 7 != 0, if(number % 7 = 0, ['CONNECT_TIMEOUT','REFUSED','PROTOCOL_VIOLATION'][number % 3 + 1], NULL),"
                        + " if(number % 7 = 0, NULL, toUInt32(cityHash64(number, 2) % 4001)), 4000, 262144, 20, 5000,"
                        + " cityHash64(number, 3) % 60000 FROM numbers(" + observations + ")",
                "INSERT INTO btda.confirmed_downloads (info_hash, peer_key, client, crossed_at, last_below_at, pieces_below,"
                        + " pieces_at_crossing, total_pieces, threshold, version)"
                        + " SELECT " + ih.formatted("number * 5") + ", " + pk.formatted("number * 5") + ", 'Transmission 4.0.6', "
                        + week.formatted("number * 5") + ", " + week.formatted("number * 5") + " - INTERVAL 10 MINUTE, 3000, 4000, 4000,"
                        + " 0.98, 1 FROM numbers(" + peers / 5 + ")",
                "INSERT INTO btda.discoveries (info_hash, peer_key, source, tracker, discovered_at, is_new)"
                        + " SELECT " + ih.formatted("number % " + peers) + ", " + pk.formatted("number % " + peers)
                        + ", ['TRACKER','DHT','PEX','INCOMING','MAGNET'][number % 5 + 1], NULL, " + week.formatted("number")
                        + ", number < " + peers + " FROM numbers(" + 2 * peers + ")",
                "INSERT INTO btda.harvest_requests (id, info_hash, kind, target, started_at, duration_ms, peers_received,"
                        + " peers_new, duplicates, completed)"
                        + " SELECT concat('s', toString(number)), " + ih.formatted("number") + ", 'SCRAPE', 'http://tracker.example/announce',"
                        + " toDateTime64('" + start + "', 3, 'UTC') + toIntervalHour(intDiv(number, 100)), 50, 0, 0, 0,"
                        + " toUInt32(1000 + intDiv(number, 100) * 3) FROM numbers(16800)",
                "INSERT INTO btda.runs (run_id, btda_version, command, settings, started_at, stopped_at, clean_stop, last_alive_at)"
                        + " VALUES ('bench-1', 'bench', 'local', '{\"completion.threshold\":\"0.98\",\"network.timeout\":\"6s\"}',"
                        + " toDateTime64('" + start + "', 3, 'UTC'), toDateTime64('" + start + "', 3, 'UTC') + INTERVAL 50 HOUR, true, NULL),"
                        + " ('bench-2', 'bench', 'local', '{\"completion.threshold\":\"0.98\",\"network.timeout\":\"6s\"}',"
                        + " toDateTime64('" + start + "', 3, 'UTC') + INTERVAL 52 HOUR, toDateTime64('" + start + "', 3, 'UTC') + INTERVAL 100 HOUR, false,"
                        + " toDateTime64('" + start + "', 3, 'UTC') + INTERVAL 100 HOUR),"
                        + " ('bench-3', 'bench', 'local', '{\"completion.threshold\":\"0.98\",\"network.timeout\":\"6s\"}',"
                        + " toDateTime64('" + start + "', 3, 'UTC') + INTERVAL 103 HOUR, NULL, false, now64(3))");
        for (String sql : statements) {
            long t0 = System.nanoTime();
            ch.execute(sql);
            System.out.printf("  %s: %.1f s%n", sql.substring(0, sql.indexOf('(')).strip(), (System.nanoTime() - t0) / 1e9);
        }
    }
}

package org.btda.launcher.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.btda.common.config.Settings;
import org.btda.launcher.BtdaVersion;
import org.btda.report.ClickHouseHttp;
import org.btda.report.Report;
import org.btda.report.ReportRequest;
import org.btda.report.ReportServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code btda report}: the study's figures from ClickHouse, as one offline HTML file or served live on loopback. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the study's figures (from the queries in sql/queries) into one self-contained HTML file, "
                + "or serve them live on 127.0.0.1.")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--clickhouse-url", paramLabel = "URL",
            description = "ClickHouse HTTP interface, http://host:8123 or jdbc:clickhouse://host:8123/btda "
                    + "(default: clickhouse.url, else http://127.0.0.1:8123)")
    String clickhouseUrl;

    @Option(names = "--torrent", paramLabel = "INFOHASH", description = "only this torrent (repeatable; default: all)")
    List<String> torrents = new ArrayList<>();

    @Option(names = "--from", paramLabel = "T", description = "window start, UTC: 2025-06-01, '2025-06-01 12:00' or ISO-8601")
    String from;

    @Option(names = "--to", paramLabel = "T", description = "window end (exclusive), same forms as --from")
    String to;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "report.html", description = "output file (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--serve", description = "serve the page live on 127.0.0.1 instead of writing a file")
    boolean serve;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + ReportServer.DEFAULT_PORT, description = "port for --serve (default: ${DEFAULT-VALUE}; 0 = any)")
    int port;

    @Option(names = "--top", paramLabel = "N", defaultValue = "20", description = "rows of the city and network rankings (default: ${DEFAULT-VALUE})")
    int top;

    @Override
    public Integer call() throws Exception {
        Settings settings = common.settings(System.getenv(), java.util.Map.of());
        PrintWriter stdout = spec.commandLine().getOut();
        ReportRequest request;
        try {
            request = new ReportRequest(torrents, time(from, "--from"), time(to, "--to"), top, top, 0);
            ClickHouseHttp.httpBase(clickhouseUrl == null ? "http://127.0.0.1:8123" : clickhouseUrl);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("btda report: " + e.getMessage());
            return 2;
        }
        String url = clickhouseUrl != null ? clickhouseUrl
                : settings.get(Settings.CLICKHOUSE_URL).isBlank() ? "http://127.0.0.1:8123" : settings.get(Settings.CLICKHOUSE_URL);
        Report report = Report.over(url, settings.get(Settings.CLICKHOUSE_USER), settings.get(Settings.CLICKHOUSE_PASSWORD),
                BtdaVersion.get());
        if (serve) {
            int refresh = ReportServer.refreshSeconds(settings.get(Settings.STATS_INTERVAL));
            try (ReportServer server = ReportServer.start(() -> report, request.withRefresh(refresh), port)) {
                stdout.println("btda report: serving " + server.url() + " (refreshes every " + refresh + " s; Ctrl-C stops)");
                stdout.flush();
                new CountDownLatch(1).await();
            }
            return 0;
        }
        long t0 = System.nanoTime();
        String html = report.html(request);
        Files.writeString(out, html, StandardCharsets.UTF_8);
        stdout.printf("btda report: wrote %s (%d kB) in %d ms%n", out, html.length() / 1024, (System.nanoTime() - t0) / 1_000_000);
        return 0;
    }

    static Instant time(String text, String option) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return java.time.OffsetDateTime.parse(t).toInstant();
            }
            return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": not a time (2025-06-01, '2025-06-01 12:00' or ISO-8601): " + text);
        }
    }
}

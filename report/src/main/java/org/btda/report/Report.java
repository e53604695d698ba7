package org.btda.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Builds the report page: runs every {@link Figure}'s study query over HTTP and embeds the answers (as ClickHouse
 * wrote them), ECharts, the world map and report.js into one HTML file that needs nothing at view time. The page's
 * Content-Security-Policy forbids every fetch, so it cannot even try.
 */
public final class Report {
    private static final String TEMPLATE = resource("report.html");
    private static final String SCRIPT = resource("report.js");
    private static final String ECHARTS = resource("echarts.min.js");
    private static final String WORLD = resource("world.geo.json");

    private final ClickHouseHttp clickHouse;
    private final String btdaVersion;

    public Report(ClickHouseHttp clickHouse, String btdaVersion) {
        this.clickHouse = clickHouse;
        this.btdaVersion = btdaVersion;
    }

    /** A report over the ClickHouse at {@code url} (see {@link ClickHouseHttp#httpBase}). */
    public static Report over(String url, String user, String password, String btdaVersion) {
        return new Report(new ClickHouseHttp(ClickHouseHttp.httpBase(url), user, password, java.time.Duration.ofMinutes(5)),
                btdaVersion);
    }

    /** The figures' data as one JSON object: {@code {"queries": {key: {file, params, result}}, ...}}. */
    public String data(ReportRequest req) {
        Map<String, String> common = req.commonParams();
        StringBuilder json = new StringBuilder("{\"generated_at\":").append(Json.string(Instant.now().toString()))
                .append(",\"btda_version\":").append(Json.string(btdaVersion))
                .append(",\"refresh_s\":").append(req.refreshSeconds())
                .append(",\"torrents\":").append(Json.strings(req.torrents()))
                .append(",\"queries\":{");
        boolean first = true;
        for (Figure f : Figure.all(req)) {
            StudyQuery q = StudyQuery.load(f.file());
            Map<String, String> given = new java.util.HashMap<>(common);
            given.putAll(f.fixed());
            Map<String, String> params = q.params(given);
            String result = clickHouse.selectJson(q.sql(), params);
            json.append(first ? "" : ",").append(Json.string(f.key())).append(":{\"file\":")
                    .append(Json.string(f.file())).append(",\"params\":").append(Json.object(params))
                    .append(",\"result\":").append(result.strip()).append('}');
            first = false;
        }
        return json.append("}}").toString();
    }

    /** The self-contained page. */
    public String html(ReportRequest req) {
        return page(data(req), req.refreshSeconds());
    }

    static String page(String dataJson, int refreshSeconds) {
        String refresh = refreshSeconds > 0
                ? "<meta http-equiv=\"refresh\" content=\"" + refreshSeconds + "\">" : "";
        // Plain substitutions in order (no regex: ECharts contains '$'); each token occurs once in the template.
        return TEMPLATE
                .replace("<!--REFRESH-->", refresh)
                .replace("/*BTDA_DATA*/", inScript(dataJson))
                .replace("/*BTDA_WORLD*/", inScript(WORLD))
                .replace("/*BTDA_REPORT_JS*/", SCRIPT)
                .replace("/*BTDA_ECHARTS*/", ECHARTS);
    }

    /** JSON inside a script element: "</" may only appear in strings, where "<\/" means the same. */
    private static String inScript(String json) {
        return json.replace("</", "<\\/").replace("<!--", "<\\u0021--");
    }

    private static String resource(String name) {
        try (InputStream in = Report.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the build (echarts.min.js is"
                        + " unpacked by the report module's build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

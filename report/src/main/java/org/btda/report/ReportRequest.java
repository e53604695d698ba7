package org.btda.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a report covers: torrents (empty = all), the window [from, to) (null = the queries' defaults: everything),
 * table sizes, and for the live page the refresh interval (0 = a static file).
 */
public record ReportRequest(List<String> torrents, Instant from, Instant to, int topCities, int topNetworks,
                            int refreshSeconds) {
    private static final Pattern INFO_HASH = Pattern.compile("[0-9a-f]{40}");
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    public ReportRequest {
        torrents = torrents.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList();
        for (String t : torrents) {
            if (!INFO_HASH.matcher(t).matches()) {
                throw new IllegalArgumentException("not an info hash (40 hex characters): " + t);
            }
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("--from must be before --to");
        }
        if (topCities < 1 || topNetworks < 1 || refreshSeconds < 0) {
            throw new IllegalArgumentException("top sizes must be >= 1 and the refresh interval >= 0");
        }
    }

    public static ReportRequest all() {
        return new ReportRequest(List.of(), null, null, 20, 15, 0);
    }

    public ReportRequest withRefresh(int seconds) {
        return new ReportRequest(torrents, from, to, topCities, topNetworks, seconds);
    }

    /** The window and torrent parameters every study query takes, in the form ClickHouse parses. */
    public Map<String, String> commonParams() {
        Map<String, String> p = new LinkedHashMap<>();
        if (from != null) {
            p.put("from", TS.format(from));
        }
        if (to != null) {
            p.put("to", TS.format(to));
        }
        // info hashes are checked hex above, so quoting them needs no escaping
        p.put("torrents", torrents.isEmpty() ? "[]"
                : "['" + String.join("','", torrents) + "']");
        return p;
    }
}

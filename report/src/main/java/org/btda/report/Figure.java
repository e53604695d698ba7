package org.btda.report;

import java.util.List;
import java.util.Map;

/**
 * One data set of the report: a named file of sql/queries and the parameters the report fixes for it (the window
 * and torrents come from the {@link ReportRequest}). report.js draws each figure from the answer stored under
 * {@code key}; adding a figure = a query file, a line here, a function there.
 */
public record Figure(String key, String file, Map<String, String> fixed) {
    /** Every data set the page draws, in page order. */
    public static List<Figure> all(ReportRequest req) {
        String cities = Integer.toString(req.topCities());
        String networks = Integer.toString(req.topNetworks());
        return List.of(
                new Figure("runs", "runs_in_window.sql", Map.of()),
                new Figure("downtime", "downtime.sql", Map.of()),
                new Figure("downloads_per_hour", "downloads_per_hour.sql", Map.of()),
                new Figure("places_country", "downloads_by_place.sql", Map.of("level", "country", "top", "0")),
                new Figure("places_continent", "downloads_by_place.sql", Map.of("level", "continent", "top", "0")),
                new Figure("places_city", "downloads_by_place.sql", Map.of("level", "city", "top", cities)),
                new Figure("discoveries_per_hour", "discoveries_per_hour.sql", Map.of()),
                new Figure("torrent_overview", "torrent_overview.sql", Map.of()),
                new Figure("downloads_vs_scrape", "downloads_vs_scrape.sql", Map.of()),
                new Figure("revisit_share", "revisit_share.sql", Map.of()),
                new Figure("first_contact", "first_contact_outcomes.sql", Map.of()),
                new Figure("longest_gap", "longest_gap_distribution.sql", Map.of()),
                new Figure("networks_asn", "downloads_by_network.sql", Map.of("by", "asn", "top", networks)),
                new Figure("networks_domain", "downloads_by_network.sql", Map.of("by", "domain", "top", networks)),
                new Figure("clients", "downloads_by_client.sql", Map.of()),
                new Figure("files", "downloads_per_file.sql", Map.of()),
                new Figure("speed_cdf", "max_speed_cdf.sql", Map.of()),
                new Figure("speed_quantiles", "max_speed_distribution.sql", Map.of("downloaders_only", "0")));
    }
}

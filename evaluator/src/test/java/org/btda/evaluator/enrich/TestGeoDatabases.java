package org.btda.evaluator.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Writes small GeoLite2-format databases with MaxMind's own writer (Debian's libmaxmind-db-writer-perl), so the
 * Java reader is exercised on real MMDB files with the real record shapes, for documentation-range addresses.
 */
final class TestGeoDatabases {
    private TestGeoDatabases() {}

    /** Amsterdam / Sydney / Berlin for 203.0.113.0/24, 198.51.100.0/24 and 2001:db8::/32. */
    static final String CITY_RECORDS = """
            [
             {"network": "203.0.113.0/24", "data": {
               "city": {"geoname_id": 2759794, "names": {"en": "Amsterdam"}},
               "continent": {"code": "EU", "geoname_id": 6255148, "names": {"en": "Europe"}},
               "country": {"iso_code": "NL", "geoname_id": 2750405, "names": {"en": "Netherlands"}},
               "location": {"latitude": 52.3676, "longitude": 4.9041, "accuracy_radius": 20, "time_zone": "Europe/Amsterdam"}}},
             {"network": "198.51.100.0/24", "data": {
               "city": {"geoname_id": 2147714, "names": {"en": "Sydney"}},
               "continent": {"code": "OC", "geoname_id": 6255151, "names": {"en": "Oceania"}},
               "country": {"iso_code": "AU", "geoname_id": 2077456, "names": {"en": "Australia"}},
               "location": {"latitude": -33.8688, "longitude": 151.2093, "accuracy_radius": 50, "time_zone": "Australia/Sydney"}}},
             {"network": "2001:db8::/32", "data": {
               "city": {"geoname_id": 2950159, "names": {"en": "Berlin"}},
               "continent": {"code": "EU", "geoname_id": 6255148, "names": {"en": "Europe"}},
               "country": {"iso_code": "DE", "geoname_id": 2921044, "names": {"en": "Germany"}},
               "location": {"latitude": 52.5244, "longitude": 13.4105, "accuracy_radius": 100, "time_zone": "Europe/Berlin"}}}
            ]
            """;

    /** AS 64500 / 64501 (documentation ASNs, RFC 5398) for the IPv4 ranges; only 2001:db8:1::/48 for IPv6. */
    static final String ASN_RECORDS = """
            [
             {"network": "203.0.113.0/24", "data": {"autonomous_system_number": 64500, "autonomous_system_organization": "Example Transit NL"}},
             {"network": "198.51.100.0/25", "data": {"autonomous_system_number": 64501, "autonomous_system_organization": "Example Cable AU"}},
             {"network": "2001:db8:1::/48", "data": {"autonomous_system_number": 64502, "autonomous_system_organization": "Example Fibre DE"}}
            ]
            """;

    /** Writes GeoLite2-City.mmdb and GeoLite2-ASN.mmdb into dir. */
    static void writeCityAndAsn(Path dir) throws Exception {
        write("GeoLite2-City", CITY_RECORDS, dir.resolve(GeoIpEnricher.CITY_DB));
        write("GeoLite2-ASN", ASN_RECORDS, dir.resolve(GeoIpEnricher.ASN_DB));
    }

    static void write(String databaseType, String recordsJson, Path out) throws Exception {
        Path script = script();
        Path json = Files.createTempFile(out.getParent(), "records", ".json");
        Files.writeString(json, recordsJson, StandardCharsets.UTF_8);
        Path log = Files.createTempFile(out.getParent(), "perl", ".log");
        Process p = new ProcessBuilder("perl", script.toString(), databaseType, out.toString())
                .redirectInput(json.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done && p.exitValue() == 0)
                .as("write-mmdb.pl %s failed (is libmaxmind-db-writer-perl installed? scripts/setup.sh apt): %s",
                        databaseType, Files.readString(log))
                .isTrue();
        assertThat(out).isNotEmptyFile();
    }

    private static Path script() throws URISyntaxException, IOException {
        var url = TestGeoDatabases.class.getResource("/enrich/write-mmdb.pl");
        assertThat(url).as("test resource enrich/write-mmdb.pl").isNotNull();
        return Path.of(url.toURI());
    }
}

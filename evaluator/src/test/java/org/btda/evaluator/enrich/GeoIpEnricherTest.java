package org.btda.evaluator.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.btda.common.config.Settings;
import org.btda.common.net.Networks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Lookups against small GeoLite2-City / GeoLite2-ASN databases written by MaxMind's writer at test time. */
class GeoIpEnricherTest {
    @TempDir
    static Path dbDir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(GeoIpEnricher.class);

    @BeforeAll
    static void writeDatabases() throws Exception {
        TestGeoDatabases.writeCityAndAsn(dbDir);
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
    }

    private static InetAddress ip(String literal) {
        return Networks.parseLiteral(literal);
    }

    @Test
    void ipv4AddressGetsCityCountryContinentGridCoordinatesAndAs() {
        try (GeoIpEnricher geo = GeoIpEnricher.open(dbDir, 0.1)) {
            assertThat(geo.lookup(ip("203.0.113.77"))).isEqualTo(new Enrichment("203.0.113.0/24", "Amsterdam", "NL", "EU",
                    52.4, 4.9, 64500L, "Example Transit NL", null, null));
            assertThat(geo.lookup(ip("198.51.100.9"))).isEqualTo(new Enrichment("198.51.100.0/24", "Sydney", "AU", "OC",
                    -33.9, 151.2, 64501L, "Example Cable AU", null, null));
        }
        assertThat(logs.list).isEmpty();
    }

    @Test
    void asnDatabaseIsConsultedIndependentlyOfCity() {
        try (GeoIpEnricher geo = GeoIpEnricher.open(dbDir, 0.1)) {
            // 198.51.100.200 is in the City record (/24) but outside the ASN record (/25).
            Enrichment e = geo.lookup(ip("198.51.100.200"));
            assertThat(e.city()).isEqualTo("Sydney");
            assertThat(e.asn()).isNull();
            assertThat(e.asOrg()).isNull();
        }
    }

    @Test
    void ipv6AddressIsLookedUpAndTruncatedTo48() {
        try (GeoIpEnricher geo = GeoIpEnricher.open(dbDir, 0.1)) {
            assertThat(geo.lookup(ip("2001:db8:1:2::abcd"))).isEqualTo(new Enrichment("2001:db8:1::/48", "Berlin", "DE", "EU",
                    52.5, 13.4, 64502L, "Example Fibre DE", null, null));
            Enrichment other = geo.lookup(ip("2001:db8:ffff::1"));
            assertThat(other.country()).isEqualTo("DE");
            assertThat(other.asn()).isNull();
        }
    }

    @Test
    void addressWithoutRecordsHasOnlyTheNetwork() {
        try (GeoIpEnricher geo = GeoIpEnricher.open(dbDir, 0.1)) {
            assertThat(geo.lookup(ip("192.0.2.44"))).isEqualTo(Enrichment.networkOnly("192.0.2.0/24"));
            assertThat(geo.lookup(ip("10.1.2.3"))).isEqualTo(Enrichment.networkOnly("10.1.2.0/24"));
        }
        assertThat(logs.list).isEmpty();
    }

    @Test
    void coordinatesFollowTheConfiguredGrid() {
        Settings s = Settings.defaults().with(Settings.GEOIP_DIR, dbDir).with("geoip.coordinate-grid", "1");
        try (GeoIpEnricher geo = GeoIpEnricher.open(EnrichmentConfig.from(s))) {
            Enrichment e = geo.lookup(ip("203.0.113.1"));
            assertThat(e.latitude()).isEqualTo(52.0);
            assertThat(e.longitude()).isEqualTo(5.0);
        }
        try (GeoIpEnricher geo = GeoIpEnricher.open(dbDir, 0.25)) {
            Enrichment e = geo.lookup(ip("198.51.100.1"));
            assertThat(e.latitude()).isEqualTo(-33.75);
            assertThat(e.longitude()).isEqualTo(151.25);
        }
    }

    @Test
    void missingAsnDatabaseLeavesAsColumnsEmptyWithOneWarning(@TempDir Path dir) throws Exception {
        Files.copy(dbDir.resolve(GeoIpEnricher.CITY_DB), dir.resolve(GeoIpEnricher.CITY_DB));
        try (GeoIpEnricher geo = GeoIpEnricher.open(dir, 0.1)) {
            assertThat(geo.hasCity()).isTrue();
            assertThat(geo.hasAsn()).isFalse();
            for (int i = 0; i < 100; i++) {
                Enrichment e = geo.lookup(ip("203.0.113." + i));
                assertThat(e.city()).isEqualTo("Amsterdam");
                assertThat(e.asn()).isNull();
                assertThat(e.asOrg()).isNull();
            }
        }
        assertThat(warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains(GeoIpEnricher.ASN_DB + " is missing").contains("asn, as_org").doesNotContain("city,"));
    }

    @Test
    void noDatabasesAtAllGiveEmptyColumnsAndOneWarning(@TempDir Path dir) {
        try (GeoIpEnricher geo = GeoIpEnricher.open(dir.resolve("does-not-exist"), 0.1)) {
            for (int i = 0; i < 100; i++) {
                assertThat(geo.lookup(ip("203.0.113." + i))).isEqualTo(Enrichment.networkOnly("203.0.113.0/24"));
            }
        }
        assertThat(warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains(GeoIpEnricher.CITY_DB).contains(GeoIpEnricher.COUNTRY_DB).contains(GeoIpEnricher.ASN_DB)
                .contains("city, country, continent, latitude, longitude, asn, as_org"));
    }

    @Test
    void corruptDatabaseIsReportedNotThrown(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve(GeoIpEnricher.CITY_DB), new byte[4096]);
        Files.copy(dbDir.resolve(GeoIpEnricher.ASN_DB), dir.resolve(GeoIpEnricher.ASN_DB));
        try (GeoIpEnricher geo = GeoIpEnricher.open(dir, 0.1)) {
            Enrichment e = geo.lookup(ip("203.0.113.5"));
            assertThat(e.city()).isNull();
            assertThat(e.asn()).isEqualTo(64500L);
        }
        assertThat(warnings()).singleElement().satisfies(w -> assertThat(w).contains(GeoIpEnricher.CITY_DB + " cannot be opened"));
    }

    @Test
    void countryDatabaseStandsInForAMissingCityDatabase(@TempDir Path dir) throws Exception {
        TestGeoDatabases.write("GeoLite2-Country", """
                [{"network": "203.0.113.0/24", "data": {"continent": {"code": "EU"}, "country": {"iso_code": "NL"}}}]
                """, dir.resolve(GeoIpEnricher.COUNTRY_DB));
        try (GeoIpEnricher geo = GeoIpEnricher.open(dir, 0.1)) {
            assertThat(geo.lookup(ip("203.0.113.5")))
                    .isEqualTo(new Enrichment("203.0.113.0/24", null, "NL", "EU", null, null, null, null, null, null));
        }
        assertThat(warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains("city, latitude, longitude, asn, as_org").doesNotContain("country,"));
    }

    @Test
    void concurrentLookupsAgree() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (GeoIpEnricher geo = GeoIpEnricher.open(dbDir, 0.1)) {
            List<Future<List<Enrichment>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    List<Enrichment> out = new ArrayList<>();
                    for (int i = 0; i < 2_000; i++) {
                        out.add(geo.lookup(ip(i % 2 == 0 ? "203.0.113." + (i % 256) : "2001:db8:1::" + Integer.toHexString(i))));
                    }
                    return out;
                }));
            }
            for (Future<List<Enrichment>> f : results) {
                List<Enrichment> out = f.get();
                for (int i = 0; i < out.size(); i++) {
                    assertThat(out.get(i).asn()).isEqualTo(i % 2 == 0 ? 64500L : 64502L);
                    assertThat(out.get(i).city()).isEqualTo(i % 2 == 0 ? "Amsterdam" : "Berlin");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }
}

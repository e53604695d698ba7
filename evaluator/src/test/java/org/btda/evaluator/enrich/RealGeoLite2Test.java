package org.btda.evaluator.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.btda.common.net.Networks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real GeoLite2 databases installed by {@code scripts/setup.sh geoip} under {@code data/geoip}: local lookups of
 * well-known public addresses (no traffic to them). Fails, not skips, when the databases are missing.
 */
class RealGeoLite2Test {
    private static GeoIpEnricher geo;

    @BeforeAll
    static void open() {
        Path dir = projectRoot().resolve("data/geoip");
        for (String db : new String[] {GeoIpEnricher.CITY_DB, GeoIpEnricher.ASN_DB}) {
            assertThat(Files.isRegularFile(dir.resolve(db)))
                    .as("%s missing in %s: run scripts/setup.sh geoip (installs the GeoLite2 databases)", db, dir)
                    .isTrue();
        }
        geo = GeoIpEnricher.open(dir, 0.1);
        assertThat(geo.hasCity()).isTrue();
        assertThat(geo.hasAsn()).isTrue();
    }

    @AfterAll
    static void close() {
        if (geo != null) {
            geo.close();
        }
    }

    /** The directory holding scripts/setup.sh, searched upwards from the module directory surefire runs in. */
    private static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/setup.sh"))) {
                return p;
            }
        }
        throw new AssertionError("project root (with scripts/setup.sh) not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void googlePublicDnsIsInTheUsAndGooglesAs() {
        Enrichment e = geo.lookup(Networks.parseLiteral("8.8.8.8"));
        assertThat(e.network()).isEqualTo("8.8.8.0/24");
        assertThat(e.country()).isEqualTo("US");
        assertThat(e.continent()).isEqualTo("NA");
        assertThat(e.asn()).isEqualTo(15169L);
        assertThat(e.asOrg()).containsIgnoringCase("google");
    }

    @Test
    void ripeNccIsInTheNetherlands() {
        Enrichment e = geo.lookup(Networks.parseLiteral("193.0.6.139"));
        assertThat(e.country()).isEqualTo("NL");
        assertThat(e.continent()).isEqualTo("EU");
        assertThat(e.asn()).isEqualTo(3333L);
        assertThat(e.asOrg()).containsIgnoringCase("RIPE");
    }

    @Test
    void cloudflareResolverIsCloudflaresAs() {
        Enrichment e = geo.lookup(Networks.parseLiteral("1.1.1.1"));
        assertThat(e.asn()).isEqualTo(13335L);
        assertThat(e.asOrg()).containsIgnoringCase("cloudflare");
    }

    @Test
    void googleIpv6ResolverIsInTheUs() {
        Enrichment e = geo.lookup(Networks.parseLiteral("2001:4860:4860::8888"));
        assertThat(e.network()).isEqualTo("2001:4860:4860::/48");
        assertThat(e.country()).isEqualTo("US");
        assertThat(e.asn()).isEqualTo(15169L);
    }

    @Test
    void coordinatesAreOnTheGrid() {
        Enrichment e = geo.lookup(Networks.parseLiteral("193.0.6.139"));
        assertThat(e.latitude()).isNotNull();
        assertThat(e.longitude()).isNotNull();
        // one decimal at most: x * 10 is (numerically) an integer
        assertThat(Math.abs(e.latitude() * 10 - Math.rint(e.latitude() * 10))).isLessThan(1e-6);
        assertThat(Math.abs(e.longitude() * 10 - Math.rint(e.longitude() * 10))).isLessThan(1e-6);
    }

    @Test
    void privateAndLoopbackAddressesHaveNoGeoData() {
        assertThat(geo.lookup(Networks.parseLiteral("192.168.1.20"))).isEqualTo(Enrichment.networkOnly("192.168.1.0/24"));
        assertThat(geo.lookup(Networks.parseLiteral("127.0.0.1"))).isEqualTo(Enrichment.networkOnly("127.0.0.0/24"));
    }
}

package org.btda.evaluator.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.btda.common.config.Settings;
import org.btda.common.net.Networks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GeoIP + reverse DNS (real dnsmasq on 127.0.0.1) + client name, configured from Settings as the evaluator does. */
class PeerEnricherTest {
    @TempDir
    static Path dir;
    private static Dnsmasq dns;
    private static Settings settings;

    @BeforeAll
    static void setUp() throws Exception {
        TestGeoDatabases.writeCityAndAsn(dir);
        dns = Dnsmasq.start(dir, Map.of("5.113.0.203.in-addr.arpa", "c-73-1-2-3.hsd1.ca.comcast.net",
                "6.113.0.203.in-addr.arpa", "cpc1-cmbg1-2-0-cust3.5-4.cable.example.co.uk"), List.of("113.0.203.in-addr.arpa"));
        settings = Settings.builder()
                .set("geoip.dir", dir.toString())
                .set("dns.server", dns.server())
                .set("dns.timeout", "2s")
                .set("dns.cache-size", "1000")
                .build();
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (dns != null) {
            dns.close();
        }
    }

    private static byte[] peerId(String prefix) {
        return (prefix + "abcdefghijkl").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void firstObservationHasGeoAndClientAndALaterOneAlsoTheDomain() throws Exception {
        InetAddress peer = Networks.parseLiteral("203.0.113.6");
        try (PeerEnricher enricher = PeerEnricher.create(EnrichmentConfig.from(settings))) {
            Enrichment first = enricher.enrich(peer, peerId("-TR3000-"), null);
            assertThat(first).isEqualTo(new Enrichment("203.0.113.0/24", "Amsterdam", "NL", "EU", 52.4, 4.9, 64500L,
                    "Example Transit NL", null, "Transmission 3.00"));
            // The first call started the lookup; wait for it the way a later observation would find it.
            enricher.reverseDns().domain(peer).get(10, TimeUnit.SECONDS);
            Enrichment later = enricher.enrich(peer, peerId("-TR3000-"), null);
            assertThat(later).isEqualTo(first.withDomain("example.co.uk"));
        }
    }

    @Test
    void clientFromBep10VersionWhenThePeerIdIsUnknown() throws Exception {
        InetAddress peer = Networks.parseLiteral("203.0.113.5");
        try (PeerEnricher enricher = PeerEnricher.create(EnrichmentConfig.from(settings))) {
            assertThat(enricher.enrich(peer, peerId("XXXXXXXX"), "Deluge 2.1.1").client()).isEqualTo("Deluge 2.1.1");
            assertThat(enricher.enrich(peer, peerId("-qB4620-"), "qBittorrent/4.6.2").client()).isEqualTo("qBittorrent 4.6.2");
            assertThat(enricher.enrich(peer).client()).isNull();
            enricher.reverseDns().domain(peer).get(10, TimeUnit.SECONDS);
            assertThat(enricher.enrich(peer).domain()).isEqualTo("comcast.net");
        }
    }

    @Test
    void reverseDnsCanBeSwitchedOff() {
        try (PeerEnricher enricher = PeerEnricher.create(EnrichmentConfig.from(settings.with("dns.enabled", "false")))) {
            assertThat(enricher.reverseDns()).isNull();
            Enrichment e = enricher.enrich(Networks.parseLiteral("203.0.113.5"));
            assertThat(e.domain()).isNull();
            assertThat(e.city()).isEqualTo("Amsterdam");
        }
    }

    @Test
    void enrichmentNeverCarriesTheAddress() throws Exception {
        InetAddress peer = Networks.parseLiteral("203.0.113.5");
        try (PeerEnricher enricher = PeerEnricher.create(EnrichmentConfig.from(settings))) {
            enricher.reverseDns().domain(peer).get(10, TimeUnit.SECONDS);
            Enrichment e = enricher.enrich(peer, peerId("-TR3000-"), null);
            assertThat(e.domain()).isEqualTo("comcast.net");
            assertThat(e.toString()).doesNotContain("203.0.113.5").doesNotContain("c-73-1-2-3");
        }
    }
}

package org.btda.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.btda.common.config.Settings;
import org.btda.common.net.Networks;
import org.btda.evaluator.enrich.EnrichmentConfig;
import org.junit.jupiter.api.Test;

/** The evaluator's typed settings: read from the registry, nothing defaulted twice. */
class EvaluatorServiceConfigTest {

    @Test
    void readsTheServiceSettings() {
        Settings s = Settings.defaults()
                .with("kafka.bootstrap-servers", "broker:9092")
                .with("kafka.topic-prefix", "x.")
                .with("metrics.port", "9400")
                .with("security.secret-file", "/tmp/s")
                .with("privacy.store-addresses", "true")
                .with("do-not-contact", "192.0.2.0/24")
                .with("listen.port", "7000")
                .with("passive", "true")
                .with("listen.address", "127.0.0.2")
                .with("listen.max-connections", "9")
                .with("listen.max-per-address", "3")
                .with("stats.interval", "30s")
                .with("evaluator.max-sessions", "77")
                .with("geoip.dir", "/g")
                .with("geoip.coordinate-grid", "0.5")
                .with("dns.server", "127.0.0.1:5353")
                .with("dns.timeout", "3s")
                .with("dns.cache-size", "10");
        EvaluatorServiceConfig c = EvaluatorServiceConfig.from(s);
        assertThat(c.kafka().bootstrapServers()).isEqualTo("broker:9092");
        assertThat(c.kafka().topicPrefix()).isEqualTo("x.");
        assertThat(c.metrics().port()).isEqualTo(9400);
        assertThat(c.secretFile()).isEqualTo(Path.of("/tmp/s"));
        assertThat(c.storeAddresses()).isTrue();
        assertThat(c.doNotContact().contains(Networks.parseLiteral("192.0.2.9"))).isTrue();
        assertThat(c.listenPort()).isEqualTo(7000);
        assertThat(c.listener()).contains(new EvaluatorServiceConfig.Listener(
                new InetSocketAddress(Networks.parseLiteral("127.0.0.2"), 7000), 9, 3,
                new EvaluatorServiceConfig.Follow(s.get(Settings.REVISIT_DELAY), s.get(Settings.LISTEN_FOLLOW_CAP))));
        assertThat(c.dial()).as("passive: listen only").isFalse();
        assertThat(c.statsInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.evaluator().maxSessions()).isEqualTo(77);
        assertThat(c.enrichment()).isEqualTo(new EnrichmentConfig(Path.of("/g"), 0.5, true,
                new InetSocketAddress(Networks.parseLiteral("127.0.0.1"), 5353), Duration.ofSeconds(3), 10));
    }

    @Test
    void defaultsAreTheRegistrys() {
        Settings d = Settings.defaults();
        EvaluatorServiceConfig c = EvaluatorServiceConfig.from(d);
        assertThat(c.secretFile()).isEqualTo(d.secretFile());
        assertThat(c.storeAddresses()).isEqualTo(d.get(Settings.PRIVACY_STORE_ADDRESSES));
        assertThat(c.listenPort()).isEqualTo(d.get(Settings.LISTEN_PORT));
        assertThat(c.statsInterval()).isEqualTo(d.get(Settings.STATS_INTERVAL));
        assertThat(c.metrics().enabled()).isFalse();
        assertThat(c.enrichment().geoipDir()).isEqualTo(d.get(Settings.GEOIP_DIR));
        assertThat(c.enrichment().coordinateGrid()).isEqualTo(d.get(Settings.GEOIP_COORDINATE_GRID));
        assertThat(c.enrichment().dnsEnabled()).isEqualTo(d.get(Settings.DNS_ENABLED));
        assertThat(c.enrichment().dnsServer()).as("empty dns.server = the system's").isNull();
        assertThat(c.enrichment().dnsTimeout()).isEqualTo(d.get(Settings.DNS_TIMEOUT));
        assertThat(c.enrichment().dnsCacheSize()).isEqualTo(d.get(Settings.DNS_CACHE_SIZE));
        // listen and dial by default, like the original tool
        assertThat(c.listener()).isPresent();
        assertThat(c.listener().get().bind().getPort()).isEqualTo(d.get(Settings.LISTEN_PORT));
        assertThat(c.dial()).isTrue();
    }

    @Test
    void listeningCanBeSwitchedOffButPassiveNeedsIt() {
        Settings off = Settings.defaults().with("listen.enabled", "false");
        EvaluatorServiceConfig c = EvaluatorServiceConfig.from(off);
        assertThat(c.listener()).isEmpty();
        assertThat(c.dial()).isTrue();
        assertThatThrownBy(() -> EvaluatorServiceConfig.from(off.with("passive", "true")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listen.enabled");
    }

    @Test
    void valuesOfSwitchedOffPartsAreNotValidated() {
        // a bad listen.address only matters when listening, a bad dns.server only with DNS
        Settings s = Settings.defaults().with("listen.address", "not-an-address").with("dns.server", "dns.example.com")
                .with("dns.enabled", "false").with("listen.enabled", "false");
        EvaluatorServiceConfig c = EvaluatorServiceConfig.from(s);
        assertThat(c.listener()).isEmpty();
        assertThat(c.enrichment().dnsServer()).isNull();

        assertThatThrownBy(() -> EvaluatorServiceConfig.from(s.with("listen.enabled", "true"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnrichmentConfig.from(s.with("dns.enabled", "true")))
                .hasMessageContaining("dns.server must be an IP address literal");
    }
}
